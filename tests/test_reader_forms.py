"""The pre-calamine scan sees a cell in every form calamine reads, not only Excel's own
<c r="B7">: a cell placed far away in another form is refused before calamine allocates the
rectangle (here H900000: 8 x 900,000 = 7.2 M cells, over the 6 M limit; calamine itself would
place it there, as checked below)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from corpus import NS, raw_small_book, sheet_xml, small_book

from hyeopchi.cli import main
from hyeopchi.io.reader import _Extent, _scan_block

FAR = "H900000"
CALAMINE_END = ("import sys, python_calamine as c; "
                "print(c.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name('활동').end)")


def _rows() -> list[list[object]]:
    return [[v.isoformat() if hasattr(v, "isoformat") else v for v in r]
            for r in small_book()["활동"]]


def _prefixed(xml: str) -> str:
    """The same sheet with every element under the prefix x: (as some generators write it)."""
    xml = xml.replace(NS, 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
    return re.sub(r"<(/?)(worksheet|sheetData|row|c|v|is|t)\b", r"<\1x:\2", xml)


FORMS = {
    "reference-after-another-attribute": lambda: sheet_xml(
        _rows(), extra_rows=f'<row r="9"><c s="0" r="{FAR}"><v>1</v></c></row>'),
    "reference-on-a-new-line": lambda: sheet_xml(
        _rows(), extra_rows=f'<row r="9"><c\nr="{FAR}"><v>1</v></c></row>'),
    "namespace-prefix": lambda: _prefixed(sheet_xml(
        _rows(), extra_rows=f'<row r="9"><c r="{FAR}"><v>1</v></c></row>')),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_far_cell_in_any_form_is_refused(form: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = raw_small_book(tmp_path / "book.xlsx", 활동=FORMS[form]())
    # calamine places the cell at H900000 (in a child: its 7.2 M cells stay out of this process,
    # whose peak memory later children would inherit)
    end = subprocess.run([sys.executable, "-c", CALAMINE_END, str(path)], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert end == "(899999, 7)"
    assert main(["validate", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert "'활동' 시트의 사용 범위가 너무 큽니다 (A1:H900000" in err, err


def test_prefixed_sheet_of_normal_size_reads_clean(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = raw_small_book(tmp_path / "book.xlsx", 활동=_prefixed(sheet_xml(_rows())))
    assert main(["validate", str(path), "--json"]) == 0, capsys.readouterr().err


def _extent(block: bytes, last_col: int = 5) -> tuple[int, int, int]:
    extent = _Extent()
    extent.last_col = last_col
    _scan_block(block, extent)
    return extent.last_row, extent.last_col, extent.cells


@pytest.mark.parametrize(("block", "expected"), [
    # (last row, last column, valued cells), worked out from the XML by hand
    pytest.param(b'<row r="7"><c r="A7"><v>1</v></c><c r="E7"><v>2</v></c></row>', (7, 5, 2),
                 id="in-order"),
    pytest.param(b'<row r="7"><c r="A90"><v>1</v></c></row><row r="8"><c r="A8"><v>1</v></c>'
                 b"</row>", (90, 5, 2), id="earlier-cell-in-a-later-row"),
    pytest.param(b'<row r="7"><c r="A7"><v>1</v></c><c r="B95" s="1"/></row>', (7, 5, 1),
                 id="styled-empty-cell-below-does-not-count"),
    pytest.param(b'<row r="7"><c r="A7"><v>1</v></c><c r="G3"><v>1</v></c>'
                 b'<c r="B7"><v>1</v></c></row>', (7, 7, 3), id="later-column-earlier-row"),
    pytest.param(b'<row r="9"><c r="A9"><v>1</v></c><c r="A1000"><v>1</v></c>'
                 b'<c r="B99"><v>1</v></c></row>', (1000, 5, 3), id="longer-row-number"),
    pytest.param(b'<row r="9"><c r="E900000"><v>1</v></c><c r="A0000009"><v>1</v></c></row>',
                 (900000, 5, 2), id="last-reference-with-leading-zeros"),
])
def test_scan_block_extent(block: bytes, expected: tuple[int, int, int]) -> None:
    assert _extent(block) == expected
