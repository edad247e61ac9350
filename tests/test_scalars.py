"""Scalar rules (UDF-ready): score bands on exact rates, half-up display rounding, counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from hyeopchi.core.scalars import activity_count, attendance_rate, round_half_up, score_band

D = dt.date


@pytest.mark.parametrize(("rate", "score"), [
    pytest.param(Fraction(4, 5), 2.0, id="exactly-80-is-2"),
    pytest.param(Fraction(79999, 100000), 1.5, id="just-below-80-is-1.5"),
    pytest.param(Fraction(3, 5), 1.5, id="exactly-60-is-1.5"),
    pytest.param(Fraction(59999, 100000), 1.0, id="just-below-60-is-1"),
    pytest.param(Fraction(2, 5), 0.0, id="exactly-40-is-0"),
    pytest.param(Fraction(40001, 100000), 1.0, id="just-above-40-is-1"),
    pytest.param(Fraction(0), 0.0, id="zero"),
    pytest.param(Fraction(1), 2.0, id="all-attended"),
    pytest.param(Fraction(194, 248), 1.5, id="seed-council-78.2-is-1.5"),
])
def test_score_band_on_exact_boundaries(rate: Fraction, score: float) -> None:
    assert score_band(rate) == score


@pytest.mark.parametrize("rate", [
    pytest.param(0.6, id="float-0.6-as-typed"),
    pytest.param(Decimal("0.6"), id="decimal"),
    pytest.param(Fraction(3, 5), id="fraction"),
])
def test_score_band_float_0_6_is_exactly_60_percent(rate: object) -> None:
    # The binary float 0.6 is a hair below 3/5; a person who typed 0.6 means 60%.
    assert score_band(rate) == 1.5  # type: ignore[arg-type]


def test_score_band_float_0_8_and_0_4() -> None:
    assert (score_band(0.8), score_band(0.4), score_band(1), score_band(0)) == (2.0, 0.0, 2.0, 0.0)


@pytest.mark.parametrize("bad", [80, -0.1, 1.01, float("nan")])
def test_score_band_rejects_rates_outside_0_to_1(bad: float) -> None:
    with pytest.raises(ValueError):
        score_band(bad)


@pytest.mark.parametrize(("x", "digits", "shown"), [
    pytest.param(0.0625, 3, 0.063, id="half-goes-up-0.0625-to-6.3pct"),
    pytest.param(Fraction(37, 48), 3, 0.771, id="77.083pct-to-77.1pct"),
    pytest.param(Fraction(9, 11), 3, 0.818, id="81.818pct-to-81.8pct"),
    pytest.param(Fraction(5, 11), 3, 0.455, id="45.45pct-to-45.5pct"),
    pytest.param(2.675, 2, 2.68, id="float-as-typed-2.675"),
    pytest.param(Decimal("0.125"), 2, 0.13, id="decimal-half"),
    pytest.param(-0.125, 2, -0.13, id="negative-half-away-from-zero"),
    pytest.param(7, 0, 7.0, id="int"),
])
def test_round_half_up(x: object, digits: int, shown: float) -> None:
    assert round_half_up(x, digits) == shown  # type: ignore[arg-type]


def test_python_round_would_have_rounded_half_to_even() -> None:
    assert round(0.0625, 3) == 0.062 and round_half_up(0.0625, 3) == 0.063


def test_attendance_rate_is_exact_and_none_when_nobody_expected() -> None:
    assert attendance_rate(48, 37) == Fraction(37, 48)
    assert attendance_rate(0, 0) is None
    with pytest.raises(ValueError):
        attendance_rate(3, 4)


ROWS = [
    ["위원ID", "조직ID", "역할", "시작일", "종료일"],
    ["P1", "C01", "위원", D(2020, 1, 1), None],
    ["P1", "C01", "의장", D(2020, 1, 1), None],  # a second role in the same body
    ["P1", "B01", "분과장", D(2020, 1, 1), D(2021, 3, 1)],  # ends on the reference date
    ["P1", "W01", "리더", D(2021, 3, 2), None],  # starts the day after
    ["P2", "W01", "일반", "2020.1.1", None],  # text date, as a range may carry
]


@pytest.mark.parametrize("shape", ["rows-with-header", "rows-without-header", "dataframe",
                                   "mappings"])
def test_activity_count_two_roles_once_end_date_inclusive(shape: str) -> None:
    if shape == "rows-with-header":
        table: object = ROWS
    elif shape == "rows-without-header":
        table = ROWS[1:]
    elif shape == "dataframe":
        table = pd.DataFrame(ROWS[1:], columns=ROWS[0], dtype=object)
    else:
        table = [dict(zip(ROWS[0], r, strict=True)) for r in ROWS[1:]]
    assert activity_count(table, "P1", D(2021, 3, 1)) == 2  # C01 once + B01 (last day)
    assert activity_count(table, "P1", D(2021, 3, 2)) == 2  # C01 + W01
    assert activity_count(table, "P2", D(2021, 3, 1)) == 1
    assert activity_count(table, "P9", D(2021, 3, 1)) == 0  # no memberships


def test_activity_count_dismissal_on_the_day_is_exclusive() -> None:
    members = [["위원ID", "성명", "해촉일"], ["P1", "김가람", D(2021, 3, 1)]]
    assert activity_count(ROWS, "P1", D(2021, 3, 1), members) == 0
    assert activity_count(ROWS, "P1", D(2021, 2, 28), members) == 2
    assert activity_count(ROWS, "P1", dt.datetime(2021, 2, 28), {"P1": "2021-03-01"}) == 2
    with pytest.raises(TypeError):  # a serial is the UDF edge's to parse, not the core's
        activity_count(ROWS, "P1", 44256, {"P1": D(2021, 3, 1)})  # type: ignore[arg-type]
