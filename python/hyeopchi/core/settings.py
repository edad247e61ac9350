"""The 설정 sheet (항목 | 값), with the contract's defaults for anything not given."""

from __future__ import annotations

from dataclasses import dataclass

from .issues import Issue
from .tables import Book
from .vocabulary import BODY_TYPES, STATUSES


@dataclass(frozen=True)
class Settings:
    org_name: str = "서대문구"
    department: str = "민관협치과"
    approval_line: tuple[str, ...] = ("담당", "팀장", "과장")
    paid_statuses: frozenset[str] = frozenset({"민간"})
    proxy_counts: bool = True
    evaluated_types: tuple[str, ...] = ("협치회의", "운영위원회", "분과위원회", "워킹그룹")


def _items(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.replace("，", ",").split(",") if x.strip())


def read_settings(book: Book) -> tuple[Settings, list[Issue]]:
    """Settings from 설정, and an issue for each value that cannot be used."""
    if not book.has("설정"):
        return Settings(), []
    table = book.table("설정")
    values: dict[str, object] = {}
    issues: list[Issue] = []

    def bad(row: int, key: str, value: str, hint: str) -> None:
        issue = table.issue("invalid-setting", row, "값", value, hint=f"({key}) {hint}")
        issues.append(issue)

    for row, key, value in zip(table.df.index, table.df["항목"], table.df["값"], strict=True):
        if key is None:
            continue
        text = "" if value is None else str(value).strip()
        if key in ("기관명", "담당부서"):
            if text:
                values[{"기관명": "org_name", "담당부서": "department"}[key]] = text
        elif key == "결재라인":
            if text:
                values["approval_line"] = _items(text)
        elif key == "수당지급신분":
            items = _items(text)
            wrong = [x for x in items if x not in STATUSES]
            if wrong:
                bad(row, key, text, "허용: " + ", ".join(STATUSES))
            else:
                values["paid_statuses"] = frozenset(items)
        elif key == "대리출석인정":
            flag = text.upper()
            if flag in ("Y", "N"):
                values["proxy_counts"] = flag == "Y"
            elif text:
                bad(row, key, text, "Y 또는 N")
        elif key == "평가대상유형":
            items = _items(text)
            wrong = [x for x in items if x not in BODY_TYPES]
            if wrong:
                bad(row, key, text, "허용: " + ", ".join(BODY_TYPES))
            elif items:
                values["evaluated_types"] = items
    return Settings(**values), issues  # type: ignore[arg-type]
