"""An open workbook's input sheets (xlwings) -> core.tables.Book: one `.value` per sheet."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from ..core.tables import Book

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


def edge_value(value: Any) -> Any:
    """A cell value as a client sent it -> what core/values.py parses.

    Desktop Excel gives datetimes (dates at midnight, times on 1899-12-30), which the core
    already accepts; a remote client may send ISO datetime text. Serials stay numbers:
    the date parser accepts them for date columns, and elsewhere they are plain numbers.
    """
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def sheet_grid(sheet: Any) -> tuple[list[list[Any]], tuple[int, int]]:
    """The used range's values as a 2-D list and its 0-based (row, col) origin."""
    rng = sheet.used_range
    values = rng.options(ndim=2).value or [[]]
    grid = [[edge_value(v) for v in row] for row in values]
    return grid, (rng.row - 1, rng.column - 1)


def read_open_book(book: Any, sheets: Iterable[str]) -> Book:
    """The typed tables of the input sheets present in the open book `book` (an xw.Book)."""
    names = [s.name for s in book.sheets]
    out = Book(tables={}, sheet_names=names, source=book.name)
    for name in sheets:
        if name in names:
            out.add_grid(name, *sheet_grid(book.sheets[name]))
    return out
