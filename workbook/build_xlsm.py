"""Build the office workbook workbook/hyeopchi.xlsm from readable sources. Never edit the .xlsm.

Sources: schemas/*.json (input sheets: headers, column formats, drop-downs for enums),
python/hyeopchi/excel/layout.py (the 실행 sheet and its buttons), workbook/vba/*.bas (the
VBA project: xlwings' own module for RunPython, and one macro per button).

    python workbook/build_xlsm.py [OUT]

The VBA project (vbaProject.bin) is made with ms-ovba, with its module compression
replaced by the MS-OVBA 2.4.1 compressor below (ms-ovba 0.0.1's compressor garbles longer
modules: olevba read back corrupted source). ms-ovba writes scratch files next to the
sources and into the current folder, so it runs in a temporary folder. Where ms-ovba differs
from the known-good writers (Excel, Aspose's xlwings quickstart, vbamc) it is set to match:
_VBA_PROJECT's Reserved3 = 0x0001, a PROJECTwm stream, VersionCompatible32 and [Workspace] in
PROJECT (tests/test_vba_project.py compares record by record with xlwings' quickstart).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

import xlsxwriter  # noqa: E402

import hyeopchi  # noqa: E402 (after sys.path)
from hyeopchi.core.schema import SHEET_FILES, sheet_schema  # noqa: E402 (after sys.path)
from hyeopchi.core.settings import BODY_TYPES  # noqa: E402 (after sys.path)
from hyeopchi.excel import control as ctl  # noqa: E402 (after sys.path)
from hyeopchi.excel import layout  # noqa: E402 (after sys.path)

VBA_DIR = ROOT / "workbook" / "vba"
OUT = ROOT / "workbook" / "hyeopchi.xlsm"
FIXED_TIME = dt.datetime(2021, 3, 1, 9, 0, 0)  # document properties: deterministic output
INPUT_ROWS = 2000  # formats and drop-downs cover this many data rows
CONF_SHEET = "xlwings.conf"
# xlwings.conf entries (key, value): see docs/install-windows.md for the interpreter path.
CONF = (
    ("Interpreter_Win", r"%USERPROFILE%\hyeopchi\venv\Scripts\pythonw.exe"),
    ("PYTHONPATH", ""),
    ("UDF Modules", "hyeopchi.excel.udfs"),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "False"),
    ("Show Console", "False"),
)
SETTINGS_DEFAULTS = (
    ("기관명", "서대문구"), ("담당부서", "민관협치과"), ("결재라인", "담당,팀장,과장"),
    ("수당지급신분", "민간"), ("대리출석인정", "Y"),
    ("평가대상유형", "협치회의,운영위원회,분과위원회,워킹그룹"),
    ("원천징수", "N"), ("필요경비율", "0.6"), ("소득세율", "0.2"), ("지방소득세율", "0.1"),
    ("과세최저한", "50000"), ("과세단위", "회의"),
)
EVALUATION_ITEMS = ("4-1-3", "4-1-4")
MONEY_COLUMNS = {"기본료", "초과수당"}
WORKSHEET_GUID = uuid.UUID("00020820-0000-0000-C000-000000000046")
WORKBOOK_GUID = uuid.UUID("00020819-0000-0000-C000-000000000046")


# --- MS-OVBA 2.4.1 compression ---------------------------------------------------------

def ovba_compress(data: bytes) -> bytes:
    """A CompressedContainer: signature byte, then one chunk per 4096 bytes of input."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = _compress_chunk(chunk)
        if len(body) >= 4096 and len(chunk) == 4096:
            out += (0x3000 | 4095).to_bytes(2, "little") + chunk  # stored uncompressed
        else:
            out += (0xB000 | (len(body) + 2 - 3)).to_bytes(2, "little") + body
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    pos, n = 0, len(chunk)
    while pos < n:
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if pos >= n:
                break
            bit_count = max((pos - 1).bit_length(), 4) if pos else 4
            length, offset = _longest_match(chunk, pos, min((0xFFFF >> bit_count) + 3, n - pos))
            if length >= 3:
                token = ((offset - 1) << (16 - bit_count)) | (length - 3)
                out += token.to_bytes(2, "little")
                out[flag_at] |= 1 << bit
                pos += length
            else:
                out.append(chunk[pos])
                pos += 1
    return bytes(out)


def _longest_match(chunk: bytes, pos: int, limit: int) -> tuple[int, int]:
    best_len = best_off = 0
    if pos == 0 or limit < 3:
        return 0, 0
    key = chunk[pos:pos + 3]
    i = chunk.rfind(key, 0, pos + 2)  # an occurrence starting before pos (may overlap it)
    while i != -1:
        if i < pos:
            length = 3
            while length < limit and chunk[i + length] == chunk[pos + length]:
                length += 1
            if length > best_len:
                best_len, best_off = length, pos - i
                if length == limit:
                    break
        i = chunk.rfind(key, 0, i + 2) if i > 0 else -1
    return best_len, best_off


# --- the VBA project ---------------------------------------------------------------------

@contextlib.contextmanager
def _in_dir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def vba_project(sheet_count: int) -> bytes:
    """vbaProject.bin, made in a child process.

    ms-ovba/ms-cfb leave files for the garbage collector to close and chdir-dependent
    scratch files behind; a child process with default warning filters keeps that (and
    the monkeypatching below) away from the caller, e.g. pytest with warnings as errors,
    where a ResourceWarning raised in a file's finalizer stops it from being flushed.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "vbaProject.bin"
        subprocess.run([sys.executable, "-W", "ignore", str(Path(__file__).resolve()),
                        "--vba-project", str(out), str(sheet_count)],
                       check=True, cwd=tmp, capture_output=True)
        return out.read_bytes()


def _vba_project_here(sheet_count: int) -> bytes:
    """vbaProject.bin with ThisWorkbook, Sheet1..N document modules and the .bas modules."""
    from ms_ovba.Models.Entities import doc_module, module_base
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views import dirStream, project_ole_file
    from ms_ovba.Views.project_ole_file import ProjectOleFile
    from ms_ovba.Views.project_view import ProjectView
    from ms_ovba_crypto import ms_ovba_crypto as crypto

    class _Compressor:
        def compress(self, data: bytes) -> bytes:
            return ovba_compress(data)

    class _ProjectView(ProjectView):
        """_VBA_PROJECT as Excel, Aspose and vbamc write it: cc61 ffff 00 0100
        (Reserved3 = 0x0001; ms-ovba writes 0x0003)."""

        def __init__(self, project: Any) -> None:
            super().__init__(project, reserved=1)

    for module in (doc_module, module_base, dirStream):
        module.MsOvba = _Compressor  # type: ignore[attr-defined]
    project_ole_file.ProjectView = _ProjectView  # type: ignore[attr-defined,misc]
    # The PROJECT stream's CMG/DPB/GC fields are "encrypted" with a random seed byte
    # (MS-OVBA 2.4.3): a fixed seed keeps the build byte-for-byte reproducible.
    crypto.random = random.Random(2021)  # type: ignore[attr-defined]

    # ms-cfb names scratch files with random letters: seed it too.
    random.seed(2021)
    bas_files = sorted(VBA_DIR.glob("*.bas"))
    blank = Path(doc_module.__file__).resolve().parents[2] / "blank_files"
    with tempfile.TemporaryDirectory() as tmp, _in_dir(Path(tmp)):
        project = VbaProject()
        project.project_id = "{9E394C0B-697E-4AEE-9FA6-446F51FB30DC}"
        # As the known-good writers do: a PROJECTwm stream (module names in MBCS and
        # UTF-16), VersionCompatible32 and a [Workspace] line per module (window closed).
        project.include_projectwm()
        project.add_attribute("VersionCompatible32", "393222000")
        template = (blank / "Sheet1.cls").read_text()
        for i in range(1, sheet_count + 1):
            name = f"Sheet{i}"
            cls = Path(tmp) / f"{name}.cls"
            cls.write_text(template.replace('"Sheet1"', f'"{name}"'))
            _add_doc(project, DocModule(name), cls, WORKSHEET_GUID)
        book_cls = Path(tmp) / "ThisWorkbook.cls"
        shutil.copy(blank / "ThisWorkbook.cls", book_cls)
        _add_doc(project, DocModule("ThisWorkbook"), book_cls, WORKBOOK_GUID)
        for bas in bas_files:
            copy = Path(tmp) / bas.name
            shutil.copy(bas, copy)
            module = StdModule(bas.stem)
            module.add_file(str(copy))
            module.normalize_file()
            _add_module(project, module)
        stdole = LibidReference(uuid.UUID("00020430-0000-0000-C000-000000000046"), "2.0", "0",
                                "C:\\Windows\\System32\\stdole2.tlb", "OLE Automation")
        office = LibidReference(
            uuid.UUID("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52"), "2.0", "0",
            r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
            "Microsoft Office 16.0 Object Library")
        project.add_reference(Reference(ReferenceRegistered(stdole), "stdole"))
        project.add_reference(Reference(ReferenceRegistered(office), "Office"))
        ProjectOleFile.write_file(project)
        return (Path(tmp) / "vbaProject.bin").read_bytes()


def _add_doc(project: Any, module: Any, path: Path, guid: uuid.UUID) -> None:
    module.add_file(str(path))
    module.add_guid(guid)
    module.normalize_file()
    _add_module(project, module)


def _add_module(project: Any, module: Any) -> None:
    module.add_workspace(0, 0, 0, 0, "C")
    project.add_module(module)


# --- the workbook --------------------------------------------------------------------------

def input_sheets() -> list[str]:
    return list(SHEET_FILES)


def build(out: Path = OUT) -> Path:
    sheets = [ctl.SHEET, *input_sheets(), CONF_SHEET]
    vba = vba_project(len(sheets))
    with tempfile.TemporaryDirectory() as tmp:
        bin_path = Path(tmp) / "vbaProject.bin"
        bin_path.write_bytes(vba)
        wb = xlsxwriter.Workbook(str(out), {"default_date_format": "yyyy-mm-dd"})
        wb.set_properties({"title": "협치 워크북", "author": "hyeopchi",
                           "company": "서대문구 민관협치과", "created": FIXED_TIME})
        # The hyeopchi this workbook's buttons are made for: `hyeopchi doctor` compares it
        # with the installed one.
        wb.set_custom_property("hyeopchi", hyeopchi.__version__)
        wb.set_vba_name("ThisWorkbook")
        wb.add_vba_project(str(bin_path))
        styles = _styles(wb)
        control = wb.add_worksheet(ctl.SHEET)
        control.set_vba_name("Sheet1")
        _control_sheet(control, styles)
        for i, name in enumerate(input_sheets(), start=2):
            ws = wb.add_worksheet(name)
            ws.set_vba_name(f"Sheet{i}")
            _input_sheet(ws, name, styles)
        conf = wb.add_worksheet(CONF_SHEET)
        conf.set_vba_name(f"Sheet{len(sheets)}")
        for r, (key, value) in enumerate(CONF):
            conf.write_string(r, 0, key)
            conf.write_string(r, 1, value)
        conf.set_column(0, 0, 28)
        conf.set_column(1, 1, 60)
        control.activate()
        wb.close()
    return out


def _styles(wb: Any) -> dict[str, Any]:
    return {
        "title": wb.add_format({"bold": True, "font_size": 16}),
        "label": wb.add_format({"bold": True, "align": "right", "valign": "vcenter"}),
        "input": wb.add_format({"bg_color": "#FFF2CC", "border": 1, "valign": "vcenter"}),
        "input_date": wb.add_format({"bg_color": "#FFF2CC", "border": 1,
                                     "num_format": "yyyy-mm-dd", "valign": "vcenter",
                                     "align": "left"}),
        "input_text": wb.add_format({"bg_color": "#FFF2CC", "border": 1, "num_format": "@",
                                     "valign": "vcenter"}),
        "help": wb.add_format({"font_color": "#595959", "valign": "vcenter"}),
        "status": wb.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "header": wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1,
                                 "align": "center"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "time": wb.add_format({"num_format": "hh:mm"}),
        "integer": wb.add_format({"num_format": "0"}),
        "money": wb.add_format({"num_format": "#,##0"}),
        "number": wb.add_format({"num_format": "General"}),
        "text": wb.add_format({"num_format": "@"}),
    }


def _control_sheet(ws: Any, st: dict[str, Any]) -> None:
    rows = layout.control_rows()
    ws.write_string(0, 0, str(rows[0][0]), st["title"])
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 44)
    ws.set_column(3, 3, 2)
    ws.set_column(4, 4, 24)
    for r, row in enumerate(rows[2:], start=2):
        label, value, hint = row
        if label is None:
            continue
        ws.set_row(r, 24)
        ws.write_string(r, 0, str(label), st["label"])
        if label == ctl.STATUS:
            ws.merge_range(r, 1, r + 3, 4, "", st["status"])
            ws.write_string(r + 4, 1, str(hint), st["help"])
            continue
        if isinstance(value, dt.date):
            ws.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), st["input_date"])
        elif label == ctl.SEATS:  # a number cell (a text cell would fail its validation)
            ws.write_blank(r, 1, None, st["input"])
        else:
            ws.write_string(r, 1, str(value), st["input_text"])
        ws.write_string(r, 2, str(hint), st["help"])
        if label == ctl.SEATS:
            ws.data_validation(r, 1, r, 1, {
                "validate": "integer", "criteria": ">=", "value": 1, "ignore_blank": True,
                "error_message": "1 이상의 정수를 넣거나 비워 두세요."})
        elif label == ctl.BODY_TYPE:
            ws.data_validation(r, 1, r, 1, {"validate": "list",
                                            "source": ["전체", *BODY_TYPES]})
        elif isinstance(value, dt.date):
            ws.data_validation(r, 1, r, 1, {
                "validate": "date", "criteria": "between",
                "minimum": dt.date(1990, 1, 1), "maximum": dt.date(2100, 12, 31),
                "error_message": "날짜를 입력하세요 (예: 2021-03-01)."})
    for i, (macro, caption, _) in enumerate(layout.BUTTONS):
        ws.insert_button(2 + i, 4, {"macro": macro, "caption": caption,
                                    "width": 168, "height": 28, "x_offset": 2, "y_offset": 2})


def _input_sheet(ws: Any, name: str, st: dict[str, Any]) -> None:
    schema = sheet_schema(name)
    columns = list(schema.columns.values())
    for c, col in enumerate(columns):
        ws.write_string(0, c, col.name, st["header"])
        fmt = st["money"] if col.name in MONEY_COLUMNS else st.get(col.kind, st["text"])
        if col.kind == "id":
            fmt = st["text"]
        ws.set_column(c, c, max(10, 2 * len(col.name) + 4), fmt)
        if col.enum:
            ws.data_validation(1, c, INPUT_ROWS, c, {
                "validate": "list", "source": list(col.enum),
                "error_title": col.name,
                "error_message": "목록의 값만 넣을 수 있습니다: " + ", ".join(col.enum)})
    ws.freeze_panes(1, 0)
    if name == "설정":
        for r, (item, value) in enumerate(SETTINGS_DEFAULTS, start=1):
            ws.write_string(r, 0, item)
            ws.write_string(r, 1, value)
    elif name == "평가입력":
        for r, item in enumerate(EVALUATION_ITEMS, start=1):
            ws.write_string(r, 0, item)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--vba-project"]:
        Path(sys.argv[2]).write_bytes(_vba_project_here(int(sys.argv[3])))
    else:
        print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
