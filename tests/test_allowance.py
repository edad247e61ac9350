"""Allowances (참석수당): the seed's rate table and its 2021-03-01 change, on small books.

Rate figures come from the seed, section 1 "온라인 회의참석수당 정비" and "[2021년 예산편성
계획] 위원회 수당기준": offline 70,000 (+30,000 for 2 hours or more) for 협치회의 and
운영위원회; online 50% of offline before the change, 100% capped at 50,000 (+20,000) after;
분과위원회 10,000 / online 5,000 -> 10,000; 워킹그룹 리더·전문가 30,000 / 15,000 -> 30,000,
일반 20,000 / 10,000 -> 20,000.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from books import D, write_book

from hyeopchi.cli import main
from hyeopchi.core.allowance import allowance_job
from hyeopchi.core.rates import RATE_COLUMNS, allowance_for
from hyeopchi.io.reader import read_book

T = dt.time
CHANGE = D(2021, 3, 1)  # seed: online rate raised from 2021-03 (운영위원회 의결)
OLD_END = D(2021, 2, 28)
START = D(2019, 1, 1)

# The seed's rate table as the office would key it in 수당기준.
SEED_RATES = [
    list(RATE_COLUMNS),
    [START, None, "협치회의", None, "오프라인", 70000, 30000, None],
    [START, OLD_END, "협치회의", None, "온라인", 35000, 15000, None],
    [CHANGE, None, "협치회의", None, "온라인", 50000, 20000, None],
    [START, None, "운영위원회", None, "오프라인", 70000, 30000, None],
    [START, OLD_END, "운영위원회", None, "온라인", 35000, 15000, None],
    [CHANGE, None, "운영위원회", None, "온라인", 50000, 20000, None],
    [START, None, "분과위원회", None, "오프라인", 10000, 0, None],
    [START, OLD_END, "분과위원회", None, "온라인", 5000, 0, None],
    [CHANGE, None, "분과위원회", None, "온라인", 10000, 0, None],
    [START, None, "워킹그룹", "리더", "오프라인", 30000, 0, None],
    [START, None, "워킹그룹", "전문가", "오프라인", 30000, 0, None],
    [START, None, "워킹그룹", None, "오프라인", 20000, 0, None],
    [START, OLD_END, "워킹그룹", "리더", "온라인", 15000, 0, None],
    [START, OLD_END, "워킹그룹", "전문가", "온라인", 15000, 0, None],
    [START, OLD_END, "워킹그룹", None, "온라인", 10000, 0, None],
    [CHANGE, None, "워킹그룹", "리더", "온라인", 30000, 0, None],
    [CHANGE, None, "워킹그룹", "전문가", "온라인", 30000, 0, None],
    [CHANGE, None, "워킹그룹", None, "온라인", 20000, 0, None],
]

MEMBERS = [
    ["위원ID", "성명", "구분", "신분", "소속", "위촉일", "해촉일", "해촉사유", "연락처"],
    ["P1", "김가람", "당연직", "공무원", "민관협치과", None, None, None, "02-330-1234"],
    ["P2", "이나래", "위촉직", "민간", "주민", D(2019, 10, 11), None, None, "010-0000-0002"],
    ["P3", "박다온", "위촉직", "구의원", "구의회", D(2019, 10, 11), None, None, None],
    ["P4", "최라온", "위촉직", "민간", "주민", D(2020, 1, 1), None, None, "010-0000-0004"],
    ["P5", "정바다", "위촉직", "민간", "주민", D(2020, 1, 1), None, None, None],
]
BODIES = [
    ["조직ID", "조직명", "유형", "상위조직ID", "정원"],
    ["S01", "운영위원회", "운영위원회", None, 14],
    ["B01", "기반구축분과", "분과위원회", None, 11],
    ["W01", "의제발굴", "워킹그룹", "B01", 8],
    ["T01", "조례개정TF", "TFT", None, 12],
]
MEMBERSHIPS = [
    ["위원ID", "조직ID", "역할", "시작일", "종료일"],
    ["P1", "S01", "위원", D(2020, 1, 1), None],
    ["P2", "S01", "위원장", D(2020, 1, 1), None],
    ["P3", "S01", "위원", D(2020, 1, 1), None],
    ["P4", "S01", "위원", D(2020, 1, 1), None],
    ["P2", "W01", "리더", D(2020, 1, 1), None],
    ["P4", "W01", "일반", D(2020, 1, 1), None],
    ["P5", "W01", "전문가", D(2020, 1, 1), None],
    ["P4", "B01", "위원", D(2020, 1, 1), None],
    ["P4", "T01", "위원", D(2020, 1, 1), None],
]
MEETING_HEADER = ["회의ID", "조직ID", "회차", "일자", "방식", "시작시각", "종료시각"]
ATTENDANCE_HEADER = ["회의ID", "위원ID", "출석", "대리인", "방식"]


def book(meetings: list[list[Any]], attendance: list[list[Any]],
         settings: list[list[Any]] | None = None) -> dict[str, list[list[Any]]]:
    sheets = {"위원": MEMBERS, "조직": BODIES, "활동": MEMBERSHIPS,
              "회의": [MEETING_HEADER, *meetings], "출석": [ATTENDANCE_HEADER, *attendance],
              "수당기준": SEED_RATES}
    if settings is not None:
        sheets["설정"] = [["항목", "값"], *settings]
    return {k: [list(r) for r in v] for k, v in sheets.items()}


def run(tmp_path: Path, sheets: dict[str, list[list[Any]]], month: str) -> dict[str, Any]:
    year, mon = (int(x) for x in month.split("-"))
    return allowance_job(read_book(write_book(tmp_path / "book.xlsx", sheets)), year,
                         mon).payload


def amounts(payload: dict[str, Any]) -> dict[tuple[str, str], int]:
    return {(r["meeting_id"], r["member_id"]): r["amount"] for r in payload["rows"]}


SEVEN_PM, HALF_PAST_EIGHT = T(19), T(20, 30)


def steering(meeting_id: str, day: dt.date, mode: str, start: dt.time = SEVEN_PM,
             end: dt.time | None = HALF_PAST_EIGHT) -> list[Any]:
    return [meeting_id, "S01", None, day, mode, start, end]


def test_online_rate_capped_at_50000_from_2021_03(tmp_path: Path) -> None:
    # Same book, both months: 2021-02 pays the old 50% rate, 2021-03 the new capped one.
    sheets = book([steering("S-02", D(2021, 2, 10), "온라인", T(19), T(21, 10)),
                   steering("S-03", D(2021, 3, 10), "온라인", T(19), T(21, 10))],
                  [["S-02", "P2", "출석", None, None], ["S-03", "P2", "출석", None, None]])
    feb, mar = run(tmp_path, sheets, "2021-02"), run(tmp_path, sheets, "2021-03")
    assert amounts(feb) == {("S-02", "P2"): 35000 + 15000}  # 130 min: old online + extra
    assert amounts(mar) == {("S-03", "P2"): 50000 + 20000}  # new online (50,000 cap) + extra
    assert feb["rows"][0]["base"] == 35000 and mar["rows"][0]["base"] == 50000


def test_meeting_on_rate_change_day_uses_new_rate(tmp_path: Path) -> None:
    sheets = book([steering("S-0228", D(2021, 2, 28), "온라인"),
                   steering("S-0301", D(2021, 3, 1), "온라인")],
                  [["S-0228", "P2", "출석", None, None], ["S-0301", "P2", "출석", None, None]])
    assert amounts(run(tmp_path, sheets, "2021-02")) == {("S-0228", "P2"): 35000}
    assert amounts(run(tmp_path, sheets, "2021-03")) == {("S-0301", "P2"): 50000}


@pytest.mark.parametrize(("end", "extra"), [
    pytest.param(T(21, 0), 30000, id="extra-paid-at-exactly-120-minutes"),
    pytest.param(T(20, 59), 0, id="no-extra-at-119-minutes"),
    pytest.param(None, 0, id="no-extra-without-times"),
])
def test_two_hour_extra_threshold(tmp_path: Path, end: dt.time | None, extra: int) -> None:
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인", T(19), end)],
                  [["S-1", "P2", "출석", None, None]])
    row = run(tmp_path, sheets, "2021-03")["rows"][0]
    assert (row["base"], row["extra"], row["amount"]) == (70000, extra, 70000 + extra)


def test_proxy_attendance_never_paid(tmp_path: Path) -> None:
    # 대리출석인정 = Y counts a proxy for attendance rates, never for money.
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인")],
                  [["S-1", "P2", "대리출석", "홍길동", None], ["S-1", "P4", "출석", None, None]],
                  settings=[["대리출석인정", "Y"]])
    assert amounts(run(tmp_path, sheets, "2021-03")) == {("S-1", "P4"): 70000}


def test_absent_not_paid(tmp_path: Path) -> None:
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인")],
                  [["S-1", "P2", "불참", None, None]])
    assert run(tmp_path, sheets, "2021-03")["rows"] == []


def test_civil_servant_and_councillor_not_paid_by_default(tmp_path: Path) -> None:
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인")],
                  [["S-1", "P1", "출석", None, None], ["S-1", "P3", "출석", None, None],
                   ["S-1", "P2", "출석", None, None]])
    payload = run(tmp_path, sheets, "2021-03")
    assert amounts(payload) == {("S-1", "P2"): 70000}
    assert payload["by_member"] == {"P2": 70000} and payload["total"] == 70000


def test_paid_statuses_follow_settings(tmp_path: Path) -> None:
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인")],
                  [["S-1", "P1", "출석", None, None], ["S-1", "P3", "출석", None, None]],
                  settings=[["수당지급신분", "민간, 구의원"]])
    assert amounts(run(tmp_path, sheets, "2021-03")) == {("S-1", "P3"): 70000}


def test_specific_role_row_beats_blank_role_row(tmp_path: Path) -> None:
    # 워킹그룹: 리더 and 전문가 rows name their role (30,000); 일반 falls to the blank row.
    sheets = book([["W-1", "W01", 1, D(2021, 3, 17), "오프라인", T(19), T(20)]],
                  [["W-1", "P2", "출석", None, None], ["W-1", "P4", "출석", None, None],
                   ["W-1", "P5", "출석", None, None]])
    assert amounts(run(tmp_path, sheets, "2021-03")) == {
        ("W-1", "P2"): 30000, ("W-1", "P4"): 20000, ("W-1", "P5"): 30000}


def test_online_attendance_at_offline_meeting_uses_online_rate(tmp_path: Path) -> None:
    sheets = book([["W-2", "W01", 2, D(2021, 2, 17), "오프라인", T(19), T(20)]],
                  [["W-2", "P2", "출석", None, "온라인"], ["W-2", "P4", "출석", None, None]])
    payload = run(tmp_path, sheets, "2021-02")
    assert amounts(payload) == {("W-2", "P2"): 15000, ("W-2", "P4"): 20000}
    assert [r["mode"] for r in payload["rows"]] == ["온라인", "오프라인"]


def test_subcommittee_online_rate_doubles_after_change(tmp_path: Path) -> None:
    sheets = book([["B-2", "B01", 2, D(2021, 2, 3), "온라인", T(19), T(21)],
                   ["B-3", "B01", 3, D(2021, 3, 3), "온라인", T(19), T(21)]],
                  [["B-2", "P4", "출석", None, None], ["B-3", "P4", "출석", None, None]])
    assert amounts(run(tmp_path, sheets, "2021-02")) == {("B-2", "P4"): 5000}
    assert amounts(run(tmp_path, sheets, "2021-03")) == {("B-3", "P4"): 10000}


def test_missing_rate_goes_to_check_section_not_payments(tmp_path: Path) -> None:
    # The seed's rate table has no TFT row: P4's TFT attendance is not a payment (no 0원 row),
    # it is listed under 확인 필요 with the reason; P2's 운영위원회 attendance is paid.
    sheets = book([["T-1", "T01", 1, D(2021, 3, 5), "오프라인", T(19), T(20)],
                   steering("S-1", D(2021, 3, 10), "오프라인")],
                  [["T-1", "P4", "출석", None, None], ["S-1", "P2", "출석", None, None]])
    outcome = allowance_job(read_book(write_book(tmp_path / "b.xlsx", sheets)), 2021, 3)
    payload = outcome.payload
    assert amounts(payload) == {("S-1", "P2"): 70000}
    assert payload["by_member"] == {"P2": 70000} and payload["total"] == 70000
    assert (payload["persons"], payload["payments"]) == (1, 1)
    [held] = payload["unmatched"]
    assert (held["meeting_id"], held["member_id"], held["cell"], held["row"]) == (
        "T-1", "P4", "E2", 2)
    assert held["reason"] == "수당기준 없음: TFT · 위원 · 오프라인 (2021-03-05 적용 행 없음)"
    [warning] = payload["warnings"]
    assert (warning["code"], warning["sheet"], warning["cell"], warning["severity"]) == (
        "missing-rate", "출석", "E2", "warning")
    assert "T-1" in warning["message"] and "TFT" in warning["message"]
    assert "확인 필요 1건" in outcome.summary

    [spec] = outcome.sheets
    detail = next(b for b in spec.blocks if b.values[0][:2] == ["번호", "성명"]
                  and "지급액" in b.values[0])
    assert [r[4] for r in detail.values[1:-1]] == ["S-1"]  # no T-1 among the payments
    assert detail.values[-1][:3] == ["합계", "1명", "1건"]
    check = next(b for b in spec.blocks if b.values[0][-1:] == ["역할"])
    assert check.values[1] == [1, "최라온", "P4", "조례개정TF", "T-1", D(2021, 3, 5), "오프라인",
                               "위원"]
    reasons = {m.first_row: m.value for m in spec.merges if m.first_col == 8}
    assert reasons == {check.row: "사유",
                       check.row + 1: "TFT · 위원 · 오프라인에 맞는 수당기준 없음"}
    titles = [b.values[0][0] for b in spec.blocks if b.style == "subtitle"]
    assert titles[-1] == "3. 확인 필요 (1건: 지급 명세와 합계에 넣지 않음)"


def test_attendance_of_non_member_not_paid(tmp_path: Path) -> None:
    # P5 is in 워킹그룹 only, not in 운영위원회.
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인")],
                  [["S-1", "P5", "출석", None, None], ["S-1", "P4", "출석", None, None]])
    assert amounts(run(tmp_path, sheets, "2021-03")) == {("S-1", "P4"): 70000}


def test_meetings_outside_month_not_paid(tmp_path: Path) -> None:
    sheets = book([steering("S-0", D(2021, 2, 28), "오프라인"),
                   steering("S-1", D(2021, 3, 31), "오프라인"),
                   steering("S-2", D(2021, 4, 1), "오프라인")],
                  [["S-0", "P2", "출석", None, None], ["S-1", "P2", "출석", None, None],
                   ["S-2", "P2", "출석", None, None]])
    assert amounts(run(tmp_path, sheets, "2021-03")) == {("S-1", "P2"): 70000}


def test_duplicate_attendance_row_paid_once(tmp_path: Path) -> None:
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인")],
                  [["S-1", "P2", "출석", None, None], ["S-1", "P2", "출석", None, None]])
    assert run(tmp_path, sheets, "2021-03")["total"] == 70000


def test_totals_per_member_and_overall(tmp_path: Path) -> None:
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인", T(19), T(21)),
                   ["W-1", "W01", 1, D(2021, 3, 17), "온라인", T(19), T(20)]],
                  [["S-1", "P2", "출석", None, None], ["S-1", "P4", "출석", None, None],
                   ["W-1", "P2", "출석", None, None], ["W-1", "P4", "출석", None, None]])
    payload = run(tmp_path, sheets, "2021-03")
    # P2: 운영위원회 offline 2 h 100,000 + 워킹그룹 리더 online 30,000; P4: 100,000 + 일반 20,000
    assert payload["by_member"] == {"P2": 130000, "P4": 120000}
    assert payload["total"] == 250000
    assert all(isinstance(v, int) for v in payload["by_member"].values())


def test_allowance_sheet_is_printable_without_contact_details(tmp_path: Path) -> None:
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인", T(19), T(21))],
                  [["S-1", "P2", "출석", None, None], ["S-1", "P4", "출석", None, None]],
                  settings=[["기관명", "서대문구"], ["담당부서", "민관협치과"]])
    outcome = allowance_job(read_book(write_book(tmp_path / "b.xlsx", sheets)), 2021, 3)
    [spec] = outcome.sheets
    assert spec.name == "수당지급_2021-03"
    cells = [v for b in spec.blocks for r in b.values for v in r] + [m.value for m in spec.merges]
    text = " ".join(str(v) for v in cells if v is not None)
    assert "2021년 3월 협치위원회 참석수당 지급 명세" in text and "민관협치과" in text
    assert "010-" not in text and "02-330" not in text and "연락처" not in text
    table = next(b for b in spec.blocks if b.values[0][0] == "번호" and "지급액" in b.values[0])
    assert table.values[0] == ["번호", "성명", "위원ID", "조직", "회의ID", "일자", "방식",
                               "회의시간(분)", "기본료", "초과수당", "지급액"]
    assert table.values[-1][0] == "합계" and table.values[-1][-1] == 200000
    assert table.number_formats[10] == '#,##0"원"'
    subtotal = next(b for b in spec.blocks if b.values[0][:3] == ["번호", "성명", "위원ID"]
                    and b.values[0][3] == "건수")
    # 원천징수 = N (default): nothing withheld, 실지급액 = 지급액.
    assert subtotal.values[0] == ["번호", "성명", "위원ID", "건수", "지급액", "소득세",
                                  "지방소득세", "실지급액"]
    assert subtotal.values[1:] == [[1, "이나래", "P2", 1, 100000, 0, 0, 100000],
                                   [2, "최라온", "P4", 1, 100000, 0, 0, 100000],
                                   ["합계", "2명", None, 2, 200000, 0, 0, 200000]]
    assert table.values[-1][:3] == ["합계", "2명", "2건"]
    notes = [r[0] for b in spec.blocks if b.style == "note" for r in b.values]
    assert "원천징수: 하지 않음 (설정 원천징수 = N). 실지급액 = 지급액." in notes


# --- the scalar for the Excel UDF ----------------------------------------------------

RATE_DICTS = [dict(zip(RATE_COLUMNS, r, strict=True)) for r in SEED_RATES[1:]]


@pytest.mark.parametrize("rates", [
    pytest.param(RATE_DICTS, id="dicts"),
    pytest.param([tuple(r) for r in SEED_RATES[1:]], id="tuples-in-column-order"),
    pytest.param(SEED_RATES, id="excel-range-with-header"),
    pytest.param(pd.DataFrame(RATE_DICTS), id="dataframe"),
])
def test_allowance_for_accepts_rate_shapes(rates: Any) -> None:
    assert allowance_for("운영위원회", "위원", "온라인", D(2021, 2, 10), 130, rates) == 50000
    assert allowance_for("운영위원회", "위원", "온라인", D(2021, 3, 1), 120, rates) == 70000
    assert allowance_for("워킹그룹", "리더", "온라인", dt.datetime(2021, 3, 2), 60, rates) == 30000
    assert allowance_for("워킹그룹", "일반", "온라인", D(2021, 2, 2), None, rates) == 10000
    assert allowance_for("TFT", "위원", "오프라인", D(2021, 3, 2), 60, rates) == 0


def test_allowance_for_over_a_recalculated_column_of_meetings() -> None:
    # a sheet recalculating 5,000 cells: 119 minutes gives the online base (50,000 from
    # 2021-03, capped), 120 adds the 2-hour extra (20,000): figures from the seed's table
    total = sum(allowance_for("협치회의", None, "온라인", D(2021, 3, 1) + dt.timedelta(i % 30),
                              119 + i % 2, RATE_DICTS) for i in range(5000))
    assert total == 2500 * 50000 + 2500 * 70000


# --- CLI ------------------------------------------------------------------------------

def test_allowance_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인")],
                  [["S-1", "P2", "출석", None, None]])
    path = write_book(tmp_path / "book.xlsx", sheets)
    assert main(["allowance", str(path), "--month", "2021-03", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {k: payload[k] for k in ("month", "by_member", "total")} == {
        "month": "2021-03", "by_member": {"P2": 70000}, "total": 70000}
    row = payload["rows"][0]
    assert {k: row[k] for k in ("member_id", "meeting_id", "date", "mode", "base", "extra",
                                "amount")} == {"member_id": "P2", "meeting_id": "S-1",
                                               "date": "2021-03-10", "mode": "오프라인",
                                               "base": 70000, "extra": 0, "amount": 70000}


@pytest.mark.parametrize("month", [pytest.param("2021-13", id="month-13"),
                                   pytest.param("March", id="not-a-month")])
def test_allowance_cli_bad_month_exit_2(tmp_path: Path, month: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "book.xlsx", book([], []))
    with pytest.raises(SystemExit) as exc:
        main(["allowance", str(path), "--month", month])
    assert exc.value.code == 2
    assert "월" in capsys.readouterr().err


def test_allowance_cli_missing_rates_sheet_exit_2(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    sheets = book([], [])
    del sheets["수당기준"]
    path = write_book(tmp_path / "book.xlsx", sheets)
    assert main(["allowance", str(path), "--month", "2021-03"]) == 2
    assert "수당기준" in capsys.readouterr().err


def test_month_without_meetings_pays_nothing(tmp_path: Path) -> None:
    payload = run(tmp_path, book([], []), "2021-03")
    assert (payload["rows"], payload["by_member"], payload["total"]) == ([], {}, 0)


# --- golden: the bundled sample book ---------------------------------------------------

SAMPLE = Path(__file__).parent.parent / "workbook" / "sample" / "seodaemun-2021.xlsx"


def _day(value: Any) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def sample_paid_counts() -> dict[str, dict[tuple[str, str], int]]:
    """Per meeting, paid attendances counted straight from the cells with openpyxl (not through
    hyeopchi): 출석 = 출석, 신분 민간, member of the body that day; keyed by (mode, rate class),
    rate class 리더·전문가 vs the rest for 워킹그룹."""
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE, read_only=True)

    def rows(sheet: str) -> list[dict[str, Any]]:
        it = wb[sheet].iter_rows(values_only=True)
        header = next(it)
        return [dict(zip(header, r, strict=False)) for r in it if any(v is not None for v in r)]

    people = {p["위원ID"]: p for p in rows("위원")}
    meetings = {m["회의ID"]: m for m in rows("회의")}
    seats = rows("활동")
    counts: dict[str, dict[tuple[str, str], int]] = {}
    for a in rows("출석"):
        meeting = meetings[a["회의ID"]]
        day, person = _day(meeting["일자"]), people[a["위원ID"]]
        dismissed = _day(person["해촉일"])
        roles = {s["역할"] for s in seats
                 if s["위원ID"] == a["위원ID"] and s["조직ID"] == meeting["조직ID"]
                 and _day(s["시작일"]) <= day and (s["종료일"] is None or day <= _day(s["종료일"]))}
        if (a["출석"] != "출석" or person["신분"] != "민간" or not roles
                or (dismissed is not None and day >= dismissed)):
            continue
        key = (a["방식"] or meeting["방식"], "리더·전문가" if roles & {"리더", "전문가"} else "")
        per = counts.setdefault(a["회의ID"], {})
        per[key] = per.get(key, 0) + 1
    wb.close()
    return counts


# Per-attendance amounts worked out by hand from the seed's table (see the module docstring):
# meeting -> {(mode, class): KRW}. S01-16 is online 19:00-21:10 (130 min >= 2 h) before the
# change: 35,000 + 15,000. S01-17 is 19:00-20:30 (90 min, no extra) after it: offline 70,000,
# online 50,000. 분과위원회 10,000 either way from 2021-03; 워킹그룹 리더·전문가 30,000, others
# 20,000 either way from 2021-03 (no extra for these types).
SUBCOMMITTEE_RATES = {("오프라인", ""): 10000, ("온라인", ""): 10000}
WG_RATES = {(mode, cls): 30000 if cls else 20000
            for mode in ("오프라인", "온라인") for cls in ("", "리더·전문가")}
HAND_RATES: dict[str, dict[tuple[str, str], int]] = {
    "S01-16": {("온라인", ""): 50000},
    "S01-17": {("오프라인", ""): 70000, ("온라인", ""): 50000},
    **{f"B0{i}-15": SUBCOMMITTEE_RATES for i in range(1, 8)},
    **{m: WG_RATES for m in ("W01-8", "W03-8", "W12-8", "W19-8")},
}


@pytest.mark.parametrize("month", ["2021-02", "2021-03"])
def test_sample_totals_match_hand_worked_rates(month: str) -> None:
    counts = sample_paid_counts()
    in_month = {m for m in HAND_RATES if m in counts}
    payload = allowance_job(read_book(SAMPLE), *(int(x) for x in month.split("-"))).payload
    by_meeting: dict[str, int] = {}
    for r in payload["rows"]:
        by_meeting[r["meeting_id"]] = by_meeting.get(r["meeting_id"], 0) + r["amount"]
    february = {"S01-16"}  # the sample's only 2021-02 meeting; the others are in 2021-03
    expected = {m: sum(n * HAND_RATES[m][k] for k, n in counts[m].items()) for m in in_month
                if (m in february) == (month == "2021-02")}
    assert by_meeting == expected
    assert payload["total"] == sum(expected.values())
    assert payload["warnings"] == []
    # measured on the sample: 2021-02 550,000 (11 x 50,000); 2021-03 2,840,000
    assert payload["total"] == {"2021-02": 550_000, "2021-03": 2_840_000}[month]


def test_sample_february_steering_pays_old_online_rate_with_extra() -> None:
    counts = sample_paid_counts()["S01-16"]
    payload = allowance_job(read_book(SAMPLE), 2021, 2).payload
    assert {r["amount"] for r in payload["rows"]} == {50000}  # 35,000 + 15,000 (130 min)
    assert len(payload["rows"]) == counts[("온라인", "")]


def test_allowance_for_is_exported_with_the_scalars() -> None:
    from hyeopchi.core import scalars

    assert "allowance_for" in scalars.__all__
    assert scalars.allowance_for("분과위원회", "위원", "온라인", D(2021, 3, 1), 90,
                                 SEED_RATES) == 10000  # the change day: the new online rate


@pytest.mark.parametrize("day", [44256, "2021-03-01"])
def test_allowance_for_takes_a_date_not_a_serial_or_text(day: Any) -> None:
    # Serials and date text are the UDF edge's to parse (excel/udf_common.py); core takes dates.
    with pytest.raises(TypeError):
        allowance_for("분과위원회", "위원", "온라인", day, 90, SEED_RATES)


def _with_rates(*rows: list[Any]) -> dict[str, list[list[Any]]]:
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인")],
                  [["S-1", "P2", "출석", None, None]])
    sheets["수당기준"] += [list(r) for r in rows]
    return sheets


@pytest.mark.parametrize(("extra_row", "code", "cell"), [
    pytest.param([D(2021, 1, 1), None, "운영위원회", None, "오프라인", 80000, 0, None],
                 "overlapping-rates", "A20", id="overlapping-periods"),
    pytest.param([D(2019, 1, 1), None, "TFT", None, "오프라인", "칠만원", 0, None],
                 "invalid-integer", "F20", id="base-not-a-number"),
    pytest.param([D(2021, 1, 1), D(2020, 1, 1), "TFT", None, "오프라인", 10000, 0, None],
                 "date-order", "B20", id="end-before-start"),
])
def test_allowance_refuses_when_rate_table_has_errors(tmp_path: Path, extra_row: list[Any],
                                                      code: str, cell: str) -> None:
    outcome = allowance_job(read_book(write_book(tmp_path / "b.xlsx", _with_rates(extra_row))),
                            2021, 3)
    assert outcome.exit_code == 1
    assert (outcome.payload["rows"], outcome.payload["total"]) == ([], 0)
    assert [(e["code"], e["cell"]) for e in outcome.payload["errors"]] == [(code, cell)]
    assert "수당을 계산하지 않았습니다" in outcome.summary


def test_unusable_paid_statuses_setting_falls_back_with_warning(tmp_path: Path) -> None:
    sheets = book([steering("S-1", D(2021, 3, 10), "오프라인")],
                  [["S-1", "P2", "출석", None, None], ["S-1", "P1", "출석", None, None]],
                  settings=[["수당지급신분", "민간, 주민"]])
    outcome = allowance_job(read_book(write_book(tmp_path / "b.xlsx", sheets)), 2021, 3)
    assert amounts(outcome.payload) == {("S-1", "P2"): 70000}  # default 민간
    assert [(w["code"], w["cell"]) for w in outcome.payload["warnings"]] == [
        ("invalid-setting", "B2")]
    assert "기본값을 사용했습니다" in outcome.summary
