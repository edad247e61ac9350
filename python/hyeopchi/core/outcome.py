"""What every job returns: the contract's JSON, the result sheets and a Korean summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .sheetspec import SheetSpec

SheetMaker = Callable[[], list[SheetSpec]]


@dataclass
class Outcome:
    """`sheets` may be given as a function that lays them out: it runs the first time they are
    asked for, so a `--json` run that writes no sheet never lays one out (on the 1,048,575-row
    book the payment list alone is about 9,600 printed pages)."""

    payload: dict[str, Any]
    make_sheets: list[SheetSpec] | SheetMaker = field(default_factory=list)
    summary: str = ""
    exit_code: int = 0  # 0 done, 1 validation found errors (contract 3.)
    _sheets: list[SheetSpec] | None = field(default=None, init=False, repr=False)

    @property
    def sheets(self) -> list[SheetSpec]:
        if self._sheets is None:
            made = self.make_sheets
            self._sheets = list(made() if callable(made) else made)
        return self._sheets
