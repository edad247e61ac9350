"""What only desktop Excel can do, behind ONE small seam.

The buttons never draw a result sheet themselves: io/render_xlsx renders it into a file with
the bytes the CLI grafts into a book, and desktop Excel brings that file's sheets into the
calling book with its own Sheet.copy, which keeps every property (values, formats, borders,
merges, widths, heights, page setup, print titles, header/footer, charts, links). It also
prints a sheet to PDF (Excel's own export) and shows progress in the status bar.

`XlwingsDesktop` does it through xlwings' desktop (COM/AppleScript) objects. The tests use a
fake with the same three methods (tests/fakes.py), since xlwings' remote engine cannot open
a second book; README says what only desktop Excel does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from ..core.issues import BookError

NOT_DESKTOP = ("이 Excel 환경에서는 결과 시트를 붙일 수 없습니다 (데스크톱 Excel에서 단추를 "
               "누르거나 명령줄의 --out을 쓰세요)")


class Desktop(Protocol):
    def insert_sheets(self, book: Any, source: Path, names: Sequence[str],
                      after: str | None) -> None:
        """Copy the sheets `names` of the workbook file `source` into `book`, in order,
        after the sheet `after` (None: at the end)."""

    def save_pdf(self, book: Any, sheet: str, target: Path) -> None:
        """Print the sheet `sheet` of `book` to the PDF file `target`."""

    def status_bar(self, book: Any, text: str | None) -> None:
        """Show `text` in Excel's status bar; None gives the bar back to Excel."""


NOT_DESKTOP_ENGINES = ("remote", "officejs", "calamine")  # xlwings engines without a desktop


def _require_desktop(book: Any) -> None:
    engine = getattr(getattr(getattr(book, "app", None), "engine", None), "name", None)
    if engine in NOT_DESKTOP_ENGINES:
        raise BookError(NOT_DESKTOP)


class XlwingsDesktop:
    """Desktop Excel through xlwings (Windows COM, or AppleScript on a Mac)."""

    def insert_sheets(self, book: Any, source: Path, names: Sequence[str],
                      after: str | None) -> None:
        _require_desktop(book)
        app = book.app
        opened = app.books.open(str(source), update_links=False, read_only=True)
        alerts = app.display_alerts
        app.display_alerts = False  # no "name already exists" prompt mid-copy
        try:
            anchor = book.sheets[after] if after else book.sheets[len(book.sheets) - 1]
            for name in names:
                anchor = opened.sheets[name].copy(after=anchor)
        finally:
            opened.close()
            app.display_alerts = alerts
        book.activate()

    def save_pdf(self, book: Any, sheet: str, target: Path) -> None:
        _require_desktop(book)
        book.sheets[sheet].to_pdf(str(target))

    def status_bar(self, book: Any, text: str | None) -> None:
        with contextlib.suppress(BookError, NotImplementedError):  # no desktop: no status bar
            _require_desktop(book)
            book.app.status_bar = text if text is not None else False
