"""Button handlers driven through xlwings' remote engine (`xw.Book(json=payload)`).

The payload is built from a real .xlsx with openpyxl, dates as Excel serials, the way
the VBA client sends a book; `book.json()["actions"]` is what Excel would be told to do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw
from books import small_book, write_book

from hyeopchi.excel import control as ctl
from hyeopchi.excel import handlers, layout

EPOCH = dt.datetime(1899, 12, 30)
SAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "sample" / "seodaemun-2021.xlsx"


@pytest.fixture(autouse=True)
def _remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The noncommercial key, for these tests only. xlwings reads it when first imported,
    so the remote engines are registered here if that import happened without it."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    for name in ("remote", "officejs"):
        if name not in xw.engines.engines_by_name:
            from xlwings.pro import _xlofficejs, _xlremote

            impl = {"remote": _xlremote, "officejs": _xlofficejs}[name].engine
            xw.engines.add(xw.main.Engine(impl=impl))
            monkeypatch.setattr(xw, "__pro__", True)


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
    assert ["addSheet"] == [a["func"] for a in actions(book, "addSheet")]
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
            ["평가기간 시작", "2021. 1. 1.", None, None], ["기준월", "2021.03", "상태", None]]
    control = ctl.find_labels(grid)
    assert control.date(ctl.DAY) == dt.date(2021, 3, 1)  # serial 44256 = 2021-03-01
    assert control.date(ctl.PERIOD_START) == dt.date(2021, 1, 1)
    assert control.month() == (2021, 3)
    assert control.cells[ctl.STATUS] == (3, 3)


@pytest.mark.parametrize("value", [None, "내일", 3.5], ids=["blank", "text", "fraction"])
def test_bad_date_input_names_the_label(value: Any) -> None:
    control = ctl.find_labels([["기준일", value]])
    with pytest.raises(Exception, match="'기준일' 값이 날짜가 아닙니다"):
        control.date(ctl.DAY)
