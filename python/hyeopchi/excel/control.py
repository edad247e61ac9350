"""The 실행 (control) sheet: labelled input cells found by their label text, and the status cell.

A label is a cell whose text is the label (spaces, width and a trailing ':' ignored); its
value is the first cell to the right of it. Labels may be moved anywhere on the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.values import header_key, is_blank
from ..jobs import JOBS
from ..jobs.catalog import BODY_TYPE, DAY, MASK, MONTH, PERIOD_END, PERIOD_START, SEATS
from .grid import edge_value

SHEET = "실행"
STATUS = "상태"
# every input label some job reads, in the catalog's order
LABELS: tuple[str, ...] = tuple(dict.fromkeys(
    f.spec.label for job in JOBS.values() for f in job.fields() if f.spec.label))
__all__ = ["BODY_TYPE", "DAY", "LABELS", "MASK", "MONTH", "PERIOD_END", "PERIOD_START", "SEATS",
           "SHEET", "STATUS", "Control", "find_labels", "read_control"]


def _key(text: Any) -> str:
    return header_key(text).rstrip(":：") if isinstance(text, str) else ""


@dataclass
class Control:
    """The values next to each label, and where they are (0-based row, col of the value).
    Values stay raw: a job's options parse them (jobs/options.py), as they parse CLI text."""

    values: dict[str, Any]
    cells: dict[str, tuple[int, int]]

    def text(self, label: str) -> str | None:
        value = self.values.get(label)
        return None if is_blank(value) else str(value).strip()


def find_labels(grid: list[list[Any]], labels: tuple[str, ...] = (*LABELS, STATUS)) -> Control:
    wanted = {_key(label): label for label in labels}
    values: dict[str, Any] = {}
    cells: dict[str, tuple[int, int]] = {}
    for i, row in enumerate(grid):
        for j, text in enumerate(row):
            label = wanted.get(_key(text))
            if label is None or label in cells:
                continue
            cells[label] = (i, j + 1)
            values[label] = edge_value(row[j + 1]) if j + 1 < len(row) else None
    return Control(values, cells)


def read_control(book: Any) -> tuple[Control, Any | None]:
    """The control values and the 실행 sheet (None when the book has none)."""
    names = [s.name for s in book.sheets]
    if SHEET not in names:
        return Control({}, {}), None
    sheet = book.sheets[SHEET]
    rng = sheet.used_range
    grid = rng.options(ndim=2).value or [[]]
    control = find_labels(grid)
    r0, c0 = rng.row - 1, rng.column - 1
    control.cells = {k: (r + r0, c + c0) for k, (r, c) in control.cells.items()}
    return control, sheet
