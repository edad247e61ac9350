"""Read a workbook file into typed tables (core.tables.Book). The only reader of files.

Values come from python-calamine (fast, no XML entity expansion). Calamine returns error
cells and formulas without a cached value as blanks, so the sheet XML is scanned once for
those cells to report them at their address.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import python_calamine

from ..core.issues import BookError
from ..core.schema import SHEET_FILES
from ..core.tables import Book, CellFlags, column_letter
from .package import CHUNK, MAX_CELLS, MAX_ROWS, check_package, open_package, sheet_parts

_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*>.*?</f>|<f[^>]*/>)?<v>([^<]*)</v>')
_UNCACHED = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*>(?:<f[^>]*>[^<]*</f>|<f[^>]*/>)(?:<v\s*/>|<v></v>)?</c>')
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
# A cell that may hold a value (calamine skips empty ones like <c r="B2" s="1"/>).
_VALUED_CELL = re.compile(rb'<c r="[A-Z]+(\d+)"[^>]*(?<!/)>')
_LONG_COLUMN = re.compile(rb'<c r="([A-Z]{2,})\d')
_SHORT_COLUMNS = [(26 - i, f'<c r="{chr(90 - i)}'.encode()) for i in range(26)]  # Z..A
# _LATER_SHORT[k]: a cell in a one-letter column after column k (k = 0: any of A..Z)
_LATER_SHORT = [re.compile(b'<c r="[' + bytes([65 + k]) + rb'-Z]\d') for k in range(26)]


def read_book(path: str | Path, sheets: Iterable[str] | None = None) -> Book:
    """Read the input sheets (all known ones by default) of the workbook at `path`."""
    path = Path(path)
    wanted = list(sheets) if sheets is not None else list(SHEET_FILES)
    with open_package(path) as zf:
        check_package(zf, path)
        parts = sheet_parts(zf)
        flags = {name: _scan_sheet(zf, part, name) for name, part in parts.items()
                 if name in wanted}
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 (calamine's own error types): refused
        raise BookError(f"{path.name}: 워크북을 읽을 수 없습니다 ({_short(exc)}).") from None
    for meta in workbook.sheets_metadata:
        if meta.name in wanted and meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            workbook.close()
            raise BookError(
                f"'{meta.name}' 시트는 차트 시트입니다. 표가 있는 일반 시트여야 합니다.")
    try:
        return _book_from_calamine(workbook, wanted, flags, str(path))
    finally:
        workbook.close()


def _book_from_calamine(workbook: Any, wanted: list[str], flags: dict[str, CellFlags],
                        source: str) -> Book:
    names = list(workbook.sheet_names)
    book = Book(tables={}, sheet_names=names, source=source)
    for sheet in wanted:
        if sheet not in names:
            continue
        if sheet not in flags:  # fail closed: never read a sheet whose XML was not scanned
            raise BookError(f"'{sheet}' 시트의 XML 항목을 찾을 수 없어 검사할 수 없습니다. "
                            "Excel에서 다시 저장한 파일을 사용하세요.")
        try:
            ws = workbook.get_sheet_by_name(sheet)
            grid = ws.to_python(skip_empty_area=True)
            origin = tuple(ws.start) if ws.start is not None else (0, 0)
            # None: the format keeps no merge list (xls/ods, refused before); [] for none
            merged = ws.merged_cell_ranges or []
        except Exception as exc:  # noqa: BLE001 (calamine's own error types): refused
            raise BookError(f"'{sheet}' 시트를 읽을 수 없습니다 ({_short(exc)}).") from None
        _fill_merged(merged, grid, origin)
        book.add_grid(sheet, grid, origin, flags[sheet])
    return book


def _fill_merged(merged: Sequence[tuple[tuple[int, int], tuple[int, int]]],
                 grid: list[list[Any]], origin: tuple[int, int]) -> None:
    """A value merged down over several rows belongs to each of them."""
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


def _scan_sheet(zf: zipfile.ZipFile, part: str, sheet: str) -> CellFlags:
    """One streaming pass over a sheet's XML, before calamine reads it.

    Refuses a sheet whose used range is too large for memory (calamine allocates the whole
    rectangle from A1 to the last cell), and returns (row, col) -> (issue code, shown value)
    for error cells and formulas without a cached value.
    """
    flags: dict[tuple[int, int], tuple[str, str]] = {}
    rows = cells = last_row = last_col = 0
    try:
        f = zf.open(part) if part else None
    except KeyError:
        f = None
    if f is None:  # fail closed: calamine could still find it; we could not scan it
        raise BookError(f"'{sheet}' 시트의 XML 항목('{part or '관계 없음'}')이 파일에 없어 "
                        "검사할 수 없습니다. Excel에서 다시 저장한 파일을 사용하세요.")
    with f:
        rest = b""
        while True:
            chunk = f.read(CHUNK)
            data = rest + chunk
            end = data.rfind(b"</row>")
            if chunk and end < 0 and len(data) < 16 * CHUNK:
                rest = data  # keep whole rows together, so no cell is cut in two
                continue
            cut = end + 6 if chunk and end >= 0 else len(data)
            block, rest = data[:cut], data[cut:]
            numbers = _VALUED_CELL.findall(block)  # row numbers of cells that may hold a value
            unaddressed = block.count(b"<c>") + block.count(b"<c ") - block.count(b'<c r="')
            cells += len(numbers) + unaddressed
            if numbers:
                last_row = max(last_row, _max_number(numbers))
                last_col = _last_column(block, last_col)
            if unaddressed:  # placed by position: bound them by the rows seen and their count
                rows += block.count(b"<row")
                last_row = max(last_row, rows, _max_number(_ROW_NUMBER.findall(block) or [b"0"]))
                last_col = max(last_col, unaddressed)
            _check_size(sheet, last_row, max(last_col, 1), cells)
            _flag_cells(block, flags)
            if not chunk:
                return flags


def _check_size(sheet: str, rows: int, columns: int, cells: int) -> None:
    if rows > MAX_ROWS:
        raise BookError(f"'{sheet}' 시트에 값이 있는 행이 너무 많습니다 ({rows:,}행 이상, "
                        f"최대 {MAX_ROWS:,}행). 표 아래의 불필요한 셀을 지우고 다시 실행하세요.")
    if rows * columns > MAX_CELLS or cells > MAX_CELLS:
        raise BookError(f"'{sheet}' 시트의 사용 범위가 너무 큽니다 (A1:{column_letter(columns - 1)}{rows}, "
                        f"최대 {MAX_CELLS:,}셀). 표 밖의 불필요한 셀을 지우고 다시 실행하세요.")


def _flag_cells(data: bytes, flags: dict[tuple[int, int], tuple[str, str]]) -> None:
    if b't="e"' in data:
        for m in _ERROR_CELL.finditer(data):
            shown = m[3].decode("utf-8", "replace")
            flags[(_row_number(m[2]), _col_index(m[1]))] = ("error-value", shown)
    if b"<f" in data:
        for m in _UNCACHED.finditer(data):
            flags.setdefault((_row_number(m[2]), _col_index(m[1])), ("formula-no-value", ""))


def _last_column(block: bytes, known: int) -> int:
    """The last column of any cell in `block` or `known`, whichever is later.

    C-speed scans only: one search for a short column later than `known` (the usual answer is
    "none"); the letters are tried one by one only when a later one is there."""
    long = set(_LONG_COLUMN.findall(block))
    if long:
        return max(known, *map(_col_index, long))
    if known < 26 and _LATER_SHORT[known].search(block):
        return max(known, next(n for n, mark in _SHORT_COLUMNS if mark in block))
    return known


def _max_number(numbers: Sequence[bytes]) -> int:
    if max(map(len, numbers)) >= 10:
        return 10**10  # no int() of a 5,000-digit string
    return max(map(int, numbers))


def _row_number(digits: bytes) -> int:
    return int(digits) if len(digits) < 10 else 10**10  # no int() of a 5,000-digit string


def _col_index(letters: bytes) -> int:
    if len(letters) > 3:
        return 10**12  # far past XFD (calamine would take it as is): only compared to limits
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
