"""Scalar rules as plain functions: the core calls them, and each is ready to bind as an Excel UDF.

Pure: exact arithmetic (Fraction) wherever a value is compared against a threshold. Numbers
may be Fraction, Decimal, int or float. A day argument is a datetime.date (or datetime): the
UDF edge (excel/udf_common.py) turns Excel serials and date text into dates. Cells of a
range passed in (a 활동 table) are read like sheet cells (core.values).

To add a function: append it below the last section with its own short docstring, and list
it in `__all__`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from .membership import active_mask, as_datetime
from .rates import allowance_for  # re-exported: 참석수당 for one attendance (see rates.py)
from .values import is_blank, parse_date, text_or_none

__all__ = [
    "RateLike",
    "activity_count",
    "allowance_for",
    "as_date",
    "as_fraction",
    "attendance_rate",
    "half_up_units",
    "round_half_up",
    "score_band",
]

RateLike = Fraction | Decimal | int | float

# ---------------------------------------------------------------------------------------------
# Numbers


def as_fraction(x: RateLike) -> Fraction:
    """`x` as an exact Fraction. A float is taken as the decimal it prints as (0.6 -> 3/5),
    which is what a person typed into a cell, not its binary approximation."""
    if isinstance(x, bool):
        raise TypeError("rate must be a number, not a bool")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, Decimal)):
        return Fraction(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ValueError(f"not a finite number: {x}")
        return Fraction(repr(x))
    raise TypeError(f"not a number: {x!r}")


def round_half_up(x: RateLike, digits: int = 0) -> float:
    """`x` rounded half away from zero to `digits` decimals, for display only.

    round_half_up(0.0625, 3) == 0.063 (shown as 6.3%); round_half_up(Fraction(37, 48), 3)
    == 0.771 (77.083% shown as 77.1%). Python's round() would give 0.062 for the first.
    """
    exact = as_fraction(x)
    units = half_up_units(abs(exact.numerator), exact.denominator, digits)
    return float(Fraction(units if exact >= 0 else -units, 10 ** digits))


def half_up_units(numerator: Any, denominator: Any, digits: int) -> Any:
    """floor(10^digits * numerator / denominator + 1/2), the half-up rounding rule in units of
    10^-digits, in integers: for int or numpy integer arrays, numerator >= 0, denominator > 0."""
    return (2 * 10 ** digits * numerator + denominator) // (2 * denominator)


# ---------------------------------------------------------------------------------------------
# Attendance and scores (지역사회혁신계획 평가지표 4-1-1, 4-1-2)

BANDS: tuple[tuple[Fraction, bool, float], ...] = (
    # (threshold, inclusive, score): the first band the rate reaches wins.
    (Fraction(4, 5), True, 2.0),    # 80% 이상
    (Fraction(3, 5), True, 1.5),    # 60% 이상
    (Fraction(2, 5), False, 1.0),   # 40% 초과
)


def score_band(rate: RateLike) -> float:
    """Score of an attendance rate (a fraction 0..1) on the exact value.

    >= 80% -> 2, >= 60% -> 1.5, > 40% -> 1, otherwise 0. Exactly 80% is 2, exactly 60% is
    1.5, exactly 40% is 0. Raises ValueError outside 0..1 (80 instead of 0.8 is a mistake).
    """
    r = as_fraction(rate)
    if not 0 <= r <= 1:
        raise ValueError(f"rate must be between 0 and 1, got {rate}")
    for threshold, inclusive, score in BANDS:
        if r > threshold or (inclusive and r == threshold):
            return score
    return 0.0


def attendance_rate(expected: int, attended: int) -> Fraction | None:
    """attended / expected as an exact Fraction; None when nobody was expected."""
    expected, attended = int(expected), int(attended)
    if expected < 0 or attended < 0 or attended > expected:
        raise ValueError(f"attended {attended} of expected {expected} is impossible")
    return Fraction(attended, expected) if expected else None


# ---------------------------------------------------------------------------------------------
# Memberships

MEMBERSHIP_COLUMNS = ("위원ID", "조직ID", "역할", "시작일", "종료일")


def activity_count(memberships: Any, member_id: str, day: dt.date, members: Any = None) -> int:
    """How many distinct bodies `member_id` is active in on `day` (the 2. rule of the contract).

    `memberships`: the 활동 table as a DataFrame, a sequence of mappings, or a 2-D list (an
    Excel range) with the header row first, or without it in the order 위원ID, 조직ID, 역할,
    시작일, 종료일. `members` (optional, same shapes, or a mapping 위원ID -> 해촉일) supplies
    해촉일: from that day on the person is a member of nothing.
    """
    when = as_date(day)
    member_id = str(member_id).strip()
    rows = [(body, _day(start), _day(end)) for who, body, start, end
            in _membership_rows(memberships) if who == member_id and body is not None]
    if not rows:
        return 0
    dismissed = _dismissal(members, member_id)
    spans = {"시작": as_datetime(pd.Series([s for _, s, _ in rows], dtype=object)),
             "종료": as_datetime(pd.Series([e for _, _, e in rows], dtype=object)),
             "해촉": as_datetime(pd.Series([dismissed] * len(rows), dtype=object))}
    active = active_mask(spans, pd.Timestamp(when)).tolist()  # the rule of core/membership.py
    return len({body for (body, _, _), on in zip(rows, active, strict=True) if on})


def as_date(day: Any) -> dt.date:
    """A day argument as a date: a date, a datetime or pandas Timestamp (its date)."""
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    if hasattr(day, "to_pydatetime"):  # pandas Timestamp
        return as_date(day.to_pydatetime())
    raise TypeError(f"day must be a date, not {day!r}")


def _day(value: Any) -> dt.date | None:
    """A cell of a range as a date (None when blank), like a sheet's date cell."""
    if is_blank(value):
        return None
    if type(value) is dt.date:
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    return parse_date(value)


def _records(table: Any, columns: Sequence[str]) -> Iterable[tuple[Any, ...]]:
    """Rows of `table` as tuples of `columns` (see activity_count for the accepted shapes)."""
    if hasattr(table, "columns") and hasattr(table, "to_dict"):  # a DataFrame
        return zip(*(table[c].tolist() for c in columns), strict=True)
    rows = list(table)
    if not rows:
        return []
    if isinstance(rows[0], Mapping):
        return (tuple(r.get(c) for c in columns) for r in rows)
    header = [text_or_none(v) for v in rows[0]]
    if all(c in header for c in columns):
        at = [header.index(c) for c in columns]
        return (tuple(r[i] if i < len(r) else None for i in at) for r in rows[1:])
    return (tuple(list(r) + [None] * (len(columns) - len(r)))[: len(columns)] for r in rows)


def _membership_rows(table: Any) -> Iterable[tuple[str | None, str | None, Any, Any]]:
    for who, body, _role, start, end in _records(table, MEMBERSHIP_COLUMNS):
        yield text_or_none(who), text_or_none(body), start, end


def _dismissal(members: Any, member_id: str) -> dt.date | None:
    if members is None:
        return None
    if isinstance(members, Mapping):
        return _day(members.get(member_id))
    for who, dismissed in _records(members, ("위원ID", "해촉일")):
        if text_or_none(who) == member_id:
            return _day(dismissed)
    return None
