"""A corpus of bad workbooks, built by code into a folder (no binary blobs in the repository).

Each case is a builder `build(folder) -> Path` and the outcome hyeopchi must give for it:
`Reported` (validate --json names the issue at its cell), `Clean` (read as intended), or
`Refused` (exit 2 with one Korean line on stderr naming the reason).
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter
from books import D, new_workbook, small_book

from hyeopchi.core.tables import column_letter

Sheets = dict[str, list[list[Any]]]


@dataclass(frozen=True)
class Reported:
    code: str
    sheet: str
    cell: str
    kind: str = "errors"


@dataclass(frozen=True)
class Clean:
    pass


@dataclass(frozen=True)
class Refused:
    fragment: str  # a piece of the Korean reason on stderr


Outcome = Reported | Clean | Refused


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path], Path]
    expect: Outcome


# --- writers ------------------------------------------------------------------------------

def edited(change: Callable[[openpyxl.Workbook], None],
           sheets: Callable[[], Sheets] = small_book) -> Callable[[Path], Path]:
    """A builder: the small book (or `sheets()`), changed by `change`, saved with openpyxl."""
    def build(folder: Path) -> Path:
        wb = new_workbook(sheets())
        change(wb)
        path = folder / "book.xlsx"
        wb.save(path)
        return path
    return build


def planted(sheet: str, row: int, col: int, value: Any) -> Callable[[Path], Path]:
    """The small book with one cell (0-based row in the sheet's rows, 0-based col) replaced."""
    def sheets() -> Sheets:
        book = small_book()
        book[sheet][row][col] = value
        return book
    return edited(lambda wb: None, sheets)


def with_xlsxwriter(formulas: dict[tuple[str, int, int], tuple[str, Any]]) -> Callable[[Path], Path]:
    """The small book written by XlsxWriter, with formulas (and their cached values) in cells."""
    def build(folder: Path) -> Path:
        path = folder / "book.xlsx"
        wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
        date_fmt, time_fmt = wb.add_format({"num_format": "yyyy-mm-dd"}), wb.add_format(
            {"num_format": "hh:mm"})
        for name, rows in small_book().items():
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if (name, r, c) in formulas:
                        formula, cached = formulas[(name, r, c)]
                        ws.write_formula(r, c, formula, None, cached)
                    elif isinstance(value, dt.date):
                        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
                    elif isinstance(value, dt.time):
                        ws.write_datetime(r, c, value, time_fmt)
                    elif value is not None:
                        ws.write(r, c, value)
        wb.close()
        return path
    return build


# --- raw packages: sheet XML written by hand (streamed), for what no writer produces ----------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument'
    '.spreadsheetml.sheet.main+xml"/>{overrides}</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>'

# Billion laughs: 10^9 "lol"s if anything expanded it.
LAUGHS = "<!DOCTYPE lolz [<!ENTITY lol \"lol\">" + "".join(
    f'<!ENTITY lol{i} "{("&lol" + ("" if i == 1 else str(i - 1)) + ";") * 10}">'
    for i in range(1, 10)) + "]>"
XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def workbook_xml(names: Iterable[str], prolog: str = "") -> str:
    sheets = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, n in enumerate(names, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}<workbook {NS} '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{sheets}</sheets></workbook>")


def raw_book(path: Path, sheets: dict[str, Iterable[str | bytes] | str], *,
             workbook_prolog: str = "", shared_strings: str | None = None, level: int = 1) -> Path:
    """Write a minimal .xlsx whose sheet XML is given (or streamed) as is."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1))
    if shared_strings is not None:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                      'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        rels += ('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES.format(overrides=overrides))
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", workbook_xml(names, workbook_prolog))
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f"{rels}</Relationships>")
        if shared_strings is not None:
            zf.writestr("xl/sharedStrings.xml", shared_strings)
        for i, content in enumerate(sheets.values(), 1):
            name = f"xl/worksheets/sheet{i}.xml"
            if isinstance(content, str):
                zf.writestr(name, content)
                continue
            with zf.open(name, "w", force_zip64=True) as out:
                for piece in content:
                    out.write(piece.encode() if isinstance(piece, str) else piece)
    return path


def row_xml(r: int, values: Iterable[Any]) -> str:
    cells = []
    for c, v in enumerate(values):
        ref = f"{column_letter(c)}{r}"
        if v is None:
            continue
        if isinstance(v, (int, float)):
            cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>')
    return f'<row r="{r}">{"".join(cells)}</row>'


def sheet_xml(rows: list[list[Any]], *, prolog: str = "", before: str = "",
              extra_rows: str = "") -> str:
    body = "".join(row_xml(r, row) for r, row in enumerate(rows, 1))
    head = SHEET_HEAD if not prolog else (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<worksheet {NS}>')
    return f"{head}{before}<sheetData>{body}{extra_rows}</sheetData></worksheet>"


def raw_small_book(path: Path, **override: Iterable[str | bytes] | str) -> Path:
    """The small book as hand-written XML; `override` replaces whole sheets' XML by name."""
    sheets: dict[str, Iterable[str | bytes] | str] = {
        name: override.get(name) or sheet_xml(
            [[v.isoformat() if isinstance(v, (dt.date, dt.time)) else v for v in row]
             for row in rows])
        for name, rows in small_book().items()}
    return raw_book(path, sheets)


def million_rows(last_cell: str = "") -> Iterator[str]:
    """활동 with 1,048,576 rows (Excel's maximum), streamed: never held in memory.

    `last_cell` (e.g. '<c r="H1048576"><v>1</v></c>') is put in the last row.
    """
    yield SHEET_HEAD + '<dimension ref="A1:E1048576"/><sheetData>'
    yield row_xml(1, small_book()["활동"][0])
    batch: list[str] = []
    for r in range(2, 1_048_577):
        batch.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>P2</t></is></c>'
                     f'<c r="B{r}" t="inlineStr"><is><t>C01</t></is></c>'
                     f'<c r="C{r}" t="inlineStr"><is><t>위원</t></is></c>'
                     f'<c r="D{r}"><v>43466</v></c>{last_cell if r == 1_048_576 else ""}</row>')
        if len(batch) == 4096:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "</sheetData></worksheet>"


# --- files that are not workbooks ---------------------------------------------------------

def cfb_header() -> bytes:
    """The start of an OLE compound file (CFB): an .xls, or an encrypted (password) .xlsx."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    struct.pack_into("<I", header, 60, 0xFFFFFFFE)  # no mini FAT
    struct.pack_into("<I", header, 68, 0xFFFFFFFE)  # no DIFAT
    header[76:512] = b"\xff" * 436
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<II", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)  # sector 0 = FAT, 1 = directory
    directory = bytearray(512)
    name = "EncryptionInfo".encode("utf-16-le") + b"\0\0"
    directory[: len(name)] = name
    struct.pack_into("<H", directory, 64, len(name))
    directory[66] = 2  # a stream
    return bytes(header) + bytes(fat) + bytes(directory)


def file_with(content: bytes | str, name: str = "book.xlsx") -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content.encode("utf-8-sig") if isinstance(content, str) else content)
        return path
    return build


def truncated(folder: Path) -> Path:
    path = edited(lambda wb: None)(folder)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


# --- the corpus ---------------------------------------------------------------------------

def _merge(sheet: str, ref: str) -> Callable[[openpyxl.Workbook], None]:
    return lambda wb: wb[sheet].merge_cells(ref)


def _set(sheet: str, ref: str, value: Any) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        wb[sheet][ref] = value
    return change


def _hide_row(wb: openpyxl.Workbook) -> None:
    wb["활동"].row_dimensions[3].hidden = True
    wb["활동"]["D3"] = "2019.13.01"  # a bad value in the hidden row is still reported


def _hide_sheets(wb: openpyxl.Workbook) -> None:
    wb["위원"].sheet_state = "hidden"
    wb["조직"].sheet_state = "veryHidden"


def _title_above_header(wb: openpyxl.Workbook) -> None:
    ws = wb["활동"]
    ws.insert_rows(1, 3)
    ws["A1"] = "2021년 협치 활동 명부"
    ws.merge_cells("A1:E1")
    ws["D6"] = "아무날"  # data row 3 of the table, now sheet row 6


def _duplicate_header(wb: openpyxl.Workbook) -> None:
    wb["위원"]["J1"] = "성명"
    wb["위원"]["J2"] = "김가람"


def _ids_with_spaces_and_full_width(wb: openpyxl.Workbook) -> None:
    wb["위원"]["A2"] = "P1  "
    wb["활동"]["A2"] = "Ｐ１"
    wb["출석"]["B2"] = "\u00a0P1"  # no-break space
    wb["조직"]["A2"] = "C01\t"
    wb["활동"]["B2"] = "Ｃ０１"


def _zero_width_in_id(wb: openpyxl.Workbook) -> None:
    wb["활동"]["A2"] = "P\u200b1"  # pasted from the web: a zero-width space


def _date_forms(wb: openpyxl.Workbook) -> None:
    ws = wb["활동"]
    for ref, text in zip(("D2", "D3", "D4", "D5", "D6", "D7"),
                         ("2019-10-11", "2019.10.11", "2019. 10. 11.", "2020/1/1",
                          "2020년 1월 1일", "２０２０．１．１"), strict=True):
        ws[ref] = text
    wb["활동"]["E7"] = D(9999, 12, 31)  # "no end", as some offices write it


def _long_cells(wb: openpyxl.Workbook) -> None:
    wb["위원"]["E2"] = "가" * 32_767  # Excel's longest cell, in a free-text column


def _text_leading_equals(wb: openpyxl.Workbook) -> None:
    cell = wb["위원"]["E2"]
    cell.value = "=민관협치과"
    cell.data_type = "s"  # text that starts with '=', not a formula


def _formula_without_cache(wb: openpyxl.Workbook) -> None:
    wb["조직"]["E2"] = "=40+10"  # openpyxl never stores a computed value


def _empty_sheet(wb: openpyxl.Workbook) -> None:
    del wb["활동"]
    wb.create_sheet("활동")


def _chartsheet(wb: openpyxl.Workbook) -> None:
    from openpyxl.chart import BarChart, Reference

    del wb["활동"]
    chart = BarChart()
    chart.add_data(Reference(wb["조직"], min_col=5, min_row=1, max_row=4))
    wb.create_chartsheet("활동").add_chart(chart)


def _renamed_header(wb: openpyxl.Workbook) -> None:
    wb["위원"]["A1"] = "ID"


def _merged_header(wb: openpyxl.Workbook) -> None:
    wb["위원"].merge_cells("A1:B1")  # 성명 disappears under 위원ID


def _dates_out_of_range(wb: openpyxl.Workbook) -> None:
    wb["활동"]["D2"] = "1899-12-31"


def _far_future(wb: openpyxl.Workbook) -> None:
    wb["활동"]["E2"] = D(2200, 1, 1)


def _error_na(wb: openpyxl.Workbook) -> None:
    wb["활동"]["D3"] = "#N/A"  # openpyxl stores it as an error cell (t="e")


def _error_ref(wb: openpyxl.Workbook) -> None:
    wb["조직"]["E3"] = "#REF!"


def _huge_text_in_date(wb: openpyxl.Workbook) -> None:
    wb["활동"]["D2"] = "9" * 32_767


CASES: list[Case] = [
    # wrong types, one per column kind
    Case("text-in-integer", planted("조직", 1, 4, "많음"), Reported("invalid-integer", "조직", "E2")),
    Case("fraction-in-integer", planted("조직", 1, 4, 11.5), Reported("invalid-integer", "조직", "E2")),
    Case("boolean-in-integer", planted("조직", 1, 4, True), Reported("invalid-integer", "조직", "E2")),
    Case("text-in-date", planted("활동", 1, 3, "작년 봄"), Reported("invalid-date", "활동", "D2")),
    Case("huge-serial-in-date", planted("활동", 1, 3, 9_999_999), Reported("invalid-date", "활동", "D2")),
    Case("text-in-time", planted("회의", 1, 5, "저녁"), Reported("invalid-time", "회의", "F2")),
    Case("date-in-time", planted("회의", 1, 5, D(2021, 3, 1)), Reported("invalid-time", "회의", "F2")),
    Case("boolean-in-id", planted("위원", 1, 0, True), Reported("invalid-text", "위원", "A2")),
    Case("number-in-enum", planted("위원", 1, 2, 3), Reported("enum-value", "위원", "C2")),
    Case("text-in-number", edited(lambda wb: None, lambda: {**small_book(), "심사": [
        ["신청자ID", "성명", "심사위원", "대표성", "전문성", "자발성"],
        ["A1", "한가람", "심사1", "이십", 20, 30]]}), Reported("invalid-number", "심사", "D2")),
    # merged cells
    Case("merged-title-above-header", edited(_title_above_header),
         Reported("invalid-date", "활동", "D6")),
    Case("merged-header-hides-a-column", edited(_merged_header), Refused("'성명' 열이 없습니다")),
    Case("merged-data-down-fills-each-row", edited(_merge("활동", "D2:D4")), Clean()),
    Case("merged-data-across-blanks-next-column", edited(_merge("위원", "B2:C2")),
         Reported("required-value", "위원", "C2")),
    # formulas and error values
    Case("formula-without-cached-value", edited(_formula_without_cache),
         Reported("formula-no-value", "조직", "E2")),
    Case("formula-with-cached-number", with_xlsxwriter({("조직", 1, 4): ("=40+10", 50)}), Clean()),
    Case("formula-with-cached-text", with_xlsxwriter({("위원", 1, 1): ('="김"&"가람"', "김가람")}),
         Clean()),
    Case("formula-with-cached-bad-date", with_xlsxwriter({("활동", 1, 3): ('="아무날"', "아무날")}),
         Reported("invalid-date", "활동", "D2")),
    Case("error-value-na", edited(_error_na), Reported("error-value", "활동", "D3")),
    Case("error-value-ref", edited(_error_ref), Reported("error-value", "조직", "E3")),
    # hidden things are still data
    Case("hidden-row-still-checked", edited(_hide_row), Reported("invalid-date", "활동", "D3")),
    Case("hidden-and-very-hidden-sheets-read", edited(_hide_sheets), Clean()),
    # headers
    Case("duplicated-header", edited(_duplicate_header), Reported("duplicate-header", "위원", "J1")),
    Case("renamed-required-header", edited(_renamed_header), Refused("'위원ID' 열이 없습니다")),
    # IDs and text
    Case("ids-with-spaces-and-full-width", edited(_ids_with_spaces_and_full_width), Clean()),
    Case("zero-width-space-in-id", edited(_zero_width_in_id), Clean()),
    Case("cell-of-32767-characters", edited(_long_cells), Clean()),
    Case("text-of-32767-digits-in-date", edited(_huge_text_in_date),
         Reported("invalid-date", "활동", "D2")),
    Case("text-starting-with-equals", edited(_text_leading_equals), Clean()),
    # dates
    Case("dates-as-text-in-korean-forms", edited(_date_forms), Clean()),
    Case("date-before-1900", edited(_dates_out_of_range), Reported("invalid-date", "활동", "D2")),
    Case("date-in-far-future", edited(_far_future), Reported("invalid-date", "활동", "E2")),
    # sheets
    Case("empty-input-sheet", edited(_empty_sheet), Refused("'활동' 시트에 머리글 행이 없습니다")),
    Case("chartsheet-named-like-input", edited(_chartsheet), Refused("차트 시트")),
    # 1,048,576 rows of 5 columns are read (tests/test_hostile.py measures it); 8 are too many
    Case("million-row-sheet-eight-columns-wide", lambda folder: raw_small_book(
        folder / "book.xlsx", 활동=million_rows('<c r="H1048576"><v>1</v></c>')),
        Refused("사용 범위가 너무 큽니다 (A1:H1048576")),
    Case("hand-written-xml-book-reads-clean", lambda folder: raw_small_book(folder / "b.xlsx"),
         Clean()),
    # malformed cells (hand-written XML): refused, never a crash inside calamine
    Case("cell-in-row-0", lambda f: _odd_cell(f, '<row r="3"><c r="A0"><v>1</v></c></row>'),
         Refused("'활동' 시트를 읽을 수 없습니다")),
    Case("cell-reference-backwards", lambda f: _odd_cell(f, '<row r="3"><c r="1A"><v>1</v></c></row>'),
         Refused("'활동' 시트를 읽을 수 없습니다")),
    Case("shared-string-index-out-of-range", lambda f: _odd_cell(
        f, '<row r="3"><c r="A3" t="s"><v>999</v></c></row>'), Refused("시트를 읽을 수 없습니다")),
    Case("boolean-cell-of-7", lambda f: _odd_cell(f, '<row r="3"><c r="D3" t="b"><v>7</v></c></row>'),
         Refused("시트를 읽을 수 없습니다")),
    Case("column-past-xfd-refused", lambda f: _odd_cell(
        f, '<row r="3"><c r="ZZZZZZZ3"><v>1</v></c></row>'), Refused("사용 범위가 너무 큽니다")),
    Case("merge-over-the-whole-sheet", lambda f: _odd_cell(f, "", "<mergeCells count=\"1\">"
         "<mergeCell ref=\"A3:XFD1048576\"/></mergeCells>"),  # A3 spreads into blank E4
         Reported("invalid-date", "활동", "E4")),
    # not workbooks
    Case("xls-renamed-to-xlsx", file_with(cfb_header()), Refused("이전 형식(.xls)")),
    Case("password-protected-book", file_with(cfb_header() + b"\0" * 1024), Refused("암호")),
    Case("csv-renamed-to-xlsx", file_with("위원ID,성명\nP1,김가람\n"), Refused("Excel 통합문서")),
    Case("truncated-zip", truncated, Refused("손상")),
    Case("zip-without-workbook", lambda folder: _plain_zip(folder / "book.xlsx"),
         Refused("xl/workbook.xml")),
]


def _plain_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    return path


def _odd_cell(folder: Path, row: str, after: str = "") -> Path:
    """The small book with one hand-written row (or element after sheetData) in 활동."""
    rows = [[v.isoformat() if isinstance(v, (dt.date, dt.time)) else v for v in r]
            for r in small_book()["활동"]]
    xml = sheet_xml(rows, extra_rows=row).replace("</sheetData>", "</sheetData>" + after)
    return raw_small_book(folder / "book.xlsx", 활동=xml)
