"""The governance review (운영 점검): one small book per rule, expected findings worked out by
hand from the rule's wording in issue 12 / the contract (boundaries included)."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from books import D, write_book

from hyeopchi.cli import main
from hyeopchi.core.review import review, year_before
from hyeopchi.core.tables import Book, table_from_grid
from hyeopchi.core.validate import validate

DAY = D(2021, 3, 1)
MEMBER_HEAD = ["위원ID", "성명", "구분", "신분", "성별", "위촉일", "해촉일", "해촉사유"]
BODY_HEAD = ["조직ID", "조직명", "유형", "정원", "기수", "임기종료일"]
SEAT_HEAD = ["위원ID", "조직ID", "역할", "시작일", "종료일"]
MEETING_HEAD = ["회의ID", "조직ID", "회차", "일자", "방식"]
ATTEND_HEAD = ["회의ID", "위원ID", "출석", "대리인"]


def person(pid: str, sex: str | None = "남", category: str = "위촉직", status: str = "민간",
           dismissed: dt.date | None = None) -> list[Any]:
    appointed = D(2019, 10, 11) if category == "위촉직" else None
    return [pid, f"위원{pid}", category, status, sex, appointed, dismissed,
            "사퇴" if dismissed else None]


def body(bid: str, kind: str, seats: int | None = None, term: str | None = None,
         ends: dt.date | None = None) -> list[Any]:
    return [bid, f"조직{bid}", kind, seats, term, ends]


FIRST_DAY = D(2020, 1, 1)


def seat(pid: str, bid: str, start: dt.date = FIRST_DAY, end: dt.date | None = None,
         role: str = "위원") -> list[Any]:
    return [pid, bid, role, start, end]


def make_book(members: list[list[Any]], bodies: list[list[Any]], seats: list[list[Any]],
              meetings: list[list[Any]] | None = None, attendance: list[list[Any]] | None = None,
              settings: dict[str, Any] | None = None) -> dict[str, list[list[Any]]]:
    sheets = {"위원": [MEMBER_HEAD, *members], "조직": [BODY_HEAD, *bodies],
              "활동": [SEAT_HEAD, *seats]}
    if meetings is not None:
        sheets["회의"] = [MEETING_HEAD, *meetings]
        sheets["출석"] = [ATTEND_HEAD, *(attendance or [])]
    if settings:
        sheets["설정"] = [["항목", "값"], *([k, v] for k, v in settings.items())]
    return sheets


def as_book(sheets: dict[str, list[list[Any]]]) -> Book:
    book = Book(tables={}, sheet_names=list(sheets))
    for name, grid in sheets.items():
        book.tables[name], issues = table_from_grid(name, grid)
        book.issues += issues
    return book


def findings(sheets: dict[str, list[list[Any]]], rule: str, day: dt.date = DAY,
             **kw: Any) -> list[tuple[str | None, str | None]]:
    book = as_book(sheets)
    assert validate(book, DAY).errors == []  # every golden book is itself valid
    return [(f.body_id, f.member_id) for f in review(book, day, **kw).findings if f.rule == rule]


# --------------------------------------------------------------------------- gender-balance

def gender_book(settings: dict[str, Any] | None = None) -> dict[str, list[list[Any]]]:
    # G1 협치회의: 위촉직 남 3, 여 2 (3/5 = 60%: not over) + 2 당연직 남 (not counted)
    # G2 분과위원회: 위촉직 남 3, 여 1, 성별 blank 1 (3 of the 4 known = 75% > 60%)
    # G3 워킹그룹: 위촉직 남 4 (100%, but 워킹그룹 is not checked by default)
    members = [person(f"a{i}", s) for i, s in enumerate("남남남여여")]
    members += [person(f"o{i}", "남", "당연직", "공무원") for i in range(2)]
    members += [person(f"b{i}", s) for i, s in enumerate("남남남여")] + [person("b4", None)]
    members += [person(f"c{i}", "남") for i in range(4)]
    seats = ([seat(f"a{i}", "G1") for i in range(5)] + [seat(f"o{i}", "G1") for i in range(2)]
             + [seat(f"b{i}", "G2") for i in range(5)] + [seat(f"c{i}", "G3") for i in range(4)])
    return make_book(members, [body("G1", "협치회의"), body("G2", "분과위원회"),
                               body("G3", "워킹그룹")], seats, settings=settings)


def test_gender_exactly_sixty_percent_is_not_a_violation_seventy_five_is() -> None:
    assert findings(gender_book(), "gender-balance") == [("G2", None)]


def test_gender_message_has_the_figures_and_names_the_unknown() -> None:
    (f,) = [f for f in review(as_book(gender_book()), DAY).findings
            if f.rule == "gender-balance"]
    # by hand: 5 위촉직, 4 with 성별: 남 3, 여 1; 3/4 = 75%; b4 without 성별
    for part in ("위촉직 위원 5명", "4명", "남 3명", "여 1명", "75%", "60%", "성별 미기재 1명",
                 "위원b4(b4)"):
        assert part in f.message, part


def test_gender_types_and_cap_come_from_settings() -> None:
    only_groups = gender_book({"성별균형대상유형": "워킹그룹"})
    assert findings(only_groups, "gender-balance") == [("G3", None)]
    # cap 75%: G2's 3/4 is exactly the cap, no longer over it
    assert findings(gender_book({"성별상한": "75%"}), "gender-balance") == []


# --------------------------------------------------------------------------- council-activity

def test_council_member_without_subcommittee_or_working_group() -> None:
    members = [person("A"), person("B"), person("E", status="구의원"),
               person("F", category="당연직", status="공무원"), person("G"),
               person("H", dismissed=D(2021, 3, 1))]
    seats = [seat(p, "C") for p in "ABEFGH"]
    seats += [seat("A", "W"), seat("B", "S"), seat("G", "W", end=D(2021, 2, 28)),
              seat("H", "W")]
    sheets = make_book(members, [body("C", "협치회의"), body("S", "운영위원회"),
                                 body("W", "워킹그룹")], seats)
    # A: in a 워킹그룹 -> fine. B: 운영위원회 only -> finding. E: 구의원, F: 당연직 -> not
    # checked. G: 워킹그룹 ended the day before D -> finding. H: dismissed on D -> no member.
    assert findings(sheets, "council-activity") == [("C", "B"), ("C", "G")]


# --------------------------------------------------------------------------- capacity

def test_over_capacity_and_vacancy_on_the_day() -> None:
    members = [person(p) for p in ("x1", "x2", "x3", "y1", "y2", "y3", "y4", "z1", "z2")]
    members.append(person("y5", dismissed=DAY))
    seats = [seat(p, "X") for p in ("x1", "x2", "x3")]
    seats += [seat("y1", "Y"), seat("y2", "Y"), seat("y3", "Y", end=D(2021, 2, 28)),
              seat("y4", "Y", start=D(2021, 3, 2)), seat("y5", "Y")]
    seats += [seat("z1", "Z"), seat("z2", "Z"), seat("z1", "Q")]
    sheets = make_book(members, [body("X", "TFT", 2), body("Y", "TFT", 3), body("Z", "TFT", 2),
                                 body("Q", "TFT")], seats)
    # X: 3 members, 정원 2 -> over by 1. Y: y1, y2 only (y3 ended, y4 not yet, y5 dismissed
    # on D) -> 2 of 3, one vacancy. Z: 2 of 2. Q: no 정원.
    assert findings(sheets, "over-capacity") == [("X", None)]
    assert findings(sheets, "vacancy") == [("Y", None)]
    book = as_book(sheets)
    messages = {f.body_id: f.message for f in review(book, DAY).findings}
    assert all(part in messages["X"] for part in ("3명", "정원 2명", "1명 많습니다"))
    assert "2명" in messages["Y"] and "1명 결원" in messages["Y"]


# --------------------------------------------------------------------------- absence-streak

MEETING_DAYS = [D(2020, 5, 1), D(2020, 7, 1), D(2020, 9, 1), D(2020, 11, 1), D(2021, 1, 5)]


def absence_book(settings: dict[str, Any] | None = None) -> dict[str, list[list[Any]]]:
    meetings = [[f"m{i + 1}", "W", i + 1, d, "오프라인"] for i, d in enumerate(MEETING_DAYS)]
    meetings.append(["m0", "W", None, D(2020, 2, 1), "오프라인"])  # before the 12 months up to D
    meetings.append(["m6", "W", None, D(2021, 3, 2), "오프라인"])  # after D
    # status per meeting m1..m5: "출" 출석, "불" 불참, "대" 대리출석, "-" no 출석 row
    plan = {"a": "출출-불불", "b": "출출출불불", "c": "출출불불대", "e": "불불불불불",
            "f": "불불불출출", "g": "출출출출출"}
    rows = []
    for pid, marks in plan.items():
        for i, mark in enumerate(marks):
            if mark != "-":
                status = {"출": "출석", "불": "불참", "대": "대리출석"}[mark]
                rows.append([f"m{i + 1}", pid, status, "대리인" if mark == "대" else None])
    rows += [["m0", "g", "불참", None], ["m6", "a", "출석", None]]
    # d joins between m3 and m4 and misses m4, m5 (expected only twice)
    rows += [["m4", "d", "불참", None], ["m5", "d", "불참", None]]
    members = [person(p) for p in "abcdefg"]
    seats = [seat(p, "W", start=D(2020, 1, 1)) for p in "abcfg"]
    seats += [seat("d", "W", start=D(2020, 10, 1)), seat("e", "W", end=D(2021, 2, 1))]
    return make_book(members, [body("W", "워킹그룹")], seats, meetings, rows, settings)


def test_three_absences_at_three_is_a_streak_two_is_not() -> None:
    # a: m3 (no row), m4, m5 missed -> 3 at N = 3: a streak. b: m4, m5 only. c: m5 by deputy
    # (대리출석인정 Y by default: attended). d: expected at m4, m5 only. e: missed all five
    # but left W before D. f, g: came last. m0 is outside the period, m6 after D.
    assert findings(absence_book(), "absence-streak") == [("W", "a")]


def test_streak_setting_and_proxy_setting() -> None:
    assert findings(absence_book({"연속불참기준": 2}), "absence-streak") == [
        ("W", "a"), ("W", "b"), ("W", "d")]
    # 대리출석인정 N: c's m3, m4 missed and m5 by deputy -> 3 in a row
    assert findings(absence_book({"대리출석인정": "N"}), "absence-streak") == [
        ("W", "a"), ("W", "c")]


def test_streak_message_and_period_override() -> None:
    book = as_book(absence_book())
    (f,) = [f for f in review(book, DAY).findings if f.rule == "absence-streak"]
    assert "3회 연속 불참" in f.message and "2020-09-01" in f.message
    assert "마지막 출석 2020-07-01" in f.message and "해촉 검토" in f.message
    # --to before m5: a's last three expected meetings are m2 (came), m3, m4 -> no streak;
    # --from after m3: only m4, m5 in the period -> nobody has three
    assert [f for f in review(book, DAY, end=D(2020, 12, 31)).findings
            if f.rule == "absence-streak"] == []
    assert [f for f in review(book, DAY, start=D(2020, 10, 1)).findings
            if f.rule == "absence-streak"] == []


def test_default_period_is_the_twelve_months_up_to_the_day() -> None:
    assert year_before(D(2021, 3, 1)) == D(2020, 3, 2)
    assert year_before(D(2024, 2, 29)) == D(2023, 3, 1)


# --------------------------------------------------------------------------- overlap-limit

def test_overlap_limit_from_settings_none_by_default() -> None:
    members = [person("p"), person("q")]
    seats = [seat("p", b) for b in ("X", "Y", "Z")] + [seat("q", b) for b in ("X", "Y")]
    bodies = [body(b, "TFT") for b in ("X", "Y", "Z")]
    assert findings(make_book(members, bodies, seats), "overlap-limit") == []
    # limit 2: p in 3 bodies is over it, q in 2 is not
    assert findings(make_book(members, bodies, seats, settings={"겸직상한": 2}),
                    "overlap-limit") == [(None, "p")]


# --------------------------------------------------------------------------- candidates

def test_candidates_thresholds_and_ranking() -> None:
    # Bodies X, Y, Z with meetings x1..x5 (X), y1 (Y). Everyone is in X; attendance at X:
    members = [person(p) for p in ("p1", "p2", "p3", "p4", "p5", "p6")]
    seats = [seat(p, "X") for p in ("p1", "p2", "p3", "p4", "p5", "p6")]
    seats += [seat("p1", "Y"), seat("p1", "Z"), seat("p2", "Z"), seat("p4", "Z"),
              seat("p5", "Z"), seat("p6", "Y"), seat("p6", "Z")]
    meetings = [[f"x{i}", "X", i, D(2020, 6, i), "오프라인"] for i in range(1, 6)]
    came = {"p1": 4, "p2": 5, "p3": 5, "p4": 3, "p5": 4, "p6": 4}
    rows = [[f"x{i}", p, "출석" if i <= n else "불참", None]
            for p, n in came.items() for i in range(1, 6)]
    rows = [r for r in rows if not (r[1] == "p4" and r[0] == "x5")]  # p4: no row for x5
    sheets = make_book(members, [body(b, "TFT") for b in "XYZ"], seats, meetings, rows)
    got = {c.member_id: c for c in review(as_book(sheets), DAY).candidates}
    # by hand: p1 3 bodies 4/5 = 80% (exactly the minimum: in); p2 2 bodies 5/5; p3 one body
    # (out); p4 2 bodies 3/5 = 60% (out: x5 has no row, absent); p5 2 bodies 4/5; p6 3 bodies
    # 4/5 (as p1). Ranked by attended, then rate, then bodies: p2 1; p1, p6 2; p5 4.
    assert {k: (c.rank, c.bodies, c.expected, c.attended) for k, c in got.items()} == {
        "p2": (1, 2, 5, 5), "p1": (2, 3, 5, 4), "p6": (2, 3, 5, 4), "p5": (4, 2, 5, 4)}
    assert got["p1"].rate == Fraction(4, 5)
    raised = make_book(members, [body(b, "TFT") for b in "XYZ"], seats, meetings, rows,
                       {"우수위원최소활동": 3, "우수위원최소참석률": 0.9})
    assert [c.member_id for c in review(as_book(raised), DAY).candidates] == []


def test_candidates_with_equal_attended_rank_by_rate() -> None:
    # X meets x1..x5; q joins X after x1 (expected 4 times) and comes to all 4: 4 attended as
    # p1 (4/5) but at 100%, so q ranks above p1 although p1 sits on more bodies.
    members = [person(p) for p in ("p1", "p2", "q")]
    seats = [seat("p1", "X"), seat("p1", "Y"), seat("p1", "Z"), seat("p2", "X"),
             seat("p2", "Z"), seat("q", "X", start=D(2020, 6, 2)), seat("q", "Z")]
    meetings = [[f"x{i}", "X", i, D(2020, 6, i), "오프라인"] for i in range(1, 6)]
    came = {"p1": 4, "p2": 5}
    rows = [[f"x{i}", p, "출석" if i <= n else "불참", None]
            for p, n in came.items() for i in range(1, 6)]
    rows += [[f"x{i}", "q", "출석", None] for i in range(2, 6)]
    sheets = make_book(members, [body(b, "TFT") for b in "XYZ"], seats, meetings, rows)
    got = [(c.member_id, c.rank, c.expected, c.attended)
           for c in review(as_book(sheets), DAY).candidates]
    assert got == [("p2", 1, 5, 5), ("q", 2, 4, 4), ("p1", 3, 5, 4)]


# --------------------------------------------------------------------------- expiring terms

def test_terms_end_on_membership_end_else_body_term_end() -> None:
    day = D(2021, 8, 12)
    members = [person(p) for p in "abcdefgh"]
    bodies = [body("C", "협치회의", term="제2기", ends=D(2021, 10, 10)), body("W", "워킹그룹")]
    seats = [seat("a", "C"),  # open: the body's 임기종료일 2021-10-10, 59 days after D
             seat("b", "C", end=D(2021, 9, 1)),  # 활동 종료일: 20 days
             seat("c", "C", end=D(2021, 12, 31)),  # 141 days: outside 90
             seat("d", "C", end=D(2021, 8, 1)),  # ended before D: not active
             seat("e", "W"),  # open, and W has no 임기종료일: no term end
             seat("f", "W", end=day),  # ends on D: 0 days left
             seat("g", "W", end=day + dt.timedelta(days=90)),  # exactly 90: in
             seat("h", "W", end=day + dt.timedelta(days=91))]  # 91: out
    book = as_book(make_book(members, bodies, seats))
    got = [(e.member_id, e.body_id, e.end, e.days_left, e.source, e.term)
           for e in review(book, day).expiring]
    assert got == [
        ("f", "W", day, 0, "활동 종료일", ""),
        ("b", "C", D(2021, 9, 1), 20, "활동 종료일", "제2기"),
        ("a", "C", D(2021, 10, 10), 59, "조직 임기종료일", "제2기"),
        ("g", "W", D(2021, 11, 10), 90, "활동 종료일", ""),
    ]
    assert [e.member_id for e in review(book, day, within=150).expiring] == [
        "f", "b", "a", "g", "h", "c"]


# --------------------------------------------------------------------------- settings

@pytest.mark.parametrize(("key", "value"), [
    pytest.param("성별상한", "여섯", id="cap-not-a-number"),
    pytest.param("성별상한", 0.4, id="cap-below-half"),
    pytest.param("성별상한", "120%", id="cap-over-one"),
    pytest.param("연속불참기준", 0, id="streak-zero"),
    pytest.param("겸직상한", "많이", id="limit-text"),
    pytest.param("우수위원최소활동", 1.5, id="bodies-fraction"),
    pytest.param("우수위원최소참석률", 80, id="rate-as-percent-number"),
    pytest.param("성별균형대상유형", "협치회의,위원회", id="unknown-type"),
])
def test_bad_review_setting_is_an_error_at_its_cell(key: str, value: Any) -> None:
    sheets = absence_book({key: value})
    report = validate(as_book(sheets), DAY)
    (issue,) = report.errors
    assert (issue.code, issue.sheet, issue.cell) == ("invalid-setting", "설정", "B2")
    assert key in issue.message


@pytest.mark.parametrize("value", ["0.6", 0.6, "60%", "\uff16\uff10\uff05"])
def test_cap_spellings(value: Any) -> None:
    assert validate(as_book(absence_book({"성별상한": value})), DAY).errors == []
def test_review_json_follows_the_contract(tmp_path: Path, capsys: Any) -> None:
    path = write_book(tmp_path / "book.xlsx", absence_book())
    assert main(["review", str(path), "--date", "2021-03-01", "--within", "30", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["date"] == "2021-03-01"
    assert set(out) >= {"date", "findings", "expiring", "candidates"}
    (streak,) = [f for f in out["findings"] if f["rule"] == "absence-streak"]
    assert set(streak) >= {"rule", "body_id", "member_id", "message"}
    assert (streak["body_id"], streak["member_id"]) == ("W", "a")
    # everyone is in W only: nobody is active in two bodies, so no candidate
    assert out["candidates"] == []


def test_review_bad_period_is_exit_2(tmp_path: Path, capsys: Any) -> None:
    path = write_book(tmp_path / "book.xlsx", absence_book())
    assert main(["review", str(path), "--date", "2021-03-01", "--from", "2021-03-01",
                 "--to", "2021-01-01"]) == 2
    assert "기간" in capsys.readouterr().err




# --------------------------------------------------------------------------- printed

@pytest.mark.libreoffice
def test_review_sheet_prints_with_approval_box_and_headers(tmp_path: Path) -> None:
    import re

    from test_print_layout import SAMPLE, Table, assert_pages, pdf_pages

    from hyeopchi.core.review_sheet import review_job
    from hyeopchi.io.reader import read_book

    spec = review_job(read_book(SAMPLE), D(2021, 3, 1)).sheets[0]
    pages = pdf_pages([spec], tmp_path, "print-review-2021-03-01")
    # hand: a candidate line ends in 구분, 신분, four counts and a percentage
    candidate = Table("우수 활동위원 후보", ("순위", "구분", "신분", "회의 수", "출석률"),
                      re.compile(r"(위촉직|당연직)\s+\S+(\s+\d+){4}\s+\d+\.\d%\s*$"))
    assert_pages(pages, [candidate], "서대문구 민관협치과 · 운영 점검 · 기준일 2021-03-01")
    first = pages[0]
    for word in ("2021년 협치 기구 운영 점검", "결재", "담당", "팀장", "과장", "1. 점검 요약",
                 "2. 지적 사항", "성별 균형", "연속 불참"):
        assert word in first, word
    assert any("4. 우수 활동위원 후보" in p for p in pages)


@pytest.mark.libreoffice
def test_report_sections_print_with_their_headers(tmp_path: Path) -> None:
    import re

    from test_print_layout import SAMPLE, Table, assert_pages, pdf_pages

    from hyeopchi.core.report_sheet import report_job
    from hyeopchi.io.reader import read_book

    spec = report_job(read_book(SAMPLE), 2021, 8).sheets[0]
    pages = pdf_pages([spec], tmp_path, "print-report-2021-08")
    # hand: the sample's 협치회의 and 운영위원회 (50 + 14 seats, open 활동 rows) end with
    # 제2기 on 2021-10-10, 40 days after 2021-08-31: 64 lines of section 5 over several pages
    ending = Table("임기 만료 예정", ("성명", "조직", "임기종료일", "남은 일수", "기수"),
                   re.compile(r"2021-10-10\s+40\s+제2기\s+조직\s*$"))
    assert_pages(pages, [ending], "서대문구 민관협치과 · 기준일 2021-08-31")
    lines = sum(1 for p in pages for line in p.splitlines() if ending.body.search(line))
    assert lines == 64
    assert "결재" in pages[0] and "과장" in pages[0]
    text = "\n".join(pages)
    assert "5. 임기 만료 예정 (60일 이내, 64건)" in text
    assert "6. 연속 불참 위원 (해촉 검토 대상, 3회 이상, 2건)" in text


def test_sample_gender_finding_matches_a_count_from_the_cells() -> None:
    # The expected side counts 위촉직 성별 per checked body straight from the sample's cells
    # (openpyxl, the member-on-day rule written out here), not through hyeopchi.
    import openpyxl
    from test_print_layout import SAMPLE

    from hyeopchi.io.reader import read_book

    wb = openpyxl.load_workbook(SAMPLE, read_only=True)

    def rows(sheet: str) -> list[dict[str, Any]]:
        it = wb[sheet].iter_rows(values_only=True)
        head = next(it)
        return [dict(zip(head, r, strict=False)) for r in it if r[0] is not None]

    def day(v: Any) -> dt.date | None:
        return v.date() if isinstance(v, dt.datetime) else v

    people = {p["위원ID"]: p for p in rows("위원")}
    kinds = {b["조직ID"]: b["유형"] for b in rows("조직")}
    seats: dict[str, set[str]] = {}
    for s in rows("활동"):
        p = people[s["위원ID"]]
        end, out = day(s["종료일"]), day(p["해촉일"])
        if (day(s["시작일"]) <= DAY and (end is None or end >= DAY)
                and (out is None or out > DAY) and p["구분"] == "위촉직"):
            seats.setdefault(s["조직ID"], set()).add(s["위원ID"])
    wb.close()
    over = set()
    for body, members in seats.items():
        if kinds[body] in ("협치회의", "운영위원회", "분과위원회"):
            sexes = [people[m]["성별"] for m in members if people[m]["성별"] in ("남", "여")]
            top = max(sexes.count("남"), sexes.count("여"))
            if top * 5 > 3 * len(sexes):  # more than 3/5
                over.add(body)
    got = {f.body_id for f in review(read_book(SAMPLE), DAY).findings
           if f.rule == "gender-balance"}
    assert got == over and over  # the sample has at least one such body


def test_roster_only_book_is_reviewed_without_the_attendance_rules() -> None:
    # no 회의/출석 sheets: the rules on D still run; streaks and candidates are skipped, said so
    sheets = make_book([person("x1"), person("x2")], [body("X", "TFT", 3)],
                       [seat("x1", "X"), seat("x2", "X")])
    r = review(as_book(sheets), DAY)
    assert [(f.rule, f.body_id) for f in r.findings] == [("vacancy", "X")]
    assert r.candidates == [] and any("회의·출석 시트가 없어" in n for n in r.notes)
