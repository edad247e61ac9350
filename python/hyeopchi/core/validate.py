"""Validation: every fault of a book as an Issue, all collected, never stopping at the first.

Row rules come from schemas/ (checked column-wise); cross-sheet rules are small functions
below, one per rule. Nothing here raises on bad data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .issues import ERROR, WARNING, Issue
from .membership import as_datetime, expected_index, member_of
from .outcome import Outcome
from .pagelayout import fit_widths, paginate, running_head
from .schema import Column, SheetSchema, sheet_schema
from .settings import read_settings
from .sheetspec import Block, SheetSpec
from .tables import Book, Table


@dataclass
class Report:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "errors": [i.to_json() for i in self.errors],
                "warnings": [i.to_json() for i in self.warnings]}


def validate(book: Book, today: dt.date) -> Report:
    """Every fault of the book. `today` (given by the shell: core reads no clock) bounds the
    columns whose maximum is this year (출생연도)."""
    issues: list[Issue] = list(book.issues)
    flagged = {(i.sheet, i.row, i.column) for i in issues}
    for table in book.tables.values():
        issues += row_rules(table, sheet_schema(table.sheet), flagged, today)
    for check in CROSS_CHECKS:
        issues += check(book)
    issues += read_settings(book)[1]
    report = Report()
    for issue in _ordered(issues):
        (report.errors if issue.severity == ERROR else report.warnings).append(issue)
    return report


def _ordered(issues: Iterable[Issue]) -> list[Issue]:
    sheets = ["위원", "조직", "활동", "회의", "출석", "수당기준", "설정", "평가입력", "심사"]
    rank = {s: i for i, s in enumerate(sheets)}
    return sorted(issues, key=lambda i: (rank.get(i.sheet, 99), i.row or 0, i.cell or "", i.code))


def sheet_errors(book: Book, sheet: str, *checks: Callable[[Book], list[Issue]]) -> list[Issue]:
    """The errors of one sheet: its unreadable cells, its row rules and the cross-sheet
    `checks` (their issues on this sheet only), in row order. For commands that must refuse
    to compute from a sheet with errors (수당기준 for allowances, 심사 for screening)."""
    issues = [i for i in book.issues if i.sheet == sheet]
    flagged = {(i.sheet, i.row, i.column) for i in issues}
    issues += row_rules(book.table(sheet), sheet_schema(sheet), flagged, None)
    for check in checks:
        issues += [i for i in check(book) if i.sheet == sheet]
    return sorted((i for i in issues if i.severity == ERROR),
                  key=lambda i: (i.row or 0, i.cell or ""))


# --- row rules (schemas/) -------------------------------------------------------------

def row_rules(table: Table, schema: SheetSchema, flagged: set[tuple[str, int | None, str | None]],
              today: dt.date | None) -> list[Issue]:
    """The schema's per-row rules. `today` is needed only by a sheet with a this-year maximum."""
    out: list[Issue] = []
    df = table.df
    for col in schema.columns.values():
        if col.name not in table.letters:
            continue
        s = df[col.name]
        present = s.notna()
        if col.required_value:
            out += _at(table, ~present, col.name, "required-value", flagged)
        if col.enum is not None:
            bad = present & ~s.isin(col.enum)
            out += _at(table, bad, col.name, "enum-value", flagged, allowed=", ".join(col.enum))
        if col.kind in ("integer", "number"):
            out += _range(table, col, s, present, flagged, today)
        if col.pattern is not None:
            matches = s.dropna().astype(str).str.match(col.pattern)
            bad = present & ~matches.reindex(s.index, fill_value=True).astype(bool)
            out += _at(table, bad, col.name, "pattern-mismatch", flagged, hint=col.hint)
    for cond in schema.conditionals:
        out += _conditional(table, cond, flagged)
    return out


def _range(table: Table, col: Column, s: pd.Series, present: pd.Series,
           flagged: set[tuple[str, int | None, str | None]], today: dt.date | None) -> list[Issue]:
    low = col.minimum
    high = col.maximum
    if col.maximum_current_year:
        if today is None:
            raise ValueError(f"{table.sheet}.{col.name}: this-year maximum needs today")
        high = today.year
    nums = pd.to_numeric(s, errors="coerce")
    bad = pd.Series(False, index=s.index)
    if low is not None:
        bad |= present & (nums < low)
    if high is not None:
        bad |= present & (nums > high)
    return _at(table, bad, col.name, "out-of-range", flagged,
               low=_num(low) if low is not None else "", high=_num(high) if high is not None else "")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _conditional(table: Table, cond: Any, flagged: set[tuple[str, int | None, str | None]]
                 ) -> list[Issue]:
    df = table.df
    s = df[cond.if_column]
    when = s.notna() if cond.if_value is None else (s == cond.if_value)
    if cond.then_required:
        target = cond.then_required
        reason = (f"'{cond.if_column}'이(가) 있으면" if cond.if_value is None
                  else f"'{cond.if_column}'이(가) {cond.if_value}이면")
        bad = when & df[target].isna()
        return _at(table, bad, target, "required-when", flagged, reason=reason,
                   fallback_column=cond.if_column)
    column, value = cond.then_forbidden
    bad = when & (df[column] == value)
    return _at(table, bad, column, "forbidden-value", flagged, reason=cond.message)


def _at(table: Table, mask: pd.Series, column: str, code: str,
        flagged: set[tuple[str, int | None, str | None]], severity: str = ERROR,
        fallback_column: str | None = None, **extra: Any) -> list[Issue]:
    """One issue per True row of `mask`, at (row, column), unless the reader flagged it."""
    out = []
    where = column if column in table.letters or fallback_column is None else fallback_column
    picked = mask.to_numpy(dtype=bool)
    rows = table.df.index[picked].tolist()
    values = table.df[column].to_numpy()[picked].tolist()  # no per-row DataFrame lookups
    for row, value in zip(rows, values, strict=True):
        if (table.sheet, row, column) in flagged:
            continue
        issue = table.issue(code, row, column, value, severity=severity, **extra)
        if where != column:  # the target column is absent: point at the column that asks for it
            issue = _moved(issue, table.cell(row, where))
        out.append(issue)
    return out


def _moved(issue: Issue, cell: str | None) -> Issue:
    msg = issue.message.replace(f"{issue.sheet}!{issue.row}행", f"{issue.sheet}!{cell}")
    return replace(issue, message=msg, cell=cell)


# --- cross-sheet rules ----------------------------------------------------------------

def unique_ids(book: Book) -> list[Issue]:
    out: list[Issue] = []
    for sheet, keys in (("위원", ["위원ID"]), ("조직", ["조직ID"]), ("회의", ["회의ID"]),
                        ("심사", ["신청자ID", "심사위원"]), ("평가입력", ["항목"]),
                        ("설정", ["항목"])):
        if book.has(sheet):
            out += _duplicates(book.table(sheet), keys, "duplicate-id")
    return out


def duplicate_attendance(book: Book) -> list[Issue]:
    if not book.has("출석"):
        return []
    return _duplicates(book.table("출석"), ["회의ID", "위원ID"], "duplicate-attendance")


def _duplicates(table: Table, keys: list[str], code: str) -> list[Issue]:
    df = table.df[keys].dropna()
    dup = df.duplicated(keep="first").to_numpy()
    if not dup.any():
        return []
    # each row's first occurrence of its key, read as arrays (no per-row DataFrame lookups)
    first = df.index.to_series().groupby([df[k] for k in keys], sort=False).transform("first")
    column = keys[-1]
    rows = df.index[dup].tolist()
    firsts = first.to_numpy()[dup].tolist()
    values = df[column].to_numpy()[dup].tolist()
    leads = df[keys[0]].to_numpy()[dup].tolist()
    out = []
    for row, first_row, value, lead in zip(rows, firsts, values, leads, strict=True):
        extra = {"meeting": lead} if code == "duplicate-attendance" else {}
        out.append(table.issue(code, row, column, value,
                               first=table.cell(int(first_row), column), **extra))
    return out


def unknown_references(book: Book) -> list[Issue]:
    out: list[Issue] = []
    for table in book.tables.values():
        for col in sheet_schema(table.sheet).columns.values():
            if col.references is None or col.name not in table.letters:
                continue
            target_sheet, target_col = col.references
            if not book.has(target_sheet):
                continue
            known = set(book.df(target_sheet)[target_col].dropna())
            s = table.df[col.name]
            bad = s.notna() & ~s.isin(known)
            out += _at(table, bad, col.name, "unknown-reference", set(), target=target_sheet)
    return out


_DATE_PAIRS = (("위원", "위촉일", "해촉일"), ("활동", "시작일", "종료일"),
               ("수당기준", "적용시작일", "적용종료일"))


def date_order(book: Book, sheets: Collection[str] | None = None) -> list[Issue]:
    """End before start (and 회의 종료시각 not after 시작시각), in `sheets` (default: all)."""
    out: list[Issue] = []
    for sheet, first, later in _DATE_PAIRS:
        if not book.has(sheet) or (sheets is not None and sheet not in sheets):
            continue
        table = book.table(sheet)
        a, b = as_datetime(table.df[first]), as_datetime(table.df[later])
        out += _pairs(table, (b < a).fillna(False), later, first, "date-order")
    if book.has("회의") and (sheets is None or "회의" in sheets):
        table = book.table("회의")
        start, end = table.df["시작시각"], table.df["종료시각"]
        both = start.notna() & end.notna()
        bad = both & pd.Series([e <= s if ok else False for s, e, ok in zip(start, end, both, strict=True)],
                               index=start.index)
        out += _pairs(table, bad, "종료시각", "시작시각", "time-order")
    return out


def _pairs(table: Table, mask: pd.Series, column: str, other: str, code: str) -> list[Issue]:
    picked = mask.to_numpy(dtype=bool)
    rows = table.df.index[picked].tolist()
    values = table.df[column].to_numpy()[picked].tolist()
    others = table.df[other].to_numpy()[picked].tolist()
    return [table.issue(code, row, column, value, other=other, other_value=_show(other_value))
            for row, value, other_value in zip(rows, values, others, strict=True)]


def _shown_all(values: list[Any]) -> list[str]:
    """_show over many values, each distinct one formatted once; blank for missing."""
    cache: dict[Any, str] = {}
    out = []
    for v in values:
        if v not in cache:
            cache[v] = _show(v) if pd.notna(v) else ""
        out.append(cache[v])
    return out


def _show(value: Any) -> str:
    return value.isoformat(timespec="minutes") if isinstance(value, dt.time) else (
        value.isoformat() if hasattr(value, "isoformat") else str(value))


def membership_outside_appointment(book: Book) -> list[Issue]:
    """A 활동 row that starts on or after its person's 해촉일: it counts on no day at all.

    A warning, not an error: re-appointment is normal data. A 활동 row before the 위촉일 is
    history of an earlier term, and one ending on or after the 해촉일 is cut short by it (the
    member-on-day rule decides both). Only a row that can never count is worth a look: often
    a re-appointed member whose old 해촉일 was left on 위원.
    """
    if not (book.has("활동") and book.has("위원")):
        return []
    table = book.table("활동")
    people = book.df("위원")[["위원ID", "해촉일"]].dropna().drop_duplicates("위원ID")
    dismissed_on = table.df["위원ID"].map(people.set_index("위원ID")["해촉일"])
    start = as_datetime(table.df["시작일"])
    picked = (start >= as_datetime(dismissed_on)).fillna(False).to_numpy(dtype=bool)
    if not picked.any():
        return []
    rows = table.df.index[picked].tolist()
    members = table.df["위원ID"].to_numpy()[picked].tolist()
    starts = table.df["시작일"].to_numpy()[picked].tolist()
    ends = _shown_all(dismissed_on.to_numpy()[picked].tolist())
    return [table.issue("membership-outside-appointment", row, "시작일", value, member=member,
                        end=end, severity=WARNING)
            for row, member, value, end in zip(rows, members, starts, ends, strict=True)]


def overlapping_rates(book: Book) -> list[Issue]:
    if not book.has("수당기준"):
        return []
    table = book.table("수당기준")
    df = table.df.dropna(subset=["적용시작일", "조직유형", "방식"])
    out = []
    far = pd.Timestamp("2262-01-01")
    df = df.assign(시작=as_datetime(df["적용시작일"]), 종료=as_datetime(df["적용종료일"]).fillna(far),
                   역할키=df["역할"].fillna(""))
    for (kind, role, mode), group in df.groupby(["조직유형", "역할키", "방식"], sort=False):
        rows: list[Any] = list(group.sort_values(["시작"]).itertuples())
        for i, later in enumerate(rows):
            for earlier in rows[:i]:
                if later.시작 <= earlier.종료 and earlier.시작 <= later.종료:
                    out.append(table.issue("overlapping-rates", later.Index, "적용시작일",
                                           later.적용시작일, first=earlier.Index, kind=kind,
                                           role=role or "(역할 공통)", mode=mode))
                    break
    return out


def unexpected_attendance(book: Book) -> list[Issue]:
    """A 출석 row for someone who was not a member of the meeting's body that day."""
    if not all(book.has(s) for s in ("출석", "회의", "활동", "위원")):
        return []
    table = book.table("출석")
    att = table.df
    known_members = set(book.df("위원")["위원ID"].dropna())
    # the (meeting, member) pairs expected (core/membership.py), as integer keys
    e = expected_index(book.df("회의"), book.df("활동"), book.df("위원"))
    meeting_ids = pd.Index(e.meetings["회의ID"])
    person_ids = pd.Index(e.memberships["위원ID"].drop_duplicates().to_numpy(object))
    n_people = max(len(person_ids), 1)
    expected = (e.meeting_pos * n_people
                + person_ids.get_indexer(e.memberships["위원ID"].to_numpy()[e.membership_pos]))
    at = meeting_ids.get_indexer(att["회의ID"].to_numpy(object))
    who = person_ids.get_indexer(att["위원ID"].to_numpy(object))
    # rows of a known meeting with a 위원ID; a member with no 활동 in the body is not expected
    checked = np.flatnonzero((at >= 0) & att["위원ID"].notna().to_numpy())
    ok = who[checked] >= 0  # and then expected at that meeting
    ok[ok] = member_of(at[checked][ok] * n_people + who[checked][ok], expected,
                       len(meeting_ids) * n_people)
    out = []
    for i in checked[~ok].tolist():
        member = att["위원ID"].iat[i]
        if member not in known_members:
            continue  # already an unknown-reference error
        out.append(table.issue("unexpected-attendance", int(att.index[i]), "위원ID", member,
                               meeting=att["회의ID"].iat[i], severity=WARNING))
    return out


PROFILE_COLUMNS = ("성별", "연령대", "분야", "지역")


def screening_complete(book: Book) -> list[Issue]:
    """심사: every applicant scored by every 심사위원 named on the sheet (a missing one is an
    error at the applicant's first row: no mean over fewer judges), and one 성별/연령대/분야/
    지역 per applicant (a second, different value is an error at its cell)."""
    if not book.has("심사"):
        return []
    table = book.table("심사")
    pairs = table.df[["신청자ID", "심사위원"]].dropna()
    judges = list(dict.fromkeys(pairs["심사위원"].tolist()))
    scored = set(zip(pairs["신청자ID"].tolist(), pairs["심사위원"].tolist(), strict=True))
    first: dict[Any, int] = {}
    for row, applicant in zip(pairs.index.tolist(), pairs["신청자ID"].tolist(), strict=True):
        first.setdefault(applicant, row)
    out = [table.issue("missing-score", row, "신청자ID", applicant, judge=judge)
           for applicant, row in first.items() for judge in judges
           if (applicant, judge) not in scored]
    for column in PROFILE_COLUMNS:
        if column not in table.letters:
            continue
        given = table.df[["신청자ID", column]].dropna()
        seen: dict[Any, tuple[int, Any]] = {}
        for row, applicant, value in zip(given.index.tolist(), given["신청자ID"].tolist(),
                                         given[column].tolist(), strict=True):
            if applicant not in seen:
                seen[applicant] = (row, value)
            elif seen[applicant][1] != value:
                out.append(table.issue("inconsistent-applicant", row, column, value,
                                       applicant=applicant, other=seen[applicant][1],
                                       first=table.cell(seen[applicant][0], column)))
    return out


CROSS_CHECKS: tuple[Callable[[Book], list[Issue]], ...] = (
    unique_ids,
    unknown_references,
    date_order,
    duplicate_attendance,
    membership_outside_appointment,
    overlapping_rates,
    unexpected_attendance,
    screening_complete,
)


# --- the 검증결과 sheet -------------------------------------------------------------------

RESULT_SHEET = "검증결과"
_HEADERS = ["구분", "시트", "셀", "행", "열", "코드", "내용", "값"]
MESSAGE_WIDTH = 60  # 내용 wraps inside this many characters
VALUE_WIDTH = 24  # other columns (값 wraps) at most


MAX_LINKS = 2000  # Excel keeps at most 65,530 links a sheet; past this the table is the list


def result_sheet(report: Report, source: str = "", head: str = "") -> SheetSpec:
    """The faults as a printable table, errors first. `head`: the running head of its pages
    (기관명 and what was checked)."""
    rows = [["오류" if i.severity == ERROR else "경고", i.sheet, i.cell or "", i.row, i.column or "",
             i.code, i.message, "" if i.value is None else _show(i.value)]
            for i in [*report.errors, *report.warnings]]
    title = f"검증결과: 오류 {len(report.errors)}건, 경고 {len(report.warnings)}건"
    blocks = [Block(0, 0, [[title]], style="title")]
    if source:  # the input by its file name, never a folder path
        blocks.append(Block(1, 0, [[f"대상: {file_name(source)}"]], style="note"))
    if rows:
        # each fault's 셀 links to that cell, its message the tip (the first MAX_LINKS)
        links = {(1 + k, 2): ("'" + str(row[1]).replace("'", "''") + f"'!{row[2]}", str(row[6]))
                 for k, row in enumerate(rows[:MAX_LINKS]) if row[1] and row[2]}
        blocks.append(Block(3, 0, [_HEADERS, *rows], header_rows=1, wrap=frozenset({6, 7}),
                            links=links))
    else:
        blocks.append(Block(3, 0, [["오류와 경고가 없습니다."]], style="label"))
    spec = SheetSpec(
        name=RESULT_SHEET, blocks=blocks,
        freeze=(4, 0) if rows else None,
        autofilter=(3, 0, 3 + len(rows), len(_HEADERS) - 1) if rows else None,
    )
    spec.col_widths = fit_widths(spec, keep={6: MESSAGE_WIDTH} if rows else None,
                                 hi=VALUE_WIDTH)
    return paginate(spec, head or (f"검증 대상 {file_name(source)}" if source else "검증결과"))


def file_name(source: str) -> str:
    """The file name of a path, whichever separator it uses."""
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def validate_job(book: Book, today: dt.date) -> Outcome:
    book.require("위원", "조직", "활동")
    report = validate(book, today)
    summary = (f"검증 완료: 오류 {len(report.errors)}건, 경고 {len(report.warnings)}건"
               if report.errors or report.warnings else "검증 완료: 오류와 경고가 없습니다.")
    settings, _ = read_settings(book)
    head = running_head(settings, f"검증 대상 {file_name(book.source)}")
    return Outcome(report.to_json(), lambda: [result_sheet(report, book.source, head)], summary,
                   exit_code=0 if report.ok else 1)
