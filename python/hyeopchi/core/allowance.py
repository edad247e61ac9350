"""Meeting allowances (참석수당) for one month: who is paid what, for which attendance.

Rule (contract 2.): per 출석 row with 출석 = 출석 (대리출석 never), at a meeting in the month,
for a person whose 신분 is in 수당지급신분 and who was a member of the meeting's body that
day; the 수당기준 row for the body's 유형, the person's 역할 there, the attendance's 방식
(blank = the meeting's) and the meeting's 일자. No row: not paid, listed under 확인 필요
with the reason, and a warning at the 출석 cell. With 원천징수 = Y, the 기타소득 tax per
payment or per person and month (core.withholding).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .issues import WARNING, Issue
from .outcome import Outcome
from .pagelayout import fit_widths, paginate, running_head
from .paid import PAID_COLUMNS, paid_columns
from .privacy import mask_name
from .rates import RateIndex, allowance_for, rates_from_frame
from .settings import WITHHOLDING_KEYS, Settings, read_settings
from .sheetspec import DATE, INT, KRW, Block, Merge, SheetSpec
from .tables import Book
from .validate import Report, date_order, overlapping_rates, result_sheet, sheet_errors
from .withholding import Tax, rule_lines, rule_text, taxes_on


@dataclass(frozen=True)
class Payment:
    member_id: str
    name: str
    body: str
    meeting_id: str
    date: dt.date
    mode: str
    role: str | None
    minutes: int | None
    base: int
    extra: int
    row: int  # the 출석 row

    @property
    def amount(self) -> int:
        return self.base + self.extra

    def to_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "meeting_id": self.meeting_id,
                "date": self.date.isoformat(), "mode": self.mode, "base": self.base,
                "extra": self.extra, "amount": self.amount, "name": self.name,
                "body": self.body, "role": self.role, "minutes": self.minutes,
                "row": self.row}


def paid_attendances(book: Book, year: int, month: int, settings: Settings,
                     rates: RateIndex) -> tuple[list[Payment], list[Issue]]:
    """Every paid attendance of the month, ordered by date, meeting and 출석 row (one object
    each: for callers that want them; the job itself works on paid_columns)."""
    paid, issues = paid_columns(book, year, month, settings, rates)
    c = _lists(paid)
    fields = [c[f] for f in PAID_COLUMNS if f != "amount"]
    return [Payment(*values) for values in zip(*fields, strict=True)], issues


def _lists(paid: dict[str, Any]) -> dict[str, list[Any]]:
    """Plain Python values (int, not numpy.int64) per column."""
    return {c: paid[c].tolist() for c in PAID_COLUMNS}


def rate_errors(book: Book) -> list[Issue]:
    """Errors of the 수당기준 sheet: with any of them no amount can be trusted."""
    return sheet_errors(book, "수당기준",
                        lambda b: date_order(b, ("수당기준",)), overlapping_rates)


@dataclass(frozen=True)
class PersonTotal:
    """One person's month: 지급액 and what is withheld from it."""

    name: str
    member_id: str
    payments: int  # 건수
    amount: int  # 지급액
    income: int | None = None  # 기타소득금액 (과세단위 월 only: the month is one payment)
    income_tax: int = 0
    local_tax: int = 0

    @property
    def net(self) -> int:
        """실지급액."""
        return self.amount - self.income_tax - self.local_tax

    def to_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "name": self.name, "payments": self.payments,
                "amount": self.amount, "income": self.income, "income_tax": self.income_tax,
                "local_tax": self.local_tax, "net": self.net}


def allowance_job(book: Book, year: int, month: int, *, mask: bool = False) -> Outcome:
    """The month's payment list: payments, 위원별 합계 (with withholding when 원천징수 = Y)
    and the attendances no 수당기준 row matched (확인 필요, never among the payments).
    `mask` hides the middle of every 성명, on the sheet and in the JSON."""
    book.require("위원", "조직", "활동", "회의", "출석", "수당기준")
    label = f"{year:04d}-{month:02d}"
    settings, setting_issues = read_settings(book)
    errors = rate_errors(book)
    tax_errors = _withholding_errors(book, settings, setting_issues)
    if errors or tax_errors:
        return _refused(book, label, errors, tax_errors)
    rates = rates_from_frame(book.df("수당기준"))
    paid, warnings = paid_columns(book, year, month, settings, rates)
    if mask:
        paid["name"] = np.array([mask_name(n) for n in paid["name"]], dtype=object)
    found = paid["found"]
    columns = _lists({c: paid[c][found] for c in PAID_COLUMNS})
    held = _lists({c: paid[c][~found] for c in PAID_COLUMNS})
    held["kind"] = paid["kind"][~found].tolist()
    row_taxes, people = _withheld(columns, settings)
    rows = _json_rows(columns, row_taxes)
    by_member = {p.member_id: p.amount for p in people}
    total = sum(by_member.values())
    fallbacks = [replace(i, severity=WARNING) for i in setting_issues]  # defaults were used
    payload = {"month": label, "rows": rows, "by_member": by_member, "total": total,
               "names": {p.member_id: p.name for p in people},
               "persons": len(people), "payments": len(rows),
               "members": [p.to_json() for p in people],
               "withholding": _withholding_json(settings),
               "income_tax": sum(p.income_tax for p in people),
               "local_tax": sum(p.local_tax for p in people),
               "net": sum(p.net for p in people),
               "unmatched": _unmatched_json(held, warnings),
               "errors": [], "warnings": [w.to_json() for w in [*fallbacks, *warnings]]}
    summary = (f"{year}년 {month}월 참석수당: {len(rows)}건, {len(by_member)}명, "
               f"합계 {total:,}원")
    if settings.withhold:
        summary += (f" (원천징수 소득세 {payload['income_tax']:,}원, 지방소득세 "
                    f"{payload['local_tax']:,}원, 실지급액 {payload['net']:,}원)")
    if warnings:
        summary += f"\n확인 필요 {len(warnings)}건 (맞는 수당기준이 없어 지급 명세에서 뺌)"
        summary += "".join(f"\n  {w.message}" for w in warnings)
    for w in fallbacks:
        summary += f"\n경고: {w.message} (기본값을 사용했습니다)"
    return Outcome(payload, lambda: [_statement(columns, people, held, row_taxes, year, month,
                                                settings, mask)], summary)


def _withholding_errors(book: Book, settings: Settings, setting_issues: list[Issue]
                        ) -> list[Issue]:
    """Bad 원천징수 settings when tax is to be withheld (원천징수 = Y, or 원천징수 itself
    unreadable): then no payment list rather than one with the wrong tax."""
    if not setting_issues:
        return []
    keys = book.df("설정")["항목"]
    ours = [i for i in setting_issues if keys.get(i.row) in WITHHOLDING_KEYS]
    asked = settings.withhold or any(keys.get(i.row) == "원천징수" for i in ours)
    return ours if asked else []


def _refused(book: Book, label: str, errors: list[Issue], tax_errors: list[Issue]) -> Outcome:
    parts = []
    if errors:
        parts.append(f"수당기준 시트에 오류 {len(errors)}건")
    if tax_errors:
        parts.append(f"설정 시트의 원천징수 항목에 오류 {len(tax_errors)}건")
    faults = [*errors, *tax_errors]
    summary = (f"{', '.join(parts)}이 있어 수당을 계산하지 않았습니다."
               + "".join(f"\n  {e.message}" for e in faults))
    payload = {"month": label, "rows": [], "by_member": {}, "total": 0,
               "errors": [e.to_json() for e in faults], "warnings": []}
    return Outcome(payload, [result_sheet(Report(errors=faults), book.source)], summary,
                   exit_code=1)


def _withheld(c: dict[str, list[Any]], settings: Settings
              ) -> tuple[list[Tax] | None, list[PersonTotal]]:
    """The tax per payment row (과세단위 회의; else None) and each person's month."""
    people = [PersonTotal(name, member, count, amount)
              for name, member, count, amount in _per_member(c)]
    if not settings.withhold:
        return None, people
    if settings.tax_unit == "월":
        taxes = taxes_on((p.amount for p in people), settings)
        return None, [replace(p, income=t.income_won, income_tax=t.income_tax,
                              local_tax=t.local_tax) for p, t in zip(people, taxes, strict=True)]
    row_taxes = taxes_on(c["amount"], settings)
    sums: dict[str, list[int]] = {}
    for member, t in zip(c["member_id"], row_taxes, strict=True):
        s = sums.setdefault(member, [0, 0])
        s[0] += t.income_tax
        s[1] += t.local_tax
    return row_taxes, [replace(p, income_tax=sums[p.member_id][0],
                               local_tax=sums[p.member_id][1]) for p in people]


def _withholding_json(settings: Settings) -> dict[str, Any]:
    return {"applied": settings.withhold, "unit": settings.tax_unit,
            "expense_rate": float(settings.expense_rate),
            "income_tax_rate": float(settings.income_tax_rate),
            "local_tax_rate": float(settings.local_tax_rate),
            "tax_floor": settings.tax_floor, "rule": rule_text(settings)}


def _json_rows(c: dict[str, list[Any]], taxes: list[Tax] | None) -> list[dict[str, Any]]:
    """Payment.to_json of every row, built column-wise (dates formatted once per day); with
    withholding per meeting also each row's 기타소득금액, 소득세, 지방소득세 and 실지급액."""
    iso = {d: d.isoformat() for d in set(c["date"])}
    rows = [{"member_id": m, "meeting_id": g, "date": iso[d], "mode": mode, "base": b,
             "extra": e, "amount": a, "name": n, "body": body, "role": r, "minutes": mi,
             "row": row}
            for m, g, d, mode, b, e, a, n, body, r, mi, row in zip(
                c["member_id"], c["meeting_id"], c["date"], c["mode"], c["base"], c["extra"],
                c["amount"], c["name"], c["body"], c["role"], c["minutes"], c["row"],
                strict=True)]
    if taxes is not None:
        for row, t in zip(rows, taxes, strict=True):
            row.update(income=t.income_won, income_tax=t.income_tax, local_tax=t.local_tax,
                       net=t.net)
    return rows


def unmatched_reason(kind: str | None, role: str | None, mode: str | None,
                     day: dt.date) -> str:
    """Why an attendance is not paid: the 수당기준 key that found no row."""
    return (f"수당기준 없음: {kind or '유형 없음'} · {role or '역할 없음'} · "
            f"{mode or '방식 없음'} ({day.isoformat()} 적용 행 없음)")


def short_reason(kind: str | None, role: str | None, mode: str | None) -> str:
    """unmatched_reason without the date (the sheet shows 일자 in its own column)."""
    return (f"{kind or '유형 없음'} · {role or '역할 없음'} · {mode or '방식 없음'}에 맞는 "
            f"수당기준 없음")


def _unmatched_json(held: dict[str, list[Any]], warnings: list[Issue]) -> list[dict[str, Any]]:
    """The 확인 필요 attendances (their warnings are in the same order)."""
    return [{"member_id": m, "name": n, "meeting_id": g, "date": d.isoformat(), "mode": mode,
             "role": r, "body": body, "kind": k, "row": row, "cell": w.cell,
             "reason": unmatched_reason(k, r, mode, d)}
            for m, n, g, d, mode, r, body, k, row, w in zip(
                held["member_id"], held["name"], held["meeting_id"], held["date"],
                held["mode"], held["role"], held["body"], held["kind"], held["row"], warnings,
                strict=True)]


HEADERS = ["번호", "성명", "위원ID", "조직", "회의ID", "일자", "방식", "회의시간(분)", "기본료",
           "초과수당", "지급액"]
TAX_HEADERS = ["기타소득금액", "소득세", "지방소득세", "실지급액"]
UNMATCHED_HEADERS = ["번호", "성명", "위원ID", "조직", "회의ID", "일자", "방식", "역할", "사유"]


def allowance_sheet(payments: list[Payment], year: int, month: int,
                    settings: Settings) -> SheetSpec:
    """`수당지급_YYYY-MM` of these payments (all matched). Never 연락처 or bank details."""
    columns: dict[str, list[Any]] = {c: [] for c in PAID_COLUMNS}
    for p in payments:
        for c in PAID_COLUMNS:
            columns[c].append(p.amount if c == "amount" else getattr(p, c))
    row_taxes, people = _withheld(columns, settings)
    held: dict[str, list[Any]] = {c: [] for c in (*PAID_COLUMNS, "kind")}
    return _statement(columns, people, held, row_taxes, year, month, settings, False)


def _per_member(paid: dict[str, Any]) -> list[list[Any]]:
    """[성명, 위원ID, 건수, 합계] per member in order of first payment (성명 of the first)."""
    member_ids = np.asarray(paid["member_id"], dtype=object)
    codes, members = pd.factorize(member_ids)
    if not len(members):
        return []
    first = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy(bool))
    counts = np.bincount(codes, minlength=len(members)).tolist()
    sums = pd.Series(np.asarray(paid["amount"], dtype="int64")).groupby(codes).sum().tolist()
    names = np.asarray(paid["name"], dtype=object)[first].tolist()
    return [list(e) for e in zip(names, members.tolist(), counts, sums, strict=True)]


def _statement(c: dict[str, list[Any]], people: list[PersonTotal], held: dict[str, list[Any]],
               row_taxes: list[Tax] | None, year: int, month: int, settings: Settings,
               mask: bool) -> SheetSpec:
    """The printable statement: title and 결재란, a one-line summary, 1. 지급 명세,
    2. 위원별 지급 합계 (with withholding), 3. 확인 필요, then the notes."""
    per_row = row_taxes is not None
    monthly = settings.withhold and not per_row
    headers = [*HEADERS, *(TAX_HEADERS if per_row else [])]
    width = len(headers)
    line = list(settings.approval_line)
    box_col = width - len(line)
    title = f"{year}년 {month}월 협치위원회 참석수당 지급 명세"
    merges = [Merge(0, 0, 0, box_col - 2, title, style="title")]
    blocks = [Block(1, 0, [[f"{settings.org_name} {settings.department}"]], style="label")]
    # 결재란 (approval box) at the top right.
    blocks.append(Block(0, box_col, [line], header_rows=1))
    blocks.append(Block(1, box_col, [[None] * len(line)], style="box"))

    count, paid, persons = len(c["amount"]), sum(c["amount"]), len(people)
    income_tax = sum(p.income_tax for p in people)
    local_tax = sum(p.local_tax for p in people)
    summary = f"지급 인원 {persons:,}명 · 지급 건수 {count:,}건 · 지급액 합계 {paid:,}원"
    if settings.withhold:
        summary += (f" · 소득세 {income_tax:,}원 · 지방소득세 {local_tax:,}원 · "
                    f"실지급액 {paid - income_tax - local_tax:,}원")
    held_count = len(held["member_id"])
    summary += f" · 확인 필요 {held_count:,}건" + (" (3. 참조)" if held_count else "")
    blocks.append(Block(2, 0, [[summary]], style="label"))

    # 1. 지급 명세
    row = 4
    blocks.append(Block(row, 0, [["1. 지급 명세"]], style="subtitle"))
    body = list(map(list, zip(range(1, count + 1), c["name"], c["member_id"], c["body"],
                              c["meeting_id"], c["date"], c["mode"], c["minutes"], c["base"],
                              c["extra"], c["amount"], strict=True)))
    total = ["합계", f"{persons:,}명", f"{count:,}건", None, None, None, None, None,
             sum(c["base"]), sum(c["extra"]), paid]
    formats = {5: DATE, 7: INT, 8: KRW, 9: KRW, 10: KRW}
    if row_taxes is not None:
        for r, t in zip(body, row_taxes, strict=True):
            r += [t.income_won, t.income_tax, t.local_tax, t.net]
        total += [sum(t.income_won for t in row_taxes), income_tax, local_tax,
                  paid - income_tax - local_tax]
        formats.update({11: KRW, 12: KRW, 13: KRW, 14: KRW})
    detail_header = row + 1
    blocks.append(Block(detail_header, 0, [headers, *body, total], header_rows=1,
                        total_rows=1, number_formats=formats, wrap=frozenset({3})))
    row = detail_header + len(body) + 2
    if not count:
        blocks.append(Block(row, 0, [["이 달에 지급할 참석수당이 없습니다."]], style="note"))
        row += 1
    row += 1

    # 2. 위원별 지급 합계
    if people:
        subtitle = "2. 위원별 지급 합계" + (" 및 원천징수" if settings.withhold else "")
        blocks.append(Block(row, 0, [[subtitle]], style="subtitle"))
        head = ["번호", "성명", "위원ID", "건수", "지급액"]
        if monthly:
            head.append("기타소득금액")
        head += ["소득세", "지방소득세", "실지급액"]
        ordered = sorted(people, key=lambda p: (p.name, p.member_id))
        lines = []
        for i, p in enumerate(ordered, start=1):
            lines.append([i, p.name, p.member_id, p.payments, p.amount,
                          *([p.income] if monthly else []), p.income_tax, p.local_tax, p.net])
        totals = ["합계", f"{persons:,}명", None, count, paid,
                  *([sum(p.income or 0 for p in people)] if monthly else []),
                  income_tax, local_tax, paid - income_tax - local_tax]
        money = {3: INT, **{j: KRW for j in range(4, len(head))}}
        blocks.append(Block(row + 1, 0, [head, *lines, totals], header_rows=1, total_rows=1,
                            number_formats=money))
        row += 1 + len(lines) + 2 + 1

    # 3. 확인 필요: attendances no 수당기준 row matched (not paid, not in any total)
    if held_count:
        blocks.append(Block(row, 0, [[f"3. 확인 필요 ({held_count:,}건: 지급 명세와 합계에 "
                                      "넣지 않음)"]], style="subtitle"))
        lines = [[i, n, m, body_name, g, d, mode, r]
                 for i, (n, m, body_name, g, d, mode, r) in enumerate(zip(
                     held["name"], held["member_id"], held["body"], held["meeting_id"],
                     held["date"], held["mode"], held["role"], strict=True), start=1)]
        blocks.append(Block(row + 1, 0, [UNMATCHED_HEADERS[:-1], *lines], header_rows=1,
                            number_formats={5: DATE}))
        # 사유 spans the rest of the width (a long text must not run past the border).
        reason_col = len(UNMATCHED_HEADERS) - 1
        merges.append(Merge(row + 1, reason_col, row + 1, width - 1, UNMATCHED_HEADERS[-1],
                            style="header"))
        for j, (k, r, mode) in enumerate(zip(held["kind"], held["role"], held["mode"],
                                             strict=True), start=row + 2):
            merges.append(Merge(j, reason_col, j, width - 1, short_reason(k, r, mode)))
        row += 1 + len(lines) + 2

    notes = ["지급액 = 기본료 + 초과수당 (회의시간이 수당기준의 초과기준분 이상일 때). "
             "대리출석은 지급하지 않습니다.",
             *rule_lines(settings)]
    if held_count:
        notes.append("확인 필요: 맞는 수당기준 행이 없는 출석입니다. 수당기준 시트에 행을 넣고 "
                     "다시 계산하세요.")
    if mask:
        notes.append("성명은 가운데 글자를 가렸습니다.")
    blocks.append(Block(row, 0, [[n] for n in notes], style="note"))
    spec = SheetSpec(name=f"수당지급_{year:04d}-{month:02d}", blocks=blocks, merges=merges,
                     row_heights={1: 30.0})  # room to sign in the 결재란
    spec.col_widths = fit_widths(spec, hi=20)
    return paginate(spec, running_head(settings, f"지급월 {year}년 {month}월"))


__all__ = ("Payment", "PersonTotal", "allowance_for", "allowance_job", "allowance_sheet",
           "paid_attendances", "paid_columns")
