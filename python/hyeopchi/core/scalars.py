"""Scalar rules as plain functions: the core calls them, and each is ready to bind as an Excel UDF.

Pure and fast: no pandas in the hot path, exact arithmetic (Fraction) wherever a value is
compared against a threshold. Inputs are whatever Excel or the core hands over: Fraction,
Decimal, int or float for numbers; date, datetime, Excel serial or text for dates.

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

from .rates import allowance_for  # re-exported: 참석수당 for one attendance (see rates.py)
from .values import parse_date

__all__ = [
    "RateLike",
    "activity_count",
    "allowance_for",
    "as_fraction",
    "attendance_rate",
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
    scaled = abs(as_fraction(x)) * 10 ** digits
    units = int(scaled + Fraction(1, 2))  # floor(|x| * 10^d + 1/2), exact
    return float(Fraction(units if x >= 0 else -units, 10 ** digits))


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


def activity_count(memberships: Any, member_id: str, day: Any, members: Any = None) -> int:
    """How many distinct bodies `member_id` is active in on `day` (the 2. rule of the contract).

    `memberships`: the 활동 table as a DataFrame, a sequence of mappings, or a 2-D list (an
    Excel range) with the header row first, or without it in the order 위원ID, 조직ID, 역할,
    시작일, 종료일. `members` (optional, same shapes, or a mapping 위원ID -> 해촉일) supplies
    해촉일: from that day on the person is a member of nothing.
    """
    day = _day(day)
    if day is None:
        raise ValueError("day is required")
    member_id = str(member_id).strip()
    dismissed = _dismissal(members, member_id)
    if dismissed is not None and day >= dismissed:
        return 0
    bodies: set[str] = set()
    for who, body, start, end in _membership_rows(memberships):
        if who != member_id or body is None:
            continue
        s, e = _day(start), _day(end)
        if s is not None and s <= day and (e is None or day <= e):
            bodies.add(body)
    return len(bodies)


def _day(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if type(value) is dt.date:
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    return parse_date(value)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _records(table: Any, columns: Sequence[str]) -> Iterable[tuple[Any, ...]]:
    """Rows of `table` as tuples of `columns` (see activity_count for the accepted shapes)."""
    if hasattr(table, "columns") and hasattr(table, "to_dict"):  # a DataFrame
        return zip(*(table[c].tolist() for c in columns), strict=True)
    rows = list(table)
    if not rows:
        return []
    if isinstance(rows[0], Mapping):
        return (tuple(r.get(c) for c in columns) for r in rows)
    header = [_text(v) for v in rows[0]]
    if all(c in header for c in columns):
        at = [header.index(c) for c in columns]
        return (tuple(r[i] if i < len(r) else None for i in at) for r in rows[1:])
    return (tuple(list(r) + [None] * (len(columns) - len(r)))[: len(columns)] for r in rows)


def _membership_rows(table: Any) -> Iterable[tuple[str | None, str | None, Any, Any]]:
    for who, body, _role, start, end in _records(table, MEMBERSHIP_COLUMNS):
        yield _text(who), _text(body), start, end


def _dismissal(members: Any, member_id: str) -> dt.date | None:
    if members is None:
        return None
    if isinstance(members, Mapping):
        return _day(members.get(member_id))
    for who, dismissed in _records(members, ("위원ID", "해촉일")):
        if _text(who) == member_id:
            return _day(dismissed)
    return None
