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

from .values import parse_date, parse_integer

DEFAULT_EXTRA_MINUTES = 120  # 초과기준분 blank: "2시간 이상" (seed, 예산편성 기준경비)
RATE_FRAME_COLUMNS = ("조직유형", "방식", "역할", "start", "end", "base", "extra",
                      "extra_minutes", "order")
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

    def frame(self) -> pd.DataFrame:
        """The rows as columns RATE_FRAME_COLUMNS; `order` is `find`'s scan order in a key."""
        rows = [(r.kind, r.mode, r.role, r.start, r.end, r.base, r.extra, r.extra_minutes)
                for rates in self._by_key.values() for r in rates]
        df = pd.DataFrame(rows, columns=list(RATE_FRAME_COLUMNS[:-1]), dtype=object)
        for c in ("base", "extra", "extra_minutes"):
            df[c] = df[c].astype("int64")
        return df.assign(order=np.arange(len(df)))

    def resolve(self, keys: pd.DataFrame) -> pd.DataFrame:
        """`find` for many lookups at once: `keys` has columns 조직유형, 방식, 역할 (None = no
        role) and day (datetime.date); the result, row for row, has base, extra,
        extra_minutes (int64; 0 where nothing matched) and found (bool).

        The rows of the key covering the day; one naming the role beats a blank-role one,
        then the earlier row wins, as in `find`."""
        keys = keys.reset_index(drop=True)
        out = np.zeros((len(keys), 3), "int64")
        found = np.zeros(len(keys), bool)
        hits = keys[["조직유형", "방식", "역할", "day"]].assign(key=np.arange(len(keys))).merge(
            self.frame().rename(columns={"역할": "rate_role"}), on=["조직유형", "방식"])
        day, rate_role = hits["day"], hits["rate_role"]
        end = hits["end"].where(hits["end"].notna(), dt.date.max)  # blank: open
        covers = (hits["start"] <= day).astype(bool) & (day <= end).astype(bool)
        blank = rate_role.isna().to_numpy(bool)
        specific = ~blank & (rate_role == hits["역할"]).to_numpy(bool)
        hits = hits.assign(blank=blank)[covers.to_numpy(bool) & (specific | blank)]
        hits = hits.sort_values(["key", "blank", "order"], kind="stable")
        hits = hits.drop_duplicates("key", keep="first")
        at = hits["key"].to_numpy("int64")
        out[at] = hits[["base", "extra", "extra_minutes"]].to_numpy("int64")
        found[at] = True
        return pd.DataFrame({"base": out[:, 0], "extra": out[:, 1], "extra_minutes": out[:, 2],
                             "found": found})


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
        kind, mode = _text(row.get("조직유형")), _text(row.get("방식"))
        base = _int(row.get("기본료"))
        extra = _int(row.get("초과수당")) or 0
        minutes = _int(row.get("초과기준분")) or DEFAULT_EXTRA_MINUTES
    except ValueError:
        return None
    if start is None or kind is None or mode is None or base is None:
        return None
    return Rate(start, end, kind, _text(row.get("역할")), mode, base, extra, minutes, index)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def _date(value: Any) -> dt.date | None:
    return None if _blank(value) else parse_date(value)


def _int(value: Any) -> int | None:
    return None if _blank(value) else parse_integer(value)


def _text(value: Any) -> str | None:
    return None if _blank(value) else str(value).strip()


def minutes_between(start: dt.time | None, end: dt.time | None) -> int | None:
    """Whole minutes from start to end on one day; None when unknown or not after start."""
    if start is None or end is None:
        return None
    seconds = (end.hour - start.hour) * 3600 + (end.minute - start.minute) * 60 + (
        end.second - start.second)
    return seconds // 60 if seconds > 0 else None


def allowance_for(kind: str, role: str | None, mode: str, day: Any, minutes: Any,
                  rates: Any) -> int:
    """The allowance in KRW for one attendance: 기본료 + 초과수당 when `minutes` reaches the
    row's 초과기준분; 0 when no 수당기준 row matches. `day` is a date, datetime, Excel serial
    or date text; `rates` a RateIndex, DataFrame or rows (see rate_index)."""
    index = rate_index(rates)
    when = parse_date(day)
    if when is None:
        return 0
    rate = index.find(str(kind).strip(), _text(role), str(mode).strip(), when)
    if rate is None:
        return 0
    base, extra = rate.pay(None if _blank(minutes) else int(float(minutes)))
    return base + extra


__all__: Sequence[str] = ("Rate", "RateIndex", "allowance_for", "minutes_between", "rate_index",
                          "rates_from_frame")
