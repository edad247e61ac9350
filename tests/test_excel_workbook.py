"""The office workbook workbook/hyeopchi.xlsm: rebuilt from its sources and checked by
independent readers (olevba for the VBA project, openpyxl for sheets, LibreOffice)."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hyeopchi.core.schema import SHEET_FILES, sheet_schema
from hyeopchi.excel import control as ctl
from hyeopchi.excel import handlers, layout
from hyeopchi.excel.handlers import job_options
from hyeopchi.jobs import JOBS

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbook" / "hyeopchi.xlsm"
VBA_DIR = ROOT / "workbook" / "vba"
sys.path.insert(0, str(ROOT / "workbook"))

import build_xlsm  # noqa: E402 (after sys.path)

with warnings.catch_warnings():  # oletools calls a pyparsing API that now warns
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_xlsm.build(tmp_path_factory.mktemp("xlsm") / "hyeopchi.xlsm")


@pytest.fixture(scope="module")
def modules(built: Path) -> dict[str, str]:
    """Module name -> source, as olevba reads it back from the built file."""
    parser = VBA_Parser(str(built))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _code(text: str) -> list[str]:
    """Source lines without the Attribute lines the VBA editor hides, CRLF-neutral."""
    return [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")
            if not line.startswith("Attribute ") and line.strip()]


def test_rebuild_matches_committed_workbook_part_by_part(built: Path) -> None:
    with zipfile.ZipFile(COMMITTED) as old, zipfile.ZipFile(built) as new:
        assert old.namelist() == new.namelist()
        changed = [n for n in new.namelist() if old.read(n) != new.read(n)]
    assert changed == [], "workbook/hyeopchi.xlsm is stale: run python workbook/build_xlsm.py"


def test_olevba_reads_back_every_bas_module_verbatim(modules: dict[str, str]) -> None:
    bas = sorted(VBA_DIR.glob("*.bas"))
    assert {p.stem for p in bas} == {"Hyeopchi", "xlwings"}
    for path in bas:
        assert _code(modules[path.stem]) == _code(path.read_text(encoding="ascii")), path.name


def test_vba_project_has_a_document_module_per_sheet(modules: dict[str, str], built: Path) -> None:
    sheets = openpyxl.load_workbook(built, read_only=True).sheetnames
    assert {f"Sheet{i}" for i in range(1, len(sheets) + 1)} | {"ThisWorkbook"} <= set(modules)


def test_every_button_runs_an_existing_macro_calling_its_handler(
        built: Path, modules: dict[str, str]) -> None:
    with zipfile.ZipFile(built) as zf:
        vml = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".vml"))
    bound = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    assert bound == [macro for macro, _, _ in layout.BUTTONS]
    for macro, caption, handler in layout.BUTTONS:
        assert caption in vml
        body = re.search(rf"Public Sub {macro}\(\)\s*\n(.*?)\nEnd Sub",
                         modules["Hyeopchi"].replace("\r\n", "\n"), re.DOTALL)
        assert body, macro
        assert f'RunPython "import hyeopchi.excel.handlers as h; h.{handler}()"' in body[1]
        assert callable(getattr(handlers, handler))
    assert "Public Function RunPython(" in modules["xlwings"]


def test_vba_sources_are_ascii_with_crlf() -> None:
    for path in VBA_DIR.glob("*.bas"):
        data = path.read_bytes()
        assert data.isascii(), path.name
        assert b"\n" not in data.replace(b"\r\n", b""), path.name


def test_bundled_xlwings_module_matches_installed_xlwings() -> None:
    import xlwings

    text = (VBA_DIR / "xlwings.bas").read_text(encoding="ascii")
    assert f"'Version: {xlwings.__version__}" in text


def test_input_sheets_have_contract_headers_formats_and_dropdowns(built: Path) -> None:
    wb = openpyxl.load_workbook(built)
    assert wb.sheetnames == [ctl.SHEET, *SHEET_FILES, build_xlsm.CONF_SHEET]
    for name in SHEET_FILES:
        ws = wb[name]
        schema = sheet_schema(name)
        headers = [c.value for c in ws[1]]
        assert headers == list(schema.columns), name
        lists = {next(iter(dv.sqref.ranges)).min_col: dv.formula1 for dv in ws.data_validations.dataValidation
                 if dv.type == "list"}
        for j, col in enumerate(schema.columns.values(), start=1):
            if col.enum:
                assert lists.get(j) == '"' + ",".join(col.enum) + '"', (name, col.name)
    assert wb["활동"].freeze_panes == "A2"


def test_date_and_time_columns_carry_their_formats(built: Path) -> None:
    with zipfile.ZipFile(built) as zf:
        styles = zf.read("xl/styles.xml").decode()
    assert 'formatCode="yyyy-mm-dd"' in styles and 'formatCode="hh:mm"' in styles
    wb = openpyxl.load_workbook(built)
    ws = wb["회의"]
    letters = {c.value: c.column_letter for c in ws[1]}
    assert ws.column_dimensions[letters["일자"]].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[letters["시작시각"]].number_format == "hh:mm"
    assert ws.column_dimensions[letters["회차"]].number_format == "0"


def test_control_sheet_labels_are_where_the_handlers_look(built: Path) -> None:
    ws = openpyxl.load_workbook(built)[ctl.SHEET]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    control = ctl.find_labels(grid)
    assert set(control.cells) == {*ctl.LABELS, ctl.STATUS}
    assert job_options(JOBS["overlap"], control).date.isoformat() == "2021-03-01"
    assert tuple(job_options(JOBS["report"], control).month) == (2021, 3)


def test_conf_sheet_tells_xlwings_the_udf_module_and_interpreter(built: Path) -> None:
    ws = openpyxl.load_workbook(built)[build_xlsm.CONF_SHEET]
    conf = {r[0]: r[1] for r in ws.iter_rows(values_only=True)}
    assert conf["UDF Modules"] == "hyeopchi.excel.udfs"
    assert conf["Interpreter_Win"].endswith("pythonw.exe")


@pytest.mark.parametrize("data", [
    pytest.param(b"", id="empty"),
    pytest.param(b"Sub A()\r\nEnd Sub\r\n" * 500, id="repetitive-several-chunks"),
    pytest.param(random.Random(5).randbytes(9000), id="incompressible-stored-chunks"),
    pytest.param(bytes(random.Random(6).choice(b"ab ") for _ in range(12000)), id="small-alphabet"),
])
def test_ovba_compressor_round_trips_through_olevba(data: bytes) -> None:
    assert bytes(decompress_stream(bytearray(build_xlsm.ovba_compress(data)))) == data


# --- LibreOffice: an independent reader of the whole file ----------------------------

def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("HYEOPCHI_NO_LIBREOFFICE") == "1":
        pytest.skip("HYEOPCHI_NO_LIBREOFFICE=1")
    assert found, "LibreOffice (soffice) is missing: apt-get install libreoffice-calc-nogui"
    return found


@pytest.fixture(scope="module")
def ods(built: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    soffice = _soffice()
    work = tmp_path_factory.mktemp("lo")
    done = subprocess.run(
        [str(soffice), "--headless", "--norestore",
         f"-env:UserInstallation=file://{work / 'profile'}",
         "--convert-to", "ods", "--outdir", str(work), str(built)],
        capture_output=True, text=True, timeout=180, check=False)
    out = work / "hyeopchi.ods"
    assert done.returncode == 0 and out.exists(), done.stderr
    with zipfile.ZipFile(out) as zf:
        return {n: zf.read(n).decode("utf-8", "replace") for n in zf.namelist()
                if n.endswith(".xml")}


@pytest.mark.libreoffice
def test_libreoffice_imports_the_vba_modules(ods: dict[str, Any]) -> None:
    hyeopchi = ods["Basic/VBAProject/Hyeopchi.xml"]
    for macro, _, _ in layout.BUTTONS:
        assert f"Public Sub {macro}()" in hyeopchi
    assert "Public Function RunPython(PythonCommand As String)" in ods[
        "Basic/VBAProject/xlwings.xml"]


@pytest.mark.libreoffice
def test_libreoffice_binds_each_button_to_its_macro(ods: dict[str, Any]) -> None:
    content = ods["content.xml"]
    bound = re.findall(r"vnd\.sun\.star\.script:VBAProject\.Hyeopchi\.(\w+)\?", content)
    assert sorted(set(bound)) == sorted(m for m, _, _ in layout.BUTTONS)
    for name in [ctl.SHEET, *SHEET_FILES]:
        assert f'table:name="{name}"' in content
    assert "table:content-validation " in content
