"""Meeting allowances (참석수당) for one month: who is paid what, for which attendance.

Rule (contract 2.): per 출석 row with 출석 = 출석 (대리출석 never), at a meeting in the month,
for a person whose 신분 is in 수당지급신분 and who was a member of the meeting's body that
day; the 수당기준 row for the body's 유형, the person's 역할 there, the attendance's 방식
(blank = the meeting's) and the meeting's 일자. No row: 0 and a warning at the 출석 cell.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from .issues import ERROR, WARNING, Issue
from .jobs import Outcome
from .membership import expected_attendees
from .rates import RateIndex, allowance_for, minutes_between, rates_from_frame
from .schema import sheet_schema
from .settings import Settings, read_settings
from .sheetspec import DATE, INT, KRW, Block, Merge, SheetSpec
from .tables import Book
from .validate import Report, date_order, overlapping_rates, result_sheet, row_rules

ALLOWANCE_SHEETS = ("위원", "조직", "활동", "회의", "출석", "수당기준", "설정")


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


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def paid_attendances(book: Book, year: int, month: int, settings: Settings,
                     rates: RateIndex) -> tuple[list[Payment], list[Issue]]:
    """Every paid attendance of the month, ordered by date, meeting and 출석 row."""
    first, last = month_bounds(year, month)
    table = book.table("출석")
    att = table.df[["회의ID", "위원ID", "출석", "방식"]].rename(columns={"방식": "출석방식"})
    att = att[att["출석"] == "출석"].dropna(subset=["회의ID", "위원ID"])
    att = att.reset_index().drop_duplicates(["회의ID", "위원ID"], keep="first")  # never twice
    meetings = book.df("회의")[["회의ID", "조직ID", "일자", "방식", "시작시각", "종료시각"]]
    meetings = meetings.dropna(subset=["회의ID", "조직ID", "일자"]).drop_duplicates("회의ID")
    in_month = meetings["일자"].map(lambda d: first <= d <= last).astype(bool)
    meetings = meetings[in_month]
    people = book.df("위원")[["위원ID", "성명", "신분"]].dropna(subset=["위원ID"])
    people = people.drop_duplicates("위원ID")
    people = people[people["신분"].isin(settings.paid_statuses)]
    bodies = book.df("조직")[["조직ID", "조직명", "유형"]].dropna(subset=["조직ID"])
    bodies = bodies.drop_duplicates("조직ID")
    expected = expected_attendees(meetings, book.df("활동"), book.df("위원"))[
        ["회의ID", "위원ID", "역할"]]
    rows = (att.merge(meetings, on="회의ID").merge(people, on="위원ID")
            .merge(expected, on=["회의ID", "위원ID"]).merge(bodies, on="조직ID", how="left"))
    rows = rows.sort_values(["일자", "회의ID", "행"], kind="stable")

    payments: list[Payment] = []
    issues: list[Issue] = []
    for r in rows.itertuples(index=False):
        mode = _text(r.출석방식) or _text(r.방식) or ""
        kind = _text(r.유형) or ""
        role = _text(r.역할)
        minutes = minutes_between(_time(r.시작시각), _time(r.종료시각))
        rate = rates.find(kind, role, mode, r.일자)
        base, extra = rate.pay(minutes) if rate else (0, 0)
        if rate is None:
            column = "방식" if "방식" in table.letters else "출석"
            issue = table.issue("missing-rate", int(r.행), column, mode or None,
                                meeting=r.회의ID, kind=kind or "유형 없음",
                                role=role or "역할 없음", mode=mode or "방식 없음",
                                date=r.일자.isoformat())
            issues.append(_warning(issue))
        payments.append(Payment(r.위원ID, _text(r.성명) or "", _text(r.조직명) or r.조직ID,
                                r.회의ID, r.일자, mode, role, minutes, base, extra, int(r.행)))
    return payments, issues


def _warning(issue: Issue) -> Issue:
    return Issue(issue.code, issue.message, issue.sheet, issue.row, issue.column, issue.cell,
                 issue.value, WARNING)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _time(value: Any) -> dt.time | None:
    return value if isinstance(value, dt.time) else None


def rate_errors(book: Book) -> list[Issue]:
    """Errors of the 수당기준 sheet: with any of them no amount can be trusted."""
    table = book.table("수당기준")
    issues = [i for i in book.issues if i.sheet == "수당기준"]
    flagged = {(i.sheet, i.row, i.column) for i in issues}
    issues += row_rules(table, sheet_schema("수당기준"), flagged)
    issues += [i for i in date_order(book) if i.sheet == "수당기준"]
    issues += overlapping_rates(book)
    return sorted((i for i in issues if i.severity == ERROR),
                  key=lambda i: (i.row or 0, i.cell or ""))


def allowance_job(book: Book, year: int, month: int) -> Outcome:
    book.require("위원", "조직", "활동", "회의", "출석", "수당기준")
    label = f"{year:04d}-{month:02d}"
    errors = rate_errors(book)
    if errors:
        summary = (f"수당기준 시트에 오류 {len(errors)}건이 있어 수당을 계산하지 않았습니다."
                   + "".join(f"\n  {e.message}" for e in errors))
        payload = {"month": label, "rows": [], "by_member": {}, "total": 0,
                   "errors": [e.to_json() for e in errors], "warnings": []}
        return Outcome(payload, [result_sheet(Report(errors=errors), book.source)], summary,
                       exit_code=1)
    settings, setting_issues = read_settings(book)
    rates = rates_from_frame(book.df("수당기준"))
    payments, warnings = paid_attendances(book, year, month, settings, rates)
    by_member: dict[str, int] = {}
    for p in payments:
        by_member[p.member_id] = by_member.get(p.member_id, 0) + p.amount
    total = sum(by_member.values())
    fallbacks = [_warning(i) for i in setting_issues]
    payload = {"month": label, "rows": [p.to_json() for p in payments],
               "by_member": by_member, "total": total,
               "names": {p.member_id: p.name for p in payments}, "errors": [],
               "warnings": [w.to_json() for w in [*fallbacks, *warnings]]}
    summary = (f"{year}년 {month}월 참석수당: {len(payments)}건, {len(by_member)}명, "
               f"합계 {total:,}원")
    if warnings:
        summary += f" (수당기준 없음 {len(warnings)}건: 0원 처리)"
        summary += "".join(f"\n  {w.message}" for w in warnings)
    for w in fallbacks:
        summary += f"\n경고: {w.message} (기본값을 사용했습니다)"
    return Outcome(payload, [allowance_sheet(payments, year, month, settings)], summary)


HEADERS = ["번호", "성명", "위원ID", "조직", "회의ID", "일자", "방식", "회의시간(분)", "기본료",
           "초과수당", "지급액"]


def allowance_sheet(payments: list[Payment], year: int, month: int,
                    settings: Settings) -> SheetSpec:
    """`수당지급_YYYY-MM`: a printable statement. Never 연락처 or bank details."""
    width = len(HEADERS)
    line = list(settings.approval_line)
    box_col = width - len(line)
    title = f"{year}년 {month}월 협치위원회 참석수당 지급 명세"
    merges = [Merge(0, 0, 0, box_col - 2, title, style="title")]
    blocks = [Block(1, 0, [[f"{settings.org_name} {settings.department}"]], style="label")]
    # 결재란 (approval box) at the top right.
    blocks.append(Block(0, box_col, [line], header_rows=1))
    blocks.append(Block(1, box_col, [[None] * len(line)], style="box"))

    top = 3
    body = [[i, p.name, p.member_id, p.body, p.meeting_id, p.date, p.mode, p.minutes, p.base,
             p.extra, p.amount] for i, p in enumerate(payments, 1)]
    total_row = ["합계", None, None, None, None, None, None, None,
                 sum(p.base for p in payments), sum(p.extra for p in payments),
                 sum(p.amount for p in payments)]
    money = {5: DATE, 7: INT, 8: KRW, 9: KRW, 10: KRW}
    blocks.append(Block(top, 0, [HEADERS, *body, total_row], header_rows=1, total_rows=1,
                        number_formats=money))
    if not payments:
        blocks.append(Block(top + 2, 0, [["이 달에 지급할 참석수당이 없습니다."]], style="note"))

    per_person: dict[str, list[Any]] = {}
    for p in payments:
        entry = per_person.setdefault(p.member_id, [p.name, p.member_id, 0, 0])
        entry[2] += 1
        entry[3] += p.amount
    people = sorted(per_person.values(), key=lambda e: (e[0], e[1]))
    if people:
        sub_top = top + len(body) + 4  # a blank row, the subtitle, then the table
        blocks.append(Block(sub_top - 1, 0, [["위원별 합계"]], style="subtitle"))
        blocks.append(Block(sub_top, 0, [["성명", "위원ID", "건수", "합계"], *people,
                                         ["합계", None, len(payments),
                                          sum(p.amount for p in payments)]],
                            header_rows=1, total_rows=1, number_formats={2: INT, 3: KRW}))
    return SheetSpec(
        name=f"수당지급_{year:04d}-{month:02d}", blocks=blocks, merges=merges,
        col_widths={0: 6, 1: 10, 2: 10, 3: 18, 4: 12, 5: 12, 6: 10, 7: 12, 8: 12, 9: 12,
                    10: 13},
        freeze=None, repeat_rows=(top, top), landscape=True, fit_width=True,
    )


__all__ = ("ALLOWANCE_SHEETS", "Payment", "allowance_for", "allowance_job", "allowance_sheet",
           "paid_attendances")
