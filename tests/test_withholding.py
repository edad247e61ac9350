"""기타소득 (인적용역) withholding on allowances (설정 원천징수 = Y), worked by hand.

The rule (소득세법 제21조, 제37조, 제84조, 제129조; 지방세법 제103조의13): 필요경비 60% of the
payment, so 기타소득금액 = 40% of it; no tax when a payment's 기타소득금액 is 50,000원 or
less (과세최저한); else 소득세 20% of the 기타소득금액 and 지방소득세 10% of the 소득세, each
truncated to 10원. Every figure below is worked out by hand in its comment.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from books import D, write_book

from hyeopchi.core.allowance import allowance_job
from hyeopchi.core.rates import RATE_COLUMNS
from hyeopchi.core.settings import Settings, parse_rate, parse_won
from hyeopchi.core.validate import validate
from hyeopchi.core.withholding import tax_on
from hyeopchi.io.reader import read_book

T = dt.time
ON = Settings(withhold=True)


@pytest.mark.parametrize(("amount", "income", "income_tax", "local_tax"), [
    # 140,000 x 0.4 = 56,000 > 50,000; 56,000 x 0.2 = 11,200; 11,200 x 0.1 = 1,120
    pytest.param(140_000, 56_000, 11_200, 1_120, id="140000-taxed"),
    # 120,000 x 0.4 = 48,000 <= 50,000: not taxed
    pytest.param(120_000, 48_000, 0, 0, id="120000-under-floor"),
    # 135,500 x 0.4 = 54,200; x 0.2 = 10,840; x 0.1 = 1,084 -> 1,080 (10원 미만 절사)
    pytest.param(135_500, 54_200, 10_840, 1_080, id="135500-local-tax-cut-to-10"),
    # 125,000 x 0.4 = 50,000 exactly: "50,000원 이하" is not taxed
    pytest.param(125_000, 50_000, 0, 0, id="income-exactly-at-floor-not-taxed"),
    # 125,005 x 0.4 = 50,002 > 50,000; x 0.2 = 10,000.4 -> 10,000; x 0.1 = 1,000
    pytest.param(125_005, 50_002, 10_000, 1_000, id="just-over-floor-income-tax-cut"),
    # 126,789 x 0.4 = 50,715.6 (shown 50,715); x 0.2 = 10,143.12 -> 10,140; 1,014 -> 1,010
    pytest.param(126_789, 50_715, 10_140, 1_010, id="fractional-income"),
])
def test_tax_on_one_payment_by_hand(amount: int, income: int, income_tax: int,
                                    local_tax: int) -> None:
    tax = tax_on(amount, ON)
    assert (tax.income_won, tax.income_tax, tax.local_tax) == (income, income_tax, local_tax)
    assert tax.net == amount - income_tax - local_tax


def test_tax_on_is_exact_not_float() -> None:
    # 126,789 x 2/5 = 253,578/5 exactly (a float would be 50715.600000000006)
    assert tax_on(126_789, ON).income == Fraction(253_578, 5)


def test_rates_and_floor_follow_settings() -> None:
    # 필요경비 80%: 140,000 x 0.2 = 28,000 <= 50,000, not taxed
    assert tax_on(140_000, Settings(withhold=True, expense_rate=Fraction(4, 5))).income_tax == 0
    # 과세최저한 0: 120,000 x 0.4 = 48,000 taxed: 9,600 and 960
    t = tax_on(120_000, Settings(withhold=True, tax_floor=0))
    assert (t.income_tax, t.local_tax) == (9_600, 960)


# --- on a book ---------------------------------------------------------------------------

START = D(2019, 1, 1)
# Rates chosen so the payments are the worked examples: 운영위원회 140,000; 워킹그룹 리더
# 120,000, others 135,500; 분과위원회 60,000 (offline, no extra).
RATES = [list(RATE_COLUMNS),
         [START, None, "운영위원회", None, "오프라인", 140000, 0, None],
         [START, None, "워킹그룹", "리더", "오프라인", 120000, 0, None],
         [START, None, "워킹그룹", None, "오프라인", 135500, 0, None],
         [START, None, "분과위원회", None, "오프라인", 60000, 0, None]]
MEMBERS = [["위원ID", "성명", "구분", "신분", "위촉일", "연락처"],
           ["P2", "이나래", "위촉직", "민간", D(2019, 10, 11), "010-2222-0002"],
           ["P4", "최라온", "위촉직", "민간", D(2020, 1, 1), "010-4444-0004"]]
BODIES = [["조직ID", "조직명", "유형"], ["S01", "운영위원회", "운영위원회"],
          ["B01", "기반구축분과", "분과위원회"], ["W01", "의제발굴", "워킹그룹"]]
SEATS = [["위원ID", "조직ID", "역할", "시작일"], ["P2", "S01", "위원장", D(2020, 1, 1)],
         ["P2", "W01", "리더", D(2020, 1, 1)], ["P4", "W01", "일반", D(2020, 1, 1)],
         ["P4", "B01", "위원", D(2020, 1, 1)]]
MEETINGS = [["회의ID", "조직ID", "일자", "방식", "시작시각", "종료시각"],
            ["S-1", "S01", D(2021, 3, 10), "오프라인", T(19), T(20)],
            ["W-1", "W01", D(2021, 3, 17), "오프라인", T(19), T(20)],
            ["B-1", "B01", D(2021, 3, 3), "오프라인", T(19), T(20)],
            ["B-2", "B01", D(2021, 3, 24), "오프라인", T(19), T(20)],
            ["B-3", "B01", D(2021, 3, 31), "오프라인", T(19), T(20)]]
ATTENDANCE = [["회의ID", "위원ID", "출석"], ["S-1", "P2", "출석"], ["W-1", "P2", "출석"],
              ["W-1", "P4", "출석"], ["B-1", "P4", "출석"], ["B-2", "P4", "출석"],
              ["B-3", "P4", "출석"]]
# P2: 140,000 (S-1) + 120,000 (W-1, 리더) = 260,000. P4: 135,500 (W-1) + 3 x 60,000 = 315,500.
PAID = {"P2": 260_000, "P4": 315_500}


def run(tmp_path: Path, settings: list[list[Any]]) -> Any:
    sheets = {"위원": MEMBERS, "조직": BODIES, "활동": SEATS, "회의": MEETINGS,
              "출석": ATTENDANCE, "수당기준": RATES, "설정": [["항목", "값"], *settings]}
    return allowance_job(read_book(write_book(tmp_path / "b.xlsx", sheets)), 2021, 3)


def members(payload: dict[str, Any]) -> dict[str, tuple[int, int, int, int]]:
    return {m["member_id"]: (m["amount"], m["income_tax"], m["local_tax"], m["net"])
            for m in payload["members"]}


def test_per_meeting_withholding_by_hand(tmp_path: Path) -> None:
    outcome = run(tmp_path, [["원천징수", "Y"]])
    p = outcome.payload
    taxes = {(r["meeting_id"], r["member_id"]): (r["income"], r["income_tax"], r["local_tax"])
             for r in p["rows"]}
    assert taxes == {("S-1", "P2"): (56_000, 11_200, 1_120),   # 140,000
                     ("W-1", "P2"): (48_000, 0, 0),            # 120,000: under the floor
                     ("W-1", "P4"): (54_200, 10_840, 1_080),   # 135,500
                     ("B-1", "P4"): (24_000, 0, 0),            # 60,000 x 0.4 each
                     ("B-2", "P4"): (24_000, 0, 0), ("B-3", "P4"): (24_000, 0, 0)}
    # P2: 260,000 - 11,200 - 1,120 = 247,680; P4: 315,500 - 10,840 - 1,080 = 303,580
    assert members(p) == {"P2": (260_000, 11_200, 1_120, 247_680),
                          "P4": (315_500, 10_840, 1_080, 303_580)}
    assert (p["total"], p["income_tax"], p["local_tax"], p["net"]) == (
        575_500, 22_040, 2_200, 551_260)
    assert p["by_member"] == PAID
    assert p["withholding"]["applied"] is True and p["withholding"]["unit"] == "회의"
    assert "소득세 22,040원, 지방소득세 2,200원, 실지급액 551,260원" in outcome.summary


def test_per_month_withholding_by_hand(tmp_path: Path) -> None:
    p = run(tmp_path, [["원천징수", "Y"], ["과세단위", "월"]]).payload
    # P2: 260,000 x 0.4 = 104,000; x 0.2 = 20,800; x 0.1 = 2,080; net 237,120.
    # P4: 315,500 x 0.4 = 126,200; x 0.2 = 25,240; x 0.1 = 2,524 -> 2,520; net 287,740.
    assert members(p) == {"P2": (260_000, 20_800, 2_080, 237_120),
                          "P4": (315_500, 25_240, 2_520, 287_740)}
    assert {m["member_id"]: m["income"] for m in p["members"]} == {"P2": 104_000,
                                                                   "P4": 126_200}
    assert (p["income_tax"], p["local_tax"], p["net"]) == (46_040, 4_600, 524_860)
    assert all("income_tax" not in r for r in p["rows"])  # the month is the payment


def test_no_withholding_by_default(tmp_path: Path) -> None:
    p = run(tmp_path, []).payload
    assert members(p) == {"P2": (260_000, 0, 0, 260_000), "P4": (315_500, 0, 0, 315_500)}
    assert p["withholding"]["applied"] is False and p["net"] == 575_500


def test_settings_change_rates_and_floor(tmp_path: Path) -> None:
    # 과세최저한 0 and 소득세율 given as a percentage: W-1's 120,000 -> 48,000 x 0.2 = 9,600, 960;
    # the B meetings: 24,000 x 0.2 = 4,800, 480 each.
    p = run(tmp_path, [["원천징수", "y"], ["과세최저한", "0"], ["소득세율", "20%"]]).payload
    # P2: 11,200 + 9,600 = 20,800 and 1,120 + 960 = 2,080;
    # P4: 10,840 + 3 x 4,800 = 25,240 and 1,080 + 3 x 480 = 2,520
    assert members(p) == {"P2": (260_000, 20_800, 2_080, 237_120),
                          "P4": (315_500, 25_240, 2_520, 287_740)}


def test_sheet_shows_withholding_per_person_and_the_rule(tmp_path: Path) -> None:
    [spec] = run(tmp_path, [["원천징수", "Y"]]).sheets
    detail = next(b for b in spec.blocks if b.values[0][:1] == ["번호"] and "회의ID" in b.values[0])
    assert detail.values[0][-4:] == ["기타소득금액", "소득세", "지방소득세", "실지급액"]
    first = detail.values[1]  # B-1 (03-03), P4: 60,000
    assert (first[4], first[-5:]) == ("B-1", [60_000, 24_000, 0, 0, 60_000])
    assert detail.values[-1][:3] == ["합계", "2명", "6건"]
    assert detail.values[-1][-3:] == [22_040, 2_200, 551_260]
    person = next(b for b in spec.blocks if b.values[0][:4] == ["번호", "성명", "위원ID", "건수"])
    assert person.values[1:] == [[1, "이나래", "P2", 2, 260_000, 11_200, 1_120, 247_680],
                                 [2, "최라온", "P4", 4, 315_500, 10_840, 1_080, 303_580],
                                 ["합계", "2명", None, 6, 575_500, 22_040, 2_200, 551_260]]
    notes = " ".join(r[0] for b in spec.blocks if b.style == "note" for r in b.values)
    assert ("원천징수: 기타소득(인적용역). 기타소득금액 = 지급액 - 필요경비(60%), 소득세 = "
            "기타소득금액 x 20%, 지방소득세 = 소득세 x 10%, 10원 미만 절사. 과세단위 "
            "회의(회의마다 1건으로 봄): 건별 기타소득금액이 50,000원 이하이면 과세하지 "
            "않음(과세최저한).") in notes


def test_monthly_sheet_shows_income_per_person(tmp_path: Path) -> None:
    [spec] = run(tmp_path, [["원천징수", "Y"], ["과세단위", "월"]]).sheets
    person = next(b for b in spec.blocks if b.values[0][:4] == ["번호", "성명", "위원ID", "건수"])
    assert person.values[0][4:] == ["지급액", "기타소득금액", "소득세", "지방소득세", "실지급액"]
    assert person.values[-1] == ["합계", "2명", None, 6, 575_500, 230_200, 46_040, 4_600,
                                 524_860]
    notes = " ".join(r[0] for b in spec.blocks if b.style == "note" for r in b.values)
    assert "과세단위 월(위원별로 한 달 지급액을 합쳐 1건으로 봄)" in notes


@pytest.mark.parametrize(("key", "value"), [
    pytest.param("원천징수", "예", id="flag-not-y-or-n"),
    pytest.param("소득세율", "20", id="rate-above-one"),
    pytest.param("필요경비율", "육십퍼센트", id="rate-not-a-number"),
    pytest.param("과세최저한", "-5000", id="negative-floor"),
    pytest.param("과세최저한", "5만원", id="floor-not-a-number"),
    pytest.param("과세단위", "분기", id="unit-unknown"),
])
def test_bad_withholding_setting_is_an_error_at_its_cell(tmp_path: Path, key: str,
                                                         value: str) -> None:
    # 설정 row 2 is 원천징수 = Y (unless the bad key is 원천징수 itself), the bad one row 3.
    settings = [["원천징수", "Y"], [key, value]] if key != "원천징수" else [["기관명", "구"],
                                                                          [key, value]]
    outcome = run(tmp_path, settings)
    assert outcome.exit_code == 1 and outcome.payload["rows"] == []
    assert [(e["code"], e["sheet"], e["cell"]) for e in outcome.payload["errors"]] == [
        ("invalid-setting", "설정", "B3")]
    assert "원천징수 항목에 오류 1건" in outcome.summary
    assert key in outcome.payload["errors"][0]["message"]
    sheets = {"위원": MEMBERS, "조직": BODIES, "활동": SEATS, "설정": [["항목", "값"], *settings]}
    report = validate(read_book(write_book(tmp_path / "v.xlsx", sheets)), D(2026, 12, 2))
    assert [(e.code, e.cell) for e in report.errors] == [("invalid-setting", "B3")]


def test_bad_rate_without_withholding_only_warns(tmp_path: Path) -> None:
    outcome = run(tmp_path, [["소득세율", "20"]])  # 원천징수 = N: the rate is not used
    assert outcome.exit_code == 0 and outcome.payload["total"] == 575_500
    assert [w["code"] for w in outcome.payload["warnings"]] == ["invalid-setting"]


@pytest.mark.parametrize(("text", "rate"), [
    pytest.param("0.6", Fraction(3, 5), id="decimal"),
    pytest.param("60%", Fraction(3, 5), id="percent"),
    pytest.param("\uff16\uff10\uff05", Fraction(3, 5), id="full-width-percent"),
    pytest.param("0.033", Fraction(33, 1000), id="three-decimals-exact"),
    pytest.param("1", Fraction(1), id="one"),
    pytest.param("1.01", None, id="above-one"),
    pytest.param("-0.1", None, id="negative"),
    pytest.param("육십", None, id="words"),
])
def test_rate_setting_text(text: str, rate: Fraction | None) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize(("text", "won"), [
    pytest.param("50000", 50_000, id="plain"),
    pytest.param("50,000원", 50_000, id="commas-and-unit"),
    pytest.param("0", 0, id="zero"),
    pytest.param("5만", None, id="korean-unit"),
    pytest.param("50000.5", None, id="fraction"),
])
def test_floor_setting_text(text: str, won: int | None) -> None:
    assert parse_won(text) == won


# --- printed: every table under its own header, the rule in the note --------------------

def month_of_meetings() -> dict[str, list[list[Any]]]:
    """12 members in 운영위원회, 워킹그룹 (P1 its 리더), 분과위원회 and a TFT; each of the three
    meets six times in March 2021 (216 payments, several pages) and the TFT once (no rate:
    3 attendances under 확인 필요)."""
    people = [f"P{i}" for i in range(1, 13)]
    names = ["이나래", "최라온", "김하늘", "박서준", "정다은", "한지민", "오세훈", "윤보라",
             "장민호", "서지우", "남궁민수", "황보영"]
    members = [MEMBERS[0]] + [[p, n, "위촉직", "민간", D(2020, 1, 1), f"010-0000-{i:04d}"]
                              for i, (p, n) in enumerate(zip(people, names, strict=True))]
    seats = [SEATS[0]] + [[p, b, "리더" if p == "P1" and b == "W01" else "위원", D(2020, 1, 1)]
                          for p in people for b in ("S01", "W01", "B01", "T01")]
    meetings, attendance = [MEETINGS[0]], [ATTENDANCE[0]]
    for k in range(6):
        for j, body in enumerate(("S01", "W01", "B01")):
            meeting = f"{body[0]}-{k + 1}"
            meetings.append([meeting, body, D(2021, 3, 2 + 4 * k + j), "오프라인", T(19), T(21)])
            attendance += [[meeting, p, "출석"] for p in people]
    meetings.append(["T-1", "T01", D(2021, 3, 30), "온라인", T(19), T(20)])
    attendance += [["T-1", p, "출석"] for p in people[:3]]
    return {"위원": members, "조직": [*BODIES, ["T01", "조례개정TF", "TFT"]], "활동": seats,
            "회의": meetings, "출석": attendance, "수당기준": RATES,
            "설정": [["항목", "값"], ["원천징수", "Y"]]}


@pytest.mark.libreoffice
def test_withholding_sheet_prints_each_table_under_its_header(tmp_path: Path) -> None:
    from test_print_layout import Table, assert_pages, pdf_pages

    book = read_book(write_book(tmp_path / "b.xlsx", month_of_meetings()))
    [spec] = allowance_job(book, 2021, 3).sheets
    pages = pdf_pages([spec], tmp_path, "print-allowance-withholding-2021-03")
    assert len(pages) >= 3
    tables = [
        Table("지급 명세", ("번호", "성명", "회의ID", "일자", "지급액", "기타소득금액", "소득세",
                          "지방소득세", "실지급액"), re.compile(r"\d{4}-\d{2}-\d{2}.*원\s*$")),
        Table("위원별 지급 합계", ("성명", "위원ID", "건수", "지급액", "소득세", "실지급액"),
              re.compile(r"^\s*\d+\s+\S+\s+P\d+\s+\d+(\s+[\d,]+원){4}\s*$")),
        Table("확인 필요", ("성명", "회의ID", "일자", "역할", "사유"),
              re.compile(r"\d{4}-\d{2}-\d{2}.*수당기준\s*없음\s*$")),
    ]
    assert_pages(pages, tables, "서대문구 민관협치과 · 지급월 2021년 3월")
    text = re.sub(r"\s+", " ", "\n".join(pages))
    # hand: P2..P12 each 6 x 140,000 + 6 x 135,500 + 6 x 60,000 = 2,013,000, taxed 6 x 11,200
    # + 6 x 10,840 = 132,240 and 6 x 1,120 + 6 x 1,080 = 13,200; P1 (리더: 120,000 untaxed)
    # 1,920,000, 67,200, 6,720. All: 24,063,000, 1,521,840, 151,920, net 22,389,240.
    assert "12명 216 24,063,000원 1,521,840원 151,920원 22,389,240원" in text
    assert "P2 18 2,013,000원 132,240원 13,200원 1,867,560원" in text
    assert "과세최저한" in pages[-1] and "확인 필요 (3건" in text


@pytest.mark.parametrize("settings", [
    pytest.param([["원천징수", "Y"]], id="per-meeting"),
    pytest.param([["원천징수", "Y"], ["과세단위", "월"]], id="per-month"),
    pytest.param([], id="no-withholding"),
])
def test_json_with_withholding_and_unmatched_fits_the_published_schema(
        tmp_path: Path, settings: list[list[Any]]) -> None:
    import json

    import jsonschema

    sheets = month_of_meetings()  # has 3 attendances under 확인 필요
    sheets["설정"] = [["항목", "값"], *settings]
    payload = allowance_job(read_book(write_book(tmp_path / "b.xlsx", sheets)), 2021, 3).payload
    published = Path(__file__).parent.parent / "schemas" / "output" / "allowance.json"
    schema = json.loads(published.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(json.dumps(payload)))
    assert len(payload["unmatched"]) == 3 and payload["payments"] == 216
