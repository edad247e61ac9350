"""The vectorised attendance tally and expected_attendees against plain reference versions.

core/attendance.py counts in integer codes and core/membership.py joins in positions; the
references here are per-record Python loops written from the contract's words (member on
day D: 시작일 <= D <= 종료일, not dismissed: D < 해촉일), calling no production helper.
Random small books must agree.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import numpy as np
from books import D
from hypothesis import given, settings
from hypothesis import strategies as st
from test_overlap import book_of

from hyeopchi.core.attendance import GROUPS, _floats, _shown, _shown_many, compute_attendance
from hyeopchi.core.membership import expected_attendees

# Two roles in one body: the first of these is the role that counts (core/membership.py's
# documented precedence, written out here).
ROLE_ORDER = ("의장", "위원장", "분과장", "리더", "전문가", "촉진가", "행정", "일반", "위원")
DAYS = [D(2020, 1, 1) + dt.timedelta(days=i) for i in range(8)]
PEOPLE = ["P1", "P2", "P3", "P4", "P5", "P6"]
BODIES = ["B1", "B2", "B3"]
TYPES = ["협치회의", "분과위원회", "워킹그룹"]
maybe_day = st.sampled_from([*DAYS, None])
early = st.sampled_from([DAYS[0], DAYS[1], DAYS[0], DAYS[4], None])  # mostly before meetings
late = st.sampled_from([None, None, None, *DAYS[5:]])  # mostly open, sometimes an end


@st.composite
def books(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    """Messy small books: every person and body present, some rows repeated, unknown IDs,
    blanks, two roles in one body, 해촉, unusable dates."""
    members = [["위원ID", "성명", "구분", "신분", "소속", "위촉일", "해촉일", "해촉사유", "연락처"]]
    for p in PEOPLE + draw(st.lists(st.sampled_from(PEOPLE), max_size=2)):  # some repeated
        members.append([p, "이름", draw(st.sampled_from(["당연직", "위촉직", None])),
                        draw(st.sampled_from(["공무원", "시의원", "구의원", "민간", None])),
                        None, None, draw(late), None, None])
    bodies = [["조직ID", "조직명", "유형", "상위조직ID", "정원"]]
    for b in BODIES + draw(st.lists(st.sampled_from(BODIES), max_size=2)):
        bodies.append([b, f"조직{b}", draw(st.sampled_from(TYPES)), None, 10])
    memberships = [["위원ID", "조직ID", "역할", "시작일", "종료일"]]
    for _ in range(draw(st.integers(1, 20))):
        memberships.append([draw(st.sampled_from([*PEOPLE, *PEOPLE, "P9"])),
                            draw(st.sampled_from([*BODIES, *BODIES, "B9"])),
                            draw(st.sampled_from([*ROLE_ORDER[:3], "위원", "기타", None])),
                            draw(early), draw(late)])
    meetings = [["회의ID", "조직ID", "회차", "일자", "방식", "시작시각", "종료시각"]]
    for _ in range(draw(st.integers(1, 7))):
        meetings.append([draw(st.sampled_from(["M1", "M2", "M3", "M4"])),
                         draw(st.sampled_from([*BODIES, *BODIES, "B9"])),
                         draw(st.one_of(st.none(), st.integers(1, 3))),
                         draw(maybe_day), "오프라인", None, None])
    attendance = [["회의ID", "위원ID", "출석", "대리인", "방식"]]
    for _ in range(draw(st.integers(0, 40))):
        attendance.append([draw(st.sampled_from(["M1", "M2", "M3", "M9"])),
                           draw(st.sampled_from([*PEOPLE, *PEOPLE, "P9", None])),
                           draw(st.sampled_from(["출석", "대리출석", "불참", None])), None, None])
    proxy = draw(st.sampled_from(["Y", "N"]))
    return {"위원": members, "조직": bodies, "활동": memberships, "회의": meetings,
            "출석": attendance, "설정": [["항목", "값"], ["대리출석인정", proxy]]}


def reference_expected_attendees(sheets: dict[str, list[list[Any]]]
                                 ) -> list[tuple[str, str, str | None, int]]:
    """(회의ID, 위원ID, 역할, 활동 row) per expected attendee, by 회의ID then 위원ID.

    A meeting is its first row with 회의ID, 조직ID and 일자. Expected: each person with a 활동
    row in the meeting's body (위원ID, 조직ID, 시작일 given) with 시작일 <= 일자 <= 종료일
    (blank: open) who is not dismissed (해촉일 of their first 위원 row blank or > 일자). Two
    rows: the role first in ROLE_ORDER (others after it), then the earlier row."""
    dismissed = {r[0]: r[6] for r in reversed(sheets["위원"][1:]) if r[0] is not None}
    meetings: dict[str, tuple[str, dt.date]] = {}
    for mid, body, _, day, *_ in sheets["회의"][1:]:
        if mid is not None and body is not None and day is not None:
            meetings.setdefault(mid, (body, day))
    rank = {role: i for i, role in enumerate(ROLE_ORDER)}
    out = []
    for mid in sorted(meetings):
        body, day = meetings[mid]
        best: dict[str, tuple[int, int, str | None]] = {}
        for row, (pid, b, role, start, end) in enumerate(sheets["활동"][1:]):
            if pid is None or b != body or start is None or not start <= day:
                continue
            if (end is not None and day > end) or (
                    dismissed.get(pid) is not None and day >= dismissed[pid]):
                continue
            key = (rank.get(role, len(ROLE_ORDER)), row, role)
            if pid not in best or key < best[pid]:
                best[pid] = key
        out += [(mid, pid, best[pid][2], best[pid][1]) for pid in sorted(best)]
    return out


def _first_by(rows: list[list[Any]], key: int) -> dict[Any, list[Any]]:
    out: dict[Any, list[Any]] = {}
    for r in rows[1:]:
        if r[key] is not None:
            out.setdefault(r[key], r)
    return out


def _in_group(group: str, kind: str | None, status: str | None) -> bool:
    return {
        "전체": True,
        "당연직": kind == "당연직",
        "위촉직(시·구의원)": kind == "위촉직" and status in ("시의원", "구의원"),
        "위촉직(민간)": kind == "위촉직" and status == "민간",
        "행정": status != "민간",
        "민간": status == "민간",
    }[group]


def reference_tallies(sheets: dict[str, list[list[Any]]], start: dt.date, end: dt.date,
                      types: tuple[str, ...]) -> list[tuple[str, dict[str, tuple[int, int]]]]:
    """Per meeting in sheet order and group: (expected, attended), one record at a time."""
    people = _first_by(sheets["위원"], 0)
    bodies = _first_by(sheets["조직"], 0)
    proxy = sheets["설정"][1][1] == "Y"
    counted = {"출석", "대리출석"} if proxy else {"출석"}
    first_row: dict[tuple[str, str], str] = {}
    for mid, pid, status, *_ in sheets["출석"][1:]:
        if mid is not None and pid is not None and status is not None:
            first_row.setdefault((mid, pid), status)
    usable = [r for r in sheets["회의"] if r[1] is not None and r[3] is not None]
    meetings = [r for r in _first_by(usable, 0).values()  # rows without 조직ID/일자 skipped
                if start <= r[3] <= end and r[1] in bodies and bodies[r[1]][2] in types]
    meetings.sort(key=lambda r: (r[3], r[1], -1 if r[2] is None else r[2], r[0]))
    out = []
    for mid, body, _round, day, *_ in meetings:
        tally = dict.fromkeys(GROUPS, (0, 0))
        for pid, (_, _, kind, status, _, _, dismissed, *_) in people.items():
            member = any(who == pid and b == body and s is not None and s <= day
                         and (e is None or day <= e)
                         for who, b, _, s, e in sheets["활동"][1:])
            if not member or (dismissed is not None and day >= dismissed):
                continue
            came = first_row.get((mid, pid)) in counted
            for g in GROUPS:
                if _in_group(g, kind, status):
                    n, k = tally[g]
                    tally[g] = (n + 1, k + came)
        out.append((mid, tally))
    return out


@settings(max_examples=150, deadline=None)
@given(books())
def test_expected_attendees_equals_the_merge_sort_reference(sheets: dict[str, Any]) -> None:
    book = book_of(sheets)
    got = expected_attendees(book.df("회의"), book.df("활동"), book.df("위원"))
    assert list(zip(got["회의ID"], got["위원ID"], got["역할"], got["활동행"] - 2, strict=True)
                ) == reference_expected_attendees(sheets)


@settings(max_examples=150, deadline=None)
@given(books(), st.sampled_from(DAYS), st.sampled_from(DAYS))
def test_vectorised_tallies_equal_a_per_record_reference(sheets: dict[str, Any],
                                                         start: dt.date, end: dt.date) -> None:
    for first, last in ((min(start, end), max(start, end)), (DAYS[0], DAYS[-1])):
        _check_tallies(sheets, first, last)


def _check_tallies(sheets: dict[str, Any], start: dt.date, end: dt.date) -> None:
    a = compute_attendance(book_of(sheets), start, end, None)
    want = reference_tallies(sheets, start, end, a.types)
    got = [(m.meeting_id, {g: (t.expected, t.attended) for g, t in m.groups.items()})
           for m in a.meetings]
    assert got == want
    for g in GROUPS:
        rates = [Fraction(t[g][1], t[g][0]) for _, t in want if t[g][0]]
        assert a.mean_rate(g) == (sum(rates, Fraction(0)) / len(rates) if rates else None)
        assert a.pooled(g).expected == sum(t[g][0] for _, t in want)
        assert a.pooled(g).attended == sum(t[g][1] for _, t in want)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 100_000)), max_size=30))
def test_rates_and_shown_rates_in_integers_equal_the_fraction_versions(
        pairs: list[tuple[int, int]]) -> None:
    expected = np.array([max(n, k) for n, k in pairs], dtype=np.int64)
    attended = np.array([min(n, k) for n, k in pairs], dtype=np.int64)
    exact = [Fraction(int(k), int(n)) if n else None
             for n, k in zip(expected, attended, strict=True)]
    floats = _floats(expected, attended)
    assert floats == [None if r is None else float(r) for r in exact]
    assert all(type(f) is float for f in floats if f is not None)
    shown = _shown_many(expected, attended)
    assert shown == [_shown(r) for r in exact]
    assert all(type(s) in (float, str) for s in shown)


def test_shown_rates_at_half_thousandths_round_up() -> None:
    # 1/16 = 0.0625 -> 0.063; 1/2000 = 0.0005 -> 0.001; 1/2001 just below -> 0.0
    n, k = np.array([16, 2000, 2001, 3, 0]), np.array([1, 1, 1, 2, 0])
    assert _shown_many(n, k) == [0.063, 0.001, 0.0, 0.667, "-"]
