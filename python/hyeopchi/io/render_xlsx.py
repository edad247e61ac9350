"""Draw a SheetSpec with XlsxWriter: named styles, number formats, merges, page setup, charts.

Text is always written as text: the workbook is created with string conversions off and
every string goes through write_string, so "=SUM(A1)" or "+82-10" typed by a person
never becomes a formula or a number.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import numbers
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from hyeopchi.core.pagelayout import FOOTER_PAGES, MARGIN_HEADER, MARGIN_SIDE, MARGIN_TOP
from hyeopchi.core.sheetspec import DATE, Block, Chart, SheetSpec

from ._atomic import write_atomically

FONT = "맑은 고딕"
FONT_SIZE = 10
HANGUL_CHARSET = 129  # what Excel writes for 맑은 고딕
DATETIME = "yyyy-mm-dd hh:mm"
TIME = "hh:mm"
PAPER_A4 = 9
MAX_TEXT = 32767  # Excel's limit on the characters in one cell
MAX_TIP = 255  # Excel's limit on a hyperlink's screen tip

WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE,
                                  "font_charset": HANGUL_CHARSET},
}

# Every style names the font itself (no theme scheme, which would let the host book's
# theme font win once the sheet is grafted into it).
# The explicit black also keeps each style's font apart from the workbook's default font
# (font 0), so XlsxWriter marks it applied (applyFont): a cell copied into another book by
# desktop Excel, or grafted by writeback, keeps 맑은 고딕 instead of taking that book's
# Normal font.
_BASE = {"font_name": FONT, "font_size": FONT_SIZE, "font_charset": HANGUL_CHARSET,
         "font_scheme": "none", "font_color": "#000000", "valign": "vcenter"}
STYLE_PROPS: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 16},
    "subtitle": {"bold": True, "font_size": 12},
    "label": {"bold": True},
    "header": {"bold": True, "bg_color": "#D9D9D9", "border": 1, "align": "center",
               "text_wrap": True},
    "cell": {"border": 1},
    "total": {"bold": True, "border": 1, "bg_color": "#F2F2F2"},
    "note": {"font_size": 9, "font_color": "#808080"},
    "box": {"border": 1},
    "wrap": {"border": 1, "text_wrap": True},
}
CHART_KINDS = ("column", "bar", "pie")

MAX_SHEET_NAME = 31
_FORBIDDEN_IN_NAME = set('[]:*?/\\')
RESERVED_SHEET_NAMES = {"history"}  # Excel keeps "History" for change tracking
FALLBACK_SHEET_NAME = "시트"


def safe_sheet_name(name: str) -> str:
    """name made valid for Excel: at most 31 characters, none of []:*?/\\ or control
    characters (each becomes "_"), no leading or trailing apostrophe, not blank."""
    cleaned = "".join("_" if ch in _FORBIDDEN_IN_NAME or ord(ch) < 32 else ch
                      for ch in str(name)).strip()
    cleaned = _truncate_utf16(cleaned.strip("'"), MAX_SHEET_NAME).strip("'").strip()
    if not cleaned:
        return FALLBACK_SHEET_NAME
    if cleaned.casefold() in RESERVED_SHEET_NAMES:
        return cleaned + "_"
    return cleaned


def _truncate_utf16(text: str, limit: int) -> str:
    """Cut text to `limit` UTF-16 code units (Excel's unit), never inside a character."""
    out, used = [], 0
    for ch in text:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            break
        out.append(ch)
    return "".join(out)


def new_workbook(target: str | Path | IO[bytes]) -> Workbook:
    """An XlsxWriter workbook that never turns text into formulas, numbers or links."""
    # A deep copy: XlsxWriter writes into the default_format_properties dict it is given.
    options = copy.deepcopy(WORKBOOK_OPTIONS) | {"in_memory": True}
    return xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target), options)


# Table cells keep clear of their neighbours: text left and numbers right, each indented
# one step from the border, dates centred; so "2021-03-01" never runs into "관외 전출".
PADDED_STYLES = ("cell", "total", "wrap", "label")
ALIGN_PROPS: dict[str, dict[str, Any]] = {
    "left": {"align": "left", "indent": 1},
    "right": {"align": "right", "indent": 1},
    "center": {"align": "center"},
}


def alignment(value: Any) -> str | None:
    """How a table cell holding `value` is aligned (None: the style's own)."""
    if isinstance(value, (dt.date, dt.time)):
        return "center"
    if isinstance(value, bool):
        return "center"
    if isinstance(value, (numbers.Real, Decimal)):
        return "right"
    if isinstance(value, str):
        return "center" if value == "-" else "left"  # "-": no rate (nobody expected)
    return None


class Formats:
    """XlsxWriter formats by (named style, number format, alignment), created once each."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._cache: dict[tuple[str, str | None, str | None], Format] = {}

    def get(self, style: str, num_format: str | None = None, align: str | None = None
            ) -> Format:
        if style not in STYLE_PROPS:
            raise ValueError(f"unknown style {style!r}")
        key = (style, num_format, align)
        if key not in self._cache:
            props = {**_BASE, **STYLE_PROPS[style]}
            if align and style in PADDED_STYLES:
                props.update(ALIGN_PROPS[align])
            if num_format:
                props["num_format"] = num_format
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]


def render_sheet(workbook: Workbook, spec: SheetSpec, formats: Formats | None = None) -> Worksheet:
    """Add one worksheet drawn from spec (its name sanitized) and return it."""
    formats = formats or Formats(workbook)
    name = safe_sheet_name(spec.name)
    sheet = workbook.add_worksheet(name)
    for block in spec.blocks:
        _write_block(sheet, block, formats)
    for m in spec.merges:
        fmt = formats.get(m.style, _default_format(m.value), alignment(m.value))
        if (m.first_row, m.first_col) != (m.last_row, m.last_col):
            sheet.merge_range(m.first_row, m.first_col, m.last_row, m.last_col, "", fmt)
        write_value(sheet, m.first_row, m.first_col, m.value, fmt)
    for col, width in spec.col_widths.items():
        sheet.set_column(col, col, width)
    for row, height in spec.row_heights.items():
        sheet.set_row(row, height)
    _page_setup(sheet, spec)
    for chart in spec.charts:
        _insert_chart(workbook, sheet, name, chart)
    return sheet


def render_bytes(specs: Sequence[SheetSpec]) -> bytes:
    """A whole new .xlsx holding the specs, as bytes."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    formats = Formats(workbook)
    for spec in specs:
        render_sheet(workbook, spec, formats)
    workbook.close()
    return _explicit_label_flags(buffer.getvalue())


# XlsxWriter writes only the label flags that are on; LibreOffice reads a missing flag as on
# and labels each bar "category; series; value". Spell out the ones that are off.
_VALUE_ONLY = (b"<c:showLegendKey val=\"0\"/><c:showVal val=\"1\"/>"
               b"<c:showCatName val=\"0\"/><c:showSerName val=\"0\"/>"
               b"<c:showPercent val=\"0\"/><c:showBubbleSize val=\"0\"/></c:dLbls>")


def _explicit_label_flags(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    charts = [n for n in source.namelist() if n.startswith("xl/charts/chart")]
    if not charts:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename in charts:
                part = part.replace(b"<c:showVal val=\"1\"/></c:dLbls>", _VALUE_ONLY)
            target.writestr(info, part)
    return out.getvalue()


def write_workbook(path: str | Path, specs: Sequence[SheetSpec]) -> Path:
    """Write a new workbook (e.g. a summary book) from specs, atomically; returns the path."""
    if not specs:
        raise ValueError("a workbook needs at least one sheet")
    path = Path(path)
    data = render_bytes(specs)
    write_atomically(path, lambda fh: fh.write(data))
    return path


def with_safe_names(specs: Sequence[SheetSpec]) -> list[SheetSpec]:
    """Specs renamed to valid sheet names; two specs landing on one name is an error."""
    out: list[SheetSpec] = []
    seen: set[str] = set()
    for spec in specs:
        name = safe_sheet_name(spec.name)
        if name.casefold() in seen:
            raise ValueError(f"two sheets would be named {name!r}")
        seen.add(name.casefold())
        out.append(replace(spec, name=name))
    return out


# --- cells --------------------------------------------------------------------------------


def _default_format(value: Any) -> str | None:
    """The number format a value needs to display as what it is (dates as dates)."""
    if isinstance(value, dt.datetime):
        return DATETIME
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, dt.time):
        return TIME
    return None


def write_value(sheet: Worksheet, row: int, col: int, value: Any, fmt: Format) -> None:
    """Write one value with the writer for its type; text is always text."""
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, (numbers.Real, Decimal)):
        number = float(value) if not isinstance(value, int) else value
        if isinstance(number, float) and not math.isfinite(number):
            sheet.write_blank(row, col, None, fmt)  # NaN/inf: a missing value
        else:
            sheet.write_number(row, col, number, fmt)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), fmt)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    elif isinstance(value, dt.time):
        sheet.write_datetime(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value)[:MAX_TEXT], fmt)


def _row_style(block: Block, i: int) -> str:
    if i < block.header_rows:
        return "header"
    if i in block.row_styles:
        return block.row_styles[i]
    if i >= block.height - block.total_rows:
        return "total"
    return block.style


def _write_block(sheet: Worksheet, block: Block, formats: Formats) -> None:
    for i, values in enumerate(block.values):
        style = _row_style(block, i)
        for j, value in enumerate(values):
            num_format = None
            cell_style = style
            if style != "header":
                num_format = block.number_formats.get(j) or _default_format(value)
                if j in block.wrap and style == "cell":
                    cell_style = "wrap"
            fmt = formats.get(cell_style, num_format, alignment(value))
            link = block.links.get((i, j))
            if link is not None and isinstance(value, str) and value:
                sheet.write_url(block.row + i, block.col + j, "internal:" + link[0], fmt,
                                string=value[:MAX_TEXT], tip=link[1][:MAX_TIP] or None)
            else:
                write_value(sheet, block.row + i, block.col + j, value, fmt)


# --- page setup and charts ----------------------------------------------------------------


def _page_setup(sheet: Worksheet, spec: SheetSpec) -> None:
    if spec.freeze:
        sheet.freeze_panes(*spec.freeze)
    if spec.landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_paper(PAPER_A4)
    sheet.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP, bottom=MARGIN_TOP)
    font = f'&"{FONT},Regular"&9'
    if spec.running_head:
        sheet.set_header(f"&L{font}{_hf(spec.running_head)}", margin=MARGIN_HEADER)
    pages = FOOTER_PAGES.format(page="&P", pages="&N")
    sheet.set_footer(f"&C{font}{pages}", margin=MARGIN_HEADER)
    if spec.print_scale:
        sheet.set_print_scale(spec.print_scale)
    elif spec.fit_width:
        sheet.fit_to_pages(1, 0)
    if spec.page_breaks:
        sheet.set_h_pagebreaks(spec.page_breaks)
    if spec.repeat_rows:
        sheet.repeat_rows(*spec.repeat_rows)
    if spec.print_area:
        sheet.print_area(*spec.print_area)
    if spec.autofilter:
        sheet.autofilter(*spec.autofilter)


def _hf(text: str) -> str:
    """Text for a page header or footer: "&" is a field code there."""
    return text.replace("&", "&&")


def _literal(text: str) -> str:
    """Chart text for XlsxWriter, which reads a leading "=" as a formula."""
    return " " + text if text.startswith("=") else text


def _insert_chart(workbook: Workbook, sheet: Worksheet, sheet_name: str, chart: Chart) -> None:
    if chart.kind not in CHART_KINDS:
        raise ValueError(f"unknown chart kind {chart.kind!r}; use one of {CHART_KINDS}")
    font = {"name": FONT}
    made = workbook.add_chart({"type": chart.kind})
    assert made is not None
    cat_col, cat_first, cat_last = chart.categories
    for name, col, first, last in chart.series:
        made.add_series({
            "name": _literal(name),
            "categories": [sheet_name, cat_first, cat_col, cat_last, cat_col],
            "values": [sheet_name, first, col, last, col],
            "data_labels": {"value": True, "font": font},
        })
    made.set_title({"name": _literal(chart.title), "name_font": {**font, "size": 12}})
    made.set_legend({"font": font, "position": "right" if chart.kind == "pie" else "bottom"})
    if chart.kind != "pie":
        made.set_x_axis({"num_font": font})
        made.set_y_axis({"num_font": font, "major_gridlines": {"visible": True}})
    made.set_size({"width": chart.size[0], "height": chart.size[1]})
    sheet.insert_chart(chart.anchor[0], chart.anchor[1], made)
