"""Small workbooks for tests, built by code (openpyxl), never committed as binaries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

D = dt.date

MEMBERS = [
    ["위원ID", "성명", "구분", "신분", "소속", "위촉일", "해촉일", "해촉사유", "연락처"],
    ["P1", "김가람", "당연직", "공무원", "민관협치과", None, None, None, "02-330-1234"],
    ["P2", "이나래", "위촉직", "민간", "주민", D(2019, 10, 11), None, None, "010-0000-0002"],
    ["P3", "박다온", "위촉직", "구의원", "구의회", D(2019, 10, 11), None, None, None],
    ["P4", "최라온", "위촉직", "민간", "주민", D(2020, 1, 1), None, None, None],
]
BODIES = [
    ["조직ID", "조직명", "유형", "상위조직ID", "정원"],
    ["C01", "서대문 협치회의", "협치회의", None, 50],
    ["B01", "기반구축분과", "분과위원회", None, 11],
    ["W01", "의제발굴", "워킹그룹", "B01", 8],
]
MEMBERSHIPS = [
    ["위원ID", "조직ID", "역할", "시작일", "종료일"],
    ["P1", "C01", "의장", D(2019, 10, 11), None],
    ["P2", "C01", "위원", D(2019, 10, 11), None],
    ["P3", "C01", "위원", D(2019, 10, 11), None],
    ["P2", "B01", "분과장", D(2020, 1, 1), None],
    ["P2", "W01", "리더", D(2020, 1, 1), None],
    ["P4", "W01", "일반", D(2020, 1, 1), None],
]
MEETINGS = [
    ["회의ID", "조직ID", "회차", "일자", "방식", "시작시각", "종료시각"],
    ["C01-10", "C01", 10, D(2019, 11, 20), "오프라인", dt.time(15), dt.time(17)],
    ["W01-1", "W01", 1, D(2021, 3, 10), "온라인", dt.time(19), dt.time(20, 30)],
]
ATTENDANCE = [
    ["회의ID", "위원ID", "출석", "대리인", "방식"],
    ["C01-10", "P1", "대리출석", "정대리", None],
    ["C01-10", "P2", "출석", None, None],
    ["C01-10", "P3", "불참", None, None],
    ["W01-1", "P2", "출석", None, None],
    ["W01-1", "P4", "출석", None, "오프라인"],
]
RATES = [
    ["적용시작일", "적용종료일", "조직유형", "역할", "방식", "기본료", "초과수당", "초과기준분"],
    [D(2019, 1, 1), None, "협치회의", None, "오프라인", 70000, 30000, None],
    [D(2019, 1, 1), D(2021, 2, 28), "협치회의", None, "온라인", 35000, 15000, None],
    [D(2021, 3, 1), None, "협치회의", None, "온라인", 50000, 20000, None],
    [D(2019, 1, 1), None, "워킹그룹", "리더", "오프라인", 30000, 0, None],
    [D(2019, 1, 1), None, "워킹그룹", None, "오프라인", 20000, 0, None],
    [D(2021, 3, 1), None, "워킹그룹", "리더", "온라인", 30000, 0, None],
    [D(2021, 3, 1), None, "워킹그룹", None, "온라인", 20000, 0, None],
]


def small_book() -> dict[str, list[list[Any]]]:
    """A tiny valid book: fresh lists, safe to edit in a test."""
    return {name: [list(r) for r in rows] for name, rows in (
        ("위원", MEMBERS), ("조직", BODIES), ("활동", MEMBERSHIPS), ("회의", MEETINGS),
        ("출석", ATTENDANCE), ("수당기준", RATES))}


def new_workbook(sheets: dict[str, list[list[Any]]]) -> openpyxl.Workbook:
    """Each sheet's rows from A1; dates get a date format so Excel shows them as dates."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, dt.time):
                    cell.number_format = "hh:mm"
    return wb


def write_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    new_workbook(sheets).save(path)
    return path
