"""Property-based tests (hypothesis): round-trips through a file, and invariants of the jobs."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hyeopchi.core.allowance import allowance_job
from hyeopchi.core.membership import active_on
from hyeopchi.core.overlap import compute_overlap
from hyeopchi.core.tables import Book, table_from_grid
from hyeopchi.core.values import MAX_DATE, MIN_DATE, fold
from hyeopchi.core.vocabulary import BODY_TYPES
from hyeopchi.io.reader import read_book

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# --- write with openpyxl, read with read_book: typed values come back unchanged ----------------

# Text as people type it: Korean, Latin, digits, punctuation and symbols (a leading '=', '+',
# '-' or '@' included), inner spaces. Control characters cannot be stored in a cell at all.
TEXT_CHARS = st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="\x85")
texts = st.text(TEXT_CHARS, min_size=1, max_size=30)
formula_like = st.builds(lambda p, t: p + t, st.sampled_from(["=", "+", "-", "@"]), texts)
korean = st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1,
                 max_size=10)
ids = st.text(st.sampled_from("ABCXYZ0123456789가나다-_"), min_size=1, max_size=12)
days = st.dates(min_value=MIN_DATE, max_value=MAX_DATE)
times = st.times().map(lambda t: t.replace(microsecond=0))
ints = st.integers(min_value=-(10**15), max_value=10**15)  # Excel keeps 15 digits

meeting_rows = st.lists(
    st.tuples(ids, ids, st.none() | ints, days, st.one_of(texts, formula_like, korean), times,
              st.none() | times),
    min_size=1, max_size=15)
member_rows = st.lists(st.tuples(ids, st.one_of(korean, formula_like), st.one_of(texts, korean)),
                       min_size=1, max_size=10)


def _put(ws: Any, r: int, values: tuple[Any, ...]) -> None:
    for c, value in enumerate(values, 1):
        cell = ws.cell(r, c)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text, even when it starts with '='
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        elif isinstance(value, dt.time):
            cell.number_format = "hh:mm:ss"


def _write(path: Path, meetings: list[tuple[Any, ...]], members: list[tuple[Any, ...]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "회의"
    _put(ws, 1, ("회의ID", "조직ID", "회차", "일자", "방식", "시작시각", "종료시각"))
    for r, row in enumerate(meetings, 2):
        _put(ws, r, row)
    ws = wb.create_sheet("위원")
    _put(ws, 1, ("위원ID", "성명", "구분", "신분", "소속"))
    for r, (pid, name, unit) in enumerate(members, 2):
        _put(ws, r, (pid, name, "위촉직", "민간", unit))
    wb.save(path)


def _stripped(text: str) -> str | None:
    return text.strip() or None


@settings(SETTINGS, max_examples=60)
@given(meeting_rows, member_rows)
def test_random_rows_round_trip_through_a_file(meetings: list[tuple[Any, ...]],
                                              members: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        _write(path, meetings, members)
        book = read_book(path, ["회의", "위원"])
    assert book.issues == []
    df = book.df("회의")
    assert list(df.index) == list(range(2, len(meetings) + 2))
    for (mid, body, number, day, mode, start, end), got in zip(meetings,
                                                               df.itertuples(index=False), strict=True):
        assert mid == got.회의ID and body == got.조직ID
        assert got.회차 == number and type(got.회차) is type(number)
        assert got.일자 == day and type(got.일자) is dt.date
        assert got.방식 == (fold(mode) or None)  # enum columns are matched width-folded
        assert got.시작시각 == start and got.종료시각 == end
    people = book.df("위원")
    for (pid, name, unit), got in zip(members, people.itertuples(index=False), strict=True):
        assert (got.위원ID, got.성명, got.소속) == (pid, _stripped(name), _stripped(unit))


# --- overlap: the 유형 totals always equal the seats -------------------------------------------

PEOPLE = [f"P{i}" for i in range(1, 7)]
BODIES = [(f"B{i}", BODY_TYPES[i % len(BODY_TYPES)]) for i in range(7)]
near = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2021, 12, 31))


@st.composite
def rosters(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    members = [["위원ID", "성명", "구분", "신분", "위촉일", "해촉일", "해촉사유"]]
    for p in PEOPLE:
        left = draw(st.none() | near)
        members.append([p, f"이름{p}", draw(st.sampled_from(["당연직", "위촉직"])), "민간",
                        dt.date(2019, 1, 1), left, "사유" if left else None])
    bodies = [["조직ID", "조직명", "유형"], *[[b, f"조직{b}", t] for b, t in BODIES]]
    seats = [["위원ID", "조직ID", "역할", "시작일", "종료일"]]
    for _ in range(draw(st.integers(0, 25))):
        start = draw(near)
        seats.append([draw(st.sampled_from(PEOPLE)), draw(st.sampled_from([b for b, _ in BODIES])),
                      draw(st.sampled_from(["위원", "분과장", "리더"])), start,
                      draw(st.none() | near.filter(lambda d, s=start: d >= s))])
    return {"위원": members, "조직": bodies, "활동": seats}


def book_of(sheets: dict[str, list[list[Any]]]) -> Book:
    tables = {}
    for name, grid in sheets.items():
        table, issues = table_from_grid(name, grid)
        assert issues == []
        tables[name] = table
    return Book(tables=tables, sheet_names=list(sheets))


def _naive_seats(sheets: dict[str, list[list[Any]]], day: dt.date) -> set[tuple[str, str]]:
    """The contract's rule, row by row: 시작일 <= D <= 종료일 and (no 해촉일 or D < 해촉일)."""
    left = {r[0]: r[5] for r in sheets["위원"][1:]}
    return {(p, b) for p, b, _, start, end in sheets["활동"][1:]
            if start <= day and (end is None or day <= end)
            and (left[p] is None or day < left[p])}


@SETTINGS
@given(rosters(), near)
def test_overlap_type_totals_equal_the_seat_count(sheets: dict[str, list[list[Any]]],
                                                  day: dt.date) -> None:
    book = book_of(sheets)
    active = active_on(book.df("활동"), book.df("위원"), day)
    naive = _naive_seats(sheets, day)
    assert set(zip(active["위원ID"], active["조직ID"], strict=True)) == naive and len(active) == len(naive)
    by_type = compute_overlap(book, day).by_type
    assert sum(by_type[t] for t in BODY_TYPES) == by_type["합계"] == len(naive)


# --- allowance: never negative, never above the highest matching rate plus its extra ---------

MODES = ("오프라인", "온라인")


@st.composite
def paid_books(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    """Meetings in 2021-03 whose attendees are members of the body, paid or not by 신분."""
    members = [["위원ID", "성명", "구분", "신분", "위촉일"]]
    members += [[p, f"이름{p}", "위촉직", draw(st.sampled_from(["민간", "민간", "공무원"])),
                 dt.date(2019, 1, 1)] for p in PEOPLE]
    bodies = [["조직ID", "조직명", "유형"], *[[b, f"조직{b}", t] for b, t in BODIES]]
    seats = [["위원ID", "조직ID", "역할", "시작일"]]
    meetings = [["회의ID", "조직ID", "일자", "방식", "시작시각", "종료시각"]]
    attendance = [["회의ID", "위원ID", "출석", "방식"]]
    for k in range(draw(st.integers(1, 6))):
        body = draw(st.sampled_from([b for b, _ in BODIES]))
        start = dt.time(draw(st.integers(8, 18)))
        end = draw(st.none() | st.integers(30, 300).map(
            lambda m, s=start: (dt.datetime.combine(dt.date(2021, 1, 1), s)
                                + dt.timedelta(minutes=m)).time()))
        meetings.append([f"M{k}", body, dt.date(2021, 3, draw(st.integers(1, 31))),
                         draw(st.sampled_from(MODES)), start, end])
        for p in draw(st.lists(st.sampled_from(PEOPLE), unique=True, min_size=1)):
            seats.append([p, body, draw(st.sampled_from(["위원", "분과장", "리더"])),
                          dt.date(2020, 1, 1)])
            attendance.append([f"M{k}", p, draw(st.sampled_from(["출석", "출석", "불참", "대리출석"])),
                               draw(st.none() | st.sampled_from(MODES))])
    rates = [["적용시작일", "조직유형", "역할", "방식", "기본료", "초과수당", "초과기준분"]]
    money = st.integers(0, 200_000)
    for kind in BODY_TYPES:
        for mode in MODES:
            for role in draw(st.lists(st.sampled_from([None, "위원", "분과장", "리더"]),
                                      unique=True, max_size=3)):
                rates.append([dt.date(2020, 1, 1), kind, role, mode, draw(money), draw(money),
                              draw(st.none() | st.integers(30, 240))])
    if len(rates) > 1 and draw(st.integers(0, 9)) == 0:  # now and then a negative amount
        rates[draw(st.integers(1, len(rates) - 1))][draw(st.sampled_from([4, 5]))] = -1
    return {"위원": members, "조직": bodies, "활동": seats, "회의": meetings, "출석": attendance,
            "수당기준": rates}


@SETTINGS
@given(paid_books())
def test_allowance_never_negative_nor_above_the_best_matching_rate(
        sheets: dict[str, list[list[Any]]]) -> None:
    book = book_of(sheets)
    outcome = allowance_job(book, 2021, 3)
    rates = pd.DataFrame(sheets["수당기준"][1:], columns=sheets["수당기준"][0])
    if (rates[["기본료", "초과수당"]] < 0).any().any():
        assert outcome.exit_code == 1 and outcome.payload["rows"] == []  # refused, never paid
        return
    kinds = {b: t for b, t in BODIES}
    meeting_body = {r[0]: r[1] for r in sheets["회의"][1:]}
    for row in outcome.payload["rows"]:
        match = rates[(rates["조직유형"] == kinds[meeting_body[row["meeting_id"]]])
                      & (rates["방식"] == row["mode"])]
        ceiling = int((match["기본료"] + match["초과수당"]).max()) if len(match) else 0
        assert 0 <= row["amount"] <= ceiling
        assert row["amount"] == row["base"] + row["extra"]
    assert outcome.payload["total"] == sum(r["amount"] for r in outcome.payload["rows"])
