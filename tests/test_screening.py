"""Screening (심사): seed section 4, 제3기 협치회의 심사항목 대표성 30, 전문성 30, 자발성 40;
심사위원회 6명 (행정 2, 외부 4). Mean per criterion over the judges, total of the means,
competition ranking with ties shown."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from books import D, small_book, write_book

from hyeopchi.cli import main
from hyeopchi.core.screening import rank_applicants, screen_job
from hyeopchi.io.reader import read_book

HEADER = ["신청자ID", "성명", "심사위원", "대표성", "전문성", "자발성"]


def scores(rows: list[list[Any]]) -> dict[str, list[list[Any]]]:
    sheets = small_book()
    sheets["심사"] = [HEADER, *rows]
    return sheets


def run(tmp_path: Path, rows: list[list[Any]]) -> tuple[dict[str, Any], int]:
    outcome = screen_job(read_book(write_book(tmp_path / "book.xlsx", scores(rows))))
    return outcome.payload, outcome.exit_code


def judged(applicant: str, name: str, *triples: tuple[float, float, float]) -> list[list[Any]]:
    return [[applicant, name, f"J{i}", *t] for i, t in enumerate(triples, 1)]


def test_means_are_exact_over_judges(tmp_path: Path) -> None:
    # Three judges: 대표성 (20+25+26)/3 = 71/3, 전문성 (30+20+25)/3 = 25, 자발성 (40+35+36)/3 = 37.
    payload, code = run(tmp_path, judged("A1", "가", (20, 30, 40), (25, 20, 35), (26, 25, 36)))
    assert code == 0
    [a] = payload["applicants"]
    assert a["means"] == {"대표성": float(Fraction(71, 3)), "전문성": 25.0, "자발성": 37.0}
    assert a["total"] == float(Fraction(71, 3) + 25 + 37)
    assert (a["id"], a["name"], a["rank"], a["judges"]) == ("A1", "가", 1, 3)


def test_ties_share_rank_competition_style(tmp_path: Path) -> None:
    rows = (judged("A1", "가", (30, 30, 40), (28, 30, 40))     # total 99
            + judged("A2", "나", (25, 25, 30), (25, 25, 30))   # total 80
            + judged("A3", "다", (20, 30, 30), (30, 20, 30))   # total 80 (tied with A2)
            + judged("A4", "라", (10, 10, 10), (10, 10, 10)))  # total 30
    payload, _ = run(tmp_path, rows)
    got = [(a["id"], a["rank"], a["tied"]) for a in payload["applicants"]]
    assert got == [("A1", 1, False), ("A2", 2, True), ("A3", 2, True), ("A4", 4, False)]


def test_tie_decided_on_exact_total_not_rounded() -> None:
    # 71/3 + 0 + 0 = 23.333... vs 23.3: equal when rounded to one decimal, not tied.
    ranked = rank_applicants([
        ("A1", "가", {"대표성": 20, "전문성": 0, "자발성": 0}),
        ("A1", "가", {"대표성": 25, "전문성": 0, "자발성": 0}),
        ("A1", "가", {"대표성": 26, "전문성": 0, "자발성": 0}),
        ("A2", "나", {"대표성": 23.3, "전문성": 0, "자발성": 0}),
    ])
    assert [(a.id, a.rank, a.tied) for a in ranked] == [("A1", 1, False), ("A2", 2, False)]
    assert ranked[1].means["대표성"] == Fraction(233, 10)  # decimal, not the binary float


def test_screening_sheet_sorted_by_rank_with_one_decimal(tmp_path: Path) -> None:
    rows = (judged("A2", "나", (25, 25, 30), (26, 25, 31))
            + judged("A1", "가", (30, 30, 40), (28, 30, 40)))
    outcome = screen_job(read_book(write_book(tmp_path / "book.xlsx", scores(rows))))
    [spec] = outcome.sheets
    assert spec.name == "심사결과"
    table = next(b for b in spec.blocks if b.values[0][0] == "순위")
    assert table.values[0] == ["순위", "동점", "신청자ID", "성명", "대표성", "전문성", "자발성",
                               "총점", "심사위원 수"]
    # A1: 29, 30, 40 = 99; A2: 25.5, 25, 30.5 = 81
    assert table.values[1:] == [[1, None, "A1", "가", 29.0, 30.0, 40.0, 99.0, 2],
                                [2, None, "A2", "나", 25.5, 25.0, 30.5, 81.0, 2]]


def test_screening_sheet_marks_ties(tmp_path: Path) -> None:
    rows = judged("A1", "가", (20, 20, 20)) + judged("A2", "나", (20, 20, 20))
    outcome = screen_job(read_book(write_book(tmp_path / "book.xlsx", scores(rows))))
    table = next(b for b in outcome.sheets[0].blocks if b.values[0][0] == "순위")
    assert [r[:3] for r in table.values[1:]] == [[1, "동점", "A1"], [1, "동점", "A2"]]


def test_means_display_rounds_half_up(tmp_path: Path) -> None:
    # 대표성 (25 + 25.5) / 2 = 25.25 -> 25.3 (half-up), not 25.2 (half-even).
    rows = judged("A1", "가", (25, 0, 0), (25.5, 0, 0))
    outcome = screen_job(read_book(write_book(tmp_path / "book.xlsx", scores(rows))))
    table = next(b for b in outcome.sheets[0].blocks if b.values[0][0] == "순위")
    assert table.values[1][4] == 25.3
    assert outcome.payload["applicants"][0]["means"]["대표성"] == 25.25


@pytest.mark.parametrize(("row", "cell"), [
    pytest.param(["A1", "가", "J1", 31, 20, 20], "D2", id="representativeness-above-30"),
    pytest.param(["A1", "가", "J1", 20, -1, 20], "E2", id="expertise-below-0"),
    pytest.param(["A1", "가", "J1", 20, 20, 41], "F2", id="voluntariness-above-40"),
    pytest.param(["A1", "가", "J1", 20, 20, None], "F2", id="missing-score"),
    pytest.param(["A1", "가", "J1", 20, "많음", 20], "E2", id="score-not-a-number"),
])
def test_screen_refuses_to_rank_when_scores_invalid(tmp_path: Path, row: list[Any],
                                                    cell: str) -> None:
    payload, code = run(tmp_path, [row, ["A2", "나", "J1", 10, 10, 10]])
    assert code == 1
    assert payload["applicants"] == []
    assert [(e["sheet"], e["cell"]) for e in payload["errors"]] == [("심사", cell)]


def test_screen_refuses_when_judge_scores_twice(tmp_path: Path) -> None:
    payload, code = run(tmp_path, [["A1", "가", "J1", 10, 10, 10], ["A1", "가", "J1", 20, 20, 20]])
    assert code == 1
    assert [(e["code"], e["cell"]) for e in payload["errors"]] == [("duplicate-id", "C3")]


def test_screen_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "book.xlsx",
                      scores(judged("A1", "가", (30, 30, 40)) + judged("A2", "나", (10, 10, 10))))
    assert main(["screen", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    first = payload["applicants"][0]
    assert {k: first[k] for k in ("id", "name", "means", "total", "rank")} == {
        "id": "A1", "name": "가", "means": {"대표성": 30.0, "전문성": 30.0, "자발성": 40.0},
        "total": 100.0, "rank": 1}


def test_screen_cli_errors_print_korean_and_exit_1(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "book.xlsx", scores([["A1", "가", "J1", 35, 10, 10]]))
    assert main(["screen", str(path)]) == 1
    out = capsys.readouterr().out
    assert "순위를 계산하지 않았습니다" in out and "심사!D2" in out


def test_screen_cli_missing_sheet_exit_2(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "book.xlsx", small_book())
    assert main(["screen", str(path)]) == 2
    assert "심사" in capsys.readouterr().err


SAMPLE = Path(__file__).parent.parent / "workbook" / "sample" / "seodaemun-2021.xlsx"


def test_sample_screening_totals_and_planted_tie() -> None:
    # Totals recomputed from the cells with openpyxl (not through hyeopchi), exact fractions.
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE, read_only=True)
    it = wb["심사"].iter_rows(values_only=True)
    header = next(it)
    sums: dict[str, Fraction] = {}
    judges: dict[str, int] = {}
    for values in it:
        r = dict(zip(header, values, strict=False))
        if r["신청자ID"] is None:
            continue
        sums[r["신청자ID"]] = sums.get(r["신청자ID"], Fraction(0)) + sum(
            Fraction(r[c]) for c in ("대표성", "전문성", "자발성"))
        judges[r["신청자ID"]] = judges.get(r["신청자ID"], 0) + 1
    wb.close()
    expected = {a: float(sums[a] / judges[a]) for a in sums}
    outcome = screen_job(read_book(SAMPLE))
    got = {a["id"]: a["total"] for a in outcome.payload["applicants"]}
    assert got == expected
    ranks = [a["rank"] for a in outcome.payload["applicants"]]
    assert ranks == [1, 2, 3, 3, *range(5, 13)]  # the sample plants one exact tie: A04 = A09
    assert {a["id"] for a in outcome.payload["applicants"] if a["tied"]} == {"A04", "A09"}


# --- screen --seats (selection with the gender cap), 심사 profile columns -------------------

PROFILE_HEADER = [*HEADER, "성별", "연령대", "분야", "지역"]


def profiled(applicant: str, total: int, sex: str | None, age: str = "40대",
             field: str = "교육", region: str = "연희동", judges: int = 2) -> list[list[Any]]:
    """`judges` rows giving `applicant` the same scores; total = 대표성 + 전문성 + 자발성."""
    part = (min(total, 30), min(max(total - 30, 0), 30), max(total - 60, 0))
    return [[applicant, f"신청{applicant}", f"J{j}", *part, sex, age, field, region]
            for j in range(1, judges + 1)]


def select_book(rows: list[list[Any]], settings: dict[str, Any] | None = None) -> Any:
    from test_review import as_book  # an in-memory book, no file

    sheets = {"심사": [PROFILE_HEADER, *rows]}
    if settings:
        sheets["설정"] = [["항목", "값"], *([k, v] for k, v in settings.items())]
    return as_book(sheets)


def chosen(payload: dict[str, Any]) -> list[str]:
    return [a["id"] for a in payload["applicants"] if a["selected"]]


def test_seats_four_at_sixty_percent_take_at_most_two_of_one_gender() -> None:
    # by hand: floor(0.6 x 4) = 2. In rank order A1 남, A2 남 in; A3 남 would be a third man:
    # skipped; A4 여 in; A5 남 skipped; A6 여 in -> A1, A2, A4, A6 (2 men, 2 women).
    rows = (profiled("A1", 90, "남") + profiled("A2", 85, "남") + profiled("A3", 80, "남")
            + profiled("A4", 75, "여") + profiled("A5", 70, "남") + profiled("A6", 65, "여")
            + profiled("A7", 60, "여"))
    outcome = screen_job(select_book(rows), seats=4)
    p = outcome.payload
    assert chosen(p) == ["A1", "A2", "A4", "A6"]
    assert p["gender_limit"] == 2 and p["tie"] == []
    reasons = {a["id"]: a["reason"] for a in p["applicants"]}
    assert reasons["A1"] is None and "성별 상한" in reasons["A3"] and "성별 상한" in reasons["A5"]
    assert reasons["A7"] == "4석 밖 순위"
    assert p["spread"]["성별"] == {"남": 2, "여": 2}
    assert "4석 중 4명 선정" in outcome.summary


def test_tie_at_the_cut_line_is_flagged_not_decided() -> None:
    # by hand: 2 seats, no 성별 given: A1 90 in; A2 and A3 both 80 for the last seat: the
    # rank order (ID) puts A2 in, but the tie is the 심사위원회's to decide.
    rows = (profiled("A1", 90, None) + profiled("A2", 80, None) + profiled("A3", 80, None)
            + profiled("A4", 70, None))
    outcome = screen_job(select_book(rows), seats=2)
    p = outcome.payload
    assert chosen(p) == ["A1", "A2"] and p["tie"] == ["A2", "A3"]
    reasons = {a["id"]: a["reason"] for a in p["applicants"]}
    assert "커트라인 동점" in reasons["A2"] and "커트라인 동점" in reasons["A3"]
    assert reasons["A4"] == "2석 밖 순위"
    assert "성별이 없어" in outcome.summary  # the cap could not be applied


def test_equal_total_that_the_gender_cap_keeps_out_is_no_tie() -> None:
    # by hand: 2 seats, cap floor(1.2) = 1 each. A1 남 90, A2 여 80 in; A3 남 80 is left out by
    # the cap and could not take A2's seat (a second man): no tie. Had A3 been 여, it could.
    men = profiled("A1", 90, "남") + profiled("A2", 80, "여")
    assert screen_job(select_book(men + profiled("A3", 80, "남")), seats=2).payload["tie"] == []
    assert screen_job(select_book(men + profiled("A3", 80, "여")),
                      seats=2).payload["tie"] == ["A2", "A3"]


def test_limit_is_never_below_half_the_seats() -> None:
    # by hand: floor(0.6 x 3) = 1 of each gender would hold 2 of 3 seats; ceil(3 / 2) = 2 is
    # the most balanced 3-person group, so the limit is 2: A1 남, A2 여, A3 남.
    rows = (profiled("A1", 90, "남") + profiled("A2", 85, "여") + profiled("A3", 80, "남")
            + profiled("A4", 75, "여"))
    outcome = screen_job(select_book(rows), seats=3)
    assert chosen(outcome.payload) == ["A1", "A2", "A3"]
    assert outcome.payload["gender_limit"] == 2
    assert "내림(1명)으로는 자리를 채울 수 없어" in outcome.summary
    # one seat: floor(0.6) = 0 would seat nobody; the limit is 1
    assert chosen(screen_job(select_book(rows), seats=1).payload) == ["A1"]


def test_gender_cap_leaves_seats_empty_when_applicants_run_out() -> None:
    # by hand: 4 seats, limit 2; only men apply: A1, A2 in, A3, A4 out -> 2 of 4 seats
    rows = [r for a, t in (("A1", 90), ("A2", 85), ("A3", 80), ("A4", 75))
            for r in profiled(a, t, "남")]
    outcome = screen_job(select_book(rows), seats=4)
    assert chosen(outcome.payload) == ["A1", "A2"]
    assert "2석을 채우지 못했습니다" in outcome.summary


def test_cap_from_settings_and_spread_by_each_column() -> None:
    # cap 0.75 with 4 seats: floor(3) = 3 men allowed -> A1, A2, A3 (men), A4 (woman)
    rows = (profiled("A1", 90, "남", "30대", "청년", "신촌동")
            + profiled("A2", 85, "남", "40대", "교육", "연희동")
            + profiled("A3", 80, "남", "40대", "교육", "연희동")
            + profiled("A4", 75, "여", "60대 이상", "다문화", "홍제1동"))
    outcome = screen_job(select_book(rows, {"성별상한": "75%"}), seats=4)
    p = outcome.payload
    assert chosen(p) == ["A1", "A2", "A3", "A4"] and p["gender_limit"] == 3
    assert p["spread"] == {"성별": {"남": 3, "여": 1},
                           "연령대": {"30대": 1, "40대": 2, "60대 이상": 1},
                           "분야": {"교육": 2, "다문화": 1, "청년": 1},
                           "지역": {"신촌동": 1, "연희동": 2, "홍제1동": 1}}
    cells = [v for b in outcome.sheets[0].blocks for r in b.values for v in r]
    assert {"선정", "비고", "성별", "연령대", "분야", "지역", "선정자 구성"} <= set(cells)


def test_missing_score_is_an_error_at_the_applicants_row() -> None:
    # J1 and J2 are named on the sheet; A2 has no J2 row (row 4 is A2's only row)
    rows = profiled("A1", 90, "남") + profiled("A2", 80, "여", judges=1)
    outcome = screen_job(select_book(rows), seats=1)
    assert outcome.exit_code == 1 and outcome.payload["applicants"] == []
    (error,) = outcome.payload["errors"]
    assert (error["code"], error["cell"]) == ("missing-score", "A4")
    assert "J2" in error["message"] and "A2" in error["message"]
    from hyeopchi.core.validate import validate  # validate reports it too, with every check

    report = validate(select_book(rows), D(2021, 8, 25))
    assert [(i.code, i.cell) for i in report.errors] == [("missing-score", "A4")]


def test_profile_given_two_ways_is_an_error_at_the_second_cell() -> None:
    rows = profiled("A1", 90, "남")
    rows[1][6] = "여"  # A1's J2 row (sheet row 3) says 여; its J1 row says 남
    errors = screen_job(select_book(rows)).payload["errors"]
    assert [(e["code"], e["cell"]) for e in errors] == [("inconsistent-applicant", "G3")]


def test_screen_seats_on_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "b.xlsx", {"심사": [PROFILE_HEADER, *profiled("A1", 90, "남"),
                                                     *profiled("A2", 80, "여")]})
    assert main(["screen", str(path), "--seats", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(a["id"], a["selected"], a["reason"]) for a in out["applicants"]] == [
        ("A1", True, None), ("A2", False, "1석 밖 순위")]


def test_screen_seats_json_conforms_to_the_published_schema() -> None:
    from test_output_schemas import conforms

    rows = profiled("A1", 90, "남") + profiled("A2", 80, "여") + profiled("A3", 80, "여")
    payload = screen_job(select_book(rows), seats=2).payload
    conforms("screen", json.loads(json.dumps(payload, ensure_ascii=False, default=str)))
    assert all(set(a) >= {"selected", "reason"} for a in payload["applicants"])
