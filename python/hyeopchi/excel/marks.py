"""Validation faults shown on the input sheets: a fill on each faulty cell and a note.

Which cells were marked is read back from the previous 검증결과 sheet (its 시트 and 셀
columns), so the next run clears exactly those marks and no other formatting.
Notes need an engine that can add them (desktop Excel, Office.js); xlwings' remote
engine with the VBA client cannot, so there the message stays in 검증결과 only, where each
fault's 셀 links to the cell (drawn by the renderer, core/validate.result_sheet).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from typing import Any

from ..core.values import header_key

ERROR_FILL = (255, 199, 206)
WARNING_FILL = (255, 235, 156)
MAX_MARKS = 2000  # beyond this the 검증결과 sheet is the list; marking would be slow
NOTE_TAG = "[hyeopchi]"  # starts every note hyeopchi writes


def previous_marks(book: Any, result_sheet: str) -> list[tuple[str, str]]:
    """(sheet, cell) pairs listed in an existing result sheet."""
    if result_sheet not in [s.name for s in book.sheets]:
        return []
    grid = book.sheets[result_sheet].used_range.options(ndim=2).value or []
    for i, row in enumerate(grid):
        keys = [header_key(v) if isinstance(v, str) else "" for v in row]
        if "시트" in keys and "셀" in keys:
            js, jc = keys.index("시트"), keys.index("셀")
            return [(str(r[js]), str(r[jc])) for r in grid[i + 1:]
                    if len(r) > max(js, jc) and r[js] and r[jc]]
    return []


def clear_marks(book: Any, cells: list[tuple[str, str]]) -> None:
    names = {s.name for s in book.sheets}
    for sheet, cell in dict.fromkeys(cells):
        if sheet not in names:
            continue
        rng = book.sheets[sheet].range(cell)
        rng.color = None
        # An engine without notes (xlwings' remote engine) never wrote one here: the fill,
        # the mark that engine did write, is cleared above, so there is nothing left to undo.
        with contextlib.suppress(NotImplementedError, AttributeError):
            note = rng.note
            if note is not None and _ours(note):
                note.delete()


def _ours(note: Any) -> bool:
    """Whether a note was written by hyeopchi (unknown text counts as ours: we only look at
    cells we marked, and never write over someone else's note)."""
    try:
        return str(note.text).startswith(NOTE_TAG)
    except NotImplementedError:
        return True


def mark_issues(book: Any, issues: list[dict[str, Any]]) -> tuple[int, bool]:
    """Fill and annotate each faulty cell. Returns (cells marked, whether notes were added)."""
    names = {s.name for s in book.sheets}
    by_cell: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for issue in issues:
        if issue.get("sheet") in names and issue.get("cell"):
            by_cell[(issue["sheet"], issue["cell"])].append(issue)
    notes_ok = True
    marked = 0
    for (sheet, cell), found in list(by_cell.items())[:MAX_MARKS]:
        rng = book.sheets[sheet].range(cell)
        is_error = any(i.get("severity", "error") == "error" for i in found)
        rng.color = ERROR_FILL if is_error else WARNING_FILL
        marked += 1
        if notes_ok:
            notes_ok = _note(rng, "\n".join(f"{NOTE_TAG} {i['message']}" for i in found))
    return marked, notes_ok


def _note(rng: Any, text: str) -> bool:
    try:
        note = rng.note
        if note is not None:
            if not _ours(note):
                return True  # the staff's own note stays; the message is in 검증결과
            note.delete()
        rng.add_note(text)
    except (NotImplementedError, AttributeError):
        return False
    return True

