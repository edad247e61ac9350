"""Button handlers driven through xlwings' remote engine (`xw.Book(json=payload)`).

The payload is built from a real .xlsx with openpyxl, dates as Excel serials, the way
the VBA client sends a book; `book.json()["actions"]` is what Excel would be told to do.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw
from books import small_book, write_book
from fakes import FakeDesktop

from hyeopchi.core.issues import BookError
from hyeopchi.excel import control as ctl
from hyeopchi.excel import handlers, layout
from hyeopchi.excel.handlers import job_options
from hyeopchi.jobs import JOBS

EPOCH = dt.datetime(1899, 12, 30)
SAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "sample" / "seodaemun-2021.xlsx"


pytestmark = pytest.mark.usefixtures("remote_engine", "desktop")


def serial(value: Any) -> Any:
    """A cell value as the VBA client sends it: dates and times as serial numbers."""
    if isinstance(value, dt.datetime):
        return (value - EPOCH).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - EPOCH.date()).days)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    return value


def payload_from_xlsx(path: Path, client: str = "VBA") -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [[serial(v) for v in row] for row in ws.iter_rows(values_only=True)] or [[None]]
        sheet: dict[str, Any] = {"name": ws.title, "values": values, "pictures": [],
                                 "tables": []}
        if client == "Office.js":
            sheet["notes"] = []
        sheets.append(sheet)
    wb.close()
    return {"client": client, "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": sheets}


def open_book(tmp_path: Path, sheets: dict[str, list[list[Any]]], client: str = "VBA") -> Any:
    path = write_book(tmp_path / "book.xlsx", {"실행": layout.control_rows(), **sheets})
    return xw.Book(json=payload_from_xlsx(path, client))


def actions(book: Any, func: str | None = None) -> list[dict[str, Any]]:
    return [a for a in book.json()["actions"] if func is None or a["func"] == func]


def sheet_index(book: Any, name: str) -> int:
    return [s.name for s in book.sheets].index(name)


def status_written(book: Any) -> str:
    """The text written into the 상태 cell (right of its label on 실행)."""
    row = layout.STATUS_ROW - 1
    found = [a for a in actions(book, "setValues")
             if a["sheet_position"] == sheet_index(book, ctl.SHEET)
             and a["start_row"] == row and a["start_column"] == 1]
    assert found, "no status written"
    return str(found[-1]["values"][0][0])


def written(book: Any, sheet: str) -> list[list[Any]]:
    """The rows written into `sheet` by setValues, as one grid (the engine does not echo them)."""
    cells: dict[tuple[int, int], Any] = {}
    for a in actions(book, "setValues"):
        if a["sheet_position"] != sheet_index(book, sheet):
            continue
        for i, row in enumerate(a["values"]):
            for j, v in enumerate(row):
                cells[(a["start_row"] + i, a["start_column"] + j)] = v
    rows = 1 + max((r for r, _ in cells), default=-1)
    cols = 1 + max((c for _, c in cells), default=-1)
    return [[cells.get((r, c)) for c in range(cols)] for r in range(rows)]


def planted() -> dict[str, list[list[Any]]]:
    """small_book with two faults: 위원!C3 구분 '위촉' (not an option), 활동!D4 not a date.

    The second makes P3 no member of C01, so P3's 출석 row (출석!B4) is a warning.
    """
    sheets = small_book()
    sheets["위원"][2][2] = "위촉"
    sheets["활동"][3][3] = "2021-13-45"
    return sheets


def test_validate_marks_planted_cells_and_adds_result_sheet(tmp_path: Path) -> None:
    book = open_book(tmp_path, planted())
    run = handlers.validate(book)
    assert run.sheets == ["검증결과"]
    assert [a["func"] for a in actions(book, "addSheet")] == ["addSheet"]
    assert actions(book, "addSheet")[0]["args"][1] == "검증결과"
    fills = {(a["sheet_position"], a["start_row"], a["start_column"]): a["args"][0]
             for a in actions(book, "setRangeColor") if a["sheet_position"] != sheet_index(
                 book, "검증결과")}
    assert fills == {(sheet_index(book, "위원"), 2, 2): "#ffc7ce",
                     (sheet_index(book, "활동"), 3, 3): "#ffc7ce",
                     (sheet_index(book, "출석"), 3, 1): "#ffeb9c"}
    status = status_written(book)
    assert "오류 2건, 경고 1건" in status and "표시한 셀 3개" in status and "초" in status


def test_validate_result_sheet_lists_each_fault_with_its_cell(tmp_path: Path) -> None:
    book = open_book(tmp_path, planted())
    handlers.validate(book)
    grid = written(book, "검증결과")
    assert grid[3][:3] == ["구분", "시트", "셀"]
    cells = {(r[1], r[2]) for r in grid if r and r[0] == "오류"}
    assert cells == {("위원", "C3"), ("활동", "D4")}


def test_validate_links_each_fault_to_its_cell_with_the_message(
        tmp_path: Path, desktop: FakeDesktop) -> None:
    # notes need Office.js; with the VBA client the result sheet's links carry the messages.
    # The links are drawn by the renderer into the sheet Excel copies in (the CLI's too).
    book = open_book(tmp_path, planted())
    handlers.validate(book)
    ws = openpyxl.load_workbook(io.BytesIO(desktop.rendered("검증결과")))["검증결과"]
    links = {c.hyperlink.location: (c.coordinate, c.hyperlink.tooltip)
             for row in ws.iter_rows() for c in row if c.hyperlink}
    assert set(links) == {"'위원'!C3", "'활동'!D4", "'출석'!B4"}
    assert links["'위원'!C3"][1].startswith("위원!C3: '구분' 값 '위촉'")
    assert all(cell.startswith("C") and int(cell[1:]) >= 5 for cell, _ in links.values())
    assert "셀 링크" in status_written(book)


def test_validate_clean_book_marks_nothing(tmp_path: Path) -> None:
    book = open_book(tmp_path, small_book())
    run = handlers.validate(book)
    assert run.ok
    assert [a for a in actions(book, "setRangeColor") if a["args"][0] in ("#ffc7ce", "#ffeb9c")] == []
    assert "오류와 경고가 없습니다" in status_written(book)


def test_validate_rerun_clears_previous_marks_and_replaces_sheet(tmp_path: Path) -> None:
    sheets = planted()
    old = [["검증결과: 오류 1건"], [None], [None],
           ["구분", "시트", "셀", "행", "열", "코드", "내용", "값"],
           ["오류", "조직", "B3", 3, "조직명", "required-value", "x", None]]
    path = write_book(tmp_path / "b.xlsx", {"실행": layout.control_rows(), **sheets,
                                             "검증결과": old})
    book = xw.Book(json=payload_from_xlsx(path))
    handlers.validate(book)
    cleared = [a for a in actions(book, "setRangeColor") if a["args"][0] is None]
    assert [(a["start_row"], a["start_column"]) for a in cleared] == [(2, 1)]
    assert cleared[0]["sheet_position"] == sheet_index(book, "조직")
    assert [s.name for s in book.sheets].count("검증결과") == 1
    assert "sheetDelete" in {a["func"] for a in actions(book)}


def test_validate_adds_notes_where_the_client_supports_them(tmp_path: Path) -> None:
    book = open_book(tmp_path, planted(), client="Office.js")
    handlers.validate(book)
    notes = actions(book, "addNote")
    assert {a["args"][0] for a in notes} == {"$C$3", "$D$4", "$B$4"}
    assert all("[hyeopchi]" in a["args"][1] for a in notes)
    assert "메모를 달 수 없어" not in status_written(book)


def test_validate_rerun_deletes_its_old_notes_office_js(tmp_path: Path) -> None:
    old = [["검증결과"], [None], [None], ["구분", "시트", "셀", "행", "열", "코드", "내용", "값"],
           ["오류", "조직", "B3", 3, "조직명", "required-value", "x", None]]
    path = write_book(tmp_path / "b.xlsx", {"실행": layout.control_rows(), **small_book(),
                                             "검증결과": old})
    payload = payload_from_xlsx(path, client="Office.js")
    next(s for s in payload["sheets"] if s["name"] == "조직")["notes"] = [{"address": "$B$3"}]
    book = xw.Book(json=payload)
    handlers.validate(book)
    deleted = actions(book, "deleteNote")
    assert [(a["sheet_position"], a["args"][0]) for a in deleted] == [
        (sheet_index(book, "조직"), "$B$3")]


def test_missing_sheet_becomes_korean_status_not_exception(tmp_path: Path) -> None:
    sheets = small_book()
    del sheets["활동"]
    book = open_book(tmp_path, sheets)
    run = handlers.validate(book)
    assert not run.ok
    assert "'활동' 시트가 없습니다" in status_written(book)


def test_unexpected_error_becomes_korean_status(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(handlers, "read_open_book", broken)
    book = open_book(tmp_path, small_book())
    run = handlers.validate(book)
    assert not run.ok
    assert status_written(book).startswith("검증 중 예상하지 못한 오류가 발생했습니다 (RuntimeError: boom)")


def test_book_without_control_sheet_gets_one_for_the_status(tmp_path: Path) -> None:
    path = write_book(tmp_path / "b.xlsx", small_book())
    book = xw.Book(json=payload_from_xlsx(path))
    handlers.validate(book)
    assert book.sheets[0].name == ctl.SHEET
    status_row = written(book, ctl.SHEET)[0]
    assert status_row[0] == ctl.STATUS and "검증 완료" in status_row[1]


def test_labels_are_found_wherever_they_stand() -> None:
    grid = [[None, None, None, None], [None, None, " 기준일 :", 44256.0],
            ["평가기간 시작", "2021. 1. 1.", None, None], ["평가기간 종료", "2021년 12월 31일"],
            ["기준월", "2021.03", "상태", None]]
    control = ctl.find_labels(grid)
    assert job_options(JOBS["overlap"], control).date == dt.date(2021, 3, 1)  # serial 44256
    period = job_options(JOBS["attendance"], control)
    assert (period.start, period.end) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert tuple(job_options(JOBS["allowance"], control).month) == (2021, 3)
    assert control.cells[ctl.STATUS] == (4, 3)


@pytest.mark.parametrize("value", [None, "내일", 3.5], ids=["blank", "text", "fraction"])
def test_bad_date_input_names_the_label(value: Any) -> None:
    control = ctl.find_labels([["기준일", value]])
    with pytest.raises(BookError, match="'실행' 시트의 '기준일' 값이"):
        job_options(JOBS["overlap"], control)


def test_a_missing_label_is_named() -> None:
    control = ctl.find_labels([["기준일", 44256.0]])
    with pytest.raises(BookError, match="'실행' 시트에 '기준월' 칸이 없습니다"):
        job_options(JOBS["allowance"], control)


def test_a_month_typed_into_a_cell_arrives_as_a_date_and_still_counts() -> None:
    # Excel turns "2021-03" typed in a cell into the date 2021-03-01 (serial 44256)
    control = ctl.find_labels([["기준월", 44256.0]])
    assert tuple(job_options(JOBS["report"], control).month) == (2021, 3)


# --- every button on the bundled sample (workbook/sample/seodaemun-2021.xlsx) ---------

BUTTON_CASES = [
    # handler, result sheets, CLI arguments the 실행 sheet's defaults stand for
    pytest.param("validate", ["검증결과"], [], id="validate"),
    pytest.param("overlap", ["중복활동현황"], ["--date", "2021-03-01"], id="overlap"),
    pytest.param("attendance", ["출석현황", "평가점수"], ["--from", "2021-01-01", "--to", "2021-12-31"],
                 id="attendance"),
    pytest.param("allowance", ["수당지급_2021-03"], ["--month", "2021-03"], id="allowance"),
    pytest.param("report", ["위해촉_2021-03"], ["--month", "2021-03"], id="report"),
    pytest.param("review", ["운영점검"], ["--date", "2021-03-01"], id="review"),
    pytest.param("screen", ["심사결과"], [], id="screen"),
]


def _cli_json(path: Path, name: str, options: list[str], tmp_path: Path) -> Any:
    import contextlib
    import io
    import json

    from hyeopchi.cli import main

    out = io.StringIO()
    extra = ["--out", str(tmp_path / "cli-out.xlsx")] if name == "report" else []
    with contextlib.redirect_stdout(out):
        main([name, str(path), "--json", *options, *extra])
    return json.loads(out.getvalue())


@pytest.mark.parametrize(("name", "sheets", "options"), BUTTON_CASES)
def test_button_on_sample_writes_its_sheets_and_status_like_the_cli(
        sample_with_control: Path, tmp_path: Path, name: str, sheets: list[str],
        options: list[str]) -> None:
    import json

    book = xw.Book(json=payload_from_xlsx(sample_with_control))
    run = getattr(handlers, name)(book)
    assert run.ok, run.status
    added = [a["args"][1] for a in actions(book, "addSheet")]
    assert added == sheets
    for sheet in sheets:
        assert written(book, sheet), sheet
    status = status_written(book)
    assert status == run.status and status.startswith(run.outcome.summary.rstrip(". "))
    assert status.endswith(")") and "초," in status
    # the same core as the CLI: the button's result is the CLI's JSON for the same options
    cli = _cli_json(sample_with_control, name, options, tmp_path)
    assert json.loads(json.dumps(run.outcome.payload, ensure_ascii=False, default=str)) == cli


def test_overlap_button_on_sample_reports_the_seeds_figures(sample_with_control: Path) -> None:
    book = xw.Book(json=payload_from_xlsx(sample_with_control))
    run = handlers.overlap(book)
    # seed 중복활동현황 on 2021-03-01: 488 seats held by 281 people
    assert run.outcome.payload["people"] == 281
    assert run.outcome.payload["by_type"]["합계"] == 488
    assert "488" in status_written(book) and "281" in status_written(book)


def test_report_chart_comes_in_with_the_rendered_sheet(
        sample_with_control: Path, desktop: FakeDesktop) -> None:
    # the remote engine cannot add charts; the chart is in the file desktop Excel copies from
    book = xw.Book(json=payload_from_xlsx(sample_with_control))
    run = handlers.report(book)
    assert len(run.outcome.sheets[0].charts) == 1
    with zipfile.ZipFile(io.BytesIO(desktop.rendered("위해촉_2021-03"))) as zf:
        assert [n for n in zf.namelist() if n.startswith("xl/charts/chart")] == [
            "xl/charts/chart1.xml"]
    assert "생략" not in status_written(book)


def test_rerun_replaces_the_result_sheet(sample_with_control: Path) -> None:
    book = xw.Book(json=payload_from_xlsx(sample_with_control))
    handlers.overlap(book)
    handlers.overlap(book)
    assert [s.name for s in book.sheets].count("중복활동현황") == 1
    # the old sheet steps aside, the new one comes in, then the old one goes
    assert [a["func"] for a in actions(book)
            if a["func"] in ("addSheet", "setSheetName", "sheetDelete")] == [
        "addSheet", "setSheetName", "addSheet", "sheetDelete"]


def test_bad_day_on_control_sheet_becomes_korean_status(tmp_path: Path) -> None:
    rows = layout.control_rows()
    rows[2][1] = "3월 1일쯤"  # 기준일
    path = write_book(tmp_path / "b.xlsx", {"실행": rows, **small_book()})
    book = xw.Book(json=payload_from_xlsx(path))
    run = handlers.overlap(book)
    assert not run.ok
    assert status_written(book).startswith(
        "중복활동 현황 실패: '실행' 시트의 '기준일' 값이 날짜가 아닙니다: 3월 1일쯤 (예: 2021-03-01)")
    assert actions(book, "addSheet") == []


def test_unknown_body_type_becomes_korean_status(tmp_path: Path) -> None:
    rows = layout.control_rows()
    rows[6][1] = "동아리"  # 유형
    path = write_book(tmp_path / "b.xlsx", {"실행": rows, **small_book()})
    book = xw.Book(json=payload_from_xlsx(path))
    run = handlers.attendance(book)
    assert not run.ok and "'실행' 시트의 '유형' 값이 허용된 값이 아닙니다: 동아리" in status_written(book)


def test_validate_on_sample_marks_planted_faults(sample_with_control: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(sample_with_control)
    members = {c.value: c.column_letter for c in wb["위원"][1]}
    spans = {c.value: c.column_letter for c in wb["활동"][1]}
    wb["위원"][f"{members['구분']}10"] = "임명직"            # not 당연직/위촉직
    wb["활동"][f"{spans['시작일']}20"] = "2021-02-30"         # no such day
    wb["활동"][f"{spans['조직ID']}30"] = "NOPE"               # unknown body
    path = tmp_path / "planted.xlsx"
    wb.save(path)
    book = xw.Book(json=payload_from_xlsx(path))
    run = handlers.validate(book)
    assert not run.ok
    red = {(a["sheet_position"], a["start_row"], a["start_column"])
           for a in actions(book, "setRangeColor") if a["args"][0] == "#ffc7ce"}
    col = openpyxl.utils.column_index_from_string
    assert red == {(sheet_index(book, "위원"), 9, col(members["구분"]) - 1),
                   (sheet_index(book, "활동"), 19, col(spans["시작일"]) - 1),
                   (sheet_index(book, "활동"), 29, col(spans["조직ID"]) - 1)}
    assert "오류 3건" in status_written(book)


def test_screen_button_reads_the_seats_from_the_control_sheet(tmp_path: Path) -> None:
    from hyeopchi.excel import control as ctl

    rows = layout.control_rows()
    seats_row = next(r for r in rows if r[0] == ctl.SEATS)
    seats_row[1] = 1  # 선정 인원
    judged = [["신청자ID", "성명", "심사위원", "대표성", "전문성", "자발성"],
              ["A1", "가람", "J1", 30, 30, 30], ["A2", "나래", "J1", 20, 20, 20]]
    path = write_book(tmp_path / "b.xlsx", {"실행": rows, **small_book(), "심사": judged})
    book = xw.Book(json=payload_from_xlsx(path))
    run = handlers.screen(book)
    assert run.ok, run.status
    # by hand: one seat, no 성별 column: A1 (90) is selected, A2 (60) is outside the seat
    assert [(a["id"], a["selected"]) for a in run.outcome.payload["applicants"]] == [
        ("A1", True), ("A2", False)]
    assert "1석 중 1명 선정" in status_written(book)
