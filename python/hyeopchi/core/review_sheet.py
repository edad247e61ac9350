"""The sheet `운영점검`: the governance review laid out for print (A4, 결재란), like the
monthly report, and the review's job. No contact detail reaches it: 성명 (masked on request), 조직, 역할, dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .outcome import Outcome
from .report_sheet import _approval_box
from .review import DEFAULT_WITHIN, RULES, Review, review, review_json
from .scalars import round_half_up
from .sheetspec import INT, LINE_HEIGHT, PERCENT_1, Block, Merge, SheetSpec, wrapped_height
from .tables import Book

WIDTHS = {0: 14.0, 1: 24.0, 2: 14.0, 3: 11.0, 4: 11.0, 5: 11.0, 6: 11.0, 7: 11.0}
LAST = len(WIDTHS) - 1
Span = tuple[int, int]  # first and last column of one table column


def review_sheet(r: Review) -> SheetSpec:
    spec = SheetSpec(name="운영점검", col_widths=dict(WIDTHS))
    s = r.settings
    box = _approval_box(spec, s.approval_line)
    title = f"{r.day.year}년 협치 기구 운영 점검"
    spec.merges.append(Merge(0, 0, 2, box - 1, title, style="title"))
    spec.blocks.append(Block(4, 0, [["기관명", s.org_name, "담당부서", s.department, "기준일",
                                     r.day]], style="label"))
    period = f"{r.start.isoformat()} ~ {r.end.isoformat()}"
    spec.blocks.append(Block(5, 0, [["출석 점검 기간", period, "기간 중 회의", f"{r.meetings}회",
                                     "임기 만료", f"{r.within}일 이내"]], style="label"))
    row = 7

    spec.blocks.append(Block(row, 0, [["1. 점검 요약"]], style="subtitle"))
    rows = [[RULES[rule], criterion, r.count(rule)] for rule, criterion in _criteria(r).items()]
    rows.append(["합계", "", len(r.findings)])
    row = _table(spec, row + 1, ["점검 항목", "기준", "지적 건수"], rows,
                 [(0, 0), (1, 6), (7, 7)], {2: INT}, total=True)

    spec.blocks.append(Block(row, 0, [[f"2. 지적 사항 ({len(r.findings)}건)"]], style="subtitle"))
    rows = [[RULES[f.rule], f.body, f.member, f.message] for f in r.findings]
    row = _table(spec, row + 1, ["점검 항목", "조직", "위원", "내용"], rows,
                 [(0, 0), (1, 1), (2, 2), (3, LAST)], {})

    spec.blocks.append(Block(row, 0, [[
        f"3. 임기 만료 예정 ({r.within}일 이내, {len(r.expiring)}건)"]], style="subtitle"))
    rows = [[e.name, e.body, e.role, e.term, e.end, e.days_left, e.source] for e in r.expiring]
    row = _table(spec, row + 1, ["성명", "조직", "역할", "기수", "임기종료일", "남은 일수", "근거"],
                 rows, [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, LAST)], {5: INT})

    spec.blocks.append(Block(row, 0, [[
        f"4. 우수 활동위원 후보 ({len(r.candidates)}명)"]], style="subtitle"))
    rows = [[c.rank, c.name, c.category, c.status, c.bodies, c.expected, c.attended,
             round_half_up(c.rate, 3)] for c in r.candidates]
    row = _table(spec, row + 1, ["순위", "성명", "구분", "신분", "활동 조직 수", "회의 수", "출석",
                                 "출석률"], rows, [(i, i) for i in range(8)],
                 {0: INT, 4: INT, 5: INT, 6: INT, 7: PERCENT_1})

    notes = [
        "위원 수·활동 조직은 기준일에 활동 중인 위원 (활동 시작일~종료일, 해촉일 전날까지).",
        "연속 불참·출석률: 점검 기간의 모든 유형 회의 중 위원으로 참석 대상이던 회의. 출석 행이 "
        "없으면 불참, 대리출석은 " + ("출석으로 셈." if s.proxy_counts else "불참으로 셈."),
        f"우수 활동위원 후보: 기준일 {s.candidate_min_bodies}개 이상 조직에서 활동, 출석률 "
        f"{_pct(s.candidate_min_rate)} 이상. 순위는 출석 수, 출석률, 활동 조직 수 순.",
        "임기종료일: 활동 종료일, 없으면 조직의 임기종료일.",
        *r.notes,
    ]
    if r.mask:
        notes.append("성명은 가운데 글자를 가렸습니다.")
    spec.blocks.append(Block(row, 0, [[n] for n in notes], style="note"))
    rows_used, _ = spec.extent()
    spec.freeze = (6, 0)
    spec.repeat_rows = (4, 5)
    spec.print_area = (0, 0, rows_used - 1, LAST)
    return spec


def _pct(share: Any) -> str:
    return f"{round_half_up(share * 100, 1):g}%"


def _criteria(r: Review) -> dict[str, str]:
    s = r.settings
    limit = s.overlap_limit
    return {
        "gender-balance": (f"위촉직 위원 중 한 성별이 {_pct(s.gender_cap)} 이하 "
                           f"(대상: {', '.join(s.gender_types)}; 성별 미기재는 세지 않음)"),
        "council-activity": "협치회의 위촉직 민간위원은 분과위원회·워킹그룹 1곳 이상에서 활동",
        "over-capacity": "기준일 위원 수가 정원 이하",
        "vacancy": "기준일 위원 수가 정원과 같음 (정원이 있는 조직)",
        "absence-streak": f"위원별로 조직의 최근 회의 {s.absence_limit}회 연속 불참 없음",
        "overlap-limit": ("겸직상한 없음 (설정 '겸직상한'으로 정함)" if limit is None
                          else f"한 사람이 {limit}개 조직 이하에서 활동"),
    }


def _table(spec: SheetSpec, row: int, header: list[str], rows: list[list[Any]],
           spans: list[Span], formats: dict[int, str], total: bool = False) -> int:
    """A bordered table whose columns may span several sheet columns (merged, wrapped); row
    heights fit the longest text. Returns the row after it (and a blank one)."""
    if not rows:
        spec.blocks.append(Block(row, 0, [["해당 없음"]], style="note"))
        return row + 2
    for i, values in enumerate([header, *rows]):
        style = "header" if i == 0 else "total" if total and i == len(rows) else "wrap"
        height = LINE_HEIGHT
        for j, ((first, last), value) in enumerate(zip(spans, values, strict=True)):
            width = sum(spec.col_widths.get(c, 8.0) for c in range(first, last + 1))
            height = max(height, wrapped_height(value, width))
            if first == last:
                fmt = {} if i == 0 or j not in formats else {0: formats[j]}
                spec.blocks.append(Block(row + i, first, [[value]], style=style,
                                         number_formats=fmt))
            else:
                spec.merges.append(Merge(row + i, first, row + i, last, value, style=style))
        if height > LINE_HEIGHT:
            spec.row_heights[row + i] = height
    return row + len(rows) + 2


def review_job(book: Book, day: dt.date, within: int = DEFAULT_WITHIN,
               start: dt.date | None = None, end: dt.date | None = None, *,
               mask: bool = False) -> Outcome:
    r = review(book, day, within, start, end, mask=mask)
    counted = ", ".join(f"{RULES[rule]} {r.count(rule)}" for rule in RULES if r.count(rule))
    summary = (f"{day.isoformat()} 운영 점검: 지적 {len(r.findings)}건"
               + (f" ({counted})" if counted else "")
               + f", 임기 만료 예정 {len(r.expiring)}건 ({r.within}일 이내), "
               f"우수 활동위원 후보 {len(r.candidates)}명")
    for note in r.notes:
        summary += f"\n{note}"
    return Outcome(review_json(r), [review_sheet(r)], summary)

