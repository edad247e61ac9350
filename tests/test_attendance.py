"""참석율 and 평가지표 4-1 scores on small books."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from books import D, small_book, write_book
from test_overlap import _cells, book_of

from hyeopchi.cli import main
from hyeopchi.core.attendance import attendance_job, compute_attendance

ALL = (D(2019, 1, 1), D(2021, 12, 31))


def council_book(admin: int, civil: int, attended: list[tuple[int, int]],
                 scores: dict[str, float] | None = None) -> dict[str, list[list[Any]]]:
    """A council of `admin` 당연직 공무원 (A1..) and `civil` 위촉직 민간 (C1..) with one meeting
    per (admins attending, civilians attending) in `attended`, in 2020 months 1, 2, ..."""
    admins = [f"A{i}" for i in range(1, admin + 1)]
    civils = [f"C{i}" for i in range(1, civil + 1)]
    sheets = small_book()
    sheets["위원"] = sheets["위원"][:1] + [
        [p, f"행정{p}", "당연직", "공무원", None, None, None, None, None] for p in admins] + [
        [p, f"민간{p}", "위촉직", "민간", None, D(2019, 1, 1), None, None, None] for p in civils]
    sheets["활동"] = sheets["활동"][:1] + [[p, "C01", "위원", D(2019, 1, 1), None]
                                         for p in admins + civils]
    sheets["회의"] = sheets["회의"][:1]
    sheets["출석"] = sheets["출석"][:1]
    for k, (a, c) in enumerate(attended, start=1):
        mid = f"M{k}"
        sheets["회의"].append([mid, "C01", k, D(2020, k, 1), "오프라인", None, None])
        for i, p in enumerate(admins):
            sheets["출석"].append([mid, p, "출석" if i < a else "불참", None, None])
        for i, p in enumerate(civils):
            sheets["출석"].append([mid, p, "출석" if i < c else "불참", None, None])
    if scores is not None:
        sheets["평가입력"] = [["항목", "점수"], *([k, v] for k, v in scores.items())]
    return sheets


def run(sheets: dict[str, list[list[Any]]], start: Any = ALL[0], end: Any = ALL[1],
        body_type: str | None = None) -> dict[str, Any]:
    return attendance_job(book_of(sheets), start, end, body_type).payload


def test_small_book_council_meeting_counts_expected_members_only() -> None:
    # small_book C01-10 (2019-11-20): P1 당연직 대리출석, P2 민간 출석, P3 구의원 불참.
    got = run(small_book(), body_type="협치회의")
    assert [m["meeting_id"] for m in got["meetings"]] == ["C01-10"]
    g = got["meetings"][0]["groups"]
    assert g["전체"] == {"expected": 3, "attended": 2, "rate": 2 / 3}
    assert g["당연직"] == {"expected": 1, "attended": 1, "rate": 1.0}
    assert g["위촉직(시·구의원)"] == {"expected": 1, "attended": 0, "rate": 0.0}
    assert g["위촉직(민간)"]["attended"] == 1 and g["민간"]["expected"] == 1
    assert g["행정"] == {"expected": 2, "attended": 1, "rate": 0.5}


def test_proxy_attendance_not_counted_when_setting_is_n() -> None:
    sheets = small_book()
    sheets["설정"] = [["항목", "값"], ["대리출석인정", "N"]]
    g = run(sheets, body_type="협치회의")["meetings"][0]["groups"]
    assert g["당연직"]["attended"] == 0 and g["전체"]["attended"] == 1


def test_attendance_row_for_someone_not_expected_does_not_count() -> None:
    sheets = small_book()
    sheets["출석"].append(["C01-10", "P4", "출석", None, None])  # P4 is not in C01
    g = run(sheets, body_type="협치회의")["meetings"][0]["groups"]
    assert g["전체"] == {"expected": 3, "attended": 2, "rate": 2 / 3}


def test_meeting_nobody_was_expected_at_has_null_rate_and_mean_skips_it() -> None:
    sheets = small_book()
    # B01's only member (P2) joins on 2020-01-01: nobody is expected on 2019-12-01.
    sheets["회의"].append(["B01-1", "B01", 1, D(2019, 12, 1), "오프라인", None, None])
    got = run(sheets)
    empty = next(m for m in got["meetings"] if m["meeting_id"] == "B01-1")
    assert empty["groups"]["전체"] == {"expected": 0, "attended": 0, "rate": None}
    # 전체: C01-10 2/3, W01-1 2/2 -> mean (2/3 + 1) / 2 = 5/6; pooled 4/5
    assert got["summary"]["전체"]["mean_rate"] == pytest.approx(5 / 6, abs=0)
    assert got["summary"]["전체"]["rate"] == 0.8
    assert got["summary"]["당연직"]["mean_rate"] == 1.0  # W01-1 (none expected) left out


def test_group_nobody_expected_in_whole_period_is_null_not_an_error() -> None:
    got = run(council_book(0, 2, [(0, 1)]))
    assert got["summary"]["행정"] == {"expected": 0, "attended": 0, "rate": None,
                                    "mean_rate": None}
    assert got["scores"]["4-1-1"] is None and got["scores"]["total"] is None


@pytest.mark.parametrize(("admin", "civil", "s1", "s2"), [
    pytest.param((4, 5), (3, 5), 2.0, 1.5, id="exactly-80-and-exactly-60"),
    pytest.param((2, 5), (8, 20), 0.0, 0.0, id="exactly-40-is-0"),
    pytest.param((2, 5), (9, 20), 0.0, 1.0, id="45-is-just-above-40"),
    pytest.param((5, 5), (0, 20), 2.0, 0.0, id="all-and-none"),
])
def test_scores_use_the_exact_pooled_rate(admin: tuple[int, int], civil: tuple[int, int],
                                          s1: float, s2: float) -> None:
    sheets = council_book(admin[1], civil[1], [(admin[0], civil[0])],
                          scores={"4-1-3": 2.5, "4-1-4": 3})
    scores = run(sheets)["scores"]
    assert (scores["4-1-1"], scores["4-1-2"]) == (s1, s2)
    assert (scores["4-1-3"], scores["4-1-4"]) == (2.5, 3.0)
    assert scores["total"] == s1 + s2 + 5.5


def test_pooled_rate_just_above_40_percent_over_two_meetings() -> None:
    # 행정: 2/5, then two more join -> 3/7; pooled 5/12 = 41.7% (> 40%) -> 1.
    sheets = council_book(5, 1, [(2, 1), (3, 1)])
    sheets["활동"].append(["A6", "C01", "위원", D(2020, 2, 1), None])
    sheets["활동"].append(["A7", "C01", "위원", D(2020, 2, 1), None])
    sheets["위원"] += [["A6", "행정A6", "당연직", "공무원", None, None, None, None, None],
                     ["A7", "행정A7", "당연직", "공무원", None, None, None, None, None]]
    a = compute_attendance(book_of(sheets), *ALL)
    assert [m.groups["행정"].rate for m in a.meetings] == [Fraction(2, 5), Fraction(3, 7)]
    assert a.pooled("행정").rate == Fraction(5, 12)
    assert a.scores()["4-1-1"] == 1.0


def test_qualitative_scores_absent_give_null_total() -> None:
    scores = run(council_book(5, 5, [(5, 5)], scores={"4-1-3": 2}))["scores"]
    assert scores == {"4-1-1": 2.0, "4-1-2": 2.0, "4-1-3": 2.0, "4-1-4": None, "total": None}


def test_period_is_inclusive_and_type_filters() -> None:
    sheets = small_book()
    assert run(sheets, D(2019, 11, 20), D(2019, 11, 20))["meetings"][0]["meeting_id"] == "C01-10"
    assert run(sheets, D(2019, 11, 21), D(2021, 3, 9))["meetings"] == []
    assert [m["meeting_id"] for m in run(sheets, body_type="워킹그룹")["meetings"]] == ["W01-1"]
    sheets["설정"] = [["항목", "값"], ["평가대상유형", "협치회의"]]
    assert [m["meeting_id"] for m in run(sheets)["meetings"]] == ["C01-10"]


def test_sheet_shows_seed_headers_and_half_up_percentages() -> None:
    # 16 civilians, 1 attends: 1/16 = 6.25% -> shown 6.3% (0.063 in a 0.0% cell).
    spec = attendance_job(book_of(council_book(0, 16, [(0, 1)])), *ALL).sheets[0]
    cells = _cells(spec)
    assert spec.name == "출석현황"
    assert cells[(4, 1)] == "1차 (20.1.1.)" and cells[(4, 2)] == "평균"
    assert [cells[(r, 0)] for r in (5, 6, 7)] == ["정원", "참석자", "참석율"]
    assert (cells[(5, 1)], cells[(6, 1)], cells[(7, 1)]) == (16, 1, 0.063)
    assert cells[(7, 2)] == 0.063 and cells[(7, 3)] == 0.063
    # 당연직 block: nobody expected -> '-'
    assert cells[(10, 0)].startswith("• 당연직") and cells[(14, 1)] == "-"


def test_score_sheet_lists_scores_total_and_rates() -> None:
    out = attendance_job(book_of(council_book(5, 5, [(4, 3)], {"4-1-3": 2, "4-1-4": 1})), *ALL)
    cells = _cells(out.sheets[1])
    assert out.sheets[1].name == "평가점수"
    rows = {cells[(r, 0)]: r for r in range(4, 9)}
    assert cells[(rows["4-1-1"], 4)] == 0.8 and cells[(rows["4-1-1"], 5)] == 2.0
    assert cells[(rows["4-1-2"], 4)] == 0.6 and cells[(rows["4-1-2"], 5)] == 1.5
    assert cells[(rows["4-1"], 5)] == 6.5


def test_cli_attendance_json_and_bad_period(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "book.xlsx", small_book())
    assert main(["attendance", str(path), "--from", "2019-01-01", "--to", "2021-12-31",
                 "--type", "협치회의", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["summary"]["전체"] == {"expected": 3, "attended": 2, "rate": 2 / 3,
                                    "mean_rate": 2 / 3}
    assert set(got["scores"]) == {"4-1-1", "4-1-2", "4-1-3", "4-1-4", "total"}
    assert main(["attendance", str(path), "--from", "2021-01-01", "--to", "2020-01-01"]) == 2
    assert "기간" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["attendance", str(path), "--from", "2019-01-01", "--to", "2021-12-31",
              "--type", "동아리"])
    assert exc.value.code == 2


def test_cli_attendance_without_attendance_sheet_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheets = small_book()
    del sheets["출석"]
    path = write_book(tmp_path / "book.xlsx", sheets)
    assert main(["attendance", str(path), "--from", "2019-01-01", "--to", "2021-12-31"]) == 2
    assert "출석" in capsys.readouterr().err


def test_rerunning_attendance_in_place_replaces_the_sheets(tmp_path: Path) -> None:
    import openpyxl

    path = write_book(tmp_path / "book.xlsx", small_book())
    for _ in range(2):
        assert main(["attendance", str(path), "--from", "2019-01-01", "--to", "2021-12-31",
                     "--in-place"]) == 0
    names = openpyxl.load_workbook(path).sheetnames
    assert names.count("출석현황") == 1 and names.count("평가점수") == 1


def test_bad_setting_falls_back_to_default_with_a_warning() -> None:
    sheets = small_book()
    sheets["설정"] = [["항목", "값"], ["대리출석인정", "아마도"]]
    out = attendance_job(book_of(sheets), *ALL, "협치회의")
    assert out.payload["meetings"][0]["groups"]["당연직"]["attended"] == 1  # default Y
    assert [w["cell"] for w in out.payload["warnings"]] == ["B2"]
    assert "경고" in out.summary
