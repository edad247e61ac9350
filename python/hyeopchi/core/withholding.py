"""기타소득 (인적용역) withholding on meeting allowances, in exact arithmetic.

Per payment: 기타소득금액 = 지급액 x (1 - 필요경비율); no tax when it is at most 과세최저한;
otherwise 소득세 = 기타소득금액 x 소득세율 and 지방소득세 = 소득세 x 지방소득세율, each cut
(truncated) to 10원. A payment is one attendance (과세단위 회의) or a person's month (월).
Rates and threshold come from 설정 (core.settings.Settings).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from .settings import Settings


@dataclass(frozen=True)
class Tax:
    amount: int  # 지급액 of the payment
    income: Fraction  # 기타소득금액 (exact)
    income_tax: int  # 소득세
    local_tax: int  # 지방소득세

    @property
    def taxed(self) -> bool:
        return self.income_tax > 0 or self.local_tax > 0

    @property
    def net(self) -> int:
        """실지급액."""
        return self.amount - self.income_tax - self.local_tax

    @property
    def income_won(self) -> int:
        """기타소득금액 in whole won (below 1원 dropped) for display."""
        return int(self.income)


def cut_to_10(value: Fraction | int) -> int:
    """Truncate to a multiple of 10원 (원천징수세액의 10원 미만 절사)."""
    return (int(value) // 10) * 10


def tax_on(amount: int, settings: Settings) -> Tax:
    """The withholding on one payment of `amount` won."""
    income = amount * (1 - settings.expense_rate)
    if income <= settings.tax_floor:
        return Tax(amount, income, 0, 0)
    income_tax = cut_to_10(income * settings.income_tax_rate)
    local_tax = cut_to_10(income_tax * settings.local_tax_rate)
    return Tax(amount, income, income_tax, local_tax)


def taxes_on(amounts: Iterable[int], settings: Settings) -> list[Tax]:
    """tax_on per amount, computed once per distinct amount (rates repeat)."""
    cache: dict[int, Tax] = {}
    return [cache[a] if a in cache else cache.setdefault(a, tax_on(a, settings))
            for a in amounts]


def percent(rate: Fraction) -> str:
    """3/5 -> '60%', 1/1000 -> '0.1%'."""
    value = rate * 100
    if value.denominator == 1:
        return f"{value.numerator}%"
    return f"{float(value):g}%"


def rule_text(settings: Settings) -> str:
    """The rule applied, in Korean, on one line (JSON)."""
    return " ".join(rule_lines(settings))


def rule_lines(settings: Settings) -> list[str]:
    """The rule applied, in Korean, as the sheet's note lines."""
    if not settings.withhold:
        return ["원천징수: 하지 않음 (설정 원천징수 = N). 실지급액 = 지급액."]
    unit = ("회의마다 1건으로 봄" if settings.tax_unit == "회의"
            else "위원별로 한 달 지급액을 합쳐 1건으로 봄")
    return [f"원천징수: 기타소득(인적용역). 기타소득금액 = 지급액 - 필요경비"
            f"({percent(settings.expense_rate)}), 소득세 = 기타소득금액 x "
            f"{percent(settings.income_tax_rate)}, 지방소득세 = 소득세 x "
            f"{percent(settings.local_tax_rate)}, 10원 미만 절사.",
            f"과세단위 {settings.tax_unit}({unit}): 건별 기타소득금액이 "
            f"{settings.tax_floor:,}원 이하이면 과세하지 않음(과세최저한)."]
