"""Result sheets into the calling book, drawn by the one renderer the CLI uses.

The specs are rendered by io/render_xlsx.render_bytes, the very bytes the CLI grafts into a
book, into a private file; desktop Excel copies its sheets into the calling book (Sheet.copy
keeps every property), so no property of a result sheet depends on the shell that made it.
A job made for 전자결재 (report, allowance) is also saved beside the book as its own .xlsx
(the same renderer) and as a PDF printed by Excel.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.sheetspec import SheetSpec
from ..io.render_xlsx import render_bytes, with_safe_names, write_workbook
from .desktop import Desktop


@dataclass
class Saved:
    files: list[Path] = field(default_factory=list)
    folder: Path | None = None  # None: the book has no folder yet (never saved)


def insert_results(book: Any, specs: Sequence[SheetSpec], desktop: Desktop) -> list[str]:
    """Put the specs' sheets into `book`, each replacing a sheet of its name at its position
    (new ones at the end). Returns the sheet names."""
    named = with_safe_names(specs)
    if not named:
        return []
    names = [s.name for s in named]
    existing = [s.name for s in book.sheets]
    folded = {n.casefold() for n in names}
    old = [n for n in existing if n.casefold() in folded]
    after: str | None = None
    if old:  # the first replaced sheet's place: after its left neighbour (else at the end)
        keep = [n for n in existing[:existing.index(old[0])] if n.casefold() not in folded]
        after = keep[-1] if keep else None
    with tempfile.TemporaryDirectory(prefix="hyeopchi-") as tmp:
        # a unique name: Excel cannot open two books of the same name at once
        source = Path(tmp) / f"hyeopchi-{uuid.uuid4().hex[:12]}.xlsx"
        source.write_bytes(render_bytes(named))
        # The old sheets step aside under a temporary name and go only once the new ones
        # are in: a failed copy leaves the book as it was.
        aside = {name: f"~hyeopchi{i}" for i, name in enumerate(old)}
        for name, temporary in aside.items():
            book.sheets[name].name = temporary
        try:
            desktop.insert_sheets(book, source, names, after)
        except BaseException:
            for name, temporary in aside.items():
                book.sheets[temporary].name = name
            raise
        for temporary in aside.values():  # the 실행 sheet stays: the book keeps a sheet
            book.sheets[temporary].delete()
    return names


def book_folder(book: Any) -> Path | None:
    """The folder of the saved book, or None for a book never saved (e.g. 'Book1')."""
    try:
        full = Path(str(book.fullname))
    except (AttributeError, NotImplementedError):
        return None
    return full.parent if full.is_absolute() and full.parent.is_dir() else None


def save_documents(book: Any, specs: Sequence[SheetSpec], desktop: Desktop) -> Saved:
    """Each sheet as '<book> <sheet>.xlsx' (the one renderer) and '.pdf' (Excel) beside it."""
    folder = book_folder(book)
    if folder is None:
        return Saved()
    stem = Path(str(book.fullname)).stem
    saved = Saved(folder=folder)
    for spec in with_safe_names(specs):
        base = folder / f"{stem} {spec.name}"
        saved.files.append(write_workbook(base.with_suffix(".xlsx"), [spec]))
        pdf = base.with_suffix(".pdf")
        desktop.save_pdf(book, spec.name, pdf)
        saved.files.append(pdf)
    return saved
