"""SheetSpec (core/sheetspec.py) -> a sheet of the open book, through xlwings.

One `.value =` per Block and per Merge, number formats per column range, bold headers,
merges, column widths, frozen panes. Charts are drawn where the engine supports them;
xlwings' remote engine may refuse some chart calls: those charts are skipped (the
returned list names them) and the data stays on the sheet.
"""

from __future__ import annotations

import contextlib
from typing import Any

from ..core.sheetspec import Block, Chart, SheetSpec

HEADER_FILL = (217, 225, 242)
TOTAL_FILL = (242, 242, 242)
TITLE_SIZE = 14
BOLD_STYLES = {"title", "subtitle", "label", "header", "total"}


def replace_sheet(book: Any, name: str, after: Any | None = None) -> Any:
    """A fresh empty sheet `name` (an existing one is deleted first), added at the end."""
    names = [s.name for s in book.sheets]
    if name in names:
        book.sheets[name].delete()
    last = after if after is not None else book.sheets[len(book.sheets) - 1]
    return book.sheets.add(name, after=last)


def render(book: Any, spec: SheetSpec) -> tuple[Any, list[str]]:
    """Write `spec` into `book` (replacing a sheet of that name). Returns (sheet, skipped)."""
    sheet = replace_sheet(book, spec.name)
    for block in spec.blocks:
        _block(sheet, block)
    for m in spec.merges:
        rng = sheet.range((m.first_row + 1, m.first_col + 1), (m.last_row + 1, m.last_col + 1))
        rng.merge()
        first = sheet.range((m.first_row + 1, m.first_col + 1))
        if m.value is not None:
            first.value = m.value
        _style(rng, m.style)
    for col, width in sorted(spec.col_widths.items()):
        sheet.range((1, col + 1)).column_width = width
    for first, last, height in _runs(spec.row_heights):
        sheet.range((first + 1, 1), (last + 1, 1)).row_height = height
    skipped = [chart.title for chart in spec.charts if not _chart(sheet, chart)]
    if spec.freeze:
        _freeze(sheet, spec.freeze)
    return sheet, skipped


def _rect(values: list[list[Any]], width: int) -> list[list[Any]]:
    return [list(row) + [None] * (width - len(row)) for row in values]


def _block(sheet: Any, block: Block) -> None:
    if not block.values or not block.width:
        return
    top, left = block.row + 1, block.col + 1
    bottom, right = top + block.height - 1, left + block.width - 1
    sheet.range((top, left)).value = _rect(block.values, block.width)
    body_top = top + block.header_rows
    body_bottom = bottom - block.total_rows
    if block.style != "cell":
        _style(sheet.range((top, left), (bottom, right)), block.style)
    if block.header_rows:
        _style(sheet.range((top, left), (body_top - 1, right)), "header")
    if block.total_rows:
        _style(sheet.range((body_bottom + 1, left), (bottom, right)), "total")
    if body_top <= bottom:
        for offset, fmt in sorted(block.number_formats.items()):
            sheet.range((body_top, left + offset), (bottom, left + offset)).number_format = fmt


def _style(rng: Any, style: str) -> None:
    if style in BOLD_STYLES:
        rng.font.bold = True
    if style == "title":
        rng.font.size = TITLE_SIZE
    elif style == "header":
        rng.color = HEADER_FILL
    elif style == "total":
        rng.color = TOTAL_FILL
    elif style == "note":
        rng.font.color = (89, 89, 89)
    elif style == "wrap":
        rng.wrap_text = True


def _runs(heights: dict[int, float]) -> list[tuple[int, int, float]]:
    """Consecutive rows of equal height as (first, last, height): one call per run."""
    runs: list[tuple[int, int, float]] = []
    for row, height in sorted(heights.items()):
        if runs and runs[-1][1] == row - 1 and runs[-1][2] == height:
            runs[-1] = (runs[-1][0], row, height)
        else:
            runs.append((row, row, height))
    return runs


def _chart(sheet: Any, chart: Chart) -> bool:
    kinds = {"column": "column_clustered", "bar": "bar_clustered", "pie": "pie"}
    col, first, last = chart.categories
    cols = [col, *(s[1] for s in chart.series)]
    rows = [first, last, *(s[2] for s in chart.series), *(s[3] for s in chart.series)]
    try:
        anchor = sheet.range((chart.anchor[0] + 1, chart.anchor[1] + 1))
        obj = sheet.charts.add(anchor.left, anchor.top, chart.size[0] * 0.75,
                               chart.size[1] * 0.75)
        obj.chart_type = kinds.get(chart.kind, "column_clustered")
        obj.set_source_data(sheet.range((min(rows) + 1, min(cols) + 1),
                                        (max(rows) + 1, max(cols) + 1)))
    except (NotImplementedError, AttributeError, TypeError, KeyError):
        return False
    return True


def _freeze(sheet: Any, at: tuple[int, int]) -> None:
    # Frozen panes only ease reading: an engine without them (xlwings' remote engine) shows the
    # same data unfrozen, so there is nothing to report.
    with contextlib.suppress(NotImplementedError, AttributeError):
        sheet.freeze_panes.freeze_at(sheet.range((at[0] + 1, at[1] + 1)).address)
