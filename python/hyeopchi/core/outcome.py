"""What every job returns: the contract's JSON, the result sheets and a Korean summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .sheetspec import SheetSpec


@dataclass
class Outcome:
    payload: dict[str, Any]
    sheets: list[SheetSpec] = field(default_factory=list)
    summary: str = ""
    exit_code: int = 0  # 0 done, 1 validation found errors (contract 3.)
