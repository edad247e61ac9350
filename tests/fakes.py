"""A fake of desktop Excel's part (hyeopchi.excel.desktop.Desktop) for xlwings' remote engine.

Not a mock of xlwings: the same three operations the real XlwingsDesktop performs, done as far
as the remote engine can. Copying sheets in from the rendered file writes their values into
the book (the engine cannot open a second book); every other property of those sheets is in the
rendered file, which it keeps for the tests to compare with the CLI's sheets.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest


@dataclass
class Inserted:
    data: bytes  # the rendered workbook, as Excel would have opened it
    names: list[str]
    after: str | None


@dataclass
class FakeDesktop:
    inserted: list[Inserted] = field(default_factory=list)
    pdfs: list[tuple[str, Path]] = field(default_factory=list)
    status: list[str | None] = field(default_factory=list)

    def insert_sheets(self, book: Any, source: Path, names: Sequence[str],
                      after: str | None) -> None:
        data = source.read_bytes()
        self.inserted.append(Inserted(data, list(names), after))
        wb = openpyxl.load_workbook(io.BytesIO(data))
        anchor = book.sheets[after] if after else book.sheets[len(book.sheets) - 1]
        for name in names:
            sheet = book.sheets.add(name, after=anchor)
            rows = [[cell.value for cell in row] for row in wb[name].iter_rows()]
            if rows:
                sheet.range("A1").value = rows
            anchor = sheet

    def save_pdf(self, book: Any, sheet: str, target: Path) -> None:
        self.pdfs.append((sheet, target))

    def status_bar(self, book: Any, text: str | None) -> None:
        self.status.append(text)

    def rendered(self, name: str) -> bytes:
        """The file whose sheets were brought in as `name`."""
        return next(i.data for i in self.inserted if name in i.names)


def enable_remote_engine(mp: pytest.MonkeyPatch) -> None:
    """xlwings' remote engine with the noncommercial key (tests only). xlwings reads the key
    when first imported, so the remote engines are registered here if that import happened
    without it."""
    import xlwings as xw

    mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    for name in ("remote", "officejs"):
        if name not in xw.engines.engines_by_name:
            from xlwings.pro import _xlofficejs, _xlremote

            impl = {"remote": _xlremote, "officejs": _xlofficejs}[name].engine
            xw.engines.add(xw.main.Engine(impl=impl))
            mp.setattr(xw, "__pro__", True)
