"""Fail closed: a book whose sheets cannot be located for the safety scan is refused with a
Korean reason (exit 2), never read unchecked; a merge list that cannot be read refuses the sheet.
"""

from __future__ import annotations

import zipfile
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from corpus import raw_small_book

from hyeopchi.cli import main
from hyeopchi.core.issues import BookError
from hyeopchi.io import reader

RELS = "xl/_rels/workbook.xml.rels"


def _rewritten(src: Path, dest: Path, replace: dict[str, bytes | None]) -> Path:
    """A copy of the zip at `src` with some parts replaced (None: left out)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                new = replace[info.filename]
                if new is not None:
                    zout.writestr(info.filename, new)
            else:
                zout.writestr(info, zin.read(info.filename))
    return dest


def _book(tmp_path: Path, change: Any) -> Path:
    src = raw_small_book(tmp_path / "src.xlsx")
    with zipfile.ZipFile(src) as zf:
        rels = zf.read(RELS).decode()
    return _rewritten(src, tmp_path / "book.xlsx", change(rels))


# raw_small_book lists 위원, 조직, 활동, ... in that order: 활동 is rId3 -> worksheets/sheet3.xml
CASES = {
    "relationships-part-missing": (lambda rels: {RELS: None},
                                   "'xl/_rels/workbook.xml.rels' 항목이 없어"),
    "relationships-part-not-xml": (lambda rels: {RELS: b"<Relationships"}, "올바른 XML이 아니어서"),
    "sheet-relationship-missing": (
        lambda rels: {RELS: rels.replace('Id="rId3"', 'Id="rId99"').encode()},
        "'활동' 시트의 XML 항목('관계 없음')"),
    "sheet-part-missing": (lambda rels: {"xl/worksheets/sheet3.xml": None},
                           "'활동' 시트의 XML 항목('xl/worksheets/sheet3.xml')이 파일에 없어"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_book_that_cannot_be_scanned_is_refused(case: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    change, fragment = CASES[case]
    path = _book(tmp_path, change)
    before = path.read_bytes()
    assert main(["validate", str(path), "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert fragment in err and "\n" not in err.strip() and "Traceback" not in err, err
    assert path.read_bytes() == before


def test_sheet_calamine_lists_but_the_scan_never_saw_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The workbook part names no sheets for the scan (as if its names differed from
    # calamine's): every sheet is still read by calamine, so the book must be refused.
    monkeypatch.setattr(reader, "sheet_parts", lambda zf: {})
    with pytest.raises(BookError, match="'위원' 시트의 XML 항목을 찾을 수 없어"):
        reader.read_book(raw_small_book(tmp_path / "book.xlsx"))


class _SheetWithBrokenMerges:
    """A calamine sheet whose merge list raises (no file found makes calamine do this, so the
    path is driven with a stand-in: before, the error was swallowed and merges left unfilled)."""

    start = (0, 0)

    def __init__(self, grid: list[list[Any]]) -> None:
        self.grid = grid

    def to_python(self, skip_empty_area: bool = True) -> list[list[Any]]:
        return self.grid

    @property
    def merged_cell_ranges(self) -> Any:
        raise RuntimeError("merge list unreadable")


class _Workbook:
    sheet_names = ("활동",)

    def get_sheet_by_name(self, name: str) -> _SheetWithBrokenMerges:
        return _SheetWithBrokenMerges([["위원ID", "조직ID", "역할", "시작일", "종료일"],
                                       ["P1", "C01", "위원", 43466, None]])


def test_unreadable_merge_list_refuses_the_sheet() -> None:
    refusal = r"'활동' 시트를 읽을 수 없습니다 \(merge list unreadable\)"
    opened: Future[list[str]] = Future()
    opened.set_result(["활동"])
    with pytest.raises(BookError, match=refusal):
        reader._read_sheet({"workbook": _Workbook()}, opened, "활동")


def test_a_sheet_no_command_reads_is_still_checked(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # The reader scans the input sheets as it inflates them and leaves the other sheets' parts
    # to be inflated afterwards: a damaged one (here '메모', never read) must still refuse.
    from corpus import sheet_xml, small_book

    sheets: dict[str, Any] = {name: sheet_xml(
        [[v.isoformat() if hasattr(v, "isoformat") else v for v in row] for row in rows])
        for name, rows in small_book().items()}
    sheets["메모"] = sheet_xml([["메모"], *([f"내용 {i}"] for i in range(2000))])
    from corpus import raw_book

    path = raw_book(tmp_path / "book.xlsx", sheets)
    part = f"xl/worksheets/sheet{len(sheets)}.xml"
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(part)
    data = bytearray(path.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + 40] ^= 0xFF  # flip bits in the stream
    path.write_bytes(bytes(data))
    assert main(["validate", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert "손상" in err and part in err, err
