"""Worksheet functions through xlwings' own converters (xlwings.server.custom_functions_call):
ranges arrive as 2-D lists (or DataFrames), results go back as 2-D arrays."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw
from books import MEMBERSHIPS, RATES, small_book

from hyeopchi.excel import udf_common

EPOCH = dt.date(1899, 12, 30)
SAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "sample" / "seodaemun-2021.xlsx"


pytestmark = pytest.mark.usefixtures("remote_engine")


@pytest.fixture
def server() -> Any:
    from hyeopchi.excel import udfs_server

    return udfs_server


def serial(value: Any) -> Any:
    """As Office.js sends a cell: dates as serial numbers, blanks as ''."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return (value - EPOCH).days
    if isinstance(value, dt.time):
        return (value.hour * 60 + value.minute) / 1440
    return "" if value is None else value


def grid(rows: list[list[Any]]) -> list[list[Any]]:
    width = max(len(r) for r in rows)
    return [[serial(v) for v in r] + [""] * (width - len(r)) for r in rows]


def call(module: Any, name: str, *args: Any) -> Any:
    """One Excel call of `name`; each argument a 2-D list (a scalar becomes [[x]])."""
    data = {"func_name": name, "args": [a if isinstance(a, list) else [[a]] for a in args],
            "version": xw.__version__, "client": "Office.js", "runtime": "1.4",
            "caller_address": "Sheet1!A1", "formula_name": f"HYEOPCHI.{name.upper()}",
            "parameter_addresses": [f"Sheet1!B{i + 1}" for i in range(len(args))],
            "culture_info_name": "ko-KR", "date_format": "yyyy-mm-dd"}
    return asyncio.run(xw.server.custom_functions_call(data, module))


def scalar(result: Any) -> Any:
    assert isinstance(result, list) and len(result) == 1 and len(result[0]) == 1, result
    return result[0][0]


def test_registered_names_use_the_hyeopchi_namespace(server: Any) -> None:
    meta = xw.server.custom_functions_meta(server)
    names = {f["name"] for f in meta["functions"]}
    assert names == {"HYEOPCHI.ALLOWANCE", "HYEOPCHI.SCORE_BAND", "HYEOPCHI.ACTIVITY_COUNT",
                     "HYEOPCHI.ATTENDANCE_RATE", "HYEOPCHI.OVERLAP"}
    assert all(f["description"] and all(p["description"] for p in f["parameters"])
               for f in meta["functions"])


def test_desktop_binding_offers_the_same_functions(server: Any) -> None:
    from hyeopchi.excel import udfs

    desktop = {n.removeprefix("HYEOPCHI_") for n, f in vars(udfs).items()
               if n.startswith("HYEOPCHI_") and callable(f)}
    served = {f.__xlfunc__["excel_name"] for f in vars(server).values()
              if hasattr(f, "__xlfunc__")}
    assert desktop == served
    for name in desktop:
        assert inspect.signature(getattr(udfs, "HYEOPCHI_" + name)).parameters.keys() == \
            inspect.signature(next(f for f in vars(server).values() if getattr(
                f, "__xlfunc__", {}).get("excel_name") == name)).parameters.keys()


# --- HYEOPCHI.ALLOWANCE: books.RATES (협치회의 오프라인 70,000 + 30,000 from 120 minutes)

@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(("협치회의", "위원", "오프라인", dt.date(2019, 11, 20), 120), 100000,
                 id="council-offline-120-minutes-gets-extra"),
    pytest.param(("협치회의", "위원", "오프라인", dt.date(2019, 11, 20), 119), 70000,
                 id="council-offline-119-minutes-base-only"),
    pytest.param(("협치회의", "", "온라인", dt.date(2021, 2, 28), 90), 35000,
                 id="council-online-before-rate-change"),
    pytest.param(("협치회의", "", "온라인", dt.date(2021, 3, 1), 90), 50000,
                 id="council-online-from-2021-03"),
    pytest.param(("워킹그룹", "리더", "온라인", dt.date(2021, 3, 10), 90), 30000,
                 id="working-group-leader-row-beats-blank-role"),
    pytest.param(("TFT", "위원", "오프라인", dt.date(2021, 3, 10), 90), 0,
                 id="no-matching-rate-is-zero"),
])
def test_allowance(server: Any, args: tuple[Any, ...], expected: int) -> None:
    kind, role, mode, day, minutes = args
    assert scalar(call(server, "allowance", kind, role, mode, serial(day), minutes,
                       grid(RATES))) == expected


@pytest.mark.parametrize("day", ["2021-03-01", "2021. 3. 1.", "2021년 3월 1일"])
def test_allowance_reads_a_date_typed_as_text_at_the_udf_edge(server: Any, day: str) -> None:
    # RATES: 협치회의 온라인 from 2021-03-01 is 50,000 base (90 minutes: no extra)
    assert scalar(call(server, "allowance", "협치회의", "", "온라인", day, 90, grid(RATES))) == 50000


def test_allowance_bad_date_is_a_korean_message(server: Any) -> None:
    out = scalar(call(server, "allowance", "협치회의", "", "오프라인", "어제", 60, grid(RATES)))
    assert out == "#협치: 회의일자이(가) 날짜가 아닙니다 ('어제')."


# --- HYEOPCHI.SCORE_BAND: contract bands >= 80% -> 2, >= 60% -> 1.5, > 40% -> 1, else 0

@pytest.mark.parametrize(("rate", "score"), [
    pytest.param(0.8, 2.0, id="exactly-80-percent-is-2"),
    pytest.param(0.6, 1.5, id="exactly-60-percent-is-1.5"),
    pytest.param(0.771, 1.5, id="seed-77.1-percent-is-1.5"),
    pytest.param(0.41, 1.0, id="41-percent-is-1"),
    pytest.param(0.4, 0.0, id="exactly-40-percent-is-0"),
    pytest.param(1, 2.0, id="integer-one"),
])
def test_score_band(server: Any, rate: Any, score: float) -> None:
    assert scalar(call(server, "score_band", rate)) == score


@pytest.mark.parametrize("rate", [80, -0.1, "높음", ""], ids=["percent-as-80", "negative",
                                                               "text", "blank"])
def test_score_band_bad_rate_is_a_korean_message(server: Any, rate: Any) -> None:
    assert str(scalar(call(server, "score_band", rate))).startswith("#협치: 참석률")


# --- HYEOPCHI.ACTIVITY_COUNT: books.MEMBERSHIPS (P2 in C01, B01 and W01 from 2020-01-01)

@pytest.mark.parametrize(("member", "day", "count"), [
    pytest.param("P2", dt.date(2021, 3, 1), 3, id="three-bodies"),
    pytest.param("P2", dt.date(2019, 12, 31), 1, id="before-the-group-roles-start"),
    pytest.param("P1", dt.date(2021, 3, 1), 1, id="one-body"),
    pytest.param("P9", dt.date(2021, 3, 1), 0, id="unknown-person"),
])
def test_activity_count_from_a_dataframe_range(server: Any, member: str, day: dt.date,
                                               count: int) -> None:
    assert scalar(call(server, "activity_count", grid(MEMBERSHIPS), member, serial(day))) == count


def test_activity_count_honours_dismissal_from_the_members_range(server: Any) -> None:
    members = grid([["위원ID", "해촉일"], ["P2", dt.date(2021, 1, 1)]])
    assert scalar(call(server, "activity_count", grid(MEMBERSHIPS), "P2",
                       serial(dt.date(2021, 3, 1)), members)) == 0


def test_activity_count_without_member_is_a_korean_message(server: Any) -> None:
    out = scalar(call(server, "activity_count", grid(MEMBERSHIPS), "", serial(dt.date(2021, 3, 1))))
    assert out == "#협치: 위원ID를 넣으세요."


# --- HYEOPCHI.ATTENDANCE_RATE

def test_attendance_rate_sums_both_ranges(server: Any) -> None:
    # (3 + 4) / (5 + 5) = 0.7; blank cells are skipped
    assert scalar(call(server, "attendance_rate", [[3], [4], [""]], [[5], [5], [""]])) == 0.7


def test_attendance_rate_of_seed_council_meetings(server: Any) -> None:
    # seed, 협치회의 10-14 민간: 37 of 48 attended -> 77.08% (shown 77.1%)
    rate = scalar(call(server, "attendance_rate", [[37]], [[48]]))
    assert rate == pytest.approx(37 / 48)


def test_attendance_rate_nobody_expected_is_blank(server: Any) -> None:
    assert scalar(call(server, "attendance_rate", [[0]], [[0]])) in ("", None)


@pytest.mark.parametrize(("attended", "expected", "message"), [
    pytest.param([[6]], [[5]], "참석 인원(6)이 대상 인원(5)보다 많습니다", id="more-than-expected"),
    pytest.param([["다섯"]], [[5]], "참석 인원에 숫자가 아닌 값이 있습니다", id="text"),
    pytest.param([[2.5]], [[5]], "인원은 정수여야 합니다", id="fraction-of-a-person"),
])
def test_attendance_rate_bad_ranges_are_korean_messages(server: Any, attended: Any,
                                                        expected: Any, message: str) -> None:
    assert message in scalar(call(server, "attendance_rate", attended, expected))


# --- HYEOPCHI.OVERLAP: a dynamic array

def test_overlap_distribution_spills_a_table(server: Any) -> None:
    book = small_book()
    out = call(server, "overlap", grid(book["위원"]), grid(book["조직"]), grid(book["활동"]),
               serial(dt.date(2021, 3, 1)))
    # P2 holds 3 seats (C01, B01, W01); P1, P3, P4 one each; columns run 11 .. 1
    assert out[0] == ["활동 수", "인원"]
    assert [r[0] for r in out[1:]] == list(range(11, 0, -1))
    assert {r[0]: r[1] for r in out[1:] if r[1]} == {3: 1, 1: 3}


def _sheet_grid(path: Path, name: str) -> list[list[Any]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return grid([list(r) for r in wb[name].iter_rows(values_only=True)])
    finally:
        wb.close()


def test_overlap_on_the_sample_counts_the_seeds_281_people(server: Any) -> None:
    out = call(server, "overlap", _sheet_grid(SAMPLE, "위원"), _sheet_grid(SAMPLE, "조직"),
               _sheet_grid(SAMPLE, "활동"), serial(dt.date(2021, 3, 1)))
    # seed 중복활동현황 on 2021-03-01: 281 people holding 488 seats
    assert sum(r[1] for r in out[1:]) == 281
    assert sum(r[0] * r[1] for r in out[1:]) == 488


def test_overlap_without_headers_is_a_korean_message(server: Any) -> None:
    out = call(server, "overlap", "x", [["a"]], [["b"]], serial(dt.date(2021, 3, 1)))
    assert "범위" in scalar(out) or "시트" in scalar(out)


def test_messages_start_with_the_marker() -> None:
    assert udf_common.score_band("x").startswith(udf_common.PREFIX)
