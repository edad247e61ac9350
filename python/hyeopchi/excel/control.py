"""The 실행 (control) sheet: labelled input cells found by their label text, and the status cell.

A label is a cell whose text is the label (spaces, width and a trailing ':' ignored); its
value is the first cell to the right of it. Labels may be moved anywhere on the sheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..core.issues import BookError
from ..core.values import header_key, is_blank, parse_date
from .grid import edge_value

SHEET = "실행"
STATUS = "상태"
DAY = "기준일"
MONTH = "기준월"
PERIOD_START = "평가기간 시작"
PERIOD_END = "평가기간 종료"
BODY_TYPE = "유형"
LABELS = (DAY, MONTH, PERIOD_START, PERIOD_END, BODY_TYPE)


def _key(text: Any) -> str:
    return header_key(text).rstrip(":：") if isinstance(text, str) else ""


@dataclass
class Control:
    """The values next to each label, and where they are (0-based row, col of the value)."""

    values: dict[str, Any]
    cells: dict[str, tuple[int, int]]

    def text(self, label: str) -> str | None:
        value = self.values.get(label)
        return None if is_blank(value) else str(value).strip()

    def date(self, label: str) -> dt.date:
        value = self.values.get(label)
        if label not in self.cells:
            raise BookError(f"'{SHEET}' 시트에 '{label}' 칸이 없습니다.")
        try:
            day = None if is_blank(value) else parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise BookError(f"'{SHEET}' 시트의 '{label}' 값이 날짜가 아닙니다 ('{value or ''}'). "
                            "예: 2021-03-01")
        return day

    def month(self, label: str = MONTH) -> tuple[int, int]:
        value = self.values.get(label)
        if isinstance(value, str) and value.strip():
            parts = value.strip().replace(".", "-").replace("/", "-").split("-")
            try:
                year, month = int(parts[0]), int(parts[1])
                dt.date(year, month, 1)
                return year, month
            except (ValueError, IndexError):
                pass
        try:
            day = self.date(label)
        except BookError:
            raise BookError(f"'{SHEET}' 시트의 '{label}' 값이 월이 아닙니다 ('{value or ''}'). "
                            "예: 2021-03") from None
        return day.year, day.month


def find_labels(grid: list[list[Any]], labels: tuple[str, ...] = (*LABELS, STATUS)) -> Control:
    wanted = {_key(label): label for label in labels}
    values: dict[str, Any] = {}
    cells: dict[str, tuple[int, int]] = {}
    for i, row in enumerate(grid):
        for j, text in enumerate(row):
            label = wanted.get(_key(text))
            if label is None or label in cells:
                continue
            cells[label] = (i, j + 1)
            values[label] = edge_value(row[j + 1]) if j + 1 < len(row) else None
    return Control(values, cells)


def read_control(book: Any) -> tuple[Control, Any | None]:
    """The control values and the 실행 sheet (None when the book has none)."""
    names = [s.name for s in book.sheets]
    if SHEET not in names:
        return Control({}, {}), None
    sheet = book.sheets[SHEET]
    rng = sheet.used_range
    grid = rng.options(ndim=2).value or [[]]
    control = find_labels(grid)
    r0, c0 = rng.row - 1, rng.column - 1
    control.cells = {k: (r + r0, c + c0) for k, (r, c) in control.cells.items()}
    return control, sheet
