"""Hostile files: entity expansion, external entities, zip bombs, absurd sheet extents.

Each is refused with one Korean line (exit 2), and the refusal is measured in a fresh process:
wall time and peak memory (ru_maxrss of that process, which includes Python, pandas and
calamine already loaded: about 90 MB). The child also runs under an address-space limit, so a
regression fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import hashlib
import json
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import openpyxl.xml
import pytest
import python_calamine
from corpus import LAUGHS, XXE, raw_book, raw_small_book, sheet_xml, small_book
from defusedxml import DefusedXmlException

from hyeopchi.cli import main
from hyeopchi.io import package

PYTHON = Path(__file__).resolve().parents[1] / "python"
SECONDS = 10.0  # every refusal below takes 0.2-2 s here; the bound leaves room for slow CI
MEGABYTES = 250  # peak RSS of the whole process; a refused bomb must not inflate into memory
CHILD = r"""
import contextlib, io, json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
start = time.perf_counter()
from hyeopchi.cli import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(["validate", sys.argv[1], "--json"])
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(),
                  "seconds": time.perf_counter() - start,
                  "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    mb: float


def run_measured(path: Path) -> Run:
    """`hyeopchi validate PATH --json` in a fresh process: its result, time and peak memory."""
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, check=False,
                          text=True, timeout=120, env={"PYTHONPATH": str(PYTHON)})
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return Run(**json.loads(proc.stdout))


def assert_refused(path: Path, fragment: str) -> Run:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    run = run_measured(path)
    line = run.err.strip()
    assert (run.code, run.out) == (2, ""), run
    assert "\n" not in line and fragment in line, line
    assert run.seconds < SECONDS, run
    assert run.mb < MEGABYTES, run
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return run


# --- XML entities ---------------------------------------------------------------------------

def _members_with(prolog: str) -> Callable[[Path], Path]:
    """위원 with a DTD, and a cell that uses its entity (&lol9; would be 3 GB of 'lol')."""
    entity = "&lol9;" if "lol" in prolog else "&xxe;"
    cell = f'<row r="9"><c r="K9" t="inlineStr"><is><t>{entity}</t></is></c></row>'
    return lambda folder: raw_small_book(
        folder / "book.xlsx", 위원=sheet_xml(small_book()["위원"], prolog=prolog, extra_rows=cell))


def _workbook_with(prolog: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        return raw_book(folder / "book.xlsx", {"활동": sheet_xml(small_book()["활동"])},
                        workbook_prolog=prolog)
    return build


def _shared_strings_with(prolog: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        strings = (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<sst xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                   f'<si><t>{"&lol9;" if "lol" in prolog else "&xxe;"}</t></si></sst>')
        sheet = sheet_xml([["위원ID", "조직ID", "역할", "시작일"]],
                          extra_rows='<row r="2"><c r="A2" t="s"><v>0</v></c></row>')
        return raw_book(folder / "book.xlsx", {"활동": sheet}, shared_strings=strings)
    return build


ENTITY_BOOKS = [
    pytest.param(_members_with(LAUGHS), id="billion-laughs-in-sheet"),
    pytest.param(_workbook_with(LAUGHS), id="billion-laughs-in-workbook-xml"),
    pytest.param(_shared_strings_with(LAUGHS), id="billion-laughs-in-shared-strings"),
    pytest.param(_members_with(XXE), id="external-entity-in-sheet"),
    pytest.param(_workbook_with(XXE), id="external-entity-in-workbook-xml"),
    pytest.param(_shared_strings_with(XXE), id="external-entity-in-shared-strings"),
]


@pytest.mark.parametrize("build", ENTITY_BOOKS)
def test_entity_declarations_are_refused_quickly(build: Callable[[Path], Path],
                                                 tmp_path: Path) -> None:
    assert_refused(build(tmp_path), "DTD(엔티티 선언)")


@pytest.mark.parametrize("build", [
    pytest.param(_members_with(LAUGHS), id="billion-laughs"),
    pytest.param(_members_with(XXE), id="external-entity"),
])
def test_calamine_itself_never_expands_entities(build: Callable[[Path], Path],
                                                tmp_path: Path) -> None:
    """Our DTD check aside, the Rust parser refuses unknown entities instead of expanding."""
    workbook = python_calamine.CalamineWorkbook.from_path(str(build(tmp_path)))
    with pytest.raises(Exception, match="entity"):
        workbook.get_sheet_by_name("위원").to_python()


def test_openpyxl_parses_with_defusedxml(tmp_path: Path) -> None:
    assert openpyxl.xml.DEFUSEDXML is True
    for build in (_members_with(LAUGHS), _workbook_with(XXE)):
        folder = tmp_path / str(id(build))
        folder.mkdir()
        with pytest.raises(ValueError) as caught:
            openpyxl.load_workbook(build(folder))
        assert isinstance(caught.value.__cause__ or caught.value.__context__, DefusedXmlException)


# --- zip bombs ------------------------------------------------------------------------------

def _zeros(total: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    block = b"\0" * chunk
    for _ in range(total // chunk):
        yield block


def _bomb(folder: Path, megabytes: int) -> Path:
    """A book whose 위원 sheet inflates to `megabytes` MB of zeros (written streaming)."""
    return raw_book(folder / "bomb.xlsx", {"위원": _zeros(megabytes << 20)}, level=9)


@pytest.mark.slow
def test_zip_bomb_600_mb_refused_from_the_directory(tmp_path: Path) -> None:
    path = _bomb(tmp_path, 600)
    assert path.stat().st_size < 1 << 20  # 600 MB of zeros in ~600 KB
    run = assert_refused(path, "압축 폭탄")
    assert run.seconds < 5


def _understate_size(path: Path, part: str, declared: int) -> None:
    """Rewrite the zip so `part` claims to inflate to `declared` bytes (a lying header)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(part)
        start = zf.start_dir  # type: ignore[attr-defined]
    struct.pack_into("<I", data, info.header_offset + 22, declared)  # local header
    pos = start
    while data[pos:pos + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<HHH", data, pos + 28)
        if data[pos + 46:pos + 46 + n].decode() == part:
            struct.pack_into("<I", data, pos + 24, declared)  # central directory
        pos += 46 + n + m + k
    path.write_bytes(bytes(data))


def test_zip_bomb_with_understated_size_refused_while_inflating(tmp_path: Path) -> None:
    path = raw_book(tmp_path / "liar.xlsx", {"위원": _zeros(300 << 20)})
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size == 300 << 20
    _understate_size(path, "xl/worksheets/sheet1.xml", 1000)
    assert_refused(path, "실제 크기")


def test_part_over_the_size_limit_refused(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package, "MAX_PART_BYTES", 100_000)
    path = raw_small_book(tmp_path / "b.xlsx",
                          위원=sheet_xml(small_book()["위원"] + [[f"P{i}", f"{i:x}" * 9] for i in
                                                               range(5000)]))
    assert main(["validate", str(path)]) == 2


def test_total_over_the_size_limit_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(package, "MAX_TOTAL_BYTES", 5_000)
    path = raw_small_book(tmp_path / "b.xlsx")
    assert main(["validate", str(path)]) == 2
    assert "압축 해제 크기가 너무 큽니다" in capsys.readouterr().err


def test_too_many_parts_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(package, "MAX_PARTS", 5)
    path = raw_small_book(tmp_path / "b.xlsx")
    assert main(["validate", str(path)]) == 2
    assert "항목이 너무 많습니다" in capsys.readouterr().err


def test_part_with_other_compression_refused(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = raw_small_book(tmp_path / "b.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_BZIP2) as zf:
        zf.writestr("xl/media/image1.bin", b"\0" * 1000)
    assert main(["validate", str(path)]) == 2
    assert "압축 방식을 지원하지 않습니다" in capsys.readouterr().err


def test_corrupted_part_data_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = raw_small_book(tmp_path / "b.xlsx")
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + 20] ^= 0xFF  # flip bits in the stream
    path.write_bytes(bytes(data))
    assert main(["validate", str(path)]) == 2
    assert "손상" in capsys.readouterr().err


# --- absurd sheet extents -------------------------------------------------------------------

HEADER = small_book()["활동"][:2]


def _activities(folder: Path, before: str = "", extra_rows: str = "") -> Path:
    rows = [[v.isoformat() if hasattr(v, "isoformat") else v for v in r] for r in HEADER]
    return raw_small_book(folder / "book.xlsx",
                          활동=sheet_xml(rows, before=before, extra_rows=extra_rows))


def test_cell_at_xfd1048576_refused_before_calamine_allocates(tmp_path: Path) -> None:
    # calamine would allocate the whole A1:XFD1048576 rectangle (512 GB) and abort.
    path = _activities(tmp_path, '<dimension ref="A1:XFD1048576"/>',
                       '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    assert_refused(path, "사용 범위가 너무 큽니다 (A1:XFD1048576")


def test_cell_far_to_the_right_refused_by_area(tmp_path: Path) -> None:
    path = _activities(tmp_path, extra_rows='<row r="400"><c r="XFD400"><v>1</v></c></row>')
    assert_refused(path, "사용 범위가 너무 큽니다 (A1:XFD400")


def test_row_number_of_5000_digits_refused(tmp_path: Path) -> None:
    path = _activities(tmp_path, extra_rows=f'<row><c r="A{"9" * 5000}"><v>1</v></c></row>')
    assert_refused(path, "행이 너무 많습니다")


def test_absurd_dimension_alone_is_read(tmp_path: Path) -> None:
    """Only cells count: a stale <dimension> or styled empty cells far away are harmless."""
    path = _activities(tmp_path, '<dimension ref="A1:XFD1048576"/>',
                       '<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    run = run_measured(path)
    assert run.code == 0 and json.loads(run.out)["ok"] is True, run
    assert run.seconds < SECONDS and run.mb < MEGABYTES, run


READ_CHILD = r"""
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
start = time.perf_counter()
from hyeopchi.io.reader import read_book
df = read_book(sys.argv[1], ["활동"]).df("활동")
print(json.dumps({"rows": len(df), "last": str(df["시작일"].iloc[-1]),
                  "seconds": time.perf_counter() - start,
                  "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@pytest.mark.slow
def test_million_row_sheet_is_read_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Excel's full height (1,048,576 rows x 5 columns): read, ~18 s and ~0.9 GB here."""
    from corpus import million_rows

    path = raw_small_book(tmp_path / "book.xlsx", 활동=million_rows())
    proc = subprocess.run([sys.executable, "-c", READ_CHILD, str(path)], check=False,
                          capture_output=True,
                          text=True, timeout=300, env={"PYTHONPATH": str(PYTHON)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    run = json.loads(proc.stdout)
    assert (run["rows"], run["last"]) == (1_048_575, "2019-01-01")  # serial 43466
    assert run["seconds"] < 90 and run["mb"] < 1600, run


# --- safe output: what hyeopchi writes never turns user text into formulas, never touches VBA --

FORMULA_TEXT = {  # (sheet, cell) -> text a user typed; each ends up quoted in 검증결과
    ("활동", "D2"): '=HYPERLINK("http://example.invalid/?"&A1,"보기")',
    ("위원", "C3"): "+당연직",
    ("조직", "E2"): "-2+3",
    ("활동", "B3"): "@SUM(1,2)",
    ("위원", "B4"): "=1+1",  # a name is free text: no issue, never quoted
}


def _formula_text_book(path: Path) -> Path:
    from books import new_workbook

    wb = new_workbook(small_book())
    for (sheet, ref), text in FORMULA_TEXT.items():
        cell = wb[sheet][ref]
        cell.value = text
        cell.data_type = "s"  # typed as text in Excel (e.g. with a leading apostrophe)
    wb.save(path)
    return path


def _sheet_xml(path: Path, name: str) -> bytes:
    from hyeopchi.io.package import sheet_parts

    with zipfile.ZipFile(path) as zf:
        return zf.read(sheet_parts(zf)[name])


def test_validate_out_writes_formula_like_user_text_as_text(tmp_path: Path) -> None:
    src = _formula_text_book(tmp_path / "book.xlsx")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "out.xlsx"
    assert main(["validate", str(src), "--out", str(out)]) == 1
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    xml = _sheet_xml(out, "검증결과")
    assert b"<f>" not in xml and b"<f " not in xml
    workbook = python_calamine.CalamineWorkbook.from_path(str(out))
    shown = {v for row in workbook.get_sheet_by_name("검증결과").to_python() for v in row}
    quoted = [t for k, t in FORMULA_TEXT.items() if k != ("위원", "B4")]
    assert set(quoted) <= shown  # the 값 column holds each text exactly, as a string
    assert any(isinstance(v, str) and v.startswith("활동!D2:") and "HYPERLINK" in v for v in shown)


def _with_vba(path: Path) -> bytes:
    """Turn the .xlsx at `path` into an .xlsm with xlwings' VBA project; returns its bytes."""
    import xlwings

    template = min(Path(xlwings.__file__).parent.glob("*.xlsm"))
    with zipfile.ZipFile(template) as z:
        vba = z.read("xl/vbaProject.bin")
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    parts["xl/vbaProject.bin"] = vba
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        b"<Default ", b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
        b'vbaProject"/><Default ', 1)
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/'
        b'office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return vba


def test_in_place_validate_keeps_the_vba_project_byte_identical(tmp_path: Path) -> None:
    src = _formula_text_book(tmp_path / "book.xlsx").rename(tmp_path / "book.xlsm")
    vba = _with_vba(src)
    original = src.read_bytes()
    assert main(["validate", str(src), "--in-place"]) == 1
    with zipfile.ZipFile(src) as zf:
        assert zf.read("xl/vbaProject.bin") == vba
        assert "검증결과" in zf.read("xl/workbook.xml").decode()
    backups = [p for p in tmp_path.iterdir() if p.name != src.name and p.suffix != ".xlsx"]
    assert [p.read_bytes() for p in backups] == [original]  # the .bak is the untouched original
