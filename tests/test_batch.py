"""`hyeopchi batch`: an archive of good, broken and non-workbook files, processed headless."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from books import small_book, write_book

from hyeopchi.batch.discover import discover
from hyeopchi.batch.progress import Progress
from hyeopchi.batch.summary import exit_code
from hyeopchi.batch.worker import planned_jobs
from hyeopchi.cli import main
from hyeopchi.core.values import Month
from hyeopchi.jobs import for_month, option

ROOT = Path(__file__).resolve().parents[1]
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def invalid_book() -> dict[str, list[list[Any]]]:
    book = small_book()
    book["위원"][2][0] = "P1"  # duplicate 위원ID: a validation error
    return book


def make_archive(root: Path) -> Path:
    """Good books (two with the same name in different years), broken ones, non-workbooks."""
    arch = root / "archive"
    (arch / "2020").mkdir(parents=True)
    (arch / "2021").mkdir()
    write_book(arch / "2020" / "03.xlsx", small_book())
    write_book(arch / "2021" / "03.xlsx", small_book())
    write_book(arch / "2021" / "invalid.xlsx", invalid_book())
    no_roster = small_book()
    del no_roster["활동"]
    write_book(arch / "2021" / "no-sheet.xlsx", no_roster)
    (arch / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    (arch / "password.xlsx").write_bytes(OLE + b"\x00" * 512)  # encrypted xlsx = OLE file
    (arch / "old.xls").write_bytes(OLE + b"\x00" * 512)
    (arch / "text.xlsx").write_text("not a workbook", encoding="utf-8")
    (arch / "folder.xlsx").mkdir()  # unreadable as a file (tests run as root: no chmod 000)
    (arch / "dangling.xlsx").symlink_to(arch / "gone.xlsx")
    (arch / "notes.txt").write_text("회의록", encoding="utf-8")  # not a workbook: ignored
    (arch / "~$03.xlsx").write_bytes(b"lock")  # Excel's lock file: skipped
    return arch


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def run_batch(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["batch", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def statuses(payload: dict[str, Any], base: Path) -> dict[str, str]:
    return {str(Path(b["path"]).relative_to(base)): b["status"] for b in payload["books"]}


EXPECTED = {
    "2020/03.xlsx": "ok", "2021/03.xlsx": "ok", "2021/invalid.xlsx": "invalid",
    "2021/no-sheet.xlsx": "failed", "corrupt.xlsx": "failed", "password.xlsx": "failed",
    "old.xls": "failed", "text.xlsx": "failed", "folder.xlsx": "failed", "dangling.xlsx": "failed",
}


def test_mixed_archive_gives_per_book_statuses_and_leaves_inputs_unchanged(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arch = make_archive(tmp_path)
    before = hashes(arch)
    out = tmp_path / "out"
    code, payload = run_batch(capsys, str(arch), "--month", "2021-03", "--out", str(out),
                              "--jobs", "2")
    assert statuses(payload, arch) == EXPECTED
    assert (payload["ok"], payload["invalid"], payload["failed"], payload["ignored"]) == (2, 1, 7, 1)
    assert code == 2  # some failed
    assert hashes(arch) == before
    messages = {Path(b["path"]).name: b["message"] for b in payload["books"]}
    assert "암호" in messages["password.xlsx"]
    assert ".xls" in messages["old.xls"]
    assert "손상" in messages["corrupt.xlsx"]
    assert "폴더" in messages["folder.xlsx"]
    assert "'활동' 시트가 없습니다" in messages["no-sheet.xlsx"]
    assert "없습니다" in messages["dangling.xlsx"]
    # Copies keep the folder layout, so the two 03.xlsx do not collide; failed books have none.
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.xlsx")) == [
        "2020/03.xlsx", "2021/03.xlsx", "2021/invalid.xlsx", "요약.xlsx"]
    assert not list(out.glob(".hyeopchi-tmp-*"))


def test_invalid_copy_holds_validation_sheet_and_summary_reads_back(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    arch = make_archive(tmp_path)
    out = tmp_path / "out"
    run_batch(capsys, str(arch), "--month", "2021-03", "--out", str(out), "--jobs", "1")
    invalid = openpyxl.load_workbook(out / "2021" / "invalid.xlsx", read_only=True)
    assert "검증결과" in invalid.sheetnames and "위원" in invalid.sheetnames
    invalid.close()
    summary = openpyxl.load_workbook(out / "요약.xlsx")
    ws = summary["요약"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = rows.index(["파일", "상태", "오류 수", "경고 수", "좌석 수", "인원", "수당 합계",
                         "4-1 점수", "점검 지적", "메시지"])
    body = {r[0]: r for r in rows[header + 1:]}
    assert len(body) == len(EXPECTED)
    # The duplicate P1 hides P2: 1 duplicate-id + 3 활동 and 2 출석 rows naming P2 = 6 errors.
    assert body["2021/invalid.xlsx"][1:4] == ["검증 오류", 6, 0]
    assert body["2020/03.xlsx"][1:4] == ["정상", 0, 0]
    assert body["old.xls"][1] == "실패" and ".xls" in body["old.xls"][9]
    # small_book's review on 2021-03-31, by hand: no 성별 column (no gender finding); P2, the
    # council's only 위촉직 민간, is in B01 and W01; C01 3 of 50, B01 1 of 11, W01 2 of 8 are
    # three vacancies; one W01 meeting in the 12 months (no streak of 3); no 겸직상한.
    assert body["2020/03.xlsx"][8] == 3


def test_exit_code_is_0_when_all_ok_and_1_when_some_invalid(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_book(tmp_path / "good.xlsx", small_book())
    bad = write_book(tmp_path / "bad.xlsx", invalid_book())
    code, payload = run_batch(capsys, str(good), "--month", "2021-03", "--out", str(tmp_path / "a"))
    assert (code, payload["ok"], payload["failed"]) == (0, 1, 0)
    code, payload = run_batch(capsys, str(good), str(bad), "--month", "2021-03",
                              "--out", str(tmp_path / "b"))
    assert (code, payload["ok"], payload["invalid"]) == (1, 1, 1)


def test_up_to_date_outputs_are_skipped_until_input_changes_or_force(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    write_book(src / "a.xlsx", small_book())
    write_book(src / "b.xlsx", small_book())
    args = (str(src), "--month", "2021-03", "--out", str(tmp_path / "out"), "--jobs", "1")
    _, first = run_batch(capsys, *args)
    assert [b["skipped"] for b in first["books"]] == [False, False]
    _, second = run_batch(capsys, *args)
    assert [b["skipped"] for b in second["books"]] == [True, True]
    assert [b["status"] for b in second["books"]] == ["ok", "ok"]
    later = time.time() + 5
    os.utime(src / "b.xlsx", (later, later))
    _, third = run_batch(capsys, *args)
    assert [b["skipped"] for b in third["books"]] == [True, False]
    _, forced = run_batch(capsys, *args, "--force")
    assert [b["skipped"] for b in forced["books"]] == [False, False]


def test_other_month_is_not_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_book(tmp_path / "a.xlsx", small_book())
    out = str(tmp_path / "out")
    run_batch(capsys, str(tmp_path / "a.xlsx"), "--month", "2021-03", "--out", out)
    _, again = run_batch(capsys, str(tmp_path / "a.xlsx"), "--month", "2021-04", "--out", out)
    assert again["books"][0]["skipped"] is False


def test_output_folder_inside_input_folder_is_not_read_as_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_book(tmp_path / "a.xlsx", small_book())
    args = (str(tmp_path), "--month", "2021-03", "--out", str(tmp_path / "out"))
    run_batch(capsys, *args)
    _, payload = run_batch(capsys, *args, "--force")
    assert [Path(b["path"]).name for b in payload["books"]] == ["a.xlsx"]


def test_in_place_writes_result_sheets_into_the_input_and_summary_into_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    book = write_book(tmp_path / "a.xlsx", invalid_book())
    code, _ = run_batch(capsys, str(book), "--month", "2021-03", "--out",
                              str(tmp_path / "out"), "--in-place")
    assert code == 1
    assert "검증결과" in openpyxl.load_workbook(book, read_only=True).sheetnames
    assert (tmp_path / "out" / "요약.xlsx").exists()
    assert not (tmp_path / "out" / "a.xlsx").exists()


def test_glob_matches_books_and_a_glob_matching_nothing_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_book(tmp_path / "2021-03.xlsx", small_book())
    (tmp_path / "2021-03.pdf").write_bytes(b"%PDF")
    code, payload = run_batch(capsys, str(tmp_path / "2021-*"), str(tmp_path / "nope-*.xlsx"),
                              "--month", "2021-03", "--out", str(tmp_path / "out"))
    assert [(Path(b["path"]).name, b["status"]) for b in payload["books"]] == [
        ("2021-03.xlsx", "ok"), ("nope-*.xlsx", "failed")]
    assert payload["ignored"] == 1 and code == 2


def test_bad_month_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["batch", str(tmp_path), "--month", "2021-13", "--out", str(tmp_path / "o")])
    assert exc.value.code == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_progress_bar_shows_count_current_book_and_eta() -> None:
    stream = io.StringIO()
    bar = Progress(4, enabled=True, stream=stream)
    bar.update(1, "2021/03.xlsx")
    assert "1/4" in stream.getvalue() and "2021/03.xlsx" in stream.getvalue()
    assert "남은 시간" in stream.getvalue()
    quiet = io.StringIO()
    Progress(4, enabled=False, stream=quiet).update(1, "x")
    assert quiet.getvalue() == ""


def test_progress_is_quiet_when_stderr_is_not_a_terminal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_book(tmp_path / "a.xlsx", small_book())
    main(["batch", str(tmp_path / "a.xlsx"), "--month", "2021-03", "--out", str(tmp_path / "o")])
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "정상 1개" in captured.out


def test_job_options_come_from_the_month_and_unknown_required_options_skip_the_job() -> None:
    planned = {job.name: options for job, options in planned_jobs(Month(2021, 2))}
    assert "validate" not in planned  # batch validates every book itself, first
    assert planned["overlap"].date == dt.date(2021, 2, 28)  # the month's last day
    assert (planned["attendance"].start, planned["attendance"].end) == (
        dt.date(2021, 2, 1), dt.date(2021, 2, 28))
    assert planned["attendance"].body_type is None
    assert tuple(planned["allowance"].month) == (2021, 2)
    assert tuple(planned["report"].month) == (2021, 2) and planned["report"].mask is False

    @dataclass(frozen=True)
    class Secret:
        key: str = option("batch has no value for this")

    assert for_month(Secret, Month(2021, 2)) is None


def test_exit_code_prefers_failed_over_invalid() -> None:
    assert exit_code([{"status": "ok"}]) == 0
    assert exit_code([{"status": "ok"}, {"status": "invalid"}]) == 1
    assert exit_code([{"status": "invalid"}, {"status": "failed"}]) == 2


def test_discovery_reports_lookalikes_and_ignores_other_files(tmp_path: Path) -> None:
    arch = make_archive(tmp_path)
    found = discover([str(arch)], tmp_path / "out")
    assert sorted(str(b.rel) for b in found.books) == sorted(EXPECTED)
    assert found.ignored == 1


def test_same_named_books_from_two_arguments_get_distinct_outputs(tmp_path: Path) -> None:
    for year in ("2020", "2021"):
        (tmp_path / year).mkdir()
        write_book(tmp_path / year / "03.xlsx", small_book())
    found = discover([str(tmp_path / "2020" / "03.xlsx"), str(tmp_path / "2021" / "03.xlsx"),
                      str(tmp_path / "2021" / "03.xlsx")], tmp_path / "out")
    assert [str(b.rel) for b in found.books] == ["03.xlsx", "03-2.xlsx"]


BOOKS = 800


@pytest.mark.slow
def test_ctrl_c_leaves_no_half_written_output_and_inputs_unchanged(
        tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    first = write_book(src / "book000.xlsx", small_book())
    data = first.read_bytes()
    # Enough books that the batch cannot finish while this process waits for the first output,
    # even when a loaded machine starves the polling loop for seconds.
    for i in range(1, BOOKS):
        (src / f"book{i:03d}.xlsx").write_bytes(data)
    before = hashes(src)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python")}
    proc = subprocess.Popen([sys.executable, "-m", "hyeopchi", "batch", str(src), "--month",
                             "2021-03", "--out", str(out), "--jobs", "2"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(out.glob("book*.xlsx")):
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert "중단" in err.decode() and "Traceback" not in err.decode()
    written = list(out.glob("book*.xlsx"))
    assert 0 < len(written) < BOOKS  # interrupted mid-run
    for path in written:  # every output is complete
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".hyeopchi-tmp-")
                 or p.name.endswith(".tmp")]
    assert leftovers == []
    assert hashes(src) == before


# --- the reader's hot path (core/tables.py: each distinct raw value parsed once) ------------

def test_repeated_bad_value_is_reported_at_every_cell_in_row_order() -> None:
    from hyeopchi.core.tables import table_from_grid

    grid = [["위원ID", "조직ID", "역할", "시작일", "종료일"],
            ["P1", "C01", "위원", "2021-13-45", None],
            ["P2", "C01", "위원", "2021-03-01", None],
            ["P3", "C01", "위원", "2021-13-45", None]]
    table, issues = table_from_grid("활동", grid)
    assert [(i.code, i.cell) for i in issues] == [("invalid-date", "D2"), ("invalid-date", "D4")]
    assert list(table.df["시작일"]) == [None, dt.date(2021, 3, 1), None]


def test_true_and_1_in_one_integer_column_are_parsed_apart() -> None:
    from hyeopchi.core.tables import table_from_grid

    grid = [["조직ID", "조직명", "유형", "정원"],
            ["C01", "협치회의", "협치회의", 1],
            ["C02", "운영", "운영위원회", True],  # a boolean is not an integer, though True == 1
            ["C03", "분과", "분과위원회", 1.0]]
    table, issues = table_from_grid("조직", grid)
    assert list(table.df["정원"]) == [1, None, 1]
    assert [(i.code, i.cell) for i in issues] == [("invalid-integer", "D3")]


SAMPLE = ROOT / "workbook" / "sample" / "seodaemun-2021.xlsx"


def test_batch_figures_on_the_sample_match_the_single_book_commands(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_batch(capsys, str(SAMPLE), "--month", "2021-03", "--out", str(tmp_path))
    book = payload["books"][0]
    assert (code, book["status"]) == (0, "ok")
    assert set(book["jobs"]) >= {"overlap", "attendance", "allowance", "report", "screen"}
    main(["overlap", str(SAMPLE), "--date", "2021-03-31", "--json"])
    overlap = json.loads(capsys.readouterr().out)
    main(["allowance", str(SAMPLE), "--month", "2021-03", "--json"])
    allowance = json.loads(capsys.readouterr().out)
    main(["attendance", str(SAMPLE), "--from", "2021-03-01", "--to", "2021-03-31", "--json"])
    attendance = json.loads(capsys.readouterr().out)
    assert (book["seats"], book["people"]) == (overlap["by_type"]["합계"], overlap["people"])
    # The seed's 488 seats and 281 people (2021-03-01) still hold on the sample's 2021-03-31.
    assert (book["seats"], book["people"]) == (488, 281)
    assert book["allowance"] == allowance["total"]
    assert book["score"] == attendance["scores"]["total"]


def test_batch_prints_each_books_headline_figures(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 488 seats / 281 people: the seed's 2021-03-01 tables; 2,840,000원: the allowance
    # golden test's hand count for 2021-03 (tests/test_allowance.py).
    assert main(["batch", str(SAMPLE), "--month", "2021-03", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "활동 488석 (실 인원 281명), 참석수당 2,840,000원" in out
    assert f"→ {tmp_path / SAMPLE.name}" in out
