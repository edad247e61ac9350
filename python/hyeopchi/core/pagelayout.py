"""A result sheet laid out for paper: A4, orientation and scale by width, page breaks.

`paginate(spec)` takes a SheetSpec whose blocks are placed top to bottom and returns one
whose every printed page is decided here, so Excel and LibreOffice print the same pages:
- every row has an explicit height and the print scale is fixed (no fit-to-page), so the
  page breaks computed here are the ones the printer makes;
- a table continued on a new page starts with a copy of its own header rows (or, when it is
  the sheet's only long table and nothing follows it, with Excel's print titles, so the
  sheet stays one plain table for filtering);
- no table leaves fewer than MIN_ROWS of its rows alone on a page; a short table that does
  not fit where it is starts on the next page; a subtitle stays with what follows it;
- a block with `new_page` (a 붙임) starts a page;
- the sheet never exceeds Excel's limits (rows of an overlong table are cut, with a note).

Everything is in points (1/72 inch); column widths in Excel's characters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any

from .sheetspec import (
    Block,
    Chart,
    Merge,
    SheetSpec,
    display_width,
)

A4 = (595.3, 841.9)  # points, portrait (width, height)
MARGIN_SIDE = 0.5  # inches, left and right
MARGIN_TOP = 0.75  # inches, top and bottom (the running head and page number sit inside)
MARGIN_HEADER = 0.3  # inches from the paper's edge to the running head / page number
SAFETY = 0.97  # share of the printable height we fill (row heights print exactly)
WIDTH_SAFETY = 0.98
PORTRAIT_MIN_SCALE = 90  # narrower than this in portrait: print landscape
MIN_SCALE = 10
MIN_ROWS = 3  # no table leaves fewer rows than this alone on a page
KEEP_TOGETHER = 12  # tables with at most this many body rows are never split
MAX_BREAKS = 1023  # Excel's limit on manual page breaks in a sheet
EXCEL_ROWS = 1_048_576
EXCEL_COLS = 16_384
MAX_ROW_HEIGHT = 409.0
DEFAULT_WIDTH = 8.43

ROW = 16.5  # a line of 10-point text with air above and below
LINE = 13.5  # each further line of wrapped text
STYLE_ROW = {"title": 27.0, "subtitle": 21.0}
SHORT_HEADER = 16  # header text up to this width stays on one line; longer wraps at spaces
GAP_AT_TOP = 1.0  # a blank row that lands at the top of a page shrinks to this
PAD = 3  # characters added to a column's widest cell (indent on both sides, border)

HEAD_MAX = 120  # characters of the running head (Excel allows 255 in a header)
FOOTER_PAGES = "- {page} / {pages} -"  # what renderers print at the bottom centre


def column_points(width: float) -> float:
    """Printed width of a column `width` characters wide. A character is the digit width of
    the book's default font: measured in LibreOffice, 6.35 pt in our own files (맑은 고딕 10)
    and 6.65 pt once grafted into a Calibri 11 book; Excel's are narrower. This errs wide,
    so the scale errs small and no column ever spills onto a page of its own."""
    return 6.8 * (width + 0.71)


def fit_widths(spec: SheetSpec, lo: float = 4, hi: float = 40,
               keep: dict[int, float] | None = None) -> dict[int, float]:
    """Column widths from the widest table cell in each column, East Asian characters
    counting double; header cells count by their longest word (headers wrap at spaces);
    wrapped columns are capped at `hi`. Titles, subtitles and notes may overflow."""
    widths: dict[int, float] = {}
    for b in spec.blocks:
        if b.style in ("title", "subtitle", "note", "label"):
            continue
        for r in b.values[:b.header_rows]:
            for j, v in enumerate(r):
                if isinstance(v, str) and display_width(v) > SHORT_HEADER:
                    w = max((display_width(p) for p in v.split()), default=0)
                else:
                    w = display_width(v) + _format_extra(b.number_formats.get(j))
                widths[b.col + j] = max(widths.get(b.col + j, lo), min(w + PAD, hi))
        body = b.values[b.header_rows:]
        lengths = set(map(len, body))
        for j in range(max(lengths, default=0)):  # column by column: C-speed max
            w = _widest(list(map(itemgetter(j), body)) if len(lengths) == 1
                        else [r[j] for r in body if j < len(r)])
            w += _format_extra(b.number_formats.get(j))
            widths[b.col + j] = max(widths.get(b.col + j, lo), min(w + PAD, hi))
    for m in spec.merges:  # a one-column merge (e.g. a 결재란 title) counts too
        if m.first_col == m.last_col and m.style in ("header", "cell", "box", "total"):
            w = display_width(m.value) + PAD
            widths[m.first_col] = max(widths.get(m.first_col, lo), min(w, hi))
    widths.update(keep or {})
    return dict(sorted(widths.items()))


def _widest(column: list[Any]) -> int:
    """The widest display_width in a column, each distinct value measured once. Values that
    compare equal across types (1 == 1.0 == True) are measured one by one."""
    types = set(map(type, column))
    if float in types and (int in types or bool in types):
        return max(map(display_width, column))
    return max(map(display_width, dict.fromkeys(column)))


def _format_extra(fmt: str | None) -> int:
    """Characters a number format adds to the value's own (원, %, thousands)."""
    if not fmt:
        return 0
    return (2 if "원" in fmt else 0) + (1 if "%" in fmt else 0)


def running_head(settings: Any, when: str) -> str:
    """The line printed at the top of every page: 기관명 담당부서 · 기준일 (or period)."""
    return f"{settings.org_name} {settings.department} · {when}"[:HEAD_MAX]


# --- the layout ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    landscape: bool
    scale: int  # percent
    capacity: float  # points of rows (unscaled) one page holds, with SAFETY


def page_for(spec: SheetSpec) -> Page:
    """Portrait when the used columns fit at >= PORTRAIT_MIN_SCALE, else landscape."""
    _, cols = spec.extent()
    width = sum(column_points(spec.col_widths.get(c, DEFAULT_WIDTH)) for c in range(cols)) or 1
    side = 72 * MARGIN_SIDE * 2
    top = 72 * MARGIN_TOP * 2
    portrait = (A4[0] - side) * WIDTH_SAFETY / width * 100
    if portrait >= PORTRAIT_MIN_SCALE:
        scale = min(100, math.floor(portrait))
        return Page(False, scale, (A4[1] - top) * SAFETY * 100 / scale)
    scale = max(MIN_SCALE, min(100, math.floor((A4[1] - side) * WIDTH_SAFETY / width * 100)))
    return Page(True, scale, (A4[0] - top) * SAFETY * 100 / scale)


@dataclass
class _Table:
    block: Block
    head: list[int]  # sheet rows
    body: list[int]


@dataclass
class _Placer:
    capacity: float
    heights: dict[int, float]
    used: float = 0.0
    breaks: int = 0
    order: list[tuple[str, int]] = field(default_factory=list)  # ("row", r) / ("copy", t) / ("break", 0)
    split: set[int] = field(default_factory=set)  # tables continued on another page

    def height(self, rows: list[int]) -> float:
        return sum(self.heights[r] for r in rows)

    def fits(self, h: float) -> bool:
        return self.used + h <= self.capacity

    def new_page(self) -> None:
        if self.used > 0 and self.breaks < MAX_BREAKS:
            self.order.append(("break", 0))
            self.breaks += 1
            self.used = 0.0

    @property
    def free(self) -> bool:
        """Past Excel's last manual break: the printer breaks pages on its own from here."""
        return self.breaks >= MAX_BREAKS

    def put(self, rows: list[int]) -> None:
        for r in rows:
            self.order.append(("row", r))
            self.used += self.heights[r]

    def unit(self, rows: list[int], new_page: bool = False, blank: bool = False) -> None:
        if new_page or not self.fits(self.height(rows)):
            self.new_page()
        if blank and self.used == 0:
            for r in rows:
                self.heights[r] = GAP_AT_TOP
        self.put(rows)

    def table(self, lead: list[int], t: _Table, index: int, new_page: bool) -> None:
        head_h, lead_h = self.height(t.head), self.height(lead)
        whole = lead_h + head_h + self.height(t.body)
        if new_page or (not self.fits(whole) and len(t.body) <= KEEP_TOGETHER
                        and whole <= self.capacity):
            self.new_page()
        if not self.fits(lead_h + head_h + self.height(t.body[:MIN_ROWS])):
            self.new_page()
        self.put(lead + t.head)
        k = 0
        while k < len(t.body):
            n, room = 0, self.capacity - self.used
            while k + n < len(t.body) and self.heights[t.body[k + n]] <= room:
                room -= self.heights[t.body[k + n]]
                n += 1
            if k + n >= len(t.body):
                self.put(t.body[k:])
                return
            rest = len(t.body) - k - n
            if rest < MIN_ROWS:
                n -= MIN_ROWS - rest
            n = max(n, 1 if k else 0)
            self.put(t.body[k:k + n])
            k += n
            if self.free:
                self.put(t.body[k:])
                return
            self.new_page()
            self.split.add(index)
            self.order.append(("copy", index))
            self.used += head_h


def row_heights(spec: SheetSpec) -> dict[int, float]:
    """The height of every used row: the spec's own, else by style and wrapped text."""
    heights = dict.fromkeys(range(used_rows(spec)), ROW)
    wrapped: dict[tuple[type, Any, float], float] = {}  # wrapped columns repeat their values
    for b in spec.blocks:
        base = STYLE_ROW.get(b.style, ROW)
        for i, values in enumerate(b.values):
            r = b.row + i
            h = max(heights[r], base)
            for j in b.wrap:
                if j < len(values):
                    width = spec.col_widths.get(b.col + j, DEFAULT_WIDTH)
                    v = values[j]
                    key = (type(v), v, width)
                    if key not in wrapped:
                        wrapped[key] = _wrapped(v, width)
                    h = max(h, wrapped[key])
            if i < b.header_rows:
                for j, v in enumerate(values):
                    width = spec.col_widths.get(b.col + j, DEFAULT_WIDTH)
                    h = max(h, _wrapped(v, width))
            heights[r] = h
    for m in spec.merges:
        if m.style == "title":
            for r in range(m.first_row, m.last_row + 1):
                heights[r] = max(heights[r], STYLE_ROW["title"] / (m.last_row - m.first_row + 1))
    heights.update(spec.row_heights)
    return {r: min(h, MAX_ROW_HEIGHT) for r, h in heights.items()}


def _wrapped(value: Any, width: float) -> float:
    """Height of a cell whose text wraps at spaces inside a column `width` characters wide."""
    if value is None:
        return ROW
    room = max(int(width) - PAD + 1, 1)
    lines = 0
    for part in str(value).split("\n"):
        line = 0
        for word in part.split(" "):
            w = display_width(word)
            if line and line + 1 + w > room:
                lines += 1
                line = 0
            if w > room:  # a word longer than the line breaks anywhere
                lines += (w - 1) // room
                w = (w - 1) % room + 1
            line += (1 if line else 0) + w
        lines += 1
    return ROW + (lines - 1) * LINE


def used_rows(spec: SheetSpec) -> int:
    """Rows used by blocks, merges and charts."""
    rows, _ = spec.extent()
    for c in spec.charts:
        rows = max(rows, c.anchor[0] + math.ceil(c.size[1] * 0.75 / ROW))
    return rows


def paginate(spec: SheetSpec, running_head: str = "") -> SheetSpec:
    """spec laid out on A4 pages (see the module doc). Blocks must not overlap."""
    spec = fit_excel(spec)
    if not spec.col_widths:
        spec = replace(spec, col_widths=fit_widths(spec))
    page = page_for(spec)
    heights = row_heights(spec)
    tables = [_Table(b, list(range(b.row, b.row + b.header_rows)),
                     list(range(b.row + b.header_rows, b.row + b.height)))
              for b in spec.blocks if b.header_rows and b.height > b.header_rows]
    in_table = {r: i for i, t in enumerate(tables) for r in (*t.head, *t.body)}
    starts = {t.head[0]: i for i, t in enumerate(tables)}
    glue = _glued(spec, in_table)
    subtitles = {b.row + i for b in spec.blocks
                 if b.keep_with_next or (b.style == "subtitle" and b.height == 1)
                 for i in range(b.height)}
    breaks_before = {b.row for b in spec.blocks if b.new_page}
    blank = set(range(len(heights))) - _filled(spec)
    placer = _Placer(page.capacity, heights)
    rows = len(heights)
    r, lead_break = 0, False
    lead: list[int] = []
    while r < rows:
        if r in starts:
            t = tables[starts[r]]
            placer.table(lead, t, starts[r], lead_break or r in breaks_before)
            lead, lead_break = [], False
            r = t.body[-1] + 1
            continue
        unit = list(range(r, glue.get(r, r) + 1))
        if r in subtitles and r + 1 < rows:
            lead, lead_break = lead + unit, lead_break or r in breaks_before
        else:
            placer.unit(lead + unit, lead_break or r in breaks_before,
                        blank=not lead and all(x in blank for x in unit))
            lead, lead_break = [], False
        r = unit[-1] + 1
    if lead:
        placer.unit(lead, lead_break)
    if placer.free:
        spec = _with_note(spec, FREE_NOTE.format(pages=MAX_BREAKS + 1))
        heights[rows] = heights[rows + 1] = ROW
        placer.put(list(range(rows, rows + 2)))
    titles = _print_titles(tables, placer, rows)
    return _rebuild(spec, tables, placer, heights, titles, page, running_head)


FREE_NOTE = ("※ 인쇄: 엑셀이 정할 수 있는 쪽 나눔은 {pages:,}쪽까지라 그 뒤의 쪽은 엑셀이 나누며 "
             "머리행이 반복되지 않습니다.")


def _with_note(spec: SheetSpec, text: str) -> SheetSpec:
    """spec with a one-line note two rows below its last row."""
    rows = used_rows(spec)
    return replace(spec, blocks=[*spec.blocks, Block(rows + 1, 0, [[text]], style="note")])


def _filled(spec: SheetSpec) -> set[int]:
    """Rows holding a block, a merge or a chart."""
    rows = {b.row + i for b in spec.blocks for i in range(b.height)}
    rows |= {r for m in spec.merges for r in range(m.first_row, m.last_row + 1)}
    for c in spec.charts:
        rows |= set(range(c.anchor[0], c.anchor[0] + math.ceil(c.size[1] * 0.75 / ROW)))
    return rows


def _glued(spec: SheetSpec, in_table: dict[int, int]) -> dict[int, int]:
    """first row -> last row of row ranges printed together (multi-row merges, charts)."""
    spans: list[tuple[int, int]] = [(m.first_row, m.last_row) for m in spec.merges
                                    if m.last_row > m.first_row]
    for c in spec.charts:
        n = math.ceil(c.size[1] * 0.75 / ROW)
        spans.append((c.anchor[0], c.anchor[0] + n - 1))
    spans = sorted(s for s in spans if not any(r in in_table for r in range(s[0], s[1] + 1)))
    out: dict[int, int] = {}
    for first, last in spans:  # merge overlapping spans
        prev = next((f for f, end in out.items() if f <= first <= end), None)
        if prev is not None:
            out[prev] = max(out[prev], last)
        else:
            out[first] = last
    return out


def _print_titles(tables: list[_Table], placer: _Placer, rows: int) -> int | None:
    """The one split table that may use print titles instead of header copies: nothing
    but blank rows follows it."""
    if len(placer.split) != 1:
        return None
    (i,) = placer.split
    return i if tables[i].body[-1] == rows - 1 else None


def _rebuild(spec: SheetSpec, tables: list[_Table], placer: _Placer, heights: dict[int, float],
             titles: int | None, page: Page, running_head: str) -> SheetSpec:
    pos: dict[int, int] = {}
    copies: list[tuple[int, int]] = []  # (table, first new row)
    breaks: list[int] = []
    new_heights: dict[int, float] = {}
    n = 0
    for kind, value in placer.order:
        if kind == "break":
            breaks.append(n)
        elif kind == "copy":
            if titles is None:
                copies.append((value, n))
                for r in tables[value].head:
                    new_heights[n] = heights[r]
                    n += 1
        else:
            pos[value] = n
            new_heights[n] = heights[value]
            n += 1
    blocks: list[Block] = []
    for b in spec.blocks:
        blocks.extend(_moved(b, pos))
    for t_index, at in copies:
        b = tables[t_index].block
        blocks.append(replace(b, row=at, values=b.values[:b.header_rows], total_rows=0,
                              new_page=False, row_styles={}, links={}))
    merges = [replace(m, first_row=pos[m.first_row], last_row=pos[m.first_row]
                      + m.last_row - m.first_row) for m in spec.merges]
    for t_index, at in copies:
        t = tables[t_index]
        for m in spec.merges:
            if t.head[0] <= m.first_row and m.last_row <= t.head[-1]:
                merges.append(replace(m, first_row=at + m.first_row - t.head[0],
                                      last_row=at + m.last_row - t.head[0]))
    charts = [_moved_chart(c, pos) for c in spec.charts]
    out = replace(spec, blocks=sorted(blocks, key=lambda b: (b.row, b.col)), merges=merges,
                  charts=charts, row_heights=new_heights, landscape=page.landscape,
                  fit_width=False, print_scale=page.scale, running_head=running_head,
                  page_breaks=breaks,
                  repeat_rows=None, autofilter=None, freeze=None)
    rows, cols = out.extent()
    out.print_area = (0, 0, max(rows - 1, 0), max(cols - 1, 0))
    if titles is not None:
        t = tables[titles]
        out.repeat_rows = (pos[t.head[0]], pos[t.head[-1]])
        if spec.autofilter and spec.autofilter[0] == t.head[-1]:
            out.autofilter = (pos[t.head[-1]], spec.autofilter[1], pos[t.body[-1]],
                              spec.autofilter[3])
    if spec.freeze and (titles is not None or not copies):
        out.freeze = (pos.get(spec.freeze[0], spec.freeze[0]), spec.freeze[1])
    return out


def _moved(b: Block, pos: dict[int, int]) -> list[Block]:
    """b at its new rows, cut where rows were pulled apart (page breaks, header copies)."""
    pieces: list[Block] = []
    start = 0
    for i in range(1, b.height + 1):
        if i == b.height or pos[b.row + i] != pos[b.row + i - 1] + 1:
            values = b.values[start:i]
            head = max(0, b.header_rows - start)
            total = max(0, b.total_rows - (b.height - i))
            pieces.append(replace(b, row=pos[b.row + start], values=values,
                                  header_rows=min(head, len(values)), total_rows=total,
                                  new_page=b.new_page and not start,
                                  row_styles={k - start: v for k, v in b.row_styles.items()
                                              if start <= k < i},
                                  links={(k - start, j): v for (k, j), v in b.links.items()
                                         if start <= k < i}))
            start = i
    return pieces


def _moved_chart(c: Chart, pos: dict[int, int]) -> Chart:
    col, first, last = c.categories
    return replace(c, categories=(col, pos[first], pos[last]),
                   series=[(name, sc, pos[f], pos[la]) for name, sc, f, la in c.series],
                   anchor=(pos.get(c.anchor[0], c.anchor[0]), c.anchor[1]))


# --- Excel's limits -----------------------------------------------------------------------


def fit_excel(spec: SheetSpec, rows_limit: int = EXCEL_ROWS,
              cols_limit: int = EXCEL_COLS) -> SheetSpec:
    """spec cut to fit Excel's sheet (with room for the header copies pagination adds): the
    longest table loses rows from its end, and a note says how many; columns past the last
    are dropped (no result sheet is built that wide; this is the guard)."""
    rows, cols = spec.extent()
    budget = int(rows_limit * 0.9)  # header copies add a few percent
    if rows <= budget and cols <= cols_limit:
        return spec
    blocks = [replace(b, values=[r[:max(cols_limit - b.col, 0)] for r in b.values])
              for b in spec.blocks if b.col < cols_limit]
    merges = [m for m in spec.merges if m.last_col < cols_limit]
    spec = replace(spec, blocks=blocks, merges=merges,
                   col_widths={c: w for c, w in spec.col_widths.items() if c < cols_limit})
    rows, _ = spec.extent()
    if rows <= budget:
        return spec
    longest = max(range(len(blocks)), key=lambda i: blocks[i].height)
    b = blocks[longest]
    cut = rows - budget + 2
    keep = b.height - cut - b.total_rows
    shown = keep - b.header_rows
    dropped = b.height - b.header_rows - b.total_rows - shown
    values = b.values[:keep] + (b.values[-b.total_rows:] if b.total_rows else [])
    below = b.row + b.height
    moved = [replace(x, row=x.row - cut + 2) if x.row >= below else x for x in blocks]
    moved[longest] = replace(b, values=values)
    note = Block(b.row + len(values), b.col, [[
        f"※ 표가 엑셀 시트 한도({rows_limit:,}행)를 넘어 {shown:,}행까지만 싣고 "
        f"{dropped:,}행은 생략했습니다. 전체는 --json 출력에 있습니다."]], style="note")
    kept_merges = [m if m.first_row < below else replace(
        m, first_row=m.first_row - cut + 2, last_row=m.last_row - cut + 2)
        for m in merges if not (b.row + len(values) - b.total_rows <= m.first_row < below)]
    return replace(spec, blocks=[*moved, note], merges=kept_merges,
                   row_heights={r: h for r, h in spec.row_heights.items() if r < b.row + keep})


__all__ = ("FOOTER_PAGES", "MARGIN_HEADER", "MARGIN_SIDE", "MARGIN_TOP", "Merge", "Page",
           "column_points", "fit_excel", "fit_widths", "page_for", "paginate", "row_heights")
