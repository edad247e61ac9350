"""Validation: each fault kind planted in a small book is reported at its cell."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from books import D, small_book, write_book

from hyeopchi.cli import main
from hyeopchi.core.validate import validate
from hyeopchi.io.reader import read_book

GOLDEN = Path(__file__).parent / "golden"
TODAY = D(2026, 12, 2)  # a fixed day; the shells pass the real one (core reads no clock)


def run_validate(tmp_path: Path, sheets: dict[str, list[list[Any]]]) -> dict[str, Any]:
    path = write_book(tmp_path / "book.xlsx", sheets)
    return validate(read_book(path), TODAY).to_json()


def codes_at(report: dict[str, Any], kind: str = "errors") -> set[tuple[str, str, str]]:
    return {(i["code"], i["sheet"], i["cell"]) for i in report[kind]}


def test_clean_small_book_has_no_issues(tmp_path: Path) -> None:
    assert run_validate(tmp_path, small_book()) == {"ok": True, "errors": [], "warnings": []}


def _plant(sheet: str, row: int, col: int, value: Any) -> dict[str, list[list[Any]]]:
    book = small_book()
    book[sheet][row][col] = value
    return book


PLANTED = [
    pytest.param("위원", 2, 0, "P1", ("duplicate-id", "위원", "A3"), id="duplicate-member-id"),
    pytest.param("활동", 2, 1, "X99", ("unknown-reference", "활동", "B3"), id="unknown-body"),
    pytest.param("출석", 1, 1, "P404", ("unknown-reference", "출석", "B2"), id="unknown-member"),
    pytest.param("활동", 1, 4, D(2019, 1, 1), ("date-order", "활동", "E2"), id="end-before-start"),
    pytest.param("위원", 2, 5, None, ("required-when", "위원", "F3"), id="appointed-needs-date"),
    pytest.param("위원", 1, 3, "민간", ("forbidden-value", "위원", "D2"), id="ex-officio-not-civilian"),
    pytest.param("출석", 1, 3, None, ("required-when", "출석", "D2"), id="proxy-needs-name"),
    pytest.param("위원", 1, 2, "당연", ("enum-value", "위원", "C2"), id="bad-enum"),
    pytest.param("활동", 3, 3, "2021-13-45", ("invalid-date", "활동", "D4"), id="bad-date-text"),
    pytest.param("위원", 1, 8, "010-12-34", ("pattern-mismatch", "위원", "I2"), id="bad-phone"),
    pytest.param("회의", 1, 6, dt.time(14), ("time-order", "회의", "G2"), id="end-time-before-start"),
    pytest.param("조직", 1, 4, 0, ("out-of-range", "조직", "E2"), id="capacity-below-one"),
    pytest.param("위원", 1, 1, None, ("required-value", "위원", "B2"), id="missing-name"),
]


@pytest.mark.parametrize(("sheet", "row", "col", "value", "expected"), PLANTED)
def test_planted_fault_is_reported_at_its_cell(tmp_path: Path, sheet: str, row: int, col: int,
                                               value: Any, expected: tuple[str, str, str]) -> None:
    report = run_validate(tmp_path, _plant(sheet, row, col, value))
    assert expected in codes_at(report)
    assert report["ok"] is False


def test_dismissal_needs_reason(tmp_path: Path) -> None:
    book = small_book()
    book["위원"][2][6] = D(2020, 6, 30)  # P2 dismissed, no 해촉사유, 활동 still open
    report = run_validate(tmp_path, book)
    assert codes_at(report) == {("required-when", "위원", "H3")}
    # an open 활동 is simply cut short by the 해촉일: no warning about it
    assert {i["code"] for i in report["warnings"]} == {"unexpected-attendance"}


def test_reappointed_roster_validates_clean(tmp_path: Path) -> None:
    # P2 re-appointed for 제3기: 위촉일 is the new term's first day; the 제2기 활동 rows stay
    # as history (they start before the 위촉일) and the 제3기 rows start on it.
    book = small_book()
    book["위원"][2][5] = D(2021, 10, 11)
    book["활동"][2][4] = D(2021, 10, 10)  # P2's 제2기 council seat ends on the term's last day
    book["활동"].append(["P2", "C01", "위원", D(2021, 10, 11), None])
    assert run_validate(tmp_path, book) == {"ok": True, "errors": [], "warnings": []}


def test_membership_ending_on_the_dismissal_day_is_clean(tmp_path: Path) -> None:
    book = small_book()
    book["위원"][4][6:8] = [D(2021, 4, 1), "사퇴"]  # P4 dismissed 2021-04-01
    book["활동"][6][4] = D(2021, 4, 1)  # P4's W01 ends on the 해촉일 (decided by the 해촉일)
    assert run_validate(tmp_path, book) == {"ok": True, "errors": [], "warnings": []}


def test_membership_starting_after_dismissal_is_a_reappointment_warning(tmp_path: Path) -> None:
    book = small_book()
    book["위원"][4][6:8] = [D(2021, 4, 1), "사퇴"]
    book["활동"].append(["P4", "B01", "위원", D(2021, 4, 1), None])  # row 8: never counts
    report = run_validate(tmp_path, book)
    assert report["ok"] is True
    (warning,) = report["warnings"]
    assert (warning["code"], warning["cell"]) == ("membership-outside-appointment", "D8")
    assert "재위촉" in warning["message"] and "2021-04-01" in warning["message"]


def test_duplicate_attendance_row(tmp_path: Path) -> None:
    book = small_book()
    book["출석"].append(["C01-10", "P2", "불참", None, None])
    report = run_validate(tmp_path, book)
    issue = next(i for i in report["errors"] if i["code"] == "duplicate-attendance")
    assert (issue["cell"], issue["row"]) == ("B7", 7)
    assert "B3" in issue["message"]


def test_overlapping_rate_periods(tmp_path: Path) -> None:
    book = small_book()
    book["수당기준"].append([D(2021, 1, 1), None, "협치회의", None, "온라인", 40000, 0, None])
    report = run_validate(tmp_path, book)
    assert ("overlapping-rates", "수당기준", "A9") in codes_at(report)


def test_attendance_of_non_member_is_a_warning(tmp_path: Path) -> None:
    book = small_book()
    book["출석"].append(["W01-1", "P3", "출석", None, None])  # P3 is not in W01
    report = run_validate(tmp_path, book)
    assert report["ok"] is True
    assert codes_at(report, "warnings") == {("unexpected-attendance", "출석", "B7")}


def test_all_faults_are_collected_not_just_the_first(tmp_path: Path) -> None:
    book = small_book()
    book["위원"][1][2] = "당연"
    book["활동"][2][1] = "X99"
    book["출석"][1][1] = "P404"
    assert len(run_validate(tmp_path, book)["errors"]) == 3


def test_messages_are_korean_and_name_the_cell(tmp_path: Path) -> None:
    report = run_validate(tmp_path, _plant("활동", 2, 1, "X99"))
    (issue,) = report["errors"]
    assert issue["message"].startswith("활동!B3:")
    assert "조직" in issue["message"]
    assert set(issue) >= {"sheet", "cell", "row", "column", "code", "message"}


def test_headers_in_any_order_with_extras_and_width_folding(tmp_path: Path) -> None:
    book = small_book()
    members = book["위원"]
    order = [3, 0, 2, 1, 4, 5, 6, 7, 8]
    book["위원"] = [[r[i] for i in order] + ["비고"] for r in members]
    book["위원"][0][1] = " 위원ＩＤ "  # full-width and spaces
    book["위원"][0][-1] = "비고"
    assert run_validate(tmp_path, book)["ok"] is True


def test_header_below_a_title_row_and_blank_rows_skipped(tmp_path: Path) -> None:
    book = small_book()
    book["활동"] = [["2021년 활동 명부"], [], *book["활동"][:3], [], [None, None], *book["활동"][3:]]
    path = write_book(tmp_path / "b.xlsx", book)
    table = read_book(path).table("활동")
    assert table.header_row == 3
    assert list(table.df.index) == [4, 5, 8, 9, 10, 11]
    assert table.cell(8, "시작일") == "D8"


def test_text_dates_and_times_in_korean_forms(tmp_path: Path) -> None:
    book = small_book()
    book["활동"][1][3] = "2019.10.11"
    book["활동"][2][3] = "2019. 10. 11."
    book["활동"][3][3] = "２０１９/１０/１１"
    book["활동"][4][3] = "2020년 1월 1일"
    book["회의"][1][5] = "15:00"
    book["회의"][1][6] = "오후 5:00"
    path = write_book(tmp_path / "b.xlsx", book)
    b = read_book(path)
    assert list(b.df("활동")["시작일"][:4]) == [D(2019, 10, 11)] * 3 + [D(2020, 1, 1)]
    assert b.df("회의").at[2, "종료시각"] == dt.time(17)
    assert validate(b, TODAY).ok


# --- the CLI ------------------------------------------------------------------------------

def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cli_clean_book_json_and_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "b.xlsx", small_book())
    assert main(["validate", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "errors": [], "warnings": []}


def test_cli_planted_faults_match_golden_json(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    book = small_book()
    book["위원"][1][2] = "당연"
    book["활동"][2][1] = "X99"
    book["출석"].append(["C01-10", "P2", "불참", None, None])
    book["출석"].append(["W01-1", "P3", "출석", None, None])
    path = write_book(tmp_path / "b.xlsx", book)
    assert main(["validate", str(path), "--json"]) == 1
    got = json.loads(capsys.readouterr().out)
    expected = json.loads((GOLDEN / "validate_planted.json").read_text(encoding="utf-8"))
    assert got == expected


@pytest.mark.parametrize("content", [b"not a workbook", b"PK\x03\x04truncated", b""],
                         ids=["text-file", "truncated-zip", "empty-file"])
def test_cli_unusable_file_exits_2_with_one_korean_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    before = _sha(path)
    proc = subprocess.run([sys.executable, "-m", "hyeopchi", "validate", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert any("\uac00" <= ch <= "\ud7a3" for ch in lines[0])
    assert _sha(path) == before


def test_cli_missing_sheet_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = small_book()
    del book["활동"]
    path = write_book(tmp_path / "b.xlsx", book)
    before = _sha(path)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "hyeopchi: '활동' 시트가 없습니다."
    assert _sha(path) == before


def test_cli_garbled_header_exits_2_naming_the_column(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    book = small_book()
    book["활동"][0][3] = "시ㅈ작일"
    path = write_book(tmp_path / "b.xlsx", book)
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.strip() == (
        "hyeopchi: '활동' 시트 머리글(1행)에 '시작일' 열이 없습니다.")


def test_cli_bad_option_exits_2_in_korean(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate"])
    assert exc.value.code == 2
    assert "명령 인자" in capsys.readouterr().err


@pytest.mark.parametrize("sheet", ["설정", "평가입력", "심사"])
def test_empty_optional_sheet_counts_as_absent(tmp_path: Path, sheet: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    # Contract section 1: 설정 and 평가입력 are optional (defaults / null scores); 심사 is only
    # needed by `screen`. A sheet left empty must not make the whole book unusable.
    book = small_book()
    book[sheet] = []
    path = write_book(tmp_path / "b.xlsx", book)
    assert main(["validate", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert read_book(path).empty == {sheet}


def test_empty_required_sheet_says_it_is_empty(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    book = small_book()
    book["활동"] = []
    assert main(["validate", str(write_book(tmp_path / "b.xlsx", book))]) == 2
    assert capsys.readouterr().err.strip() == "hyeopchi: '활동' 시트에 머리글 행이 없습니다 (빈 시트)."


def test_a_huge_bad_value_is_quoted_short_in_every_message(tmp_path: Path) -> None:
    book = small_book()
    book["위원"][1][2] = "당연" * 16000  # 32,000 characters: not an enum value
    (issue,) = run_validate(tmp_path, book)["errors"]
    assert issue["code"] == "enum-value"
    assert len(issue["message"]) < 200 and "…" in issue["message"]


def _born(year: int) -> dict[str, list[list[Any]]]:
    book = small_book()
    book["위원"][0].append("출생연도")
    for r in book["위원"][1:]:
        r.append(None)
    book["위원"][2][-1] = year  # P2, row 3; 출생연도 is column J
    return book


@pytest.mark.parametrize(("born", "ok"), [pytest.param(2021, True, id="this-year"),
                                          pytest.param(2022, False, id="next-year")])
def test_birth_year_is_bounded_by_the_day_the_shell_passes(tmp_path: Path, born: int,
                                                           ok: bool) -> None:
    # Contract: 출생연도 integer 1900..this year; "this year" is the year of the given day.
    path = write_book(tmp_path / "b.xlsx", _born(born))
    report = validate(read_book(path), D(2021, 6, 30))
    assert report.ok is ok
    assert [(i.code, i.cell) for i in report.errors] == ([] if ok else [("out-of-range", "J3")])


def test_cli_validate_today_option_sets_this_year(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "b.xlsx", _born(2022))
    assert main(["validate", str(path), "--json", "--today", "2022-01-01"]) == 0
    capsys.readouterr()
    assert main(["validate", str(path), "--json", "--today", "2021-12-31"]) == 1
    (issue,) = json.loads(capsys.readouterr().out)["errors"]
    assert (issue["code"], issue["cell"]) == ("out-of-range", "J3")
