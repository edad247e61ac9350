"""write_sheets: result sheets go into an existing book and nothing else in it changes.

Fixture books are built here by code (XlsxWriter, openpyxl, zip edits); no binary blobs.
The VBA project is taken from the .xlsm template shipped inside the xlwings package.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter
from defusedxml import ElementTree as SafeET
from hypothesis import given
from hypothesis import strategies as st

from hyeopchi.core.issues import BookError
from hyeopchi.core.sheetspec import DATE, INT, KRW, PERCENT_1, Block, Chart, Merge, SheetSpec
from hyeopchi.io import render_xlsx
from hyeopchi.io.writeback import backup_path, safe_sheet_name, write_sheets

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
DOC_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# Parts a write may change; everything else must keep its bytes.
MUST_CHANGE = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
               "xl/styles.xml"}
FORMULA_LIKE = ["=SUM(A1:A2)", "+82-10-1234-5678", "-3", "@user", "=cmd|' /C calc'!A0"]
CUSTOM_UI = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui">'
             b'<ribbon><tabs><tab id="hyeopchi" label="\xed\x98\x91\xec\xb9\x98"/></tabs>'
             b"</ribbon></customUI>")
RT_UI = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


# --- fixtures: books built by code -------------------------------------------------------


def tiny_png() -> bytes:
    """A 1x1 red PNG made with zlib."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + \
        chunk(b"IEND", b"")


def vba_project(tmp_path: Path) -> Path:
    """xl/vbaProject.bin from the .xlsm template inside the installed xlwings package."""
    import xlwings

    templates = sorted(Path(xlwings.__file__).parent.glob("*.xlsm"))
    assert templates, "xlwings ships no .xlsm template"
    out = tmp_path / "vbaProject.bin"
    with zipfile.ZipFile(templates[0]) as z:
        out.write_bytes(z.read("xl/vbaProject.bin"))
    return out


def rewrite_zip(path: Path, changes: dict[str, bytes | None]) -> None:
    """Replace, add (bytes) or delete (None) parts of a zip, keeping the others."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    for name, data in changes.items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def add_custom_ui(path: Path) -> None:
    """A ribbon customization (customUI part + package relationship), as Excel add-ins have."""
    with zipfile.ZipFile(path) as z:
        root_rels = z.read("_rels/.rels").decode()
    rel = f'<Relationship Id="rIdUI" Type="{RT_UI}" Target="customUI/customUI14.xml"/>'
    root_rels = root_rels.replace("</Relationships>", rel + "</Relationships>")
    rewrite_zip(path, {"_rels/.rels": root_rels.encode(), "customUI/customUI14.xml": CUSTOM_UI})


def build_rich_book(tmp_path: Path, *, macro: bool) -> Path:
    """A book with everything an office book may hold: see the module docstring."""
    path = tmp_path / ("원본.xlsm" if macro else "원본.xlsx")
    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True, "font_name": "Arial", "bg_color": "#FFFF00"})
    red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    when = wb.add_format({"num_format": "yyyy. m. d."})
    members = wb.add_worksheet("위원")
    members.write_row(0, 0, ["위원ID", "성명", "구분", "수당", "위촉일"], bold)
    for i, (mid, name, kind, pay) in enumerate(
            [("M1", "김하나", "위촉직", 3), ("M2", "이둘", "당연직", 1), ("M3", "박셋", "위촉직", 5)]):
        members.write_row(i + 1, 0, [mid, name, kind, pay])
        members.write_datetime(i + 1, 4, dt.datetime(2021, 3, i + 1), when)
    members.write_formula("D5", "=SUM(D2:D4)", None, 9)
    members.merge_range("G1:H1", "병합된 제목", bold)
    members.write_comment("B2", "위원장")
    members.data_validation("C2:C4", {"validate": "list", "source": ["당연직", "위촉직"]})
    members.conditional_format("D2:D4", {"type": "cell", "criteria": ">", "value": 2,
                                         "format": red})
    members.repeat_rows(0)
    members.insert_image("J2", "dot.png", {"image_data": io.BytesIO(tiny_png())})
    table = wb.add_worksheet("조직")
    table.add_table("A1:C4", {"name": "조직표", "columns": [{"header": h} for h in
                                                          ("조직ID", "조직명", "정원")],
                              "data": [["O1", "협치회의", 30], ["O2", "운영위원회", 12],
                                       ["O3", "분과위원회", 8]]})
    charts = wb.add_worksheet("차트")
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "=위원!$D$2:$D$4", "categories": "=위원!$B$2:$B$4"})
    charts.insert_chart("B2", chart)
    wb.define_name("기관명", '="서대문구"')
    wb.define_name("위원!수당합계", "=위원!$D$5")
    if macro:
        wb.add_vba_project(str(vba_project(tmp_path)))
        members.insert_button("L2", {"macro": "say_hello", "caption": "실행"})
    wb.close()
    if macro:
        add_custom_ui(path)
    return path


def build_openpyxl_book(tmp_path: Path) -> Path:
    path = tmp_path / "openpyxl.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "위원"
    ws.append(["위원ID", "성명"])
    ws.append(["M1", "김하나"])
    ws["C2"] = "=LEN(B2)"
    ws.merge_cells("A4:B4")
    wb.create_sheet("조직").append(["조직ID"])
    wb.save(path)
    return path


def prefixed(xml: bytes, keep: tuple[str, ...] = ()) -> bytes:
    """The same SpreadsheetML part spelled with an x: prefix (as the Open XML SDK writes)."""
    text = xml.decode()
    text = text.replace(' xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                        ' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
    return re.sub(r"<(/?)([A-Za-z][\w]*)(?=[\s/>])", r"<\1x:\2", text).encode()


def build_prefixed_book(tmp_path: Path) -> Path:
    path = tmp_path / "prefixed.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("위원")
    ws.write_row(0, 0, ["위원ID", "성명"], wb.add_format({"bold": True}))
    ws.write_row(1, 0, ["M1", "김하나"])
    ws.repeat_rows(0)
    wb.close()
    with zipfile.ZipFile(path) as z:
        changes: dict[str, bytes | None] = {
            name: prefixed(z.read(name))
            for name in ("xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml",
                         "xl/sharedStrings.xml")}
    rewrite_zip(path, changes)
    return path


OFFICE_WORKBOOK = Path(__file__).parent.parent / "workbook" / "hyeopchi.xlsm"


def copy_office_workbook(tmp_path: Path) -> Path:
    """The office .xlsm the project ships (built by workbook/build_xlsm.py)."""
    return Path(shutil.copy(OFFICE_WORKBOOK, tmp_path / OFFICE_WORKBOOK.name))


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "office-workbook-hyeopchi-xlsm": copy_office_workbook,
    "xlsm-with-vba-and-everything": lambda p: build_rich_book(p, macro=True),
    "xlsx-with-everything": lambda p: build_rich_book(p, macro=False),
    "xlsx-from-openpyxl": build_openpyxl_book,
    "xlsx-with-x-prefixed-xml": build_prefixed_book,
}


@pytest.fixture(params=list(BUILDERS), ids=list(BUILDERS))
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return BUILDERS[request.param](tmp_path)


@pytest.fixture
def rich_xlsm(tmp_path: Path) -> Path:
    return build_rich_book(tmp_path, macro=True)


def result_spec(name: str = "검증결과", amount: int = 15000) -> SheetSpec:
    """A result sheet using every layout feature of SheetSpec."""
    rows = [
        ["위원ID", "성명", "위촉일", "수당", "참석률", "건수"],
        ["M1", "김하나", dt.date(2021, 3, 1), amount, 0.771, 3],
        ["M2", "=SUM(A1:A2)", dt.date(2021, 4, 15), 50000, 0.5, 1],
        ["합계", None, None, amount + 50000, None, 4],
    ]
    return SheetSpec(
        name=name,
        blocks=[
            Block(0, 0, [["수당 지급 현황"]], style="title"),
            Block(2, 0, rows, header_rows=1, total_rows=1,
                  number_formats={2: DATE, 3: KRW, 4: PERCENT_1, 5: INT}),
            Block(7, 0, [[text] for text in FORMULA_LIKE], style="note"),
        ],
        merges=[Merge(0, 0, 0, 5, "수당 지급 현황", "title"), Merge(13, 0, 13, 1, None, "box")],
        charts=[Chart("column", "수당", (1, 3, 4), [("수당", 3, 3, 4)], (15, 0)),
                Chart("pie", "건수", (1, 3, 4), [("건수", 5, 3, 4)], (15, 7))],
        col_widths={0: 12, 1: 14, 2: 12},
        freeze=(3, 0),
        repeat_rows=(2, 2),
        print_area=(0, 0, 13, 5),
        autofilter=(2, 0, 5, 5),
    )


# --- helpers to look inside packages -----------------------------------------------------


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def workbook_sheets(data: dict[str, bytes]) -> list[tuple[str, str, str]]:
    """(name, sheetId, r:id) of every <sheet>, in order."""
    root = SafeET.fromstring(data["xl/workbook.xml"])
    return [(s.get("name"), s.get("sheetId"), s.get(DOC_REL_ID))
            for s in root.iter(f"{MAIN}sheet")]


def defined_names(data: dict[str, bytes]) -> list[tuple[str | None, str | None, str | None]]:
    root = SafeET.fromstring(data["xl/workbook.xml"])
    return [(d.get("name"), d.get("localSheetId"), d.text) for d in root.iter(f"{MAIN}definedName")]


def rel_targets(data: dict[str, bytes], part: str) -> dict[str, str]:
    """Relationship id -> resolved part name (internal targets only)."""
    folder, name = part.rsplit("/", 1) if "/" in part else ("", part)
    rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    if rels not in data:
        return {}
    out = {}
    for rel in SafeET.fromstring(data[rels]).iter(f"{RELS}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else \
            os.path.normpath(os.path.join(folder, target)).replace(os.sep, "/")
        out[rel.get("Id", "")] = resolved
    return out


def sheet_part(data: dict[str, bytes], sheet_name: str) -> str:
    rid = next(r for n, _, r in workbook_sheets(data) if n == sheet_name)
    return rel_targets(data, "xl/workbook.xml")[rid]


def assert_package_consistent(data: dict[str, bytes]) -> None:
    """Every relationship target exists, every part has a content type, no override dangles,
    and nothing is left over from a replaced sheet (every part is reachable)."""
    types = SafeET.fromstring(data["[Content_Types].xml"])
    defaults = {d.get("Extension", "").lower() for d in types.iter(f"{CT}Default")}
    overrides = {o.get("PartName", "").lstrip("/").lower() for o in types.iter(f"{CT}Override")}
    names = {n.lower() for n in data}
    assert overrides <= names, overrides - names
    for name in data:
        if name != "[Content_Types].xml" and not name.endswith("/"):
            assert name.lower() in overrides or name.rsplit(".", 1)[-1].lower() in defaults, name
    seen, todo = set(), [""]
    while todo:
        part = todo.pop()
        if part in seen:
            continue
        seen.add(part)
        targets = rel_targets(data, part).values() if part else _root_targets(data)
        for target in targets:
            assert target in data, f"{part} -> missing {target}"
            todo.append(target)
    rels = {n for n in data if n.endswith(".rels")}
    unreachable = set(data) - seen - rels - {"[Content_Types].xml"}
    assert not unreachable, unreachable


def _root_targets(data: dict[str, bytes]) -> list[str]:
    root = SafeET.fromstring(data["_rels/.rels"])
    return [r.get("Target", "").lstrip("/") for r in root.iter(f"{RELS}Relationship")]


# --- nothing is lost ---------------------------------------------------------------------


def test_untouched_parts_keep_their_bytes(book: Path, tmp_path: Path) -> None:
    before = parts(book)
    out = write_sheets(book, [result_spec()], dest=tmp_path / ("out-" + book.name))
    after = parts(out)
    for name, data in before.items():
        assert name in after, f"{name} was lost"
        if name not in MUST_CHANGE:
            assert after[name] == data, f"{name} changed"
    new = set(after) - set(before)
    assert {n.split("/")[1] for n in new} <= {"worksheets", "drawings", "charts"}
    assert_package_consistent(after)


def test_existing_style_entries_are_unchanged_and_in_place(book: Path, tmp_path: Path) -> None:
    before = SafeET.fromstring(parts(book)["xl/styles.xml"])
    out = write_sheets(book, [result_spec()], dest=tmp_path / ("out-" + book.name))
    after = SafeET.fromstring(parts(out)["xl/styles.xml"])
    for old_list in before:
        new_list = after.find(old_list.tag)
        assert new_list is not None, old_list.tag
        assert len(new_list) >= len(old_list)
        for old, new in zip(old_list, new_list, strict=False):  # appended children allowed
            assert SafeET.tostring(old) == SafeET.tostring(new)
        if new_list.get("count") is not None:
            assert new_list.get("count") == str(len(new_list))


def test_other_sheets_read_the_same_after_a_write(book: Path, tmp_path: Path) -> None:
    out = write_sheets(book, [result_spec()], dest=tmp_path / ("out-" + book.name))
    old, new = openpyxl.load_workbook(book), openpyxl.load_workbook(out)
    assert new.sheetnames == [*old.sheetnames, "검증결과"]
    for name in old.sheetnames:
        for row_old, row_new in zip(old[name].iter_rows(), new[name].iter_rows(), strict=True):
            for a, b in zip(row_old, row_new, strict=True):
                assert (a.value, a.number_format, a.font.name, a.fill.fgColor.rgb) == \
                       (b.value, b.number_format, b.font.name, b.fill.fgColor.rgb)


def test_src_is_byte_identical_when_writing_to_dest(rich_xlsm: Path, tmp_path: Path) -> None:
    original = rich_xlsm.read_bytes()
    dest = tmp_path / "사본.xlsm"
    assert write_sheets(rich_xlsm, [result_spec()], dest=dest) == dest
    assert rich_xlsm.read_bytes() == original
    assert not backup_path(rich_xlsm).exists()


def test_in_place_write_keeps_a_backup_equal_to_the_original(rich_xlsm: Path) -> None:
    original = rich_xlsm.read_bytes()
    assert write_sheets(rich_xlsm, [result_spec()]) == rich_xlsm
    assert backup_path(rich_xlsm).read_bytes() == original
    assert "검증결과" in openpyxl.load_workbook(rich_xlsm).sheetnames
    leftovers = [p.name for p in rich_xlsm.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_in_place_write_without_backup_leaves_no_bak(rich_xlsm: Path) -> None:
    write_sheets(rich_xlsm, [result_spec()], backup=False)
    assert not backup_path(rich_xlsm).exists()


def test_xlsm_keeps_vba_buttons_custom_ui_and_macro_content_type(rich_xlsm: Path,
                                                                 tmp_path: Path) -> None:
    before = parts(rich_xlsm)
    after = parts(write_sheets(rich_xlsm, [result_spec()], dest=tmp_path / "out.xlsm"))
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["customUI/customUI14.xml"] == CUSTOM_UI
    assert after["_rels/.rels"] == before["_rels/.rels"]
    vml = [n for n in before if n.endswith(".vml")]
    assert vml and all(after[n] == before[n] for n in vml)
    types = SafeET.fromstring(after["[Content_Types].xml"])
    workbook_type = next(o.get("ContentType") for o in types.iter(f"{CT}Override")
                         if o.get("PartName") == "/xl/workbook.xml")
    assert workbook_type == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert any(d.get("Extension") == "bin" for d in types.iter(f"{CT}Default"))


def test_existing_defined_names_keep_their_sheets(rich_xlsm: Path, tmp_path: Path) -> None:
    before = defined_names(parts(rich_xlsm))
    after = defined_names(parts(write_sheets(rich_xlsm, [result_spec()],
                                             dest=tmp_path / "out.xlsm")))
    assert after[: len(before)] == before
    added = after[len(before):]
    index = "3"  # appended after 위원, 조직, 차트
    assert ("_xlnm.Print_Titles", index, "검증결과!$3:$3") in added
    assert ("_xlnm.Print_Area", index, "검증결과!$A$1:$F$14") in added
    assert ("_xlnm._FilterDatabase", index, "검증결과!$A$3:$F$6") in added


# --- the new sheet -------------------------------------------------------------------------


def test_new_sheet_reads_back_with_openpyxl(book: Path, tmp_path: Path) -> None:
    out = write_sheets(book, [result_spec()], dest=tmp_path / ("out-" + book.name))
    ws = openpyxl.load_workbook(out)["검증결과"]
    assert ws["A1"].value == "수당 지급 현황"
    assert [c.value for c in ws[3]] == ["위원ID", "성명", "위촉일", "수당", "참석률", "건수"]
    assert ws["C4"].value == dt.datetime(2021, 3, 1)
    assert ws["C4"].number_format == DATE
    assert (ws["D4"].value, ws["D4"].number_format) == (15000, KRW)
    assert (ws["E4"].value, ws["E4"].number_format) == (0.771, PERCENT_1)
    assert ws["F6"].number_format == INT
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:F1", "A14:B14"}
    assert ws["A3"].font.name == "맑은 고딕" and ws["A3"].font.b
    assert ws["A3"].fill.fgColor.rgb == "FFD9D9D9"
    assert ws["A4"].border.left.style == "thin"
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$3"
    assert ws.auto_filter.ref == "A3:F6"
    assert ws.column_dimensions["B"].width == pytest.approx(14, abs=1)
    assert not ws.sheet_view.tabSelected


def test_new_sheet_reads_back_with_calamine(book: Path, tmp_path: Path) -> None:
    out = write_sheets(book, [result_spec()], dest=tmp_path / ("out-" + book.name))
    rows = python_calamine.CalamineWorkbook.from_path(str(out)) \
        .get_sheet_by_name("검증결과").to_python()
    assert rows[3][:4] == ["M1", "김하나", dt.date(2021, 3, 1), 15000]
    assert rows[4][1] == "=SUM(A1:A2)"
    assert [r[0] for r in rows[7:12]] == FORMULA_LIKE


def test_new_sheet_has_charts_with_their_own_parts(rich_xlsm: Path, tmp_path: Path) -> None:
    before = parts(rich_xlsm)
    after = parts(write_sheets(rich_xlsm, [result_spec()], dest=tmp_path / "out.xlsm"))
    sheet = sheet_part(after, "검증결과")
    (drawing,) = rel_targets(after, sheet).values()
    charts = list(rel_targets(after, drawing).values())
    assert len(charts) == 2 and all(c not in before for c in charts)
    assert drawing not in before
    assert b"<c:barChart>" in after[charts[0]] and b"<c:pieChart>" in after[charts[1]]
    assert "검증결과".encode() in after[charts[0]]


def test_chart_labels_show_the_value_only(rich_xlsm: Path, tmp_path: Path) -> None:
    # Readers that take a missing flag as "on" (LibreOffice) must not add category/series names.
    after = parts(write_sheets(rich_xlsm, [result_spec()], dest=tmp_path / "out.xlsm"))
    (drawing,) = rel_targets(after, sheet_part(after, "검증결과")).values()
    for chart in rel_targets(after, drawing).values():
        xml = after[chart]
        assert b'<c:showVal val="1"/>' in xml
        assert b'<c:showCatName val="0"/>' in xml and b'<c:showSerName val="0"/>' in xml


def test_new_sheet_strings_are_inline_and_shared_strings_untouched(rich_xlsm: Path,
                                                                   tmp_path: Path) -> None:
    before = parts(rich_xlsm)
    after = parts(write_sheets(rich_xlsm, [result_spec()], dest=tmp_path / "out.xlsm"))
    sheet = after[sheet_part(after, "검증결과")]
    assert b't="s"' not in sheet and b'inlineStr' in sheet
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]


def test_formula_like_text_stays_text(book: Path, tmp_path: Path) -> None:
    out = write_sheets(book, [result_spec()], dest=tmp_path / ("out-" + book.name))
    data = parts(out)
    xml = data[sheet_part(data, "검증결과")]
    assert b"<f>" not in xml and b"<f " not in xml
    ws = openpyxl.load_workbook(out)["검증결과"]
    for row, text in enumerate(FORMULA_LIKE, start=8):
        assert (ws.cell(row, 1).value, ws.cell(row, 1).data_type) == (text, "s")


def test_new_sheet_uses_the_korean_font_everywhere(rich_xlsm: Path, tmp_path: Path) -> None:
    data = parts(write_sheets(rich_xlsm, [result_spec()], dest=tmp_path / "out.xlsm"))
    styles = SafeET.fromstring(data["xl/styles.xml"])
    fonts = list(styles.find(f"{MAIN}fonts"))  # type: ignore[arg-type]
    xfs = list(styles.find(f"{MAIN}cellXfs"))  # type: ignore[arg-type]
    sheet = SafeET.fromstring(data[sheet_part(data, "검증결과")])
    used = {int(c.get("s", "0")) for c in sheet.iter(f"{MAIN}c")}
    assert 0 not in used
    for xf in (xfs[i] for i in used):
        font = fonts[int(xf.get("fontId", "0"))]
        assert font.find(f"{MAIN}name").get("val") == "맑은 고딕"  # type: ignore[union-attr]
        assert font.find(f"{MAIN}scheme") is None  # a theme font would override the name
        assert xf.get("applyFont") == "1"


# --- re-running and replacing ------------------------------------------------------------


def test_rerun_replaces_the_sheet_instead_of_adding_a_second(rich_xlsm: Path) -> None:
    write_sheets(rich_xlsm, [result_spec(amount=1)])
    first = parts(rich_xlsm)
    write_sheets(rich_xlsm, [result_spec(amount=2)])
    second = parts(rich_xlsm)
    names = [n for n, _, _ in workbook_sheets(second)]
    assert names == ["위원", "조직", "차트", "검증결과"]
    assert workbook_sheets(second)[3][1] == workbook_sheets(first)[3][1]  # same sheetId
    assert openpyxl.load_workbook(rich_xlsm)["검증결과"]["D4"].value == 2
    assert second["xl/styles.xml"] == first["xl/styles.xml"]  # equal styles are reused
    assert len(defined_names(second)) == len(defined_names(first))
    for folder in ("xl/charts/", "xl/drawings/"):
        assert sum(n.startswith(folder) for n in second) == sum(n.startswith(folder) for n in first)
    assert_package_consistent(second)


def test_replacing_a_middle_sheet_keeps_its_position_and_drops_its_parts(
        tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("앞").write("A1", "앞")
    old = wb.add_worksheet("검증결과")
    old.write_comment("A1", "지난 결과")
    old.add_table("A3:B5", {"name": "지난표"})
    old.repeat_rows(2)
    after_sheet = wb.add_worksheet("뒤")
    after_sheet.write("A1", "뒤")
    after_sheet.repeat_rows(0)
    wb.close()
    before = parts(path)
    old_part = sheet_part(before, "검증결과")
    old_related = set(rel_targets(before, old_part).values())
    out = parts(write_sheets(path, [result_spec()], dest=tmp_path / "out.xlsx"))
    assert [n for n, _, _ in workbook_sheets(out)] == ["앞", "검증결과", "뒤"]
    assert not ({old_part} | old_related) & set(out), "the old sheet's parts must go"
    names = defined_names(out)
    assert ("_xlnm.Print_Titles", "2", "뒤!$1:$1") in names
    assert ("_xlnm.Print_Titles", "1", "검증결과!$3:$3") in names
    assert sum(n == "_xlnm.Print_Titles" and i == "1" for n, i, _ in names) == 1
    assert_package_consistent(out)


def test_sheet_names_match_case_insensitively(tmp_path: Path) -> None:
    path = build_openpyxl_book(tmp_path)
    write_sheets(path, [result_spec("ABC")])
    write_sheets(path, [result_spec("abc")])
    assert openpyxl.load_workbook(path).sheetnames == ["위원", "조직", "abc"]


def test_several_specs_are_written_in_one_go(rich_xlsm: Path, tmp_path: Path) -> None:
    out = write_sheets(rich_xlsm, [result_spec("가"), result_spec("위원"), result_spec("나")],
                       dest=tmp_path / "out.xlsm")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["위원", "조직", "차트", "가", "나"]
    assert wb["위원"]["A1"].value == "수당 지급 현황"
    assert_package_consistent(parts(out))


def test_calc_chain_goes_only_when_it_lists_the_replaced_sheet(tmp_path: Path) -> None:
    path = tmp_path / "calc.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("계산").write_formula("A1", "=1+1", None, 2)
    wb.add_worksheet("검증결과").write_formula("A1", "=2+2", None, 4)
    wb.close()
    calc = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="A1" i="1"/>'
            b'<c r="A1" i="2"/></calcChain>')
    data = parts(path)
    rels = data["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    types = data["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
    rewrite_zip(path, {"xl/calcChain.xml": calc, "xl/_rels/workbook.xml.rels": rels,
                       "[Content_Types].xml": types})
    appended = parts(write_sheets(path, [result_spec("새 결과")], dest=tmp_path / "a.xlsx"))
    assert appended["xl/calcChain.xml"] == calc
    replaced = parts(write_sheets(path, [result_spec()], dest=tmp_path / "b.xlsx"))
    assert "xl/calcChain.xml" not in replaced
    assert b"calcChain" not in replaced["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in replaced["[Content_Types].xml"]
    assert_package_consistent(replaced)


def test_prefixed_book_gets_entries_spelled_with_its_prefix(tmp_path: Path) -> None:
    path = build_prefixed_book(tmp_path)
    data = parts(write_sheets(path, [result_spec()], dest=tmp_path / "out.xlsx"))
    assert b'<x:sheet name="\xea\xb2\x80\xec\xa6\x9d\xea\xb2\xb0\xea\xb3\xbc"' \
        in data["xl/workbook.xml"]
    assert b"<x:definedName " in data["xl/workbook.xml"]
    styles = data["xl/styles.xml"]
    assert b"<font>" not in styles and b"<x:font><x:sz" in styles
    assert b"<xf " not in styles


def test_conditional_format_styles_are_appended_as_dxfs() -> None:
    from hyeopchi.io._stylegraft import adapt_sheet, merge_styles, shared_strings

    def styles_of(build: Callable[[xlsxwriter.Workbook], None]) -> dict[str, bytes]:
        buffer = io.BytesIO()
        wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
        build(wb)
        wb.close()
        with zipfile.ZipFile(buffer) as z:
            return {n: z.read(n) for n in z.namelist()}

    def original(wb: xlsxwriter.Workbook) -> None:
        ws = wb.add_worksheet()
        ws.conditional_format("A1", {"type": "cell", "criteria": ">", "value": 1,
                                     "format": wb.add_format({"bold": True})})

    def rendered(wb: xlsxwriter.Workbook) -> None:
        ws = wb.add_worksheet()
        ws.write_string("A1", "x", wb.add_format({"italic": True}))
        ws.conditional_format("A1", {"type": "cell", "criteria": "<", "value": 0,
                                     "format": wb.add_format({"font_color": "#FF0000"})})

    old, new = styles_of(original), styles_of(rendered)
    merged, maps = merge_styles(old["xl/styles.xml"], new["xl/styles.xml"])
    dxfs = SafeET.fromstring(merged).find(f"{MAIN}dxfs")
    assert dxfs is not None and len(dxfs) == 2 and dxfs.get("count") == "2"
    assert maps.dxf == {0: 1}
    sheet = adapt_sheet(new["xl/worksheets/sheet1.xml"], maps,
                        shared_strings(new["xl/sharedStrings.xml"]))
    rule = next(SafeET.fromstring(sheet).iter(f"{MAIN}cfRule"))
    assert rule.get("dxfId") == "1"


def test_in_place_write_keeps_the_file_permissions(rich_xlsm: Path) -> None:
    rich_xlsm.chmod(0o640)
    write_sheets(rich_xlsm, [result_spec()])
    assert rich_xlsm.stat().st_mode & 0o777 == 0o640


def test_no_specs_copies_the_book_unchanged(rich_xlsm: Path, tmp_path: Path) -> None:
    dest = write_sheets(rich_xlsm, [], dest=tmp_path / "copy.xlsm")
    assert parts(dest) == parts(rich_xlsm)


# --- sheet names ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    pytest.param("검증결과", "검증결과", id="valid-korean-name-kept"),
    pytest.param("a/b\\c:d*e?f[g]h", "a_b_c_d_e_f_g_h", id="forbidden-characters-replaced"),
    pytest.param("가" * 40, "가" * 31, id="cut-to-31-characters"),
    pytest.param("'인용'", "인용", id="apostrophes-at-the-ends-removed"),
    pytest.param("   ", "시트", id="blank-gets-a-name"),
    pytest.param("''", "시트", id="only-apostrophes-gets-a-name"),
    pytest.param("History", "History_", id="reserved-history-renamed"),
    pytest.param("줄\n바꿈", "줄_바꿈", id="control-characters-replaced"),
    pytest.param("a" * 30 + "😀", "a" * 30, id="no-half-surrogate-at-the-cut"),
])
def test_safe_sheet_name(name: str, expected: str) -> None:
    assert safe_sheet_name(name) == expected


@given(st.text(max_size=60))
def test_safe_sheet_name_is_always_valid_for_excel(name: str) -> None:
    safe = safe_sheet_name(name)
    assert 0 < len(safe.encode("utf-16-le")) // 2 <= 31
    assert not set(safe) & set("[]:*?/\\")
    assert safe.strip() and not safe.startswith("'") and not safe.endswith("'")
    assert safe_sheet_name(safe) == safe


def test_forbidden_characters_in_a_spec_name_are_sanitized(rich_xlsm: Path,
                                                           tmp_path: Path) -> None:
    out = write_sheets(rich_xlsm, [result_spec("2021/03 결과?")], dest=tmp_path / "o.xlsm")
    assert openpyxl.load_workbook(out).sheetnames[-1] == "2021_03 결과_"


def test_two_specs_with_one_sanitized_name_are_refused(rich_xlsm: Path) -> None:
    with pytest.raises(ValueError, match="two sheets"):
        write_sheets(rich_xlsm, [result_spec("a/b"), result_spec("a?b")])


# --- failures ------------------------------------------------------------------------------


def one_korean_line(exc: BookError) -> str:
    message = str(exc)
    assert "\n" not in message and re.search("[가-힣]", message)
    return message


def test_interrupted_write_leaves_the_original_and_no_temp_file(
        rich_xlsm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = rich_xlsm.read_bytes()
    listing = sorted(p.name for p in rich_xlsm.parent.iterdir())

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_sheets(rich_xlsm, [result_spec()])
    assert rich_xlsm.read_bytes() == original
    assert sorted(p.name for p in rich_xlsm.parent.iterdir()) == listing


def test_interrupted_copy_leaves_no_half_written_dest(
        rich_xlsm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = os.fsync

    def interrupt(fd: int) -> None:
        real_fsync(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    dest = tmp_path / "out" / "사본.xlsm"
    dest.parent.mkdir()
    with pytest.raises(KeyboardInterrupt):
        write_sheets(rich_xlsm, [result_spec()], dest=dest)
    assert list(dest.parent.iterdir()) == []


def test_disk_full_is_a_book_error_and_leaves_nothing(
        rich_xlsm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    dest = tmp_path / "out" / "사본.xlsm"
    dest.parent.mkdir()
    with pytest.raises(BookError) as caught:
        write_sheets(rich_xlsm, [result_spec()], dest=dest)
    assert "디스크 공간" in one_korean_line(caught.value)
    assert list(dest.parent.iterdir()) == []


def test_read_only_target_is_a_book_error(rich_xlsm: Path) -> None:
    original = rich_xlsm.read_bytes()
    rich_xlsm.chmod(0o444)
    try:
        with pytest.raises(BookError) as caught:
            write_sheets(rich_xlsm, [result_spec()])
    finally:
        rich_xlsm.chmod(0o644)
    assert "읽기 전용" in one_korean_line(caught.value)
    assert rich_xlsm.read_bytes() == original


def test_not_a_zip_is_a_book_error(tmp_path: Path) -> None:
    path = tmp_path / "가짜.xlsx"
    path.write_text("이건 엑셀이 아닙니다", encoding="utf-8")
    with pytest.raises(BookError) as caught:
        write_sheets(path, [result_spec()])
    assert "가짜.xlsx" in one_korean_line(caught.value)


def test_encrypted_or_legacy_file_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "암호.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(BookError) as caught:
        write_sheets(path, [result_spec()])
    assert "암호" in one_korean_line(caught.value)


def test_missing_file_is_a_book_error(tmp_path: Path) -> None:
    with pytest.raises(BookError) as caught:
        write_sheets(tmp_path / "없음.xlsx", [result_spec()])
    assert "찾을 수 없습니다" in one_korean_line(caught.value)


def test_missing_workbook_part_is_a_book_error(tmp_path: Path) -> None:
    path = build_openpyxl_book(tmp_path)
    rewrite_zip(path, {"xl/workbook.xml": None})
    with pytest.raises(BookError) as caught:
        write_sheets(path, [result_spec()], dest=tmp_path / "out.xlsx")
    assert "workbook.xml" in one_korean_line(caught.value)
    assert not (tmp_path / "out.xlsx").exists()


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    path = build_openpyxl_book(tmp_path)
    bomb = (b'<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheets>&b;</sheets></workbook>")
    rewrite_zip(path, {"xl/workbook.xml": bomb})
    with pytest.raises(BookError) as caught:
        write_sheets(path, [result_spec()], dest=tmp_path / "out.xlsx")
    assert "xl/workbook.xml" in one_korean_line(caught.value)


def test_corrupt_part_is_a_book_error(tmp_path: Path) -> None:
    path = build_openpyxl_book(tmp_path)
    raw = bytearray(path.read_bytes())
    start = raw.index(b"xl/worksheets/sheet1.xml") + len(b"xl/worksheets/sheet1.xml")
    raw[start + 5 : start + 25] = bytes(20)  # damage the compressed data of sheet1
    path.write_bytes(bytes(raw))
    with pytest.raises(BookError) as caught:
        write_sheets(path, [result_spec()], dest=tmp_path / "out.xlsx")
    assert "손상" in one_korean_line(caught.value)
    assert not (tmp_path / "out.xlsx").exists()


# --- rendering a new workbook ----------------------------------------------------------------


def test_write_workbook_makes_a_summary_book(tmp_path: Path) -> None:
    path = render_xlsx.write_workbook(tmp_path / "요약.xlsx", [result_spec("가"),
                                                             result_spec("나")])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["가", "나"]
    assert wb["나"]["D4"].number_format == KRW
    fonts = SafeET.fromstring(parts(path)["xl/styles.xml"]).iter(f"{MAIN}font")
    assert {f.find(f"{MAIN}name").get("val") for f in fonts} == {"맑은 고딕"}  # type: ignore


def test_unknown_chart_kind_is_refused(tmp_path: Path) -> None:
    spec = result_spec()
    spec.charts = [Chart("radar", "x", (0, 0, 0), [], (0, 0))]
    with pytest.raises(ValueError, match="radar"):
        render_xlsx.write_workbook(tmp_path / "x.xlsx", [spec])
    assert not (tmp_path / "x.xlsx").exists()


def test_values_of_every_kind_are_written_as_themselves(tmp_path: Path) -> None:
    from decimal import Decimal
    from fractions import Fraction

    values = [True, 7, 2.5, Decimal("1.25"), Fraction(1, 4), float("nan"),
              dt.datetime(2021, 3, 1, 19, 30), dt.time(19, 0), "텍스트", None]
    spec = SheetSpec("값", blocks=[Block(0, 0, [values])])
    ws = openpyxl.load_workbook(render_xlsx.write_workbook(tmp_path / "v.xlsx", [spec]))["값"]
    got = [c.value for c in ws[1]]
    assert got[:5] == [True, 7, 2.5, 1.25, 0.25]
    assert got[5] is None
    assert got[6] == dt.datetime(2021, 3, 1, 19, 30)
    assert got[7] == dt.time(19, 0)
    assert got[8:] == ["텍스트", None]


# --- LibreOffice -------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_opens_the_written_book(rich_xlsm: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("HYEOPCHI_NO_LIBREOFFICE") == "1":
            pytest.skip("HYEOPCHI_NO_LIBREOFFICE=1")
        pytest.fail("soffice is not on PATH: install LibreOffice or set HYEOPCHI_NO_LIBREOFFICE=1")
    written = write_sheets(rich_xlsm, [result_spec()], dest=tmp_path / "written.xlsm")
    outdir = tmp_path / "converted"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(outdir), str(written)],
                   check=True, capture_output=True, timeout=180)
    wb = openpyxl.load_workbook(outdir / "written.xlsx")
    assert wb.sheetnames == ["위원", "조직", "차트", "검증결과"]
    assert wb["검증결과"]["D4"].value == 15000
    assert wb["검증결과"]["A8"].value == FORMULA_LIKE[0]
    assert wb["위원"]["D5"].value == "=SUM(D2:D4)"
