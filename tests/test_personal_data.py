"""Personal data never leaves in an output: no contact detail (the columns schemas mark
x-contact, today 위원.연락처) in any sheet, JSON, message or 요약 of any command; the input
named by its file name, never its folder; `--mask` masks every name in every sheet written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from books import small_book, write_book

from hyeopchi.cli import main
from hyeopchi.core.privacy import mask_contact
from hyeopchi.core.schema import SHEET_FILES, contact_columns
from hyeopchi.core.validate import validate
from hyeopchi.io.reader import read_book
from hyeopchi.jobs import JOBS

D = dt.date
MONTH = "2021-03"

# Well-formed contact details of the valid book; every person has one.
GOOD = {"P1": "02-330-1999", "P2": "010-4821-5930", "P3": "010-7777-1212",
        "P4": "010-3141-5926"}
# Malformed ones (each an error at its cell) of the invalid book: the mistyped number,
# no dashes, a number cell (Excel drops the leading 0), an e-mail in the phone column.
BAD: dict[str, Any] = {"P1": "010-4821-593", "P2": "01048215930", "P3": 1048215930,
                       "P4": "hong.gildong@example.com"}
# Contact data in columns the schemas do not know (kept and ignored): never shown either.
EXTRA = {"P1": ("gacheon@example.org", "서울 서대문구 연희로 248"),
         "P2": ("narae@example.org", "서울 서대문구 통일로 484"),
         "P3": ("daon@example.org", "서울 서대문구 신촌로 77"),
         "P4": ("raon@example.org", "서울 서대문구 모래내로 15")}
APPLICANTS = [("A1", "황보세린", "010-5555-0101"), ("A2", "선우예담", "010-5555-0202")]


def contact_sheets(contacts: dict[str, Any]) -> dict[str, list[list[Any]]]:
    sheets = small_book()
    header = sheets["위원"][0]
    sheets["위원"] = [[*header, "이메일", "주소"]] + [
        [*row[:header.index("연락처")], contacts[row[0]], *EXTRA[row[0]]]
        for row in sheets["위원"][1:]]
    sheets["설정"] = [["항목", "값"], ["원천징수", "Y"]]
    sheets["심사"] = [["신청자ID", "성명", "심사위원", "대표성", "전문성", "자발성", "연락처"]] + [
        [a, name, judge, 20, 20, 30, phone] for a, name, phone in APPLICANTS
        for judge in ("심사위원1", "심사위원2")]
    return sheets


def forbidden_contacts() -> list[str]:
    """Every contact detail of both books as text, and each phone number's bare digits."""
    values = [str(v) for v in (*GOOD.values(), *BAD.values())]
    values += [e for pair in EXTRA.values() for e in pair] + [p for _, _, p in APPLICANTS]
    digits = [re.sub(r"\D", "", v) for v in values if re.fullmatch(r"[\d\-]+", v)]
    return sorted(set(values + [d for d in digits if len(d) >= 9]))


NAMES = ["김가람", "이나래", "박다온", "최라온", *(n for _, n, _ in APPLICANTS)]


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both books, and a file that is no workbook, in a folder named 입력."""
    folder = tmp_path_factory.mktemp("privacy") / "입력"
    folder.mkdir()
    broken = folder / "깨진.xlsx"
    broken.write_bytes(b"not a zip")
    return {"valid": write_book(folder / "연락처-정상.xlsx", contact_sheets(GOOD)),
            "invalid": write_book(folder / "연락처-오류.xlsx", contact_sheets(BAD)),
            "broken": broken}


def job_argv(name: str, book: Path, out: Path | None, *, mask: bool) -> list[str]:
    """The command line of a job over MONTH: every option batch would fill, `--mask` when the
    job has it, and `--out` when it writes."""
    first, last = D(2021, 3, 1), D(2021, 3, 31)
    argv = [name, str(book)]
    for f in JOBS[name].fields():
        fill = {"first": first.isoformat(), "last": last.isoformat(), "month": MONTH}
        if f.spec.batch is not None:
            argv += [f.flag, fill[f.spec.batch]]
        elif f.name == "mask" and mask:
            argv.append(f.flag)
    if out is not None and JOBS[name].writes:
        argv += ["--out", str(out)]
    return argv


def new_sheet_texts(out: Path, book: Path) -> dict[str, str]:
    """The text of every sheet the command added to the copy (the input sheets are the
    office's own data, copied as they were)."""
    source = openpyxl.load_workbook(book, read_only=True)
    old = set(source.sheetnames)
    source.close()
    return sheet_texts(out, skip=old)


def sheet_texts(path: Path, skip: set[str] | frozenset[str] = frozenset()) -> dict[str, str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: "\n".join(str(v) for row in ws.iter_rows(values_only=True)
                                    for v in row if v is not None)
                for ws in wb.worksheets if ws.title not in skip}
    finally:
        wb.close()


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refusals
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def outputs_of_every_command(books: dict[str, Path], out_dir: Path, mask: bool,
                             capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[str, str]]:
    """(where, text) of every output: stdout and stderr of each command on each book, as
    text and as JSON, each result sheet written, and batch's JSON, text, 요약 and copies."""
    out_dir.mkdir(exist_ok=True)
    for kind, book in books.items():
        for name in JOBS:
            out = out_dir / f"{name}-{kind}.xlsx"
            code, stdout, stderr = run_cli(job_argv(name, book, out, mask=mask), capsys)
            yield f"{name} {kind} text", stdout + stderr
            code_json, stdout, stderr = run_cli(
                [*job_argv(name, book, out.with_suffix(".json.xlsx"), mask=mask), "--json"],
                capsys)
            yield f"{name} {kind} json", stdout + stderr
            if kind != "broken":
                assert stdout.strip() and code_json in (0, 1), (name, kind, stderr)
            if out.exists():
                for sheet, text in new_sheet_texts(out, book).items():
                    yield f"{name} {kind} sheet {sheet}", text
            elif kind == "valid":
                assert not JOBS[name].writes, f"{name} wrote no sheet ({code}): {stderr}"
    folder = books["valid"].parent
    for json_mode in (True, False):
        batch_out = out_dir / f"batch-{json_mode}"
        argv = ["batch", str(folder), str(folder / "없는파일.xlsx"), "--month", MONTH,
                "--out", str(batch_out), "--force"] + (["--json"] if json_mode else [])
        code, stdout, stderr = run_cli(argv + (["--mask"] if mask else []), capsys)
        assert code == 2, stderr  # the broken and the missing book failed
        if json_mode:
            payload = json.loads(stdout)
            for book in payload["books"]:
                # 'path' and 'output' are where the files are (the caller's own paths)
                yield "batch json", json.dumps({k: v for k, v in book.items()
                                                if k not in ("path", "output")},
                                               ensure_ascii=False)
        else:
            yield "batch text", stdout
        yield "batch stderr", stderr
        for sheet, text in sheet_texts(batch_out / "요약.xlsx").items():
            yield f"batch 요약 {sheet}", text
        for kind in ("valid", "invalid"):
            copy = batch_out / books[kind].name
            for sheet, text in new_sheet_texts(copy, books[kind]).items():
                yield f"batch {kind} sheet {sheet}", text


def test_no_output_of_any_command_shows_contact_data_or_the_folder(
        books: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forbidden = [*forbidden_contacts(), str(books["valid"].parent)]
    seen, leaks = [], []
    for where, text in outputs_of_every_command(books, tmp_path / "결과", False, capsys):
        seen.append(where)
        leaks += [(where, s) for s in forbidden if s in text]
    assert leaks == []
    # the scan covered every command's sheets, 검증결과 with the bad contacts, and batch
    assert {w.split()[0] for w in seen} == {*JOBS, "batch"}
    assert "validate invalid sheet 검증결과" in seen and "batch 요약 요약" in seen
    assert any(w.startswith("batch valid sheet 수당지급") for w in seen)


def test_mask_hides_every_name_in_every_sheet_written(
        books: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheets = [(w, t) for w, t in outputs_of_every_command(books, tmp_path / "결과", True,
                                                           capsys) if " sheet " in w]
    assert [(w, n) for w, t in sheets for n in NAMES if n in t] == []
    # the masked names are there: 이나래 -> 이*래 in the allowance sheet, 황보세린 -> 황**린
    texts = dict(sheets)
    assert "이*래" in texts["allowance valid sheet 수당지급_2021-03"]
    assert "황**린" in texts["screen valid sheet 심사결과"]
    assert "이*래" in texts["overlap valid sheet 중복활동현황"]


def test_without_mask_the_names_are_there(books: dict[str, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    # the counter-check of the test above: the sheets it scans do hold names when unmasked
    out = tmp_path / "a.xlsx"
    run_cli(job_argv("allowance", books["valid"], out, mask=False), capsys)
    assert "이나래" in new_sheet_texts(out, books["valid"])["수당지급_2021-03"]


@pytest.mark.parametrize(("value", "shown"), [
    pytest.param("010-4821-593", "010-****-593", id="the-issue-example"),
    pytest.param("010-4821-5930", "010-****-5930", id="mobile"),
    pytest.param("02-330-1234", "02-***-1234", id="seoul-landline"),
    pytest.param("01048215930", "010********", id="no-dashes"),
    pytest.param(1048215930, "104*******", id="number-cell"),
    pytest.param("hong.gildong@example.com", "h***.*******@*******.***", id="e-mail"),
])
def test_contact_mask(value: Any, shown: str) -> None:
    assert mask_contact(value) == shown


def test_message_about_a_contact_cell_says_what_is_wrong_masked(tmp_path: Path) -> None:
    report = validate(read_book(write_book(tmp_path / "b.xlsx", contact_sheets(BAD))),
                      D(2026, 12, 2))
    contact = [e for e in report.errors if e.column == "연락처"]
    assert [(e.code, e.cell) for e in contact] == [("pattern-mismatch", f"I{r}")
                                                  for r in range(2, 6)]
    first = contact[0]
    assert first.message == ("위원!I2: '연락처' 값 '010-****-593'의 형식이 올바르지 않습니다. "
                             "예: 010-1234-5678, 02-330-1234")
    assert first.value == "010-****-593" and first.to_json()["value"] == "010-****-593"


def test_contact_columns_come_from_the_schemas() -> None:
    assert {s: contact_columns(s) for s in SHEET_FILES if contact_columns(s)} == {
        "위원": frozenset({"연락처"})}


def test_validation_sheet_names_the_input_by_file_name(books: dict[str, Path],
                                                       tmp_path: Path) -> None:
    out = tmp_path / "v.xlsx"
    assert main(["validate", str(books["invalid"]), "--out", str(out)]) == 1
    text = sheet_texts(out)["검증결과"]
    assert "대상: 연락처-오류.xlsx" in text and str(books["invalid"].parent) not in text
