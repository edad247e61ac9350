"""The monthly appointment report's figures, lists, privacy and layout (no files written)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
import pytest
from books import D, small_book
from hypothesis import given, settings
from hypothesis import strategies as st

from hyeopchi.core.appointments import mask_name, month_end, monthly_report
from hyeopchi.core.report_sheet import report_job, report_spec
from hyeopchi.core.settings import Settings
from hyeopchi.core.sheetspec import display_width
from hyeopchi.core.tables import Book, table_from_grid
from hyeopchi.core.vocabulary import BODY_TYPES


def book_of(sheets: dict[str, list[list[Any]]]) -> Book:
    tables = {name: table_from_grid(name, rows)[0] for name, rows in sheets.items()}
    return Book(tables, list(sheets))


def frame(rows: list[list[Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=object)


def report_of(sheets: dict[str, list[list[Any]]], year: int = 2021, month: int = 3,
              **kw: Any) -> Any:
    return monthly_report(frame(sheets["위원"]), frame(sheets["조직"]), frame(sheets["활동"]),
                          year, month, meetings=frame(sheets["회의"]),
                          attendance=frame(sheets["출석"]), **kw)


def by_type(report: Any) -> dict[str, tuple[int, int, int, int]]:
    return {t.type: (t.start, t.appointed, t.left, t.end) for t in report.types}


# small_book: C01 (협치회의) P1 P2 P3; B01 (분과위원회) P2; W01 (워킹그룹) P2 P4; all open.

def test_quiet_month_counts_members_on_both_month_ends() -> None:
    r = report_of(small_book())
    assert by_type(r)["협치회의"] == (3, 0, 0, 3)
    assert by_type(r)["분과위원회"] == (1, 0, 0, 1)
    assert by_type(r)["워킹그룹"] == (2, 0, 0, 2)
    assert r.appointments == [] and r.departures == []


def test_membership_starting_and_ending_in_month_counts_in_both_columns() -> None:
    b = small_book()
    b["활동"].append(["P4", "B01", "일반", D(2021, 3, 5), D(2021, 3, 20)])
    r = report_of(b)
    assert by_type(r)["분과위원회"] == (1, 1, 1, 1)  # P2 throughout; P4 in and out in March
    assert [(a.member_id, a.start) for a in r.appointments] == [("P4", D(2021, 3, 5))]
    assert [(d.member_id, d.kind, d.date) for d in r.departures] == [("P4", "종료", D(2021, 3, 20))]


def test_end_on_last_day_of_previous_month_is_a_departure_of_this_month() -> None:
    # 종료일 is the last active day: on 2021-02-28 still a member (전월말), gone from 03-01.
    b = small_book()
    b["활동"][6][4] = D(2021, 2, 28)  # P4 in W01
    assert by_type(report_of(b))["워킹그룹"] == (2, 0, 1, 1)
    assert by_type(report_of(b, 2021, 2))["워킹그룹"] == (2, 0, 0, 2)


def test_end_on_last_day_of_month_leaves_next_month() -> None:
    b = small_book()
    b["활동"][6][4] = D(2021, 3, 31)
    assert by_type(report_of(b))["워킹그룹"] == (2, 0, 0, 2)
    assert by_type(report_of(b, 2021, 4))["워킹그룹"] == (2, 0, 1, 1)


def test_dismissal_leaves_every_body_with_its_reason() -> None:
    b = small_book()
    b["위원"][2][6], b["위원"][2][7] = D(2021, 3, 25), "개인사정"  # P2 sits in C01, B01, W01
    r = report_of(b)
    assert by_type(r) == {"협치회의": (3, 0, 1, 2), "운영위원회": (0, 0, 0, 0),
                          "분과위원회": (1, 0, 1, 0), "워킹그룹": (2, 0, 1, 1), "TFT": (0, 0, 0, 0)}
    assert {(d.body_id, d.kind, d.date, d.reason) for d in r.departures} == {
        (body, "해촉", D(2021, 3, 25), "개인사정") for body in ("C01", "B01", "W01")}


def test_role_change_without_gap_is_neither_appointment_nor_departure() -> None:
    b = small_book()
    b["활동"][6][4] = D(2021, 3, 14)
    b["활동"].append(["P4", "W01", "리더", D(2021, 3, 15), None])
    r = report_of(b)
    assert by_type(r)["워킹그룹"] == (2, 0, 0, 2)
    assert r.appointments == [] and r.departures == []


def test_rejoining_in_month_counts_each_step() -> None:
    b = small_book()
    b["활동"][6][4] = D(2021, 3, 10)
    b["활동"].append(["P4", "W01", "일반", D(2021, 3, 20), None])
    assert by_type(report_of(b))["워킹그룹"] == (2, 1, 1, 2)


def test_capacity_and_vacancy_per_body_and_type() -> None:
    r = report_of(small_book())
    w01 = next(x for x in r.bodies if x.body_id == "W01")
    assert (w01.capacity, w01.vacancy) == (8, 6)  # 정원 8, 2 members
    council = next(t for t in r.types if t.type == "협치회의")
    assert (council.capacity, council.vacancy) == (50, 47)
    tft = next(t for t in r.types if t.type == "TFT")
    assert (tft.capacity, tft.vacancy) == (None, None)


def test_quarter_activity_only_in_quarter_end_months() -> None:
    b = small_book()
    assert report_of(b, 2021, 2).activity == []
    r = report_of(b, 2021, 3)  # W01-1 on 2021-03-10: P2, P4 expected and present
    assert [(a.member_id, a.body_id, a.expected, a.attended) for a in r.activity] == [
        ("P2", "W01", 1, 1), ("P4", "W01", 1, 1)]


def test_quarter_activity_counts_proxy_only_when_setting_allows() -> None:
    b = small_book()
    b["회의"].append(["C01-11", "C01", 11, D(2021, 3, 5), "오프라인", dt.time(15), dt.time(17)])
    b["출석"].append(["C01-11", "P1", "대리출석", "정대리", None])
    b["출석"].append(["C01-11", "P3", "출석", None, None])
    # P2 has no row: absent. P1 by proxy.
    counts = {a.member_id: a.attended for a in report_of(b).activity if a.body_id == "C01"}
    assert counts == {"P1": 1, "P2": 0, "P3": 1}
    no_proxy = report_of(b, settings=Settings(proxy_counts=False))
    assert {a.member_id: a.attended for a in no_proxy.activity if a.body_id == "C01"}["P1"] == 0


@pytest.mark.parametrize(("name", "masked"), [
    pytest.param("홍길동", "홍*동", id="three-syllables"),
    pytest.param("홍길", "홍*", id="two-syllables"),
    pytest.param("남궁민수", "남**수", id="four-syllables"),
    pytest.param("김", "*", id="one-syllable"),
])
def test_mask_name_keeps_first_and_last_syllable(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def all_cells(spec: Any) -> list[Any]:
    return [v for b in spec.blocks for r in b.values for v in r] + [m.value for m in spec.merges]


def test_no_contact_detail_in_sheet_or_json() -> None:
    b = small_book()
    b["활동"].append(["P1", "W01", "행정", D(2021, 3, 2), None])
    outcome = report_job(book_of(b), 2021, 3)
    text = repr(all_cells(outcome.sheets[0])) + repr(outcome.payload)
    assert "P1" in repr(outcome.payload)  # P1 does appear (appointed)...
    assert not re.search(r"\d{2,3}-\d{3,4}-\d{4}", text)  # ...but no phone number anywhere
    assert "연락처" not in text


def test_mask_applies_to_sheet_and_json() -> None:
    b = small_book()
    b["활동"].append(["P4", "B01", "일반", D(2021, 3, 5), None])
    outcome = report_job(book_of(b), 2021, 3, mask=True)
    cells = all_cells(outcome.sheets[0])
    assert "최*온" in cells and "최라온" not in cells
    assert "최라온" not in repr(outcome.payload)


def test_sheet_has_title_approval_box_and_settings() -> None:
    b = small_book()
    b["설정"] = [["항목", "값"], ["결재라인", "담당,팀장,과장,국장"], ["기관명", "서대문구청"]]
    spec = report_job(book_of(b), 2021, 3).sheets[0]
    assert spec.name == "위해촉_2021-03"
    cells = all_cells(spec)
    assert "2021년 3월 협치 민관위원 위·해촉 현황" in cells
    assert {"담당", "팀장", "과장", "국장"} <= set(cells)
    label = next(c for c in cells if isinstance(c, str) and c.startswith("기관명"))
    assert all(w in label for w in ("서대문구청", "민관협치과", "2021-03-31"))
    assert spec.running_head == "서대문구청 민관협치과 · 기준일 2021-03-31"
    label = next(m for m in spec.merges if m.value == "결재")
    assert label.last_row > label.first_row  # merged vertically
    boxes = [m for m in spec.merges if m.style == "box"]
    assert len(boxes) == 4 and all(m.first_col > label.first_col for m in boxes)
    assert spec.print_scale and spec.page_breaks and spec.freeze
    assert len(spec.charts) == 1


def test_report_without_meetings_in_quarter_month_names_missing_sheet() -> None:
    b = small_book()
    del b["회의"], b["출석"]
    from hyeopchi.core.issues import BookError
    with pytest.raises(BookError, match="회의"):
        report_job(book_of(b), 2021, 3)
    assert report_job(book_of(b), 2021, 2).payload["summary"]["협치회의"]["end"] == 3


def test_report_lists_terms_ending_within_60_days_and_absence_streaks() -> None:
    b = small_book()
    b["조직"][0] += ["기수", "임기종료일"]
    b["조직"][1] += ["제2기", D(2021, 5, 30)]  # C01: 60 days after 2021-03-31 (the limit: in)
    b["조직"][2] += [None, D(2021, 5, 31)]  # B01: 61 days; P2's open seat there is out
    b["조직"][3] += [None, None]
    b["활동"][6][4] = D(2021, 4, 10)  # P4's W01 seat ends 10 days after the month
    # W01: P4 misses W01-1 (불참), W01-2 and W01-3 (no row): 3 in a row at N = 3
    b["출석"][5][2] = "불참"
    b["회의"] += [["W01-2", "W01", 2, D(2021, 3, 17), "온라인", dt.time(19), dt.time(20)],
                 ["W01-3", "W01", 3, D(2021, 3, 24), "온라인", dt.time(19), dt.time(20)]]
    b["출석"] += [["W01-2", "P2", "출석", None, None], ["W01-3", "P2", "출석", None, None]]
    outcome = report_job(book_of(b), 2021, 3)
    expiring = [(e["member_id"], e["body_id"], e["end"], e["days_left"])
                for e in outcome.payload["expiring"]]
    assert expiring == [("P4", "W01", D(2021, 4, 10), 10), ("P1", "C01", D(2021, 5, 30), 60),
                        ("P2", "C01", D(2021, 5, 30), 60), ("P3", "C01", D(2021, 5, 30), 60)]
    assert [(a["member_id"], a["body_id"], a["absences"])
            for a in outcome.payload["absences"]] == [("P4", "W01", 3)]
    cells = all_cells(outcome.sheets[0])
    assert "5. 임기 만료 예정 (60일 이내, 4건)" in cells
    assert "6. 연속 불참 위원 (해촉 검토 대상, 3회 이상, 1건)" in cells
    assert {"제2기", "조직", "활동", "없음"} <= set(cells)


def test_display_width_counts_korean_double() -> None:
    assert display_width("협치") == 4 and display_width("TFT") == 3
    assert display_width(D(2021, 3, 1)) == 10


def test_column_widths_fit_longest_cell() -> None:
    b = small_book()
    b["조직"][3][1] = "아이들의 꿈 담은 신기한 놀이터"
    spec = report_spec(report_of(b), Settings())
    assert spec.col_widths[1] >= display_width("아이들의 꿈 담은 신기한 놀이터")


# ---- property: 전월말 + 위촉 - 해촉 = 당월말, and each figure matches a day-by-day recount ----

PEOPLE = ["P1", "P2", "P3", "P4"]
BODIES = [["조직ID", "조직명", "유형", "상위조직ID", "정원"],
          *[[f"X{i}", f"조직{i}", t, None, None] for i, t in enumerate(BODY_TYPES)],
          ["X5", "조직5", "워킹그룹", None, 3]]
dates = st.dates(min_value=D(2020, 12, 1), max_value=D(2021, 5, 31))


@st.composite
def membership_sets(draw: Any) -> tuple[list[list[Any]], list[list[Any]]]:
    members = [["위원ID", "성명", "구분", "신분", "위촉일", "해촉일", "해촉사유"]]
    for p in PEOPLE:
        gone = draw(st.none() | dates)
        members.append([p, "이름" + p, "위촉직", "민간", D(2020, 1, 1), gone,
                        "사유" if gone else None])
    rows = [["위원ID", "조직ID", "역할", "시작일", "종료일"]]
    for _ in range(draw(st.integers(0, 12))):
        start = draw(dates)
        end = draw(st.none() | dates.filter(lambda d, s=start: d >= s))
        rows.append([draw(st.sampled_from(PEOPLE)), draw(st.sampled_from(BODIES[1:]))[0],
                     draw(st.sampled_from(["일반", "리더", "위원"])), start, end])
    return members, rows


def brute_active(members: list[list[Any]], rows: list[list[Any]], day: dt.date) -> set[tuple]:
    """The contract's rule, written out again by hand."""
    gone = {r[0]: r[5] for r in members[1:]}
    return {(r[0], r[1]) for r in rows[1:]
            if r[3] <= day and (r[4] is None or day <= r[4])
            and (gone[r[0]] is None or day < gone[r[0]])}


@settings(max_examples=150, deadline=None)
@given(data=membership_sets(), month=st.integers(1, 5))
def test_start_plus_appointed_minus_left_is_end(data: Any, month: int) -> None:
    members, rows = data
    r = monthly_report(frame(members), frame(BODIES), frame(rows), 2021, month)
    first = D(2021, month, 1)
    days = [first - dt.timedelta(days=1)] + [first + dt.timedelta(days=i)
                                             for i in range(month_end(2021, month).day)]
    sets = [brute_active(members, rows, d) for d in days]
    for b in r.bodies:
        on = [{p for p in s if p[1] == b.body_id} for s in sets]
        ups = sum(len(on[i] - on[i - 1]) for i in range(1, len(on)))
        downs = sum(len(on[i - 1] - on[i]) for i in range(1, len(on)))
        assert (b.start, b.appointed, b.left, b.end) == (len(on[0]), ups, downs, len(on[-1]))
        assert b.start + b.appointed - b.left == b.end
    for t in [*r.types, r.total()]:
        assert t.start + t.appointed - t.left == t.end
    assert len(r.appointments) == r.total().appointed
    assert len(r.departures) == r.total().left


def test_quarter_activity_leaves_out_a_meeting_of_a_body_not_on_조직() -> None:
    # The issue-10 bug: 회의 X9-1 of a body missing from 조직 (P2 a member of it on 활동) made
    # the report fail with KeyError 'X9'. Like the attendance tally, such a meeting counts for
    # nobody (validate names its 조직ID); W01-1 still counts P2 and P4 (1 of 1 each).
    b = small_book()
    b["활동"].append(["P2", "X9", "위원", D(2020, 1, 1), None])
    b["회의"].append(["X9-1", "X9", 1, D(2021, 3, 12), "오프라인", dt.time(15), dt.time(17)])
    b["출석"].append(["X9-1", "P2", "출석", None, None])
    r = report_of(b, 2021, 3)
    assert [(a.member_id, a.body_id, a.expected, a.attended) for a in r.activity] == [
        ("P2", "W01", 1, 1), ("P4", "W01", 1, 1)]
    outcome = report_job(book_of(b), 2021, 3)
    assert [a["body_id"] for a in outcome.payload["quarter"]["members"]] == ["W01", "W01"]
