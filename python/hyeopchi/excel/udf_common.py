"""What each worksheet function does with Excel's arguments: no xlwings here.

Each function takes what a binding hands over (numbers, text, 2-D lists, DataFrames),
calls the pure rule in core, and returns a cell value or a 2-D list. A bad argument gives
a short Korean message in the cell (starting with '#협치:'), never a traceback.
The desktop binding is excel/udfs.py, the xlwings Server / Office.js one udfs_server.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

from ..core import scalars
from ..core.issues import BookError
from ..core.tables import Book, table_from_grid
from ..core.values import is_blank, parse_date

PREFIX = "#협치: "
F = TypeVar("F", bound=Callable[..., Any])


class UdfError(ValueError):
    """A Korean message for the cell."""


def korean_errors(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UdfError as exc:
            return PREFIX + str(exc)
        except BookError as exc:
            return PREFIX + str(exc)
        except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError) as exc:
            return f"{PREFIX}인수를 처리할 수 없습니다 ({type(exc).__name__}: {str(exc)[:80]})."
    return wrapper  # type: ignore[return-value]


def _date(value: Any, what: str) -> Any:
    try:
        day = None if is_blank(value) else parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise UdfError(f"{what}이(가) 날짜가 아닙니다 ('{'' if value is None else value}').")
    return day


def _numbers(values: Any, what: str) -> list[Fraction]:
    """Every non-blank cell of a range (2-D list, list or scalar) as an exact number."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    flat: list[Any] = []
    for v in values:
        flat.extend(v if isinstance(v, (list, tuple)) else [v])
    out = []
    for v in flat:
        if is_blank(v):
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise UdfError(f"{what}에 숫자가 아닌 값이 있습니다 ('{v}').")
        out.append(scalars.as_fraction(v))
    return out


@korean_errors
def allowance(body_type: Any, role: Any, mode: Any, day: Any, minutes: Any,
              rates: Sequence[Sequence[Any]]) -> Any:
    """참석수당 (원) for one attendance: 조직유형, 역할, 방식, 회의일자, 회의시간(분), 수당기준 range."""
    if is_blank(body_type) or is_blank(mode):
        raise UdfError("조직유형과 방식을 넣으세요.")
    when = _date(day, "회의일자")
    if not is_blank(minutes) and (isinstance(minutes, str) or float(minutes) < 0):
        raise UdfError(f"회의시간(분)이 0 이상의 숫자가 아닙니다 ('{minutes}').")
    return scalars.allowance_for(str(body_type), None if is_blank(role) else str(role),
                                 str(mode), when, minutes, rates)


@korean_errors
def score_band(rate: Any) -> Any:
    """평가점수 (0, 1, 1.5, 2) of an attendance rate 0..1 (a cell showing 80% holds 0.8)."""
    if is_blank(rate) or isinstance(rate, (str, bool)):
        raise UdfError(f"참석률이 숫자가 아닙니다 ('{'' if rate is None else rate}').")
    if not 0 <= rate <= 1:
        raise UdfError(f"참석률은 0~1 사이여야 합니다 ({rate}). 80%는 0.8입니다.")
    return scalars.score_band(rate)


@korean_errors
def activity_count(memberships: Any, member_id: Any, day: Any, members: Any = None) -> Any:
    """활동 수: distinct bodies the person is active in on the day (활동 range with headers)."""
    if is_blank(member_id):
        raise UdfError("위원ID를 넣으세요.")
    return scalars.activity_count(memberships, str(member_id), _date(day, "기준일"),
                                  members=members)


@korean_errors
def attendance_rate(attended: Any, expected: Any) -> Any:
    """참석률 = sum(참석 인원) / sum(대상 인원) over two ranges; '' when nobody was expected."""
    got = sum(_numbers(attended, "참석 인원"), Fraction(0))
    due = sum(_numbers(expected, "대상 인원"), Fraction(0))
    if got.denominator != 1 or due.denominator != 1:
        raise UdfError("인원은 정수여야 합니다.")
    if got > due:
        raise UdfError(f"참석 인원({got})이 대상 인원({due})보다 많습니다.")
    rate = scalars.attendance_rate(int(due), int(got))
    return "" if rate is None else float(rate)


@korean_errors
def overlap_distribution(members: Any, bodies: Any, memberships: Any, day: Any) -> Any:
    """중복활동 분포 as a dynamic array: [활동 수, 인원] from the largest count down to 1."""
    from ..core.overlap import compute_overlap

    when = _date(day, "기준일")
    book = Book(tables={}, sheet_names=["위원", "조직", "활동"])
    for sheet, grid in (("위원", members), ("조직", bodies), ("활동", memberships)):
        if not isinstance(grid, list) or not grid or not isinstance(grid[0], list):
            raise UdfError(f"{sheet} 범위를 머리글 행과 함께 선택하세요.")
        book.tables[sheet], _ = table_from_grid(sheet, grid)
    dist = compute_overlap(book, when).distribution()
    return [["활동 수", "인원"], *([int(n), people] for n, people in dist.items())]
