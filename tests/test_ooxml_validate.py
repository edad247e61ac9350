"""Microsoft's Open XML SDK validator (../shared/tools/ooxml-validate) on every kind of file
hyeopchi writes: the office workbook, a batch copy and the summary book, an --in-place report,
validate --out (also into the .xlsm), each command's result sheets, and the buttons' files (the
rendered file desktop Excel copies from, the report saved beside the book).

An error counts as ours unless the input already had it (same part, XPath and error id) in
XML we kept byte for byte: the whole part unchanged, or, in a part we add to (styles.xml gets
the result sheets' styles appended), the very element the error points at unchanged. Books
written by openpyxl (tests/books.py) carry one such error: openpyxl writes its default
<font>'s children out of the schema's order. The validator's first run sets up its cache
(scripts/test.sh does that before the tests); without the tool this test fails, never skips.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from books import small_book, write_book

from hyeopchi.cli import main
from hyeopchi.jobs import JOBS

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = ROOT.parent / "shared" / "tools" / "ooxml-validate"
OFFICE = ROOT / "workbook" / "hyeopchi.xlsm"
SAMPLE = ROOT / "workbook" / "sample" / "seodaemun-2021.xlsx"

# Each single command on the sample, with the options a user would give (every command that
# writes a result sheet must be here: test_every_command_is_covered).
COMMAND_ARGS: dict[str, list[str]] = {
    "validate": [],
    "overlap": ["--date", "2021-03-01"],
    "attendance": ["--from", "2019-11-01", "--to", "2020-12-31"],
    "allowance": ["--month", "2021-03"],
    "report": ["--month", "2021-03"],
    "review": ["--date", "2021-03-01"],
    "screen": [],
}


@dataclass(frozen=True)
class Error:
    part: str
    xpath: str
    id: str
    description: str


def run_validator(files: list[Path]) -> dict[Path, list[Error]]:
    assert VALIDATOR.exists(), f"{VALIDATOR} is missing (the shared tools folder beside the repo)"
    done = subprocess.run([str(VALIDATOR), *map(str, files)], capture_output=True, text=True,
                          timeout=900, check=False)
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]
    found: dict[Path, list[Error]] = {}
    current: list[Error] = []
    lines = done.stdout.splitlines()
    for i, line in enumerate(lines):
        head = re.fullmatch(r"== (.*): (\d+) error\(s\)", line)
        if head:
            current = found.setdefault(Path(head[1]), [])
        elif line.startswith("== "):
            pytest.fail(f"validator could not open a file: {line}")
        elif line.startswith("  ") and not line.startswith("    "):
            part, _, xpath = line.strip().partition(" ")
            error_id, _, text = lines[i + 1].strip().partition(": ")
            current.append(Error(part, xpath, error_id, text))
    assert lines[-1].startswith("TOTAL "), done.stdout[-2000:]
    assert set(found) == set(files)
    return found


def _element(xml: bytes, xpath: str) -> bytes | None:
    """The element an SDK XPath (/x:styleSheet[1]/x:fonts[1]/x:font[1]) points at."""
    node = ElementTree.fromstring(xml)
    steps = xpath.strip("/").split("/")
    first = re.fullmatch(r"(\w+):(\w+)\[1\]", steps[0])
    if not first or node.tag.split("}")[-1] != first[2]:
        return None
    for step in steps[1:]:
        m = re.fullmatch(r"(\w+):(\w+)\[(\d+)\]", step)
        if not m:
            return None
        same = [c for c in node if c.tag.split("}")[-1] == m[2]]
        if len(same) < int(m[3]):
            return None
        node = same[int(m[3]) - 1]
    return ElementTree.tostring(node)


def ours(output: Path, errors: list[Error], source: Path | None,
         source_errors: list[Error]) -> list[Error]:
    """The output's errors less those the input had in XML we kept byte for byte."""
    if source is None:
        return errors
    inherited = {(e.part, e.xpath, e.id) for e in source_errors}
    with zipfile.ZipFile(output) as new, zipfile.ZipFile(source) as old:
        def kept(e: Error) -> bool:
            name = e.part.lstrip("/")
            if name not in old.namelist() or name not in new.namelist():
                return False
            before, after = old.read(name), new.read(name)
            return before == after or (
                _element(before, e.xpath) is not None
                and _element(before, e.xpath) == _element(after, e.xpath))

        return [e for e in errors if not ((e.part, e.xpath, e.id) in inherited and kept(e))]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path | None]]:
    """label -> (a file hyeopchi wrote, the input it was made from or None)."""
    tmp = tmp_path_factory.mktemp("ooxml")
    openpyxl_book = write_book(tmp / "openpyxl.xlsx", small_book())
    invalid = small_book()
    invalid["위원"][2][0] = "P1"  # duplicate 위원ID: 검증결과 has rows
    invalid_book = write_book(tmp / "invalid.xlsx", invalid)
    files: dict[str, tuple[Path, Path | None]] = {"office workbook": (OFFICE, None)}

    def cli(*argv: str) -> None:
        assert main(list(argv)) in (0, 1), argv

    for name, args in COMMAND_ARGS.items():
        out = tmp / f"{name}.xlsx"
        cli(name, str(SAMPLE), *args, "--out", str(out))
        files[f"{name} --out on the sample"] = (out, SAMPLE)
    cli("validate", str(invalid_book), "--out", str(tmp / "invalid-checked.xlsx"))
    files["validate --out, openpyxl book with errors"] = (tmp / "invalid-checked.xlsx",
                                                         invalid_book)
    cli("allowance", str(openpyxl_book), "--month", "2021-03", "--out", str(tmp / "paid.xlsx"))
    files["allowance --out, openpyxl book"] = (tmp / "paid.xlsx", openpyxl_book)
    cli("validate", str(OFFICE), "--out", str(tmp / "office-checked.xlsm"))
    files["validate --out into the office .xlsm"] = (tmp / "office-checked.xlsm", OFFICE)

    in_place = tmp / "in-place.xlsx"
    shutil.copy(SAMPLE, in_place)
    cli("report", str(in_place), "--month", "2021-03", "--in-place")
    files["report --in-place"] = (in_place, in_place.with_name("in-place.xlsx.bak"))

    archive = tmp / "archive"
    archive.mkdir()
    shutil.copy(SAMPLE, archive / "sample.xlsx")
    shutil.copy(openpyxl_book, archive / "openpyxl.xlsx")
    cli("batch", str(archive), "--month", "2021-03", "--out", str(tmp / "batch"))
    files["batch copy of the sample"] = (tmp / "batch" / "sample.xlsx", archive / "sample.xlsx")
    files["batch copy of an openpyxl book"] = (tmp / "batch" / "openpyxl.xlsx",
                                               archive / "openpyxl.xlsx")
    files["summary book"] = (tmp / "batch" / "요약.xlsx", None)

    # the buttons: the file desktop Excel copies sheets from, and the report saved beside
    # a saved book (xlwings' remote engine, desktop Excel's part faked: tests/fakes.py)
    import xlwings as xw
    from fakes import FakeDesktop, enable_remote_engine
    from test_excel_handlers import payload_from_xlsx

    from hyeopchi.excel import handlers, layout

    with_control = openpyxl.load_workbook(SAMPLE)
    control = with_control.create_sheet("실행", 0)
    for row in layout.control_rows():
        control.append(row)
    with_control.save(tmp / "with-control.xlsx")
    payload = payload_from_xlsx(tmp / "with-control.xlsx")
    (tmp / "button").mkdir()
    payload["book"]["name"] = str(tmp / "button" / "협치.xlsx")
    desktop = FakeDesktop()
    with pytest.MonkeyPatch.context() as mp:
        enable_remote_engine(mp)
        book = xw.Book(json=payload)
        for name in ("report", "validate"):
            assert handlers.run_job(name, book, desktop).sheets
        handlers.doctor(book, desktop)
    for k, inserted in enumerate(desktop.inserted):
        (tmp / f"button-{k}.xlsx").write_bytes(inserted.data)
        files[f"button's rendered {', '.join(inserted.names)}"] = (tmp / f"button-{k}.xlsx", None)
    files["report saved beside the book by the button"] = (
        tmp / "button" / "협치 위해촉_2021-03.xlsx", None)
    for label, (path, source) in files.items():
        assert path.exists(), label
        assert source is None or source.exists(), label
    return files


@pytest.fixture(scope="module")
def validated(written: dict[str, tuple[Path, Path | None]]) -> dict[Path, list[Error]]:
    paths = {p for pair in written.values() for p in pair if p is not None}
    return run_validator(sorted(paths))


def test_every_command_is_covered() -> None:
    assert set(COMMAND_ARGS) == {name for name, job in JOBS.items() if job.writes}


def test_batch_copy_holds_every_result_sheet_kind(
        written: dict[str, tuple[Path, Path | None]]) -> None:
    with zipfile.ZipFile(written["batch copy of the sample"][0]) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
    # The README's list of the sheets batch adds, for 2021-03
    for name in ("검증결과", "중복활동현황", "출석현황", "평가점수", "수당지급_2021-03",
                 "위해촉_2021-03", "운영점검", "심사결과"):
        assert f'name="{name}"' in workbook, name


def test_no_file_hyeopchi_writes_has_an_error_of_ours(
        written: dict[str, tuple[Path, Path | None]],
        validated: dict[Path, list[Error]]) -> None:
    found = {label: ours(path, validated[path], source, validated.get(source, []) if source else [])
             for label, (path, source) in written.items()}
    assert {label: errs for label, errs in found.items() if errs} == {}


def test_inherited_errors_are_recognised_as_the_inputs(
        written: dict[str, tuple[Path, Path | None]],
        validated: dict[Path, list[Error]]) -> None:
    # The openpyxl-written inputs do have the <font> error, and the outputs keep it: the rule
    # above forgives exactly that one, nothing more.
    path, source = written["allowance --out, openpyxl book"]
    assert source is not None
    assert [(e.part, e.xpath) for e in validated[source]] == [
        ("/xl/styles.xml", "/x:styleSheet[1]/x:fonts[1]/x:font[1]")]
    assert [(e.part, e.xpath, e.id) for e in validated[path]] == [
        (e.part, e.xpath, e.id) for e in validated[source]]
    assert ours(path, validated[path], source, validated[source]) == []
    assert ours(path, validated[path], None, []) == validated[path]


def test_the_bundled_inputs_are_clean(validated: dict[Path, list[Error]]) -> None:
    # Written by our build scripts (workbook/build_xlsm.py, workbook/build_sample.py)
    assert validated[OFFICE] == []
    assert validated[SAMPLE] == []
