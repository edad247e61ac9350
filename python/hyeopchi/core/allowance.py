"""Meeting allowances (참석수당) for one month: who is paid what, for which attendance.

Rule (contract 2.): per 출석 row with 출석 = 출석 (대리출석 never), at a meeting in the month,
for a person whose 신분 is in 수당지급신분 and who was a member of the meeting's body that
day; the 수당기준 row for the body's 유형, the person's 역할 there, the attendance's 방식
(blank = the meeting's) and the meeting's 일자. No row: 0 and a warning at the 출석 cell.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .issues import WARNING, Issue
from .outcome import Outcome
from .paid import PAID_COLUMNS, paid_columns
from .rates import RateIndex, allowance_for, rates_from_frame
from .settings import Settings, read_settings
from .sheetspec import DATE, INT, KRW, Block, Merge, SheetSpec
from .tables import Book
from .validate import Report, date_order, overlapping_rates, result_sheet, sheet_errors


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


@contextmanager
def _bulk() -> Iterator[None]:
    """Build hundreds of thousands of small acyclic lists/dicts without the cyclic garbage
    collector rescanning the whole book (millions of cell objects) again and again; any
    cyclic garbage made meanwhile is collected after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def rate_errors(book: Book) -> list[Issue]:
    """Errors of the 수당기준 sheet: with any of them no amount can be trusted."""
    return sheet_errors(book, "수당기준",
                        lambda b: date_order(b, ("수당기준",)), overlapping_rates)


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
    with _bulk():
        paid, warnings = paid_columns(book, year, month, settings, rates)
        people = _per_member(paid)
        columns = _lists(paid)
        rows = _json_rows(columns)
        sheet = _statement(columns, people, year, month, settings)
    by_member = {member: amount for _, member, _, amount in people}
    total = sum(by_member.values())
    names = {member: name for name, member, _, _ in people}
    fallbacks = [replace(i, severity=WARNING) for i in setting_issues]  # defaults were used
    payload = {"month": label, "rows": rows, "by_member": by_member, "total": total,
               "names": names, "errors": [],
               "warnings": [w.to_json() for w in [*fallbacks, *warnings]]}
    summary = (f"{year}년 {month}월 참석수당: {len(rows)}건, {len(by_member)}명, "
               f"합계 {total:,}원")
    if warnings:
        summary += f" (수당기준 없음 {len(warnings)}건: 0원 처리)"
        summary += "".join(f"\n  {w.message}" for w in warnings)
    for w in fallbacks:
        summary += f"\n경고: {w.message} (기본값을 사용했습니다)"
    return Outcome(payload, [sheet], summary)


def _json_rows(c: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Payment.to_json of every row, built column-wise (dates formatted once per day)."""
    iso = {d: d.isoformat() for d in set(c["date"])}
    return [{"member_id": m, "meeting_id": g, "date": iso[d], "mode": mode, "base": b,
             "extra": e, "amount": a, "name": n, "body": body, "role": r, "minutes": mi,
             "row": row}
            for m, g, d, mode, b, e, a, n, body, r, mi, row in zip(
                c["member_id"], c["meeting_id"], c["date"], c["mode"], c["base"], c["extra"],
                c["amount"], c["name"], c["body"], c["role"], c["minutes"], c["row"],
                strict=True)]


HEADERS = ["번호", "성명", "위원ID", "조직", "회의ID", "일자", "방식", "회의시간(분)", "기본료",
           "초과수당", "지급액"]


def allowance_sheet(payments: list[Payment], year: int, month: int,
                    settings: Settings) -> SheetSpec:
    """`수당지급_YYYY-MM`: a printable statement. Never 연락처 or bank details."""
    columns: dict[str, list[Any]] = {c: [] for c in PAID_COLUMNS}
    for p in payments:
        for c in PAID_COLUMNS:
            columns[c].append(p.amount if c == "amount" else getattr(p, c))
    people = _per_member({c: np.array(v, dtype=object) for c, v in columns.items()})
    return _statement(columns, people, year, month, settings)


def _per_member(paid: dict[str, np.ndarray]) -> list[list[Any]]:
    """[성명, 위원ID, 건수, 합계] per member in order of first payment (성명 of the first)."""
    codes, members = pd.factorize(paid["member_id"])
    if not len(members):
        return []
    first = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy(bool))
    counts = np.bincount(codes, minlength=len(members)).tolist()
    sums = pd.Series(paid["amount"].astype("int64")).groupby(codes).sum().tolist()
    names = paid["name"][first].tolist()
    return [list(e) for e in zip(names, members.tolist(), counts, sums, strict=True)]


def _statement(c: dict[str, list[Any]], per_member: list[list[Any]], year: int, month: int,
               settings: Settings) -> SheetSpec:
    """allowance_sheet over PAID_COLUMNS lists and _per_member."""
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
    count = len(c["amount"])
    body = list(map(list, zip(range(1, count + 1), c["name"], c["member_id"], c["body"],
                              c["meeting_id"], c["date"], c["mode"], c["minutes"], c["base"],
                              c["extra"], c["amount"], strict=True)))
    paid = sum(c["amount"])
    total_row = ["합계", None, None, None, None, None, None, None, sum(c["base"]),
                 sum(c["extra"]), paid]
    money = {5: DATE, 7: INT, 8: KRW, 9: KRW, 10: KRW}
    blocks.append(Block(top, 0, [HEADERS, *body, total_row], header_rows=1, total_rows=1,
                        number_formats=money))
    if not count:
        blocks.append(Block(top + 2, 0, [["이 달에 지급할 참석수당이 없습니다."]], style="note"))

    people = sorted((list(e) for e in per_member), key=lambda e: (e[0], e[1]))
    if people:
        sub_top = top + len(body) + 4  # a blank row, the subtitle, then the table
        blocks.append(Block(sub_top - 1, 0, [["위원별 합계"]], style="subtitle"))
        blocks.append(Block(sub_top, 0, [["성명", "위원ID", "건수", "합계"], *people,
                                         ["합계", None, count, paid]],
                            header_rows=1, total_rows=1, number_formats={2: INT, 3: KRW}))
    return SheetSpec(
        name=f"수당지급_{year:04d}-{month:02d}", blocks=blocks, merges=merges,
        col_widths={0: 6, 1: 10, 2: 10, 3: 18, 4: 12, 5: 12, 6: 10, 7: 12, 8: 12, 9: 12,
                    10: 13},
        freeze=None, repeat_rows=(top, top), landscape=True, fit_width=True,
    )


__all__ = ("Payment", "allowance_for", "allowance_job", "allowance_sheet",
           "paid_attendances", "paid_columns")
