"""Where the Excel side deliberately goes on when the engine lacks a feature (issue 10, fail
closed: every suppressed error has a reason and a test of its path).

- marks.clear_marks: an engine without notes (xlwings' remote engine) still gets its fills
  cleared; on one with notes, only hyeopchi's own notes are deleted.
(The result sheets' frozen panes no longer have a fallback: they come with the rendered sheet
that desktop Excel copies in, issue 11.)
Plain stand-ins for xlwings objects, so the paths run without an engine.
"""

from __future__ import annotations

from typing import Any

from hyeopchi.excel import marks


class Note:
    def __init__(self, text: str) -> None:
        self.text, self.deleted = text, False

    def delete(self) -> None:
        self.deleted = True


class Range:
    def __init__(self, note: Note | None = None, notes: bool = True) -> None:
        self.color: Any = (255, 199, 206)
        self._note, self._notes = note, notes

    @property
    def note(self) -> Note | None:
        if not self._notes:
            raise NotImplementedError("remote engine: no notes")
        return self._note


class Sheet:
    def __init__(self, name: str, cells: dict[str, Range]) -> None:
        self.name, self.cells = name, cells

    def range(self, cell: str) -> Range:
        return self.cells[cell]


class Book:
    def __init__(self, *sheets: Sheet) -> None:
        self.sheets = _Sheets(sheets)


class _Sheets(list[Sheet]):
    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return super().__getitem__(key)


def test_clear_marks_without_notes_still_clears_the_fills() -> None:
    d2, d3 = Range(notes=False), Range(notes=False)
    marks.clear_marks(Book(Sheet("위원", {"D2": d2, "D3": d3})), [("위원", "D2"), ("위원", "D3")])
    assert (d2.color, d3.color) == (None, None)


def test_clear_marks_deletes_only_hyeopchi_notes() -> None:
    ours, theirs = Note(f"{marks.NOTE_TAG} 오류"), Note("담당자 메모")
    d2, d3 = Range(ours), Range(theirs)
    marks.clear_marks(Book(Sheet("위원", {"D2": d2, "D3": d3})), [("위원", "D2"), ("위원", "D3")])
    assert (ours.deleted, theirs.deleted) == (True, False)
    assert (d2.color, d3.color) == (None, None)

