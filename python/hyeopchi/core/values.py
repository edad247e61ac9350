"""Cell values -> typed Python values. Each parser returns the value or raises ValueError.

Dates are parsed once here; the rest of the core only ever sees datetime.date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from typing import Any, NamedTuple

EXCEL_EPOCH = dt.date(1899, 12, 30)
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
OPEN_END = dt.date(9999, 12, 31)  # written by some offices for "no end": read as blank

_DATE_RE = re.compile(
    r"^(\d{4})\s*(?:[-./]|년)\s*(\d{1,2})\s*(?:[-./]|월)\s*(\d{1,2})\s*(?:\.|일)?"
    r"(?:\s*\(?[월화수목금토일]\)?)?$"
)
_TIME_RE = re.compile(r"^(오전|오후)?\s*(\d{1,2})\s*(?::|시)\s*(\d{1,2})?\s*(?::(\d{1,2}))?\s*분?$")
_INT_RE = re.compile(r"^[+-]?\d+$")
_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))  # zero-width, BOM


def fold(text: str) -> str:
    """Width-fold (full-width digits and letters to ASCII), drop zero-width marks, trim."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).strip()


def is_blank(value: Any) -> bool:
    """None, NaN (pandas' blank) or text of spaces only."""
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def text_or_none(value: Any) -> str | None:
    """A cell as trimmed text; None when blank (see is_blank)."""
    return None if is_blank(value) else str(value).strip()


def parse_text(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    raise ValueError(value)


def parse_id(value: Any) -> str:
    return fold(parse_text(value))


def parse_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    if isinstance(value, str):
        text = fold(value).replace(",", "").rstrip("원분년명").strip()
        if _INT_RE.match(text):
            return int(text)
    raise ValueError(value)


def parse_number(value: Any) -> float | int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    if isinstance(value, str):
        text = fold(value).replace(",", "").rstrip("점").strip()
        if _INT_RE.match(text):
            return int(text)
        if _NUM_RE.match(text):
            return float(text)
    raise ValueError(value)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


_MONTH_RE = re.compile(r"^(\d{4})\s*(?:[-./]|년)\s*(\d{1,2})\s*(?:\.|월)?$")


class Month(NamedTuple):
    """A calendar month; a (year, month) tuple."""

    year: int
    month: int

    @property
    def first(self) -> dt.date:
        return month_bounds(self.year, self.month)[0]

    @property
    def last(self) -> dt.date:
        return month_bounds(self.year, self.month)[1]

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_month(value: Any) -> Month:
    """`2021-03`, `2021.3`, `2021/03`, `2021년 3월`, or a date in the month; else ValueError."""
    if isinstance(value, str):
        m = _MONTH_RE.match(fold(value))
        if m:
            year, month = int(m[1]), int(m[2])
            if 1 <= month <= 12 and MIN_DATE.year <= year <= MAX_DATE.year:
                return Month(year, month)
            raise ValueError(value)
    day = parse_date(value)
    if day is None:
        raise ValueError(value)
    return Month(day.year, day.month)


def parse_date(value: Any) -> dt.date | None:
    """A real date, an Excel serial, or Korean text forms. None for the open-end date."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466 or not float(value).is_integer():
            raise ValueError(value)
        day = EXCEL_EPOCH + dt.timedelta(days=int(value))
    elif isinstance(value, str):
        m = _DATE_RE.match(fold(value))
        if not m:
            raise ValueError(value)
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    else:
        raise ValueError(value)
    if day == OPEN_END:
        return None
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(value)
    return day


def parse_time(value: Any) -> dt.time:
    if isinstance(value, dt.datetime):
        if value.date() not in (dt.date(1899, 12, 31), dt.date(1899, 12, 30), dt.date(1900, 1, 1)):
            raise ValueError(value)
        return value.time()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 0 <= value < 1:
            raise ValueError(value)
        seconds = round(value * 86400)
        return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    if isinstance(value, str):
        m = _TIME_RE.match(fold(value))
        if not m:
            raise ValueError(value)
        hour, minute, second = int(m[2]), int(m[3] or 0), int(m[4] or 0)
        if m[1] == "오후" and hour < 12:
            hour += 12
        elif m[1] == "오전" and hour == 12:
            hour = 0
        return dt.time(hour, minute, second)
    raise ValueError(value)


PARSERS = {
    "text": parse_text,
    "id": parse_id,
    "integer": parse_integer,
    "number": parse_number,
    "date": parse_date,
    "time": parse_time,
}


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def header_key(text: Any) -> str:
    """How headers are matched: width-folded, no spaces, case-insensitive, '*' dropped."""
    if not isinstance(text, str):
        text = parse_text(text) if not is_blank(text) else ""
    return re.sub(r"\s+", "", fold(text)).rstrip("*").casefold()
