"""Read a workbook file into typed tables (core.tables.Book). The only reader of files.

Values come from python-calamine (fast, no XML entity expansion). Calamine returns error
cells and formulas without a cached value as blanks, and allocates a sheet's whole used
rectangle, so each sheet's XML is scanned first, as it is inflated and checked: absurd extents
are refused before calamine sees the sheet, and error cells are reported at their address.

Calamine runs in two worker threads, each with its own handle on the workbook: its parse
releases the GIL, so one reads the largest sheet (once the scan has passed it) while the other
reads the rest as their scans pass them, and this thread scans, imports pandas and types the
grids that have come back. A sheet is read only after its scan, as before.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import python_calamine

from ..core.issues import BookError
from ..core.schema import SHEET_FILES
from ..core.values import column_letter
from .package import (
    CHUNK,
    MAX_CELLS,
    MAX_ROWS,
    check_package,
    checked_chunks,
    inflate_checked,
    open_package,
    sheet_parts,
)
from .process import gc_paused

if TYPE_CHECKING:
    from ..core.tables import Book, CellFlags

Merged = Sequence[tuple[tuple[int, int], tuple[int, int]]]
Grid = tuple[list[list[Any]], tuple[int, int], Merged]

_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*>.*?</f>|<f[^>]*/>)?<v>([^<]*)</v>')
_UNCACHED = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>(?:<f[^>]*>[^<]*</f>|<f[^>]*/>)(?:<v\s*/>|<v></v>)?</c>')
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
# Where Excel writes a cell: <c r="B7" ...>, the reference first. Other forms (<c>, <c/>,
# attributes in another order, a namespace prefix <x:c>: calamine reads them all) are scanned
# by _scan_any_block.
_CANONICAL = b'<c r="'
_ODD_CELL = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="))')
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_LAST_REF = re.compile(rb'<c r="([A-Z]*)(\d*)')
_LONG_COLUMN = re.compile(rb'<c r="([A-Z]{2,})\d')
_SHORT_COLUMN = re.compile(rb'<c r="([A-Z])\d')
# _LATER_SHORT[k]: a cell in a one-letter column after column k (k = 0: any of A..Z)
_LATER_SHORT = [re.compile(b'<c r="[' + bytes([65 + k]) + rb'-Z]\d') for k in range(26)]
# _LATER[k]: a cell in any column after column k (k < 26)
_LATER = [re.compile(rb'<c r="(?:[A-Z]{2}|[' + bytes([65 + k]) + rb'-Z]\d)') for k in range(26)]
# Any cell element, for the general scan: its attributes, '/' last when it holds no value.
_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(\s[^>]*)?>")
_REF_ATTR = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)(\d*)["']""")
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")


def read_book(path: str | Path, sheets: Iterable[str] | None = None) -> Book:
    """Read the input sheets (all known ones by default) of the workbook at `path`."""
    with gc_paused():
        return _read_book(Path(path), sheets)


def _read_book(path: Path, sheets: Iterable[str] | None) -> Book:
    wanted = list(sheets) if sheets is not None else list(SHEET_FILES)
    # The largest sheet in one worker, the others in a second: 2 cores read at once.
    workers = [ThreadPoolExecutor(1, thread_name_prefix=f"calamine-{i}") for i in (1, 2)]
    held: list[dict[str, Any]] = [{}, {}]  # each worker's workbook, used only in that thread
    grids: dict[str, Future[Grid]] = {}
    try:
        with open_package(path) as zf:
            deferred = check_package(zf, path, defer=_SHEET_PART.fullmatch)
            parts = sheet_parts(zf)
            # calamine opens the workbook only now: every part but the sheets is checked
            opened = [w.submit(_open, h, path, wanted) for w, h in zip(workers, held, strict=True)]
            flags: dict[str, CellFlags] = {}
            # the largest sheet first: it is read while the others are scanned and read
            for i, sheet in enumerate(sorted((s for s in wanted if s in parts),
                                             key=lambda s: -_part_size(zf, parts[s]))):
                flags[sheet] = _scan_sheet(zf, parts[sheet], sheet, path.name)
                k = min(i, 1)
                grids[sheet] = workers[k].submit(_read_sheet, held[k], opened[k], sheet)
            scanned = {parts[s] for s in flags}
            for info in deferred:  # the other sheets' parts: checked like any part
                if info.filename not in scanned:
                    inflate_checked(zf, info, path.name)
        from ..core.tables import Book  # pandas: imported while calamine reads

        names = opened[0].result()
        opened[1].result()
        book = Book(tables={}, sheet_names=names, source=str(path))
        for sheet in wanted:
            if sheet not in names:
                continue
            if sheet not in grids:  # fail closed: never read a sheet whose XML was not scanned
                raise BookError(f"'{sheet}' 시트의 XML 항목을 찾을 수 없어 검사할 수 없습니다. "
                                "Excel에서 다시 저장한 파일을 사용하세요.")
            grid, origin, merged = grids[sheet].result()
            _fill_merged(merged, grid, origin)
            book.add_grid(sheet, grid, origin, flags[sheet])
        return book
    finally:
        for future in grids.values():
            future.cancel()
        for worker, h in zip(workers, held, strict=True):
            worker.submit(_close, h)
            worker.shutdown(wait=True)


def _part_size(zf: zipfile.ZipFile, part: str) -> int:
    try:
        return zf.getinfo(part).compress_size
    except KeyError:
        return 0  # missing: refused by _scan_sheet


# --- calamine, in the worker thread (it owns the workbook) -----------------------------------

def _open(held: dict[str, Any], path: Path, wanted: list[str]) -> list[str]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 (calamine's own error types): refused
        raise BookError(f"{path.name}: 워크북을 읽을 수 없습니다 ({_short(exc)}).") from None
    held["workbook"] = workbook
    for meta in workbook.sheets_metadata:
        if meta.name in wanted and meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            raise BookError(
                f"'{meta.name}' 시트는 차트 시트입니다. 표가 있는 일반 시트여야 합니다.")
    return list(workbook.sheet_names)


def _read_sheet(held: dict[str, Any], opened: Future[list[str]], sheet: str) -> Grid:
    names = opened.result()
    if sheet not in names:
        return [], (0, 0), []
    try:
        ws = held["workbook"].get_sheet_by_name(sheet)
        grid = ws.to_python(skip_empty_area=True)
        origin = tuple(ws.start) if ws.start is not None else (0, 0)
        # None: the format keeps no merge list (xls/ods, refused before); [] for none
        merged = ws.merged_cell_ranges or []
    except Exception as exc:  # noqa: BLE001 (calamine's own error types): refused
        raise BookError(f"'{sheet}' 시트를 읽을 수 없습니다 ({_short(exc)}).") from None
    return grid, (origin[0], origin[1]), merged


def _close(held: dict[str, Any]) -> None:
    workbook = held.pop("workbook", None)
    if workbook is not None:
        workbook.close()


def _fill_merged(merged: Merged, grid: list[list[Any]], origin: tuple[int, int]) -> None:
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


# --- the scan ---------------------------------------------------------------------------------

class _Extent:
    """What calamine will allocate for a sheet: its last row and column with a value."""

    __slots__ = ("cells", "last_col", "last_row", "rows")

    def __init__(self) -> None:
        self.cells = self.last_row = self.last_col = self.rows = 0


def _scan_sheet(zf: zipfile.ZipFile, part: str, sheet: str, book: str) -> CellFlags:
    """One streaming pass over a sheet's XML as it is inflated and checked, before calamine
    reads it.

    Refuses a sheet whose used range is too large for memory (calamine allocates the whole
    rectangle from A1 to the last cell), and returns (row, col) -> (issue code, shown value)
    for error cells and formulas without a cached value.
    """
    try:
        info = zf.getinfo(part) if part else None
    except KeyError:
        info = None
    if info is None:  # fail closed: calamine could still find it; we could not scan it
        raise BookError(f"'{sheet}' 시트의 XML 항목('{part or '관계 없음'}')이 파일에 없어 "
                        "검사할 수 없습니다. Excel에서 다시 저장한 파일을 사용하세요.")
    flags: dict[tuple[int, int], tuple[str, str]] = {}
    extent = _Extent()
    # A valued cell takes 7 bytes at least (<c></c>): a smaller part cannot hold too many.
    counted = info.file_size + CHUNK >= _MIN_CELL_BYTES * MAX_CELLS
    rest = b""
    chunks = checked_chunks(zf, info, book)
    while True:
        chunk = next(chunks, b"")
        data = rest + chunk
        end = data.rfind(b"</row>")
        if chunk and end < 0 and len(data) < 16 * CHUNK:
            rest = data  # keep whole rows together, so no cell is cut in two
            continue
        cut = end + 6 if chunk and end >= 0 else len(data)
        block, rest = data[:cut], data[cut:]
        if _ODD_CELL.search(block) or _PREFIXED_CELL.search(block):
            _scan_any_block(block, extent)
        else:
            _scan_block(block, extent, count=counted)
        _check_size(sheet, extent.last_row, max(extent.last_col, 1), extent.cells)
        _flag_cells(block, flags)
        if not chunk:
            return flags


_MIN_CELL_BYTES = 7


def _scan_block(block: bytes, extent: _Extent, count: bool = True) -> None:
    """Every cell element is <c r="..." (Excel's form): C-speed searches, no match per cell.

    The last valued cell gives the row (Excel writes rows in order); one search for a cell in
    a later row or column confirms it, else the block is measured cell by cell."""
    if count:
        extent.cells += block.count(b"</c>")  # cells that may hold a value (not <c .../>)
    end = block.rfind(b"</c>")
    if end < 0:
        extent.last_col = _last_column(block, extent.last_col)
        return
    last = _LAST_REF.match(block, max(block.rfind(_CANONICAL, 0, end), 0))
    digits = last[2] if last else b""
    if (digits and len(digits) < 10 and not digits.startswith(b"0")
            and extent.last_col < 26
            and not _later_cell(digits, extent.last_col).search(block)):
        extent.last_row = max(extent.last_row, int(digits))
        return
    numbers = _VALUED_REF.findall(block)  # rows out of order, or a wider sheet: every cell
    if not count:
        extent.cells += len(numbers)
    extent.last_row = max(extent.last_row, _max_number(numbers) if numbers else 0)
    extent.last_col = _last_column(block, extent.last_col)


# A cell that may hold a value (calamine skips empty ones like <c r="B2" s="1"/>).
_VALUED_REF = re.compile(rb'<c r="[A-Z]+(\d+)"[^>]*(?<!/)>')


def _later_cell(digits: bytes, column: int) -> re.Pattern[bytes]:
    """A cell in a column after `column` (< 26) or in a row after `digits`."""
    n = len(digits)
    rows = [rb"\d{%d,}" % (n + 1)]
    for i, d in enumerate(digits):
        if d < ord("9"):
            rows.append(digits[:i] + b"[" + bytes([d + 1]) + rb"-9]" + rb"\d" * (n - i - 1))
    columns = rb"[A-Z]{2}|[" + bytes([65 + column]) + rb"-Z]\d"
    return re.compile(rb'<c r="(?:' + columns + rb'|[A-Z]+(?:' + b"|".join(rows) + rb')")')


def _scan_any_block(block: bytes, extent: _Extent) -> None:
    """Cells in any form calamine reads: a prefix (<x:c>), the reference after other
    attributes, or no reference (placed by position: bounded by the rows seen and the count)."""
    unaddressed = 0
    for m in _ANY_CELL.finditer(block):
        attrs = m[1] or b""
        if attrs.endswith(b"/"):
            continue  # no value: calamine skips it
        extent.cells += 1
        ref = _REF_ATTR.search(attrs)
        if ref is None or not ref[2]:
            unaddressed += 1
            continue
        extent.last_row = max(extent.last_row, _row_number(ref[2]))
        extent.last_col = max(extent.last_col, _col_index(ref[1].upper()))
    if unaddressed:
        extent.rows += block.count(b"<row") + len(_PREFIXED_ROW.findall(block))
        extent.last_row = max(extent.last_row, extent.rows,
                              _max_number(_ROW_NUMBER.findall(block) or [b"0"]))
        extent.last_col = max(extent.last_col, unaddressed)


_PREFIXED_ROW = re.compile(rb"<[A-Za-z_][\w.-]*:row\b")


def _check_size(sheet: str, rows: int, columns: int, cells: int) -> None:
    if rows > MAX_ROWS:
        raise BookError(f"'{sheet}' 시트에 값이 있는 행이 너무 많습니다 ({rows:,}행 이상, "
                        f"최대 {MAX_ROWS:,}행). 표 아래의 불필요한 셀을 지우고 다시 실행하세요.")
    if rows * columns > MAX_CELLS or cells > MAX_CELLS:
        raise BookError(f"'{sheet}' 시트의 사용 범위가 너무 큽니다 "
                        f"(A1:{column_letter(columns - 1)}{rows}, "
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

    C-speed scans only: one search for a column later than `known` (the usual answer is
    "none"); the columns are listed only when a later one is there."""
    if known < 26 and not _LATER[known].search(block):
        return known
    long = set(_LONG_COLUMN.findall(block))
    if long:
        return max(known, *map(_col_index, long))
    if known < 26 and _LATER_SHORT[known].search(block):
        letters: set[bytes] = set(_SHORT_COLUMN.findall(block))
        return max(known, *(letter[0] - 64 for letter in letters))
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
