"""A sheet's grid of cell values -> a typed table that remembers each value's cell.

Pure: the grid comes from io/ (python-calamine on a file) or excel/ (xlwings on an open book).
The DataFrame's index is the Excel row number, so `table.cell(row, column)` is `활동!D17`
for any row a rule picks out, however the frame was filtered.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .issues import BookError, Issue, make_issue, shown_value
from .schema import SheetSchema, sheet_schema
from .values import PARSERS, column_letter, header_key, is_blank

T = TypeVar("T")
HEADER_SEARCH_ROWS = 20  # a title or notes may stand above the header row


@dataclass
class Table:
    sheet: str
    df: pd.DataFrame  # index: Excel row numbers; schema columns first (absent ones all None)
    letters: dict[str, str]  # column -> Excel column letter, for columns present in the sheet
    header_row: int

    def cell(self, row: int, column: str) -> str | None:
        letter = self.letters.get(column)
        return f"{letter}{row}" if letter else None

    def issue(self, code: str, row: int | None, column: str | None, value: Any = None,
              **extra: Any) -> Issue:
        cell = self.cell(row, column) if row is not None and column else None
        return make_issue(code, self.sheet, row=row, column=column, cell=cell, value=value,
                          **extra)


CellFlags = Mapping[tuple[int, int], tuple[str, str]]  # (row, col) 1-based -> (code, shown value)


@dataclass
class Book:
    """The typed tables of one workbook plus the faults found while reading them."""

    tables: dict[str, Table]
    sheet_names: list[str]
    issues: list[Issue] = field(default_factory=list)
    source: str = ""
    empty: set[str] = field(default_factory=set)  # present but holding no values
    # Tables derived from these ones, made once per book (jobs never change a table): the
    # monthly report and the review of one day share the year's (meeting, member) pairs.
    _derived: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    def has(self, sheet: str) -> bool:
        return sheet in self.tables

    def table(self, sheet: str) -> Table:
        if sheet not in self.tables:
            code = "empty-sheet" if sheet in self.empty else "missing-sheet"
            raise BookError.from_issue(make_issue(code, sheet))
        return self.tables[sheet]

    def add_grid(self, sheet: str, grid: Sequence[Sequence[Any]],
                 origin: tuple[int, int] = (0, 0), flags: CellFlags | None = None) -> None:
        """Parse one sheet's values into the book. A sheet with no values counts as absent:
        an optional sheet (설정, 평가입력...) left empty falls back to its defaults."""
        if all(_blank_row(row) for row in grid):
            self.empty.add(sheet)
            return
        table, found = table_from_grid(sheet, grid, origin, flags)
        self.tables[sheet] = table
        self.issues.extend(found)

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """make(), made once per key: `key` names everything the result depends on."""
        if key not in self._derived:
            self._derived[key] = make()
        value: T = self._derived[key]
        return value

    def df(self, sheet: str) -> pd.DataFrame:
        return self.table(sheet).df

    def require(self, *sheets: str) -> None:
        for sheet in sheets:
            self.table(sheet)



def table_from_grid(
    sheet: str,
    grid: Sequence[Sequence[Any]],
    origin: tuple[int, int] = (0, 0),
    flags: CellFlags | None = None,
    schema: SheetSchema | None = None,
) -> tuple[Table, list[Issue]]:
    """Parse a sheet's values (grid[0][0] is the cell at 0-based `origin`) into a Table.

    Raises BookError when no header row holds every required column.
    """
    schema = schema or sheet_schema(sheet)
    flags = flags or {}
    r0, c0 = origin
    header_index, matches = _find_header(schema, grid)
    header_row = r0 + header_index + 1
    issues: list[Issue] = []
    positions: dict[str, int] = {}
    extras: dict[str, int] = {}
    for j, text in enumerate(grid[header_index]):
        if is_blank(text):
            continue
        name = matches.get(j)
        if name is None:
            label = str(text).strip()
            extras.setdefault(label, j)
        elif name in positions:
            issues.append(make_issue("duplicate-header", sheet, row=header_row, column=name,
                                     cell=f"{column_letter(c0 + j)}{header_row}"))
        else:
            positions[name] = j
    missing = [c for c in schema.required_columns if c not in positions]
    if missing:
        raise BookError.from_issue(make_issue("missing-column", sheet, row=header_row,
                                              column=missing[0]))

    body = _body_rows(grid, header_index + 1)
    letters = {name: column_letter(c0 + j) for name, j in positions.items()}
    data: dict[str, list[Any]] = {}
    picked = _rows(grid, body)
    for name, col in schema.columns.items():
        at = positions.get(name)
        if at is None:
            data[name] = [None] * len(body)
            continue
        raws = (list(map(itemgetter(at), picked)) if picked is not None
                else [_cell(grid, r, at) for r in body])
        data[name] = _convert_column(sheet, name, col.kind, raws, body, at, r0, c0, flags, issues)
    for label, j in extras.items():
        if label not in data:
            data[label] = [_cell(grid, r, j) for r in body]
            letters[label] = column_letter(c0 + j)
    rows = np.asarray(body, dtype=np.int64) + (r0 + 1)
    df = pd.DataFrame(data, index=pd.Index(rows, name="행"), dtype=object)
    return Table(sheet, df, letters, header_row), issues


def _find_header(schema: SheetSchema, grid: Sequence[Sequence[Any]]) -> tuple[int, dict[int, str]]:
    """The first row (of the first few non-empty ones) naming every required column."""
    keys = {header_key(name): name for name in schema.columns}
    required = set(schema.required_columns)
    best: tuple[int, dict[int, str]] | None = None
    seen = 0
    for i, row in enumerate(grid):
        if _blank_row(row):
            continue
        matches = {j: keys[k] for j, v in enumerate(row) if (k := header_key(v)) in keys}
        if required <= set(matches.values()):
            return i, matches
        if best is None:
            best = (i, matches)
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if best is None:
        raise BookError.from_issue(make_issue("empty-sheet", schema.sheet))
    return best


def _body_rows(grid: Sequence[Sequence[Any]], start: int) -> list[int]:
    """Indexes of the rows from `start` on that hold a value.

    Most rows' first cell holds a value: the distinct first values are checked once, and only
    rows whose first cell may be blank are checked cell by cell."""
    rows = grid[start:]
    try:
        firsts = list(map(itemgetter(0), rows))
    except IndexError:  # a row with no cells at all
        return [r for r in range(start, len(grid)) if not _blank_row(grid[r])]
    # falsy (blank, but also 0 and False) or spaces: decided by the whole row
    maybe_blank = {v for v in set(firsts) if not v or (type(v) is str and v.isspace())}
    if not maybe_blank:
        return list(range(start, len(grid)))
    return [start + i for i, v in enumerate(firsts)
            if v not in maybe_blank or not _blank_row(rows[i])]


def _blank_row(row: Sequence[Any]) -> bool:
    # is_blank inlined: this runs once per row of every sheet
    return all(v is None or (type(v) is str and not v.strip()) for v in row)


def _cell(grid: Sequence[Sequence[Any]], r: int, j: int) -> Any:
    row = grid[r]
    value = row[j] if j < len(row) else None
    return None if is_blank(value) else value


_INVALID = object()  # marker: the raw value does not parse
_NUMERIC = (bool, int, float)  # equal across types (True == 1 == 1.0): never share a key


def _rows(grid: Sequence[Sequence[Any]], body: list[int]) -> Sequence[Sequence[Any]] | None:
    """The body rows, when they are all of one width (calamine's are), so that a column is
    taken at C speed; None otherwise (each column is then taken cell by cell)."""
    if not body:
        return []
    if body[-1] - body[0] + 1 == len(body):  # no blank row in between: one slice
        rows = grid[body[0]:body[-1] + 1]
    else:
        rows = [grid[r] for r in body] if len(body) < 2 else list(itemgetter(*body)(grid))
    return rows if len(set(map(len, rows))) == 1 else None


def _convert_column(sheet: str, name: str, kind: str, raws: Sequence[Any],
                    body: list[int], j: int, r0: int, c0: int, flags: CellFlags,
                    issues: list[Issue]) -> list[Any]:
    """Parse one column. Each distinct raw value is parsed once (ids, enums and dates repeat)."""
    parse = PARSERS[kind]
    keys = dict.fromkeys(raws) if kind in ("text", "id") else None
    # All distinct values str means every value is (no other type equals a str): the types of
    # the few distinct values, not of every cell.
    types = {str} if keys is not None and all(type(k) is str for k in keys) else set(
        map(type, raws))
    if keys is not None and types == {str}:  # parse_text/parse_id of str, at C speed
        if kind == "text" or "".join(keys).isascii():  # fold() leaves ASCII as it is
            parsed = dict(zip(keys, map(_strip_or_none, keys), strict=True))
        else:
            parsed = {raw: _parse_cell(parse, raw) for raw in keys}
        # most columns parse to themselves (strip returns the same object): keep the list
        same = all(value is raw for raw, value in parsed.items())
        out = raws if same and isinstance(raws, list) else list(map(parsed.__getitem__, raws))
        invalid = False
    elif sum(t in types for t in _NUMERIC) <= 1:
        parsed = {raw: _parse_cell(parse, raw)
                  for raw in (keys if keys is not None else dict.fromkeys(raws))}
        out = list(map(parsed.__getitem__, raws))
        invalid = any(v is _INVALID for v in parsed.values())
    else:  # mixed bool/int/float: parse cell by cell
        out = [_parse_cell(parse, raw) for raw in raws]
        invalid = any(v is _INVALID for v in out)
    letter = column_letter(c0 + j)
    found: list[tuple[int, Issue]] = []
    if invalid:
        code = "invalid-" + {"id": "text"}.get(kind, kind)
        for i, value in enumerate(out):
            if value is _INVALID:
                row = r0 + body[i] + 1
                found.append((row, make_issue(code, sheet, row=row, column=name,
                                              cell=f"{letter}{row}", value=shown_value(raws[i]))))
                out[i] = None
    if flags:
        for i, raw in enumerate(raws):
            if raw is None or raw == "":
                row = r0 + body[i] + 1
                flag = flags.get((row, c0 + j + 1))
                if flag:
                    found.append((row, make_issue(flag[0], sheet, row=row, column=name,
                                                  cell=f"{letter}{row}", value=flag[1])))
    issues.extend(issue for _, issue in sorted(found, key=lambda f: f[0]))
    return out


def _strip_or_none(text: str) -> str | None:
    return text.strip() or None


def _parse_cell(parse: Any, raw: Any) -> Any:
    if raw is None or is_blank(raw):
        return None
    try:
        return parse(raw)
    except (ValueError, OverflowError):
        return _INVALID
