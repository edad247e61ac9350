"""Golden figures on the bundled sample workbook, worked out by hand from the seed
(shared/seed/000_738550add0f3e293.txt). Each block's comment names the seed table."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest

from hyeopchi.cli import main
from hyeopchi.core.attendance import attendance_job, compute_attendance
from hyeopchi.core.overlap import overlap_job
from hyeopchi.core.tables import Book, table_from_grid
from hyeopchi.io.reader import read_book

SAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "sample" / "seodaemun-2021.xlsx"
D = dt.date


@pytest.fixture(scope="module")
def book() -> Book:
    return read_book(SAMPLE)


def zeros_dropped(d: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in d.items() if v}


def test_overlap_2021_03_01_matches_the_seed(book: Book) -> None:
    got = overlap_job(book, D(2021, 3, 1)).payload
    # seed "영역별 활동현황": 3.1.기준 488 = 50 + 14 + 169 + 199 + 56
    assert got["by_type"] == {"협치회의": 50, "운영위원회": 14, "분과위원회": 169,
                              "워킹그룹": 199, "TFT": 56, "합계": 488}
    # seed "중복활동현황": 281 people; 11개..1개 = 1 0 0 3 2 2 4 10 22 64 173
    assert got["people"] == 281
    assert list(got["distribution"].values()) == [1, 0, 0, 3, 2, 2, 4, 10, 22, 64, 173]
    assert list(got["distribution"]) == [str(n) for n in range(11, 0, -1)]
    # seed "협치회의 위원 중복활동 현황": 당연직 11 = 1 (조정관, 6개) + 10 (1개)
    assert zeros_dropped(got["council"]["당연직"]) == {"6": 1, "1": 10}
    # 위촉직 39: the seed prints 8개 4 and 7개 1, contradicting its own district table (only 3
    # people in 8 bodies); the sample moves one person from 8 to 7.
    assert zeros_dropped(got["council"]["위촉직"]) == {
        "11": 1, "8": 3, "7": 2, "6": 1, "5": 4, "4": 2, "3": 9, "2": 14, "1": 3}
    assert sum(got["council"]["위촉직"].values()) == 39


def test_overlap_sheet_on_the_sample_has_281_people_and_no_phone(book: Book) -> None:
    spec = overlap_job(book, D(2021, 3, 1)).sheets[0]
    people = spec.blocks[-1].values[1:]
    assert len(people) == 281
    assert people[0][4] == 11 and [r[4] for r in people] == sorted((r[4] for r in people),
                                                                    reverse=True)
    text = " ".join(str(v) for b in spec.blocks for r in b.values for v in r)
    assert "010-" not in text and "연락처" not in text


# seed section 4 "위원별 참석율", meetings 10차..14차 (19.11.20. .. 20.12.29.)
COUNCIL = {
    "전체": ([44, 41, 38, 34, 37], [50, 50, 50, 50, 48]),
    "당연직": ([9, 8, 9, 5, 7], [11] * 5),
    # the seed prints 정원 4 for the 14th, but its own total 48 requires the two 구의원 who
    # left before it; every rate the seed prints (50, 100, 0, 0, 0%) still holds.
    "위촉직(시·구의원)": ([2, 4, 0, 0, 0], [4, 4, 4, 4, 2]),
    "위촉직(민간)": ([33, 29, 29, 29, 30], [35] * 5),
}


def test_council_attendance_2019_11_to_2020_12_matches_the_seed(book: Book) -> None:
    a = compute_attendance(book, D(2019, 11, 1), D(2020, 12, 31), "협치회의")
    assert [m.round for m in a.meetings] == [10, 11, 12, 13, 14]
    assert [m.day for m in a.meetings] == [D(2019, 11, 20), D(2020, 4, 23), D(2020, 9, 3),
                                           D(2020, 11, 25), D(2020, 12, 29)]
    for group, (attended, expected) in COUNCIL.items():
        assert [m.groups[group].attended for m in a.meetings] == attended, group
        assert [m.groups[group].expected for m in a.meetings] == expected, group
    # 전체 88%, 82%, 76%, 68%, 77.08%; pooled 194/248 = 78.2%; mean of rates 78.2%
    assert [float(m.groups["전체"].rate) for m in a.meetings] == [0.88, 0.82, 0.76, 0.68,
                                                                  37 / 48]
    assert a.pooled("전체").rate == Fraction(194, 248)
    assert round(float(a.mean_rate("전체")) * 100, 1) == 78.2
    # 당연직 69.1% (mean of 81.8, 72.7, 81.8, 45.5, 63.6 = pooled 38/55)
    assert a.mean_rate("당연직") == Fraction(38, 55)
    # 위촉직(시·구의원) 30% = mean of 50, 100, 0, 0, 0
    assert a.mean_rate("위촉직(시·구의원)") == Fraction(3, 10)
    # 위촉직(민간) 85.7% = 150/175
    assert a.pooled("위촉직(민간)").rate == Fraction(150, 175)


def test_council_sheet_shows_the_seed_percentages(book: Book) -> None:
    spec = attendance_job(book, D(2019, 11, 1), D(2020, 12, 31), "협치회의").sheets[0]
    heads = next(b.values[0] for b in spec.blocks if b.values[0][0] == "구분")
    assert heads[1:] == ["10차 (19.11.20.)", "11차 (20.4.23.)", "12차 (20.9.3.)",
                         "13차 (20.11.25.)", "14차 (20.12.29.)", "평균", "합계"]
    rates = [b.values[0] for b in spec.blocks if b.values[0][0] == "참석율"]
    # seed: 88% 82% 76% 68% 77.08% | 78.2%;  81.8 72.7 81.8 45.5 63.6 | 69.1%
    assert rates[0][1:7] == [0.88, 0.82, 0.76, 0.68, 0.771, 0.782]
    assert rates[1][1:7] == [0.818, 0.727, 0.818, 0.455, 0.636, 0.691]
    assert rates[2][1:7] == [0.5, 1.0, 0.0, 0.0, 0.0, 0.3]
    assert rates[3][1:7] == [0.943, 0.829, 0.829, 0.829, 0.857, 0.857]


def test_council_proxies_not_counted_drop_ex_officio_by_one(book: Book) -> None:
    # One 당연직 attendance per meeting is 대리출석 in the sample.
    settings, _ = table_from_grid("설정", [["항목", "값"], ["대리출석인정", "N"]])
    strict = Book({**book.tables, "설정": settings}, book.sheet_names)
    a = compute_attendance(strict, D(2019, 11, 1), D(2020, 12, 31), "협치회의")
    assert [m.groups["당연직"].attended for m in a.meetings] == [8, 7, 8, 4, 6]
    assert [m.groups["전체"].attended for m in a.meetings] == [43, 40, 37, 33, 36]


def test_cli_attendance_on_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attendance", str(SAMPLE), "--from", "2019-11-01", "--to", "2020-12-31",
                 "--type", "협치회의", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["summary"]["전체"]["expected"] == 248 and got["summary"]["전체"]["attended"] == 194
    # 행정 = 당연직 + 시·구의원: 44/73 = 60.3% -> 1.5; 민간 150/175 = 85.7% -> 2;
    # the sample's 평가입력 gives 4-1-3 = 2, 4-1-4 = 2.5: total 8.
    assert got["scores"] == {"4-1-1": 1.5, "4-1-2": 2.0, "4-1-3": 2.0, "4-1-4": 2.5,
                             "total": 8.0}
