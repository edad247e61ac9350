"""The 수당기준 table as a lookup: which rate row pays an attendance, and how much.

Pure and fast: rows are indexed once by (조직유형, 방식); a lookup scans the few rows of one
key. Used by the allowance job and by the Excel UDF `allowance_for`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .values import is_blank, parse_date, parse_integer, text_or_none

DEFAULT_EXTRA_MINUTES = 120  # 초과기준분 blank: "2시간 이상" (seed, 예산편성 기준경비)
RATE_COLUMNS = ("적용시작일", "적용종료일", "조직유형", "역할", "방식", "기본료", "초과수당",
                "초과기준분")


@dataclass(frozen=True, slots=True)
class Rate:
    start: dt.date
    end: dt.date | None  # inclusive; None = open
    kind: str
    role: str | None  # None = any role
    mode: str
    base: int
    extra: int
    extra_minutes: int
    row: int | None = None  # the 수당기준 row, when read from a sheet

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def pay(self, minutes: int | None) -> tuple[int, int]:
        """(기본료, 초과수당) for a meeting of `minutes` (None: times unknown, no extra)."""
        extra = self.extra if minutes is not None and minutes >= self.extra_minutes else 0
        return self.base, extra


class RateIndex:
    """Rate rows keyed by (조직유형, 방식); `find` picks the row for a role on a day."""

    def __init__(self, rates: Iterable[Rate]) -> None:
        self._by_key: dict[tuple[str, str], list[Rate]] = {}
        for rate in rates:
            self._by_key.setdefault((rate.kind, rate.mode), []).append(rate)

    def find(self, kind: str, role: str | None, mode: str, day: dt.date) -> Rate | None:
        """The row naming `role` if any covers `day`, else the blank-role row, else None."""
        fallback = None
        for rate in self._by_key.get((kind, mode), ()):
            if not rate.covers(day):
                continue
            if rate.role is not None and rate.role == role:
                return rate
            if rate.role is None and fallback is None:
                fallback = rate
        return fallback

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    def resolve(self, keys: pd.DataFrame) -> pd.DataFrame:
        """`find` for each row of `keys` (columns 조직유형, 방식, 역할 (None = no role) and day,
        a datetime.date); the result, row for row, has base, extra, extra_minutes (int64; 0
        where nothing matched) and found (bool). Callers pass distinct keys: a month's
        lookups are a few thousand at most, however many 출석 rows share them."""
        rates = [self.find(kind, text_or_none(role), mode, day) for kind, mode, role, day in zip(
            keys["조직유형"].tolist(), keys["방식"].tolist(), keys["역할"].tolist(),
            keys["day"].tolist(), strict=True)]
        return pd.DataFrame({
            "base": np.array([0 if r is None else r.base for r in rates], "int64"),
            "extra": np.array([0 if r is None else r.extra for r in rates], "int64"),
            "extra_minutes": np.array([0 if r is None else r.extra_minutes for r in rates],
                                      "int64"),
            "found": np.array([r is not None for r in rates], bool)})


def rates_from_frame(df: pd.DataFrame) -> RateIndex:
    """Index the typed 수당기준 table; rows missing a key value (validation errors) are skipped."""
    return RateIndex(r for r in (_rate(dict(zip(df.columns, values, strict=True)), row)
                                 for row, values in zip(df.index, df.itertuples(index=False),
                                                        strict=True)) if r is not None)


def rate_index(rates: Any) -> RateIndex:
    """A RateIndex from a RateIndex, a DataFrame, or rows (dicts, or sequences in RATE_COLUMNS
    order, optionally headed by a header row as an Excel range gives them)."""
    if isinstance(rates, RateIndex):
        return rates
    if isinstance(rates, pd.DataFrame):
        return _cached(tuple(_row_key(dict(zip(rates.columns, v, strict=True)))
                             for v in rates.itertuples(index=False)))
    rows = list(rates)
    if rows and not isinstance(rows[0], Mapping):
        header = [str(x).strip() if x is not None else "" for x in rows[0]]
        if "기본료" in header:
            rows = [dict(zip(header, r, strict=False)) for r in rows[1:]]
        else:
            rows = [dict(zip(RATE_COLUMNS, r, strict=False)) for r in rows]
    return _cached(tuple(_row_key(r) for r in rows))


@lru_cache(maxsize=32)
def _cached(rows: tuple[tuple[Any, ...], ...]) -> RateIndex:
    return RateIndex(r for r in (_rate(dict(zip(RATE_COLUMNS, row, strict=True)), None)
                                 for row in rows) if r is not None)


def _row_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(_hashable(row.get(c)) for c in RATE_COLUMNS)


def _hashable(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):  # NaN
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _rate(row: Mapping[str, Any], index: int | None) -> Rate | None:
    try:
        start = _date(row.get("적용시작일"))
        end = _date(row.get("적용종료일"))
        kind, mode = text_or_none(row.get("조직유형")), text_or_none(row.get("방식"))
        base = _int(row.get("기본료"))
        extra = _int(row.get("초과수당")) or 0
        minutes = _int(row.get("초과기준분")) or DEFAULT_EXTRA_MINUTES
    except ValueError:
        return None
    if start is None or kind is None or mode is None or base is None:
        return None
    return Rate(start, end, kind, text_or_none(row.get("역할")), mode, base, extra, minutes, index)


def _date(value: Any) -> dt.date | None:
    return None if is_blank(value) else parse_date(value)


def _int(value: Any) -> int | None:
    return None if is_blank(value) else parse_integer(value)


def minutes_between(start: dt.time | None, end: dt.time | None) -> int | None:
    """Whole minutes from start to end on one day; None when unknown or not after start."""
    if start is None or end is None:
        return None
    seconds = (end.hour - start.hour) * 3600 + (end.minute - start.minute) * 60 + (
        end.second - start.second)
    return seconds // 60 if seconds > 0 else None


def allowance_for(kind: str, role: str | None, mode: str, day: dt.date, minutes: Any,
                  rates: Any) -> int:
    """The allowance in KRW for one attendance: 기본료 + 초과수당 when `minutes` reaches the
    row's 초과기준분; 0 when no 수당기준 row matches. `day` is a date (a datetime counts by
    its date; the UDF edge parses serials and text); `rates` a RateIndex, DataFrame or rows
    (see rate_index)."""
    if not isinstance(day, dt.date):
        raise TypeError(f"day must be a date, not {day!r}")
    when = day.date() if isinstance(day, dt.datetime) else day
    index = rate_index(rates)
    rate = index.find(str(kind).strip(), text_or_none(role), str(mode).strip(), when)
    if rate is None:
        return 0
    base, extra = rate.pay(None if is_blank(minutes) else int(float(minutes)))
    return base + extra


__all__: Sequence[str] = ("Rate", "RateIndex", "allowance_for", "minutes_between", "rate_index",
                          "rates_from_frame")
