"""Result sheets as plain data, rendered by io/ (XlsxWriter into files) or excel/ (xlwings).

The core decides what a sheet holds and how it is laid out; the shells only draw it.
Rows and columns are 0-based. Values are str, int, float, Fraction-free numbers,
datetime.date, or None. Text is always written as text, never as a formula.

A result sheet is printed as a document: its builder places blocks top to bottom (a table is a
Block with header_rows; `new_page`, `keep_with_next`, `wrap` and `row_styles` say how it
prints) and returns `pagelayout.paginate(spec, running_head)`, which fixes the page setup,
breaks and header copies; the renderer only draws them.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# Named styles every renderer understands.
STYLES = (
    "title",      # big bold title
    "subtitle",   # bold, a section heading
    "label",      # bold label left of a value
    "header",     # table header: bold, grey fill, border, centered, wrapped
    "cell",       # table body: border
    "total",      # table total row: bold, border, light fill
    "note",       # small grey text
    "box",        # bordered empty cell (e.g. signature cell of a 결재란)
    "wrap",       # table body text that wraps inside its cell, top-aligned
)

# Number formats (Excel format codes) renderers apply per column.
KRW = '#,##0"원"'
INT = "#,##0"
PERCENT_1 = "0.0%"
DATE = "yyyy-mm-dd"
SCORE = "0.0"


@dataclass
class Block:
    """A rectangle of values placed at (row, col); the first `header_rows` rows use 'header'."""

    row: int
    col: int
    values: list[list[Any]]
    style: str = "cell"
    header_rows: int = 0
    total_rows: int = 0  # the last N rows use 'total'
    number_formats: dict[int, str] = field(default_factory=dict)  # column offset -> format
    new_page: bool = False  # printing starts a new page at this block (e.g. a 붙임)
    wrap: frozenset[int] = frozenset()  # column offsets whose text wraps (rows grow to fit)
    row_styles: dict[int, str] = field(default_factory=dict)  # row offset -> style (subtotals)
    keep_with_next: bool = False  # printed on the same page as the block below it
    # (row offset, column offset) -> (location in this book, e.g. "'위원'!C5", tooltip):
    # the cell becomes a link there, drawn the same by every shell
    links: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)

    @property
    def height(self) -> int:
        return len(self.values)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.values), default=0)


@dataclass
class Merge:
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    value: Any = None
    style: str = "cell"


@dataclass
class Chart:
    """A chart over a Block's columns: categories from one column, series from others."""

    kind: str  # "column", "bar", "pie"
    title: str
    categories: tuple[int, int, int]  # (col, first_row, last_row) on this sheet
    series: list[tuple[str, int, int, int]]  # (name, col, first_row, last_row)
    anchor: tuple[int, int]  # (row, col) of the top-left corner
    size: tuple[int, int] = (480, 288)  # pixels (width, height)


@dataclass
class SheetSpec:
    name: str
    blocks: list[Block] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    col_widths: dict[int, float] = field(default_factory=dict)  # col -> width in characters
    row_heights: dict[int, float] = field(default_factory=dict)  # row -> height in points
    freeze: tuple[int, int] | None = None  # (row, col) of the first unfrozen cell
    landscape: bool = True
    fit_width: bool = True
    repeat_rows: tuple[int, int] | None = None  # rows repeated on every printed page
    print_area: tuple[int, int, int, int] | None = None
    autofilter: tuple[int, int, int, int] | None = None
    # Set by pagelayout.paginate (the renderer only draws them):
    running_head: str = ""  # printed top left on every page: 기관명 · 기준일
    page_breaks: list[int] = field(default_factory=list)  # rows that start a printed page
    print_scale: int | None = None  # percent; when set, fit_width is not used

    def extent(self) -> tuple[int, int]:
        """(rows, cols) used by blocks and merges."""
        rows = cols = 0
        for b in self.blocks:
            rows = max(rows, b.row + b.height)
            cols = max(cols, b.col + b.width)
        for m in self.merges:
            rows = max(rows, m.last_row + 1)
            cols = max(cols, m.last_col + 1)
        return rows, cols


LINE_HEIGHT = 15.0  # points per line of 10-point text


def display_width(value: Any) -> int:
    """Characters a value takes on screen: East Asian wide characters count double."""
    if type(value) is str:  # the common case first (a sheet has thousands of cells)
        return len(value) if value.isascii() else _text_width(value)
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return 6
    if isinstance(value, int):
        return len(f"{value:,}")
    return _text_width(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def wrapped_height(value: Any, width: float) -> float:
    """Row height (points) that shows `value` wrapped in a cell `width` characters wide.

    Excel does not fit row heights to merged cells, so the spec says them."""
    lines = max(1, math.ceil(display_width(value) / max(width - 1, 1)))
    return LINE_HEIGHT * lines
