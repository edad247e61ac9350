"""The sheet `위해촉_YYYY-MM`: the monthly appointment report laid out for print, and its job.

No contact detail ever reaches this sheet: only 성명 (masked on request), 조직, 역할, dates
and 해촉사유 are copied from the input sheets.
"""

from __future__ import annotations

from typing import Any

from .appointments import MonthReport, mask_name, month_end, monthly_report
from .outcome import Outcome
from .pagelayout import fit_widths, paginate, running_head
from .review import Expiring, Streak, absence_streaks, expiring_terms, year_pairs
from .settings import Settings, read_settings
from .sheetspec import DATE, INT, PERCENT_1, Block, Chart, Merge, SheetSpec, wrapped_height
from .tables import Book

COUNT_HEADERS = ["전월말", "위촉", "해촉", "당월말", "정원", "결원"]
WIDTH = 8  # columns A..H: every table fits in them
CHART_ROWS = 15
SIGN_WIDTH = 10  # a 결재란 column, in characters
NAME_WIDTH = 30  # 조직명 longer than this wraps
WRAP = frozenset({1})  # the 조직 column of every table
REASON_COL = 5  # 해촉사유 is merged over columns F..H
REASON_WIDTH = 24  # about the width of F..H, in characters (for the row height)
EXPIRING_DAYS = 60  # the report lists terms ending within this many days after its day


def sheet_name(year: int, month: int) -> str:
    return f"위해촉_{year:04d}-{month:02d}"


def report_job(book: Book, year: int, month: int, *, mask: bool = False) -> Outcome:
    book.require("위원", "조직", "활동")
    quarter = month in (3, 6, 9, 12)
    if quarter:
        book.require("회의", "출석")  # the quarter's activity section (contract 1.)
    settings, _ = read_settings(book)
    report = monthly_report(
        book.df("위원"), book.df("조직"), book.df("활동"), year, month,
        meetings=book.df("회의") if quarter else None,
        attendance=book.df("출석") if quarter else None, settings=settings,
        # the quarter's pairs are among the year's, which the 해촉 검토 list makes anyway
        year_pairs=year_pairs(book, month_end(year, month), settings) if quarter else None)
    expiring = expiring_terms(book, report.day, EXPIRING_DAYS, mask=mask)
    absences = (absence_streaks(book, report.day, settings, mask=mask)
                if book.has("회의") and book.has("출석") else None)
    total = report.total()
    summary = (f"{year}년 {month}월 위·해촉 현황: 전월말 {total.start}, 위촉 {total.appointed}, "
               f"해촉 {total.left}, 당월말 {total.end}")
    payload = report_payload(report, sheet_name(year, month), mask=mask)
    payload["expiring"] = [e.to_json() for e in expiring]  # names masked at the source
    payload["absences"] = None if absences is None else [
        {"member_id": a.member_id, "name": a.name, "body_id": a.body_id, "absences": a.absences,
         "last_attended": a.last_attended} for a in absences]
    return Outcome(payload, lambda: [report_spec(report, settings, mask=mask, expiring=expiring,
                                                 absences=absences)], summary)


def report_payload(report: MonthReport, sheet: str, *, mask: bool = False) -> dict[str, Any]:
    name = mask_name if mask else (lambda s: s)

    def counts(t: Any) -> dict[str, Any]:
        return {"start": t.start, "appointed": t.appointed, "left": t.left, "end": t.end}

    payload: dict[str, Any] = {
        "sheet": sheet,
        "month": f"{report.year:04d}-{report.month:02d}",
        "date": report.day,
        "summary": {t.type: counts(t) for t in [*report.types, report.total()]},
        "bodies": [{"id": b.body_id, "name": b.name, "type": b.type, **counts(b),
                    "capacity": b.capacity, "vacancy": b.vacancy} for b in report.bodies],
        "appointed": [{"member_id": a.member_id, "name": name(a.name), "body_id": a.body_id,
                       "role": a.role, "start": a.start} for a in report.appointments],
        "left": [{"member_id": d.member_id, "name": name(d.name), "body_id": d.body_id,
                  "role": d.role, "kind": d.kind, "date": d.date, "reason": d.reason}
                 for d in report.departures],
    }
    if report.quarter:
        payload["quarter"] = {
            "from": report.quarter[0], "to": report.quarter[1],
            "members": [{"member_id": a.member_id, "name": name(a.name), "body_id": a.body_id,
                         "expected": a.expected, "attended": a.attended,
                         "rate": float(a.rate)} for a in report.activity]}
    return payload


def report_spec(report: MonthReport, settings: Settings, *, mask: bool = False,
                expiring: list[Expiring] | None = None,
                absences: list[Streak] | None = None) -> SheetSpec:
    """The sheet; `expiring` and `absences` (core/review.py) are sections 5 and 6
    (absences None: not checked, no 회의/출석 sheets)."""
    name = mask_name if mask else (lambda s: s)
    spec = SheetSpec(name=sheet_name(report.year, report.month))
    box_first = _approval_box(spec, settings.approval_line)
    title = f"{report.year}년 {report.month}월 협치 민관위원 위·해촉 현황"
    spec.merges.append(Merge(0, 0, 2, box_first - 1, title, style="title"))
    spec.blocks.append(Block(4, 0, [[f"기관명 {settings.org_name}  ·  담당부서 "
                                     f"{settings.department}  ·  기준일 {report.day.isoformat()}"]],
                             style="subtitle"))
    row = 6

    # 1. per 유형, then the chart of 당월말 seats per 유형
    spec.blocks.append(Block(row, 0, [["1. 유형별 현황"]], style="subtitle"))
    types = [*report.types, report.total()]
    rows = [["유형", "조직 수", *COUNT_HEADERS], *[_count_row(t.type, t.bodies, t) for t in types]]
    spec.blocks.append(Block(row + 1, 0, rows, header_rows=1, total_rows=1,
                             number_formats={i: INT for i in range(1, WIDTH)}))
    first, last = row + 2, row + 1 + len(report.types)
    spec.charts.append(Chart("column", "유형별 당월말 위원 수", (0, first, last),
                             [("당월말", 5, first, last)], anchor=(row + len(rows) + 2, 0),
                             size=(640, 280)))
    row += 1 + len(rows) + 2 + CHART_ROWS

    # 2. per 조직
    spec.blocks.append(Block(row, 0, [["2. 조직별 현황"]], style="subtitle"))
    rows = [["유형", "조직명", *COUNT_HEADERS],
            *[_count_row(b.type, b.name, b) for b in report.bodies],
            _count_row("합계", "", report.total())]
    spec.blocks.append(Block(row + 1, 0, rows, header_rows=1, total_rows=1,
                             number_formats={i: INT for i in range(2, WIDTH)}, wrap=WRAP))
    row += 1 + len(rows) + 1

    # 3. appointments, 4. departures
    spec.blocks.append(Block(row, 0, [[f"3. 위촉 명단 ({len(report.appointments)}건)"]],
                             style="subtitle"))
    rows = [["성명", "조직", "역할", "시작일"],
            *[[name(a.name), a.body, a.role, a.start] for a in report.appointments]]
    row = list_block(spec, row + 1, rows, {3: DATE})
    spec.blocks.append(Block(row, 0, [[f"4. 해촉 명단 ({len(report.departures)}건)"]],
                             style="subtitle"))
    rows = [["성명", "조직", "역할", "구분", "종료일/해촉일"],
            *[[name(d.name), d.body, d.role, d.kind, d.date] for d in report.departures]]
    reasons = ["해촉사유", *(d.reason for d in report.departures)]
    top = row + 1
    row = list_block(spec, top, rows, {4: DATE})
    if report.departures:  # 해촉사유 wraps across the last columns, not widening 당월말
        for i, reason in enumerate(reasons):
            spec.merges.append(Merge(top + i, REASON_COL, top + i, WIDTH - 1, reason,
                                     style="header" if i == 0 else "wrap"))
            spec.row_heights[top + i] = wrapped_height(reason, REASON_WIDTH)

    # 5. terms ending soon, 6. the 해촉 검토 list (core/review.py)
    spec.blocks.append(Block(row, 0, [[
        f"5. 임기 만료 예정 ({EXPIRING_DAYS}일 이내, {len(expiring or [])}건)"]],
        style="subtitle"))
    # columns no wider than sections 1-4 need: the 결재란 stays on the page
    rows = [["성명", "조직", "역할", "임기종료일", "남은 일수", "기수", "근거"],
            *[[e.name, e.body, e.role, e.end, e.days_left, e.term, e.source.split()[0]]
              for e in expiring or []]]
    row = list_block(spec, row + 1, rows, {3: DATE, 4: INT})
    spec.blocks.append(Block(row, 0, [[
        f"6. 연속 불참 위원 (해촉 검토 대상, {settings.absence_limit}회 이상, "
        f"{len(absences or [])}건)"]], style="subtitle"))
    if absences is None:
        spec.blocks.append(Block(row + 1, 0, [["회의·출석 시트가 없어 점검하지 않았습니다."]],
                                 style="note"))
        row += 3
    else:
        rows = [["성명", "조직", "연속 불참", "최근 불참", "최근 출석"],
                *[[a.name, a.body, a.absences, a.dates[-1], a.last_attended or "없음"]
                  for a in absences]]
        row = list_block(spec, row + 1, rows, {2: INT, 3: DATE, 4: DATE})

    notes = [
        "전월말·당월말: 해당 날짜에 활동 중인 위원·조직 수 (한 사람이 여러 조직이면 조직마다 셈).",
        "위촉: 이달에 활동을 시작한 건수. 해촉: 이달에 활동이 끝난 건수 (활동 종료일 또는 위원 해촉일).",
        "전월말 + 위촉 - 해촉 = 당월말. 결원 = 정원 - 당월말 (정원이 없는 조직은 빈칸).",
        "임기종료일: 활동 종료일 (근거 '활동'), 없으면 조직의 임기종료일 (근거 '조직'). "
        "연속 불참: 기준일까지 12개월, 조직별로 "
        "참석 대상이던 최근 회의 (출석 행이 없으면 불참"
        + (", 대리출석은 출석)." if settings.proxy_counts else ")."),
    ]
    if mask:
        notes.append("성명은 가운데 글자를 가렸습니다.")
    spec.blocks.append(Block(row, 0, [[n] for n in notes], style="note"))
    row += len(notes) + 1

    # 붙임: the quarter's activity (March, June, September, December), from a new page
    if report.quarter:
        q_from, q_to = report.quarter
        spec.blocks.append(Block(row, 0, [[
            f"붙임. 분기 활동 현황 ({q_from:%Y.%m.%d}~{q_to:%Y.%m.%d}, "
            f"{len(report.activity)}명·조직)"]], style="subtitle", new_page=True))
        rows = [["성명", "조직", "유형", "회의 수", "출석", "출석률"],
                *[[name(a.name), a.body, a.type, a.expected, a.attended, float(a.rate)]
                  for a in report.activity]]
        row = list_block(spec, row + 1, rows, {3: INT, 4: INT, 5: PERCENT_1})
        spec.blocks.append(Block(row, 0, [[
            "출석률 = 출석 / 회의 수" + (" (대리출석 포함)." if settings.proxy_counts
                                    else " (대리출석 제외).")]], style="note"))

    keep = {col: max(SIGN_WIDTH, 0) for col in range(box_first + 1,
                                                       box_first + 1 + len(settings.approval_line))}
    widths = fit_widths(spec, hi=NAME_WIDTH)
    for col, width in keep.items():  # room to sign
        widths[col] = max(widths.get(col, 0), width)
    spec.col_widths = widths
    spec.freeze = (5, 0)
    return paginate(spec, running_head(settings, f"기준일 {report.day.isoformat()}"))


def _approval_box(spec: SheetSpec, titles: tuple[str, ...]) -> int:
    """The 결재란 at the top right: a vertical '결재' label, a column per title, empty boxes."""
    first = max(3, WIDTH - len(titles) - 1)
    spec.merges.append(Merge(0, first, 2, first, "결재", style="header"))
    for j, title in enumerate(titles, start=first + 1):
        spec.blocks.append(Block(0, j, [[title]], style="header"))
        spec.merges.append(Merge(1, j, 2, j, None, style="box"))
    return first


def _count_row(first: Any, second: Any, c: Any) -> list[Any]:
    return [first, second, c.start, c.appointed, c.left, c.end, c.capacity, c.vacancy]


def list_block(spec: SheetSpec, row: int, rows: list[list[Any]], formats: dict[int, str]) -> int:
    """A bordered table (column B wraps), or '해당 없음' when `rows` is its header alone;
    returns the row after a blank one. The report's lists and the review's tables."""
    if len(rows) == 1:
        spec.blocks.append(Block(row, 0, [["해당 없음"]], style="note"))
        return row + 2
    spec.blocks.append(Block(row, 0, rows, header_rows=1, number_formats=formats, wrap=WRAP))
    return row + len(rows) + 1



