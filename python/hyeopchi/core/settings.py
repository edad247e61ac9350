"""The 설정 sheet (항목 | 값), with the contract's defaults for anything not given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from .issues import Issue
from .tables import Book
from .values import fold, parse_integer
from .vocabulary import BODY_TYPES, STATUSES

TAX_UNITS = ("회의", "월")  # 과세단위: each meeting a payment, or one per person per month
# The 기타소득 withholding keys: with 원천징수 = Y a bad one stops the payment list.
WITHHOLDING_KEYS = ("원천징수", "필요경비율", "소득세율", "지방소득세율", "과세최저한", "과세단위")


@dataclass(frozen=True)
class Settings:
    org_name: str = "서대문구"
    department: str = "민관협치과"
    approval_line: tuple[str, ...] = ("담당", "팀장", "과장")
    paid_statuses: frozenset[str] = frozenset({"민간"})
    proxy_counts: bool = True
    evaluated_types: tuple[str, ...] = ("협치회의", "운영위원회", "분과위원회", "워킹그룹")
    # 기타소득 (인적용역) withholding on allowances (소득세법 제21조, 제37조, 제84조, 제129조)
    withhold: bool = False
    expense_rate: Fraction = Fraction(3, 5)  # 필요경비율
    income_tax_rate: Fraction = Fraction(1, 5)  # 소득세율, of the 기타소득금액
    local_tax_rate: Fraction = Fraction(1, 10)  # 지방소득세율, of the 소득세
    tax_floor: int = 50000  # 과세최저한: a payment's 기타소득금액 at most this is not taxed
    tax_unit: str = "회의"  # 과세단위
    # the governance review (core/review.py)
    gender_types: tuple[str, ...] = ("협치회의", "운영위원회", "분과위원회")
    gender_cap: Fraction = Fraction(3, 5)
    absence_limit: int = 3
    overlap_limit: int | None = None
    candidate_min_bodies: int = 2
    candidate_min_rate: Fraction = Fraction(4, 5)


def _items(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.replace("\uff0c", ",").split(",") if x.strip())


_RATE_KEYS = {"필요경비율": "expense_rate", "소득세율": "income_tax_rate",
              "지방소득세율": "local_tax_rate"}
_FLAGS = {"대리출석인정": "proxy_counts", "원천징수": "withhold"}  # Y/N settings
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def parse_rate(text: str) -> Fraction | None:
    """0.6, 0.60 or 60% (full-width too) -> 3/5 exactly; None unless a number from 0 to 1
    (0% to 100%)."""
    text = fold(text).replace(" ", "")
    percent = text.endswith("%")
    number = text.removesuffix("%")
    if not _NUMBER.match(number):
        return None
    rate = Fraction(number) / (100 if percent else 1)
    return rate if rate <= 1 else None


def parse_won(text: str) -> int | None:
    """50000, 50,000 or 50,000원 -> 50000; None unless a whole number of won >= 0."""
    number = fold(text).replace(",", "").replace(" ", "").removesuffix("원")
    return int(number) if number.isascii() and number.isdigit() else None


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
        elif key in _FLAGS:
            flag = text.upper()
            if flag in ("Y", "N"):
                values[_FLAGS[key]] = flag == "Y"
            elif text:
                bad(row, key, text, "Y 또는 N")
        elif key == "평가대상유형":
            items = _items(text)
            wrong = [x for x in items if x not in BODY_TYPES]
            if wrong:
                bad(row, key, text, "허용: " + ", ".join(BODY_TYPES))
            elif items:
                values["evaluated_types"] = items
        elif key in _RATE_KEYS:
            rate = parse_rate(text) if text else None
            if rate is not None:
                values[_RATE_KEYS[key]] = rate
            elif text:
                bad(row, key, text, "0과 1 사이의 비율 (예: 0.6 또는 60%)")
        elif key == "과세최저한":
            won = parse_won(text) if text else None
            if won is not None:
                values["tax_floor"] = won
            elif text:
                bad(row, key, text, "0 이상의 원 단위 정수 (예: 50000)")
        elif key == "과세단위":
            if text in TAX_UNITS:
                values["tax_unit"] = text
            elif text:
                bad(row, key, text, "허용: " + ", ".join(TAX_UNITS))
        elif key in REVIEW_KEYS:
            try:
                parsed = _review_value(key, text)
            except ValueError as exc:
                bad(row, key, text, str(exc))
            else:
                if parsed is not None or key == "겸직상한":
                    values[REVIEW_KEYS[key]] = parsed
    return Settings(**values), issues  # type: ignore[arg-type]


# 설정 항목 of the governance review -> Settings field
REVIEW_KEYS = {"성별균형대상유형": "gender_types", "성별상한": "gender_cap",
               "연속불참기준": "absence_limit", "겸직상한": "overlap_limit",
               "우수위원최소활동": "candidate_min_bodies",
               "우수위원최소참석률": "candidate_min_rate"}


def _review_value(key: str, text: str) -> object:
    """A review setting's value; None for blank (겸직상한 blank = no limit, others: default).
    ValueError's text is the Korean hint."""
    if not text:
        return None
    if key == "성별균형대상유형":
        items = _items(text)
        if not items or any(x not in BODY_TYPES for x in items):
            raise ValueError("허용: " + ", ".join(BODY_TYPES))
        return items
    if key in ("성별상한", "우수위원최소참석률"):
        low = Fraction(1, 2) if key == "성별상한" else Fraction(0)
        share = parse_rate(text)
        if share is None or not low <= share <= 1:
            hint = ("0.5~1 사이의 비율 (예: 0.6 또는 60%)" if low
                    else "0~1 사이의 비율 (예: 0.8 또는 80%)")
            raise ValueError(hint)
        return share
    try:
        number = parse_integer(text)
    except ValueError:
        number = 0
    if number < 1:
        hint = "1 이상의 정수" + (" (비우면 제한 없음)" if key == "겸직상한" else "")
        raise ValueError(hint)
    return number

