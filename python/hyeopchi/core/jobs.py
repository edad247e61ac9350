"""What each command computes, shared by the CLI and the Excel buttons.

A job takes a Book (and its options) and returns an Outcome: the contract's JSON, the result
sheets to write, and a short Korean summary. No file or Excel access here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .sheetspec import SheetSpec
from .tables import Book
from .validate import result_sheet, validate


@dataclass
class Outcome:
    payload: dict[str, Any]
    sheets: list[SheetSpec] = field(default_factory=list)
    summary: str = ""
    exit_code: int = 0


# The sheets each job reads; the first group must exist, the second is read when present.
VALIDATE_SHEETS = ("위원", "조직", "활동", "회의", "출석", "수당기준", "설정", "평가입력", "심사")


def validate_job(book: Book) -> Outcome:
    book.require("위원", "조직", "활동")
    report = validate(book)
    summary = (f"검증 완료: 오류 {len(report.errors)}건, 경고 {len(report.warnings)}건"
               if report.errors or report.warnings else "검증 완료: 오류와 경고가 없습니다.")
    return Outcome(report.to_json(), [result_sheet(report, book.source)], summary,
                   exit_code=0 if report.ok else 1)
