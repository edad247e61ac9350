"""Every button's result sheets are the CLI's: the same formatting and page setup, property by
property, for the same book and parameters.

The button runs on xlwings' remote engine (a JSON copy of the sample book with the 실행
sheet's default inputs); desktop Excel's part (copying the rendered sheets in, PDF, status bar)
is tests/fakes.FakeDesktop, which keeps the file Excel would copy from. That file's sheets are
compared with the sheets `hyeopchi COMMAND --out` grafted into a copy of the same book: values,
number formats, fonts, fills, borders, alignment, merges, widths, heights, frozen panes, page
setup (paper, orientation, fit, margins, print titles, print area, header/footer), autofilter,
links and charts. Desktop Excel's Sheet.copy carries all of these (README: what only desktop
Excel does).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.styles
import pytest
import xlwings as xw
from fakes import FakeDesktop
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet
from test_excel_handlers import payload_from_xlsx, status_written

from hyeopchi import __version__
from hyeopchi.cli import main
from hyeopchi.excel import control as ctl
from hyeopchi.excel import handlers, layout

SAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "sample" / "seodaemun-2021.xlsx"

pytestmark = pytest.mark.usefixtures("remote_engine")

# button handler -> the CLI arguments that the 실행 sheet's defaults (layout.INPUTS: 기준일
# 2021-03-01, 기준월 2021-03, 평가기간 2021-01-01..2021-12-31, 유형 전체, 성명 가림 N) stand for
CLI_ARGS = {
    "validate": [],
    "overlap": ["--date", "2021-03-01"],
    "attendance": ["--from", "2021-01-01", "--to", "2021-12-31"],
    "allowance": ["--month", "2021-03"],
    "report": ["--month", "2021-03"],
    "review": ["--date", "2021-03-01"],
    "screen": [],
}


def _color(c: Any) -> Any:
    return None if c is None else (c.type, c.rgb if c.type == "rgb" else c.value, c.tint)


def cell_properties(ws: Worksheet) -> dict[str, tuple[Any, ...]]:
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c, MergedCell):  # shown by the range's first cell; openpyxl keeps
                out[c.coordinate] = ("merged", tuple(  # only the edges' borders
                    s.style for s in (c.border.left, c.border.right, c.border.top,
                                      c.border.bottom)))
                continue
            if not c.has_style:  # the book's default style: the host book's, either way
                out[c.coordinate] = (c.value, "default")
                continue
            f, fill, b, a = c.font, c.fill, c.border, c.alignment
            out[c.coordinate] = (
                c.value, c.number_format,
                (f.name, f.sz, f.b, f.i, f.u, f.strike, _color(f.color), f.charset),
                (fill.fill_type, _color(fill.fgColor) if fill.fill_type else None),
                tuple((s.style, _color(s.color) if s.style else None)
                      for s in (b.left, b.right, b.top, b.bottom)),
                (a.horizontal, a.vertical, a.wrap_text, a.indent, a.text_rotation))
    return out


def sheet_properties(ws: Worksheet) -> dict[str, Any]:
    ps, pm, hf = ws.page_setup, ws.page_margins, ws.oddHeader
    widths = {}
    for key, dim in ws.column_dimensions.items():
        if dim.width:
            for col in range(dim.min or openpyxl.utils.column_index_from_string(key),
                             (dim.max or openpyxl.utils.column_index_from_string(key)) + 1):
                widths[col] = dim.width
    return {
        "merges": sorted(str(r) for r in ws.merged_cells.ranges),
        "widths": widths,
        "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
        "freeze": ws.freeze_panes,
        "paper": ps.paperSize, "orientation": ps.orientation,
        "fit": (ws.sheet_properties.pageSetUpPr.fitToPage
                if ws.sheet_properties.pageSetUpPr else None, ps.fitToWidth, ps.fitToHeight),
        "scale": ps.scale,
        "margins": (pm.left, pm.right, pm.top, pm.bottom, pm.header, pm.footer),
        "centered": (ws.print_options.horizontalCentered, ws.print_options.verticalCentered),
        "print_titles": (ws.print_title_rows, ws.print_title_cols),
        "print_area": ws.print_area,
        "header": (hf.left.text, hf.center.text, hf.right.text),
        "footer": (ws.oddFooter.left.text, ws.oddFooter.center.text, ws.oddFooter.right.text),
        "autofilter": ws.auto_filter.ref,
        "links": sorted((c.coordinate, c.hyperlink.location, c.hyperlink.tooltip)
                        for row in ws.iter_rows() for c in row if c.hyperlink),
        "charts": [(type(ch).__name__, ch.anchor._from.row, ch.anchor._from.col)
                   for ch in ws._charts],
    }


def chart_xml(data: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [zf.read(n) for n in sorted(zf.namelist()) if n.startswith("xl/charts/chart")]


@pytest.mark.parametrize("handler", [b[2] for b in layout.BUTTONS if b[2] in CLI_ARGS])
def test_button_sheets_carry_exactly_the_clis_formatting_and_page_setup(
        sample_with_control: Path, tmp_path: Path, handler: str) -> None:
    desktop = FakeDesktop()
    book = xw.Book(json=payload_from_xlsx(sample_with_control))
    run = handlers.run_job(handler, book, desktop)
    assert run.sheets, run.status
    out = tmp_path / "cli.xlsx"
    assert main([handler, str(sample_with_control), *CLI_ARGS[handler], "--out", str(out)]) in (0, 1)
    cli = openpyxl.load_workbook(out)
    assert [i.names for i in desktop.inserted] == [run.sheets]
    rendered_bytes = desktop.inserted[0].data
    rendered = openpyxl.load_workbook(io.BytesIO(rendered_bytes))
    assert rendered.sheetnames == run.sheets
    for name in run.sheets:
        mine, theirs = rendered[name], cli[name]
        assert cell_properties(mine) == cell_properties(theirs), name
        assert sheet_properties(mine) == sheet_properties(theirs), name
    # charts: the same chart parts the CLI wrote (graft copies them byte for byte)
    cli_charts = [c for c in chart_xml(out.read_bytes()) if c in chart_xml(rendered_bytes)]
    assert cli_charts == chart_xml(rendered_bytes)


def test_every_button_is_compared() -> None:
    # a new button needs its CLI arguments above (and the job registry has the same names)
    assert {b[2] for b in layout.BUTTONS} - {"doctor"} == set(CLI_ARGS)


def test_the_comparison_sees_a_difference(sample_with_control: Path) -> None:
    # the property lists above are sensitive: each kind of change shows
    desktop = FakeDesktop()
    handlers.run_job("report", xw.Book(json=payload_from_xlsx(sample_with_control)), desktop)
    ws = openpyxl.load_workbook(io.BytesIO(desktop.inserted[0].data))["위해촉_2021-03"]
    sheet, cells = sheet_properties(ws), cell_properties(ws)
    ws.page_setup.orientation = "portrait" if sheet["orientation"] == "landscape" else "landscape"
    ws.page_margins.left = 2.0
    ws.column_dimensions["A"].width = 3
    changed = sheet_properties(ws)
    assert [k for k in sheet if sheet[k] != changed[k]] == ["widths", "orientation", "margins"]
    filled = next(c for c, p in cells.items() if len(p) > 3 and p[3][0] == "solid")
    ws[filled].fill = openpyxl.styles.PatternFill(None)
    ws["A1"].font = openpyxl.styles.Font(name="Arial")
    after = cell_properties(ws)
    assert {c for c in cells if cells[c] != after[c]} == {filled, "A1"}


# --- progress, version, files beside the book (desktop through the fake) ----------------

def test_progress_shows_in_status_and_status_bar_and_names_the_version(
        sample_with_control: Path) -> None:
    desktop = FakeDesktop()
    book = xw.Book(json=payload_from_xlsx(sample_with_control))
    run = handlers.run_job("allowance", book, desktop)
    label = "수당 계산"
    assert desktop.status == [f"hyeopchi {label}: 시트 읽는 중…", f"hyeopchi {label}: 계산 중…",
                              f"hyeopchi {label}: 결과 시트 만드는 중…",
                              f"hyeopchi {label}: 보고서 파일(.xlsx, .pdf) 저장 중…", None]
    writes = [a["values"][0][0] for a in book.json()["actions"] if a["func"] == "setValues"
              and a["sheet_position"] == 0 and a["start_row"] == layout.STATUS_ROW - 1]
    assert writes[:3] == [f"{label}: 시트 읽는 중… (hyeopchi {__version__})",
                          f"{label}: 계산 중… (hyeopchi {__version__})",
                          f"{label}: 결과 시트 만드는 중… (hyeopchi {__version__})"]
    assert writes[-1] == run.status == status_written(book)
    assert run.status.endswith(f", hyeopchi {__version__})")


def test_failure_status_names_the_version_too(tmp_path: Path) -> None:
    rows = layout.control_rows()
    rows[3][1] = "13월"  # 기준월
    wb = openpyxl.Workbook()
    wb.active.title = ctl.SHEET
    for row in rows:
        wb.active.append(row)
    wb.save(tmp_path / "b.xlsx")
    desktop = FakeDesktop()
    run = handlers.run_job("allowance", xw.Book(json=payload_from_xlsx(tmp_path / "b.xlsx")),
                           desktop)
    assert not run.ok
    assert run.status.startswith("수당 계산 실패: '실행' 시트의 '기준월' 값이")
    assert run.status.endswith(f", hyeopchi {__version__})")
    assert desktop.inserted == [] and desktop.status[-1] is None


def test_documents_are_saved_beside_a_saved_book(sample_with_control: Path, tmp_path: Path) -> None:
    payload = payload_from_xlsx(sample_with_control)
    payload["book"]["name"] = str(tmp_path / "협치.xlsm")  # a saved book: its full name
    desktop = FakeDesktop()
    run = handlers.run_job("report", xw.Book(json=payload), desktop)
    xlsx, pdf = tmp_path / "협치 위해촉_2021-03.xlsx", tmp_path / "협치 위해촉_2021-03.pdf"
    assert desktop.pdfs == [("위해촉_2021-03", pdf)]  # Excel prints the copied sheet
    assert f"파일: {xlsx.name}, {pdf.name} ({tmp_path})" in run.status
    saved = openpyxl.load_workbook(xlsx)
    assert saved.sheetnames == ["위해촉_2021-03"]
    copied = openpyxl.load_workbook(io.BytesIO(desktop.inserted[0].data))["위해촉_2021-03"]
    assert cell_properties(saved["위해촉_2021-03"]) == cell_properties(copied)
    assert sheet_properties(saved["위해촉_2021-03"]) == sheet_properties(copied)


def test_unsaved_book_says_where_files_would_go(sample_with_control: Path) -> None:
    desktop = FakeDesktop()
    run = handlers.run_job("report", xw.Book(json=payload_from_xlsx(sample_with_control)), desktop)
    assert desktop.pdfs == []
    assert "통합문서를 저장하면 같은 폴더에 보고서 파일(.xlsx, .pdf)도 만듭니다" in run.status


def test_jobs_not_for_filing_save_no_files(sample_with_control: Path, tmp_path: Path) -> None:
    payload = payload_from_xlsx(sample_with_control)
    payload["book"]["name"] = str(tmp_path / "협치.xlsm")
    desktop = FakeDesktop()
    handlers.run_job("overlap", xw.Book(json=payload), desktop)
    assert desktop.pdfs == [] and list(tmp_path.iterdir()) == []


def test_rerun_puts_the_new_sheet_where_the_old_one_was(sample_with_control: Path) -> None:
    desktop = FakeDesktop()
    book = xw.Book(json=payload_from_xlsx(sample_with_control))
    handlers.run_job("overlap", book, desktop)
    handlers.run_job("screen", book, desktop)
    handlers.run_job("overlap", book, desktop)
    names = [s.name for s in book.sheets]
    assert names[-2:] == ["중복활동현황", "심사결과"]
    assert [i.after for i in desktop.inserted] == [None, None, names[-3]]


# --- 설치 확인 (the doctor button) -----------------------------------------------------------

def test_doctor_button_writes_its_sheet_and_status_here(sample_with_control: Path) -> None:
    desktop = FakeDesktop()
    book = xw.Book(json=payload_from_xlsx(sample_with_control))
    run = handlers.doctor(book, desktop)
    assert run.sheets == ["설치확인"]
    assert run.status.startswith("설치 확인: 문제 0건. 결과 시트: 설치확인.")
    assert run.status.endswith(f", hyeopchi {__version__})") and run.ok
    ws = openpyxl.load_workbook(io.BytesIO(desktop.rendered("설치확인")))["설치확인"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    table = rows[rows.index(["항목", "결과", "내용 (문제면 해결 방법)"]) + 1:]
    checks = {r[0]: (r[1], r[2]) for r in table if r[0] and r[1]}
    # an unsaved book (the remote engine gives no folder): the book checks say so
    assert checks["hyeopchi 버전"][0] == "건너뜀"
    for label in ("신뢰할 수 있는 위치", "VBA 프로젝트 개체 모델 액세스", "Excel 비트"):
        assert checks[label] == ("건너뜀",
                                 "Windows가 아니어서 확인하지 않았습니다 (레지스트리 없음).")
    assert desktop.status[-1] is None


def test_doctor_button_on_a_saved_office_workbook_checks_it_and_leaves_a_report(
        tmp_path: Path) -> None:
    office = Path(__file__).resolve().parents[1] / "workbook" / "hyeopchi.xlsm"
    copy = tmp_path / "hyeopchi.xlsm"
    copy.write_bytes(office.read_bytes())
    payload = payload_from_xlsx(copy)
    payload["book"]["name"] = str(copy)
    desktop = FakeDesktop()
    run = handlers.doctor(xw.Book(json=payload), desktop)
    assert f"파일: 설치확인.txt ({tmp_path})" in run.status
    text = (tmp_path / "설치확인.txt").read_bytes().decode("utf-8-sig").split("\r\n")
    assert text[1] == f"통합문서: {copy}"
    assert f"[정상] hyeopchi 버전: {__version__} (통합문서와 같음)" in text
    assert f"[정상] xlwings 버전: {xw.__version__} (통합문서의 xlwings 모듈과 같음)" in text
    assert text[-2].startswith("결과: 문제 0건, 건너뜀 ")  # Windows checks: not here


def test_links_stay_on_their_cells_when_pages_cut_a_table() -> None:
    # two long tables: the first is cut at page breaks and its header repeated on each page
    from hyeopchi.core.pagelayout import paginate
    from hyeopchi.core.sheetspec import Block, SheetSpec

    def table(row: int, n: int, tag: str) -> Block:
        values = [["셀", "내용"], *[[f"{tag}{k}", "x"] for k in range(1, n + 1)]]
        return Block(row, 0, values, header_rows=1,
                     links={(k, 0): (f"'{tag}'!{values[k][0]}", "tip") for k in range(1, n + 1)})

    spec = paginate(SheetSpec("표", blocks=[table(0, 150, "A"), table(152, 150, "B")]))
    heads = [b for b in spec.blocks if b.values and b.values[0] == ["셀", "내용"]]
    assert len(heads) > 2  # the tables were cut and their headers repeated
    linked = [(b.values[i][j], loc) for b in spec.blocks for (i, j), (loc, _) in b.links.items()]
    assert sorted(shown for shown, _ in linked) == sorted(
        [f"A{k}" for k in range(1, 151)] + [f"B{k}" for k in range(1, 151)])
    for shown, location in linked:  # each link sits on the cell naming its target
        assert location == f"'{shown[0]}'!{shown}"


def test_the_real_desktop_says_so_in_korean_off_the_desktop(sample_with_control: Path) -> None:
    # xlwings' remote engine cannot open a second book: the real seam refuses in one line
    from hyeopchi.excel.desktop import XlwingsDesktop

    book = xw.Book(json=payload_from_xlsx(sample_with_control))
    run = handlers.run_job("overlap", book, XlwingsDesktop())
    assert not run.ok
    assert run.status.startswith("중복활동 현황 실패: 이 Excel 환경에서는 결과 시트를 붙일 수 없습니다")


def test_a_failed_copy_leaves_the_old_result_sheet(sample_with_control: Path) -> None:
    from hyeopchi.excel.desktop import XlwingsDesktop

    book = xw.Book(json=payload_from_xlsx(sample_with_control))
    handlers.run_job("overlap", book, FakeDesktop())
    before = [s.name for s in book.sheets]
    run = handlers.run_job("overlap", book, XlwingsDesktop())  # refuses off the desktop
    assert not run.ok
    assert [s.name for s in book.sheets] == before
