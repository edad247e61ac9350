"""Errors as data: every fault found in a workbook is an Issue, never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .privacy import mask_contact
from .schema import contact_columns

ERROR = "error"
WARNING = "warning"

# code -> Korean message template. Fields: sheet, cell, column, value and any extra kwargs.
TEMPLATES: dict[str, str] = {
    # reader
    "missing-sheet": "'{sheet}' 시트가 없습니다.",
    "empty-sheet": "'{sheet}' 시트에 머리글 행이 없습니다 (빈 시트).",
    "missing-column": "'{sheet}' 시트 머리글({row}행)에 '{column}' 열이 없습니다.",
    "duplicate-header": "{sheet}!{cell}: 머리글 '{column}'이(가) 두 번 있습니다.",
    "invalid-date": "{sheet}!{cell}: 날짜가 아닙니다 ('{value}'). 예: 2021-03-01, 2021.3.1",
    "invalid-time": "{sheet}!{cell}: 시각이 아닙니다 ('{value}'). 예: 19:00",
    "invalid-integer": "{sheet}!{cell}: 정수가 아닙니다 ('{value}').",
    "invalid-number": "{sheet}!{cell}: 숫자가 아닙니다 ('{value}').",
    "invalid-text": "{sheet}!{cell}: 글자가 아닙니다 ('{value}').",
    "error-value": "{sheet}!{cell}: 셀에 오류값 '{value}'이(가) 있습니다.",
    "formula-no-value": "{sheet}!{cell}: 수식의 계산값이 저장되어 있지 않습니다. Excel에서 저장 후 다시 실행하세요.",
    # row rules (schemas/)
    "required-value": "{sheet}!{cell}: '{column}' 값이 비어 있습니다.",
    "required-when": "{sheet}!{cell}: {reason} '{column}' 값이 필요합니다.",
    "enum-value": "{sheet}!{cell}: '{column}' 값 '{value}'은(는) 허용되지 않습니다. 허용: {allowed}",
    "out-of-range": "{sheet}!{cell}: '{column}' 값 {value}이(가) 범위({low}~{high})를 벗어났습니다.",
    "pattern-mismatch": "{sheet}!{cell}: '{column}' 값 '{value}'의 형식이 올바르지 않습니다. {hint}",
    "forbidden-value": "{sheet}!{cell}: {reason}",
    # cross-sheet rules
    "duplicate-id": "{sheet}!{cell}: '{column}' '{value}'이(가) 중복됩니다 (처음: {first}).",
    "unknown-reference": "{sheet}!{cell}: '{value}'은(는) '{target}' 시트에 없는 {column}입니다.",
    "date-order": "{sheet}!{cell}: '{column}'({value})이(가) '{other}'({other_value})보다 빠릅니다.",
    "time-order": "{sheet}!{cell}: '{column}'({value})이(가) '{other}'({other_value})보다 늦지 않습니다.",
    "duplicate-attendance": "{sheet}!{cell}: 회의 '{meeting}'에 위원 '{value}'의 출석 행이 중복됩니다 (처음: {first}).",
    "membership-outside-appointment": (
        "{sheet}!{cell}: 활동 시작일({value})이 위원 '{member}'의 해촉일({end}) 이후라서 이 활동은 "
        "어느 날에도 반영되지 않습니다. 재위촉이라면 위원 시트의 위촉일을 새 위촉일로 고치고 "
        "해촉일·해촉사유를 비우세요."
    ),
    "overlapping-rates": (
        "{sheet}!{cell}: 수당기준 기간이 {first}행과 겹칩니다 ({kind} {role} {mode})."
    ),
    "unexpected-attendance": (
        "{sheet}!{cell}: 위원 '{value}'은(는) 회의 '{meeting}' 일자에 해당 조직 위원이 아닙니다 "
        "(참석률에 반영하지 않음)."
    ),
    "missing-score": (
        "{sheet}!{cell}: 신청자 '{value}'에 심사위원 '{judge}'의 점수 행이 없습니다. 시트의 모든 "
        "심사위원이 모든 신청자를 채점해야 합니다 (빠진 점수를 뺀 평균은 내지 않습니다)."
    ),
    "inconsistent-applicant": (
        "{sheet}!{cell}: 신청자 '{applicant}'의 '{column}' 값 '{value}'이(가) {first}의 "
        "'{other}'와 다릅니다."
    ),
    "invalid-setting": "{sheet}!{cell}: 설정 '{column}' 값 '{value}'이(가) 올바르지 않습니다. {hint}",
    "missing-rate": (
        "{sheet}!{cell}: 회의 '{meeting}'({kind}, {role}, {mode}, {date})에 맞는 수당기준이 없어 "
        "지급하지 않고 '확인 필요'로 분류했습니다."
    ),
}


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    message: str
    sheet: str
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    value: Any = None
    severity: str = ERROR

    def to_json(self) -> dict[str, Any]:
        # the fields in order, as dataclasses.asdict gives them, without its deep copies
        return {"code": self.code, "message": self.message, "sheet": self.sheet,
                "row": self.row, "column": self.column, "cell": self.cell,
                "value": _jsonable(self.value), "severity": self.severity}


SHOWN_CHARS = 50  # a value quoted in a message is cut to this many characters


def shown_value(value: Any) -> Any:
    """A value as quoted in a message: white space folded, long text cut, so a message stays
    one short line (a 32,767-character cell must not make a 32 KB message)."""
    if isinstance(value, str):
        value = " ".join(value.split())
        if len(value) > SHOWN_CHARS:
            return value[:SHOWN_CHARS] + "…"
    return value


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def make_issue(
    code: str,
    sheet: str,
    *,
    row: int | None = None,
    column: str | None = None,
    cell: str | None = None,
    value: Any = None,
    severity: str = ERROR,
    **extra: Any,
) -> Issue:
    """Build an Issue with its Korean message filled from TEMPLATES[code]. A value of a
    contact column (schemas: x-contact) is masked in the message and in the Issue."""
    template = TEMPLATES[code]
    if value is not None and column is not None and column in contact_columns(sheet):
        value = mask_contact(value)
    shown = "" if value is None else shown_value(_jsonable(value))
    where = cell if cell is not None else (f"{row}행" if row is not None else "")
    message = template.format(sheet=sheet, cell=where, column=column or "", value=shown, row=row,
                              **extra)
    return Issue(code, message, sheet, row, column, cell, value, severity)


class BookError(Exception):
    """The book cannot be used at all (exit code 2). Its message is one Korean line."""

    def __init__(self, message: str, issue: Issue | None = None) -> None:
        super().__init__(message)
        self.issue = issue

    @classmethod
    def from_issue(cls, issue: Issue) -> BookError:
        return cls(issue.message, issue)
