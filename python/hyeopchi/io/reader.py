"""Read a workbook file into typed tables (core.tables.Book). The only reader of files.

Values come from python-calamine (fast, no XML entity expansion). Calamine returns error
cells and formulas without a cached value as blanks, so the sheet XML is scanned once for
those cells to report them at their address.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import python_calamine

from ..core.issues import BookError, Issue
from ..core.schema import SHEET_FILES
from ..core.tables import Book, CellFlags, table_from_grid
from .package import check_package, open_package, sheet_parts

_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*>.*?</f>|<f[^>]*/>)?<v>([^<]*)</v>')
_UNCACHED = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*>(?:<f[^>]*>[^<]*</f>|<f[^>]*/>)(?:<v\s*/>|<v></v>)?</c>')


def read_book(path: str | Path, sheets: Iterable[str] | None = None) -> Book:
    """Read the input sheets (all known ones by default) of the workbook at `path`."""
    path = Path(path)
    wanted = list(sheets) if sheets is not None else list(SHEET_FILES)
    with open_package(path) as zf:
        check_package(zf, path)
        parts = sheet_parts(zf)
        flags = {name: _scan_flags(zf, part) for name, part in parts.items() if name in wanted}
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise BookError(f"{path.name}: 워크북을 읽을 수 없습니다 ({_short(exc)}).") from None
    try:
        return _book_from_calamine(workbook, wanted, flags, str(path))
    finally:
        workbook.close()


def _book_from_calamine(workbook: Any, wanted: list[str], flags: dict[str, CellFlags],
                        source: str) -> Book:
    names = list(workbook.sheet_names)
    book = Book(tables={}, sheet_names=names, source=source)
    issues: list[Issue] = []
    for sheet in wanted:
        if sheet not in names:
            continue
        try:
            ws = workbook.get_sheet_by_name(sheet)
            grid = ws.to_python(skip_empty_area=True)
            origin = tuple(ws.start) if ws.start is not None else (0, 0)
        except Exception as exc:
            raise BookError(f"'{sheet}' 시트를 읽을 수 없습니다 ({_short(exc)}).") from None
        _fill_merged(ws, grid, origin)
        table, found = table_from_grid(sheet, grid, origin, flags.get(sheet))
        book.tables[sheet] = table
        issues.extend(found)
    book.issues = issues
    return book


def _fill_merged(ws: Any, grid: list[list[Any]], origin: tuple[int, int]) -> None:
    """A value merged down over several rows belongs to each of them."""
    try:
        merged = ws.merged_cell_ranges or []
    except Exception:
        return
    r0, c0 = origin
    for (top, left), (bottom, right) in merged:
        if bottom == top:
            continue
        r, c = top - r0, left - c0
        if not (0 <= r < len(grid) and 0 <= c < len(grid[r])):
            continue
        value = grid[r][c]
        for rr in range(r + 1, min(bottom - r0 + 1, len(grid))):
            for cc in range(c, min(right - c0 + 1, len(grid[rr]))):
                if grid[rr][cc] in ("", None):
                    grid[rr][cc] = value


def _scan_flags(zf: zipfile.ZipFile, part: str) -> CellFlags:
    """(row, col) -> (issue code, shown value) for error cells and uncached formulas."""
    flags: dict[tuple[int, int], tuple[str, str]] = {}
    try:
        data = zf.read(part)
    except KeyError:
        return flags
    if b't="e"' in data:
        for m in _ERROR_CELL.finditer(data):
            flags[(int(m[2]), _col_index(m[1]))] = ("error-value", m[3].decode("utf-8", "replace"))
    if b"<f" in data:
        for m in _UNCACHED.finditer(data):
            flags.setdefault((int(m[2]), _col_index(m[1])), ("formula-no-value", ""))
    return flags


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
