"""The vectorised allowance (core/paid.py) against the rule written out row by row.

On random small books: which 출석 rows are paid, in which order, with which 방식 and 역할, and
every amount, all worked out here in plain Python from the contract's words (no production
helper on the expected side). Rate tables may overlap here (the job itself refuses those):
then the earlier row on the sheet wins.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from books import D
from hypothesis import given, settings
from hypothesis import strategies as st

from hyeopchi.core.allowance import allowance_job, paid_attendances
from hyeopchi.core.rates import RATE_COLUMNS, allowance_for, rate_index
from hyeopchi.core.settings import Settings
from hyeopchi.core.tables import Book, table_from_grid

T = dt.time
# Two roles in one body: the first of these is the role that counts (core/membership.py's
# documented precedence, written out here).
ROLE_ORDER = ("의장", "위원장", "분과장", "리더", "전문가", "촉진가", "행정", "일반", "위원")
DEFAULT_EXTRA_MINUTES = 120  # 초과기준분 blank: "2시간 이상" (seed, 예산편성 기준경비)
PEOPLE = ["P1", "P2", "P3", "P4", "P5"]
BODY_IDS = ["S01", "W01", "B01"]
KINDS = ["운영위원회", "워킹그룹"]
MODES = ["온라인", "오프라인"]
ROLES = ["위원장", "리더", "일반"]
# Days around the month's and the rate rows' bounds; hypothesis starts from the first.
days = st.sampled_from([D(2021, 3, 10), D(2021, 3, 1), D(2021, 3, 14), D(2021, 3, 15),
                        D(2021, 3, 31), D(2021, 2, 28), D(2021, 4, 1), D(2021, 2, 20)])
# Meetings start at 19:00 (or no time) and end at, just before, or past 60/90/120 minutes.
starts = st.sampled_from([T(19), None])
ends = st.sampled_from([T(21), T(20, 30), T(20), T(20, 59), T(21, 10), T(19), T(18), None])


def rarely(strategy: Any) -> Any:
    """None three times in four, else a value of `strategy`."""
    return st.integers(0, 3).flatmap(lambda i: strategy if i == 3 else st.none())


@st.composite
def books(draw: Any) -> dict[str, list[list[Any]]]:
    members = [["위원ID", "성명", "구분", "신분", "소속", "위촉일", "해촉일", "해촉사유"]]
    for p in PEOPLE:
        gone = draw(rarely(days))
        members.append([p, "이름" + p, "위촉직", draw(st.sampled_from(["민간"] * 3 + ["공무원"])),
                        None, D(2020, 1, 1), gone, "사유" if gone else None])
    bodies = [["조직ID", "조직명", "유형", "상위조직ID", "정원"]]
    for i, body in enumerate(BODY_IDS[:-1]):  # B01 stays missing from 조직
        bodies.append([body, draw(st.none() | st.just(f"조직{i}")),
                       draw(st.sampled_from(KINDS)), None, None])
    seats = [["위원ID", "조직ID", "역할", "시작일", "종료일"]]
    for p in PEOPLE:  # each person in each body: no seat, one, or two (two roles)
        for body in BODY_IDS:
            for _ in range(draw(st.sampled_from([1, 2, 1, 0]))):
                start = draw(st.just(D(2020, 1, 1)) | days)
                seats.append([p, body, draw(st.sampled_from(ROLES)), start,
                              draw(rarely(days.filter(lambda d, s=start: d >= s)))])
    meetings = [["회의ID", "조직ID", "회차", "일자", "방식", "시작시각", "종료시각"]]
    for i in range(draw(st.integers(1, 6))):
        meetings.append([f"M{i}", draw(st.sampled_from(BODY_IDS)), i, draw(days),
                         draw(st.sampled_from(MODES)), draw(starts), draw(ends)])
    attendance = []
    for m in meetings[1:]:  # each person at each meeting: no row, one, or a repeated row
        for p in PEOPLE:
            for _ in range(draw(st.sampled_from([1, 1, 2, 1, 0]))):
                attendance.append([m[0], p, draw(st.sampled_from(["출석", "출석", "불참",
                                                                   "대리출석"])), None,
                                   draw(rarely(st.sampled_from(MODES)))])
    attendance = [["회의ID", "위원ID", "출석", "대리인", "방식"],
                  *draw(st.permutations(attendance))]
    rates = [list(RATE_COLUMNS)]
    for _ in range(draw(st.integers(2, 12))):
        start = draw(st.sampled_from([D(2019, 1, 1), D(2021, 3, 1), D(2021, 3, 15)]))
        end = draw(st.none() | st.sampled_from([D(2021, 2, 28), D(2021, 3, 14), D(2021, 3, 31)])
                   .filter(lambda d, s=start: d >= s))
        rates.append([start, end, draw(st.sampled_from(KINDS)), draw(st.none()
                      | st.sampled_from(ROLES)), draw(st.sampled_from(MODES)),
                      draw(st.sampled_from([5000, 10000, 35000, 70000])),
                      draw(st.sampled_from([30000, 15000, 0]) | st.none()),
                      draw(st.sampled_from([120, 90, 60]) | st.none())])
    return {"위원": members, "조직": bodies, "활동": seats, "회의": meetings, "출석": attendance,
            "수당기준": rates}


def book_of(sheets: dict[str, list[list[Any]]]) -> Book:
    book = Book(tables={}, sheet_names=list(sheets))
    for name, grid in sheets.items():
        book.tables[name], issues = table_from_grid(name, grid)
        book.issues += issues
    return book


def minutes_by_hand(start: dt.time | None, end: dt.time | None) -> int | None:
    """Whole minutes from 시작시각 to 종료시각; None when either is blank or end is not later."""
    if start is None or end is None:
        return None
    span = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return span if span > 0 else None


def rate_by_hand(rates: list[list[Any]], kind: str, role: str | None, mode: str,
                 day: dt.date) -> list[Any] | None:
    """Contract 2.: the 수당기준 row for the 조직유형 and 방식 whose period covers the day; a row
    naming the person's 역할 beats a blank-role row; of several, the first on the sheet."""
    covering = [r for r in rates[1:] if r[2] == kind and r[4] == mode
                and r[0] <= day and (r[1] is None or day <= r[1])]
    named = [r for r in covering if r[3] is not None and r[3] == role]
    blank = [r for r in covering if r[3] is None]
    return (named or blank or [None])[0]


def amount_by_hand(rate: list[Any] | None, minutes: int | None) -> int:
    """기본료 + 초과수당 when the meeting lasted >= 초과기준분 (blank: 120); no row: 0."""
    if rate is None:
        return 0
    base, extra, threshold = rate[5], rate[6] or 0, rate[7] or DEFAULT_EXTRA_MINUTES
    return base + (extra if minutes is not None and minutes >= threshold else 0)


def by_hand(sheets: dict[str, list[list[Any]]], year: int, month: int,
            paid: frozenset[str]) -> list[dict[str, Any]]:
    """The contract's rule, one 출석 row at a time, in plain Python."""
    people = {r[0]: r for r in reversed(sheets["위원"][1:])}  # the first row of an ID
    kinds = {r[0]: r[2] for r in reversed(sheets["조직"][1:])}
    names = {r[0]: r[1] for r in reversed(sheets["조직"][1:])}
    meetings = {r[0]: r for r in reversed(sheets["회의"][1:])}
    rows, seen = [], set()
    for excel_row, (meeting_id, member, status, _, own) in enumerate(sheets["출석"][1:], 2):
        if status != "출석" or (meeting_id, member) in seen:
            continue
        seen.add((meeting_id, member))
        if meeting_id not in meetings:
            continue
        _, body, _, day, held, start, end = meetings[meeting_id]
        gone = people[member][6]
        roles = [r[2] for r in sheets["활동"][1:] if r[0] == member and r[1] == body
                 and r[3] <= day and (r[4] is None or day <= r[4])
                 and (gone is None or day < gone)]
        if (day.year, day.month) != (year, month) or people[member][3] not in paid or not roles:
            continue
        role = min(roles, key=ROLE_ORDER.index)
        mode = own or held
        minutes = minutes_by_hand(start, end)
        rate = rate_by_hand(sheets["수당기준"], kinds.get(body, ""), role, mode, day)
        rows.append({"meeting_id": meeting_id, "member_id": member, "date": day.isoformat(),
                     "mode": mode, "role": role, "minutes": minutes, "row": excel_row,
                     "body": names.get(body) or body,
                     "amount": amount_by_hand(rate, minutes), "found": rate is not None})
    return sorted(rows, key=lambda r: (r["date"], r["meeting_id"], r["row"]))


@settings(max_examples=120, deadline=None)
@given(sheets=books(), month=st.sampled_from([3, 3, 3, 2, 4]))
def test_every_paid_row_matches_the_rule_and_the_scalar_udf(sheets: dict[str, list[list[Any]]],
                                                            month: int) -> None:
    book = book_of(sheets)
    rates = rate_index(book.df("수당기준"))
    payments, warnings = paid_attendances(book, 2021, month, Settings(), rates)
    expected = by_hand(sheets, 2021, month, Settings().paid_statuses)
    keys = ("meeting_id", "member_id", "date", "mode", "role", "minutes", "row", "amount",
            "body")
    got = [{k: p.to_json()[k] for k in keys} for p in payments]
    assert got == [{k: r[k] for k in keys} for r in expected]
    assert all(type(p.amount) is int and type(p.row) is int for p in payments)
    # No 수당기준 row: 0 and a warning at that 출석 row's 방식 cell, in row order.
    assert [w.cell for w in warnings] == [f"E{r['row']}" for r in expected if not r["found"]]
    assert all(w.code == "missing-rate" and w.severity == "warning" for w in warnings)

    outcome = allowance_job(book, 2021, month)
    if outcome.exit_code == 0:  # the job refuses overlapping rate rows
        # Paid: the rows a 수당기준 row matched; the others are 확인 필요, in the same order.
        assert outcome.payload["rows"] == [p.to_json() for p, r in zip(payments, expected,
                                                                       strict=True) if r["found"]]
        assert [(u["meeting_id"], u["member_id"], u["row"])
                for u in outcome.payload["unmatched"]] == [
            (r["meeting_id"], r["member_id"], r["row"]) for r in expected if not r["found"]]
        assert outcome.payload["total"] == sum(r["amount"] for r in expected)


@pytest.mark.parametrize(("role", "amount"), [
    pytest.param("리더", 30000, id="named-role-row-beats-earlier-blank-row"),
    pytest.param("일반", 20000, id="other-role-takes-first-blank-row"),
    pytest.param(None, 20000, id="no-role-takes-first-blank-row"),
])
def test_resolve_prefers_named_role_then_earlier_row(role: str | None, amount: int) -> None:
    # Overlapping rows on purpose: find() scans in sheet order; resolve() must agree.
    rows = [list(RATE_COLUMNS),
            [D(2019, 1, 1), None, "워킹그룹", None, "오프라인", 20000, 0, None],
            [D(2019, 1, 1), None, "워킹그룹", None, "오프라인", 25000, 0, None],
            [D(2019, 1, 1), None, "워킹그룹", "리더", "오프라인", 30000, 0, None]]
    index = rate_index(rows)
    keys = pd.DataFrame({"조직유형": ["워킹그룹"], "방식": ["오프라인"], "역할": [role],
                         "day": [D(2021, 3, 2)]}, dtype=object)
    resolved = index.resolve(keys)
    assert int(resolved["base"].iat[0]) == amount
    assert allowance_for("워킹그룹", role, "오프라인", D(2021, 3, 2), None, rows) == amount
