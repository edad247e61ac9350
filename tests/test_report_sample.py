"""`hyeopchi report` on the bundled sample with March 2021 events added, end to end."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hyeopchi.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "sample" / "seodaemun-2021.xlsx"
D = dt.date


def _columns(ws: Any) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def _set(ws: Any, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row, col, value)
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"


def _row_of(ws: Any, **match: str) -> int:
    cols = _columns(ws)
    for r in range(2, ws.max_row + 1):
        if all(ws.cell(r, cols[k]).value == v for k, v in match.items()):
            return r
    raise AssertionError(f"no row {match}")


def march_events(dst: Path) -> Path:
    """The sample plus four March 2021 events (none of them in the sample itself)."""
    wb = openpyxl.load_workbook(SAMPLE)
    people, seats = wb["위원"], wb["활동"]
    pc, sc = _columns(people), _columns(seats)
    # (1) two new members join working group W02 (교육기획) on 2021-03-15
    for pid, name in (("P901", "한새봄"), ("P902", "윤다솜")):
        r = people.max_row + 1
        for key, value in (("위원ID", pid), ("성명", name), ("구분", "위촉직"), ("신분", "민간"),
                           ("위촉일", D(2021, 3, 15)), ("연락처", "010-9999-0000")):
            _set(people, r, pc[key], value)
        r = seats.max_row + 1
        for key, value in (("위원ID", pid), ("조직ID", "W02"), ("역할", "일반"),
                           ("시작일", D(2021, 3, 15))):
            _set(seats, r, sc[key], value)
    # (2) P027 leaves working group W01 (의제발굴): 종료일 2021-03-20
    _set(seats, _row_of(seats, 위원ID="P027", 조직ID="W01"), sc["종료일"], D(2021, 3, 20))
    # (3) P034, who sits in C01 (협치회의) and B04 (분과위원회), is dismissed on 2021-03-25
    r = _row_of(people, 위원ID="P034")
    _set(people, r, pc["해촉일"], D(2021, 3, 25))
    _set(people, r, pc["해촉사유"], "개인 사정(타 지역 이사)")
    wb.save(dst)
    return dst


def run(*args: str, capsys: Any) -> dict[str, Any]:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_sample_seats_per_type_before_march(tmp_path: Path, capsys: Any) -> None:
    # Feb 2021 on the unchanged sample: the seed's 3.1 기준 50/14/169/199/56 (488) are the
    # 당월말 of February; the sample dates 14 seats from February (4 분과, 9 워킹그룹, 1 TFT).
    out = run("report", str(SAMPLE), "--month", "2021-02", "--out", str(tmp_path / "o.xlsx"),
              capsys=capsys)
    assert {t: v["end"] for t, v in out["summary"].items()} == {
        "협치회의": 50, "운영위원회": 14, "분과위원회": 169, "워킹그룹": 199, "TFT": 56, "합계": 488}


def test_march_events_counted_per_type_and_reason_shown(tmp_path: Path, capsys: Any) -> None:
    book = march_events(tmp_path / "book.xlsx")
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    dest = tmp_path / "report.xlsx"
    out = run("report", str(book), "--month", "2021-03", "--out", str(dest), capsys=capsys)
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before  # --out leaves BOOK as is
    # By hand: 전월말 = the seed's 2021-03-01 figures (nothing in the sample changes between
    # 02-28 and 03-01). 위촉: P901, P902 -> W02. 해촉: P027 leaves W01 (워킹그룹); P034's
    # dismissal ends C01 (협치회의) and B04 (분과위원회).
    expected = {
        "협치회의": (50, 0, 1, 49),
        "운영위원회": (14, 0, 0, 14),
        "분과위원회": (169, 0, 1, 168),
        "워킹그룹": (199, 2, 1, 200),
        "TFT": (56, 0, 0, 56),
        "합계": (488, 2, 3, 487),
    }
    assert {t: (v["start"], v["appointed"], v["left"], v["end"])
            for t, v in out["summary"].items()} == expected
    assert out["sheet"] == "위해촉_2021-03"
    assert {(d["member_id"], d["body_id"], d["kind"], d["date"]) for d in out["left"]} == {
        ("P027", "W01", "종료", "2021-03-20"), ("P034", "C01", "해촉", "2021-03-25"),
        ("P034", "B04", "해촉", "2021-03-25")}

    ws = openpyxl.load_workbook(dest)["위해촉_2021-03"]
    cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "개인 사정(타 지역 이사)" in cells
    assert "한새봄" in cells and "윤다솜" in cells
    assert not any(isinstance(v, str) and v.startswith("010-") for v in cells)  # no contact
    # The 유형 table on the sheet carries the same figures as the JSON.
    rows: dict[str, tuple[Any, ...]] = {}
    for r in ws.iter_rows(values_only=True):
        if r[0] in expected:
            rows.setdefault(r[0], tuple(r[2:6]))  # first table: 유형별 현황
    assert rows == expected
    # March ends a quarter: the activity section is there (sample meetings in 2021-03).
    assert out["quarter"]["members"]


def test_masked_report_hides_middle_syllables(tmp_path: Path, capsys: Any) -> None:
    book = march_events(tmp_path / "book.xlsx")
    dest = tmp_path / "report.xlsx"
    run("report", str(book), "--month", "2021-03", "--out", str(dest), "--mask", capsys=capsys)
    ws = openpyxl.load_workbook(dest)["위해촉_2021-03"]
    cells = {c.value for row in ws.iter_rows() for c in row}
    assert "한*봄" in cells and "한새봄" not in cells


def test_report_needs_out_or_in_place(tmp_path: Path, capsys: Any) -> None:
    copy = shutil.copy(SAMPLE, tmp_path / "b.xlsx")
    assert main(["report", str(copy), "--month", "2021-03"]) == 2
    assert "--out" in capsys.readouterr().err


@pytest.mark.parametrize("month", ["2021-13", "March"])
def test_bad_month_is_exit_2(month: str, capsys: Any) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["report", str(SAMPLE), "--month", month, "--out", "x.xlsx"])
    assert exc.value.code == 2
