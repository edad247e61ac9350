"""The sheet `운영점검`: the governance review laid out for print (A4, 결재란), like the
monthly report, and the review's job. No contact detail reaches it: 성명 (masked on request), 조직, 역할, dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .outcome import Outcome
from .pagelayout import fit_widths, paginate, running_head
from .report_sheet import SIGN_WIDTH, WRAP, _approval_box, list_block
from .review import DEFAULT_WITHIN, RULES, Review, review, review_json
from .scalars import round_half_up
from .sheetspec import DATE, INT, PERCENT_1, Block, Merge, SheetSpec
from .tables import Book

NAME_WIDTH = 46  # the wrapped column B (기준, 내용, 조직, 성명·활동 조직)


def review_sheet(r: Review) -> SheetSpec:
    spec = SheetSpec(name="운영점검")
    s = r.settings
    box = _approval_box(spec, s.approval_line)
    title = f"{r.day.year}년 협치 기구 운영 점검"
    spec.merges.append(Merge(0, 0, 2, box - 1, title, style="title"))
    spec.blocks.append(Block(4, 0, [[
        f"기관명 {s.org_name}  ·  담당부서 {s.department}  ·  기준일 {r.day.isoformat()}  ·  "
        f"출석 점검 기간 {r.start.isoformat()} ~ {r.end.isoformat()} (회의 {r.meetings}회)"]],
        style="subtitle"))
    row = 6

    spec.blocks.append(Block(row, 0, [["1. 점검 요약"]], style="subtitle"))
    rows: list[list[Any]] = [["점검 항목", "기준", "지적 건수"],
            *([RULES[rule], criterion, r.count(rule)]
              for rule, criterion in _criteria(r).items()),
            ["합계", "", len(r.findings)]]
    spec.blocks.append(Block(row + 1, 0, rows, header_rows=1, total_rows=1,
                             number_formats={2: INT}, wrap=WRAP))
    row += len(rows) + 2

    spec.blocks.append(Block(row, 0, [[f"2. 지적 사항 ({len(r.findings)}건)"]], style="subtitle"))
    rows = [["점검 항목", "내용"], *[[RULES[f.rule], f.message] for f in r.findings]]
    row = list_block(spec, row + 1, rows, {})

    spec.blocks.append(Block(row, 0, [[
        f"3. 임기 만료 예정 ({r.within}일 이내, {len(r.expiring)}건)"]], style="subtitle"))
    rows = [["성명", "조직", "역할", "기수", "임기종료일", "남은 일수", "근거"],
            *[[e.name, e.body, e.role, e.term, e.end, e.days_left, e.source]
              for e in r.expiring]]
    row = list_block(spec, row + 1, rows, {4: DATE, 5: INT})

    spec.blocks.append(Block(row, 0, [[
        f"4. 우수 활동위원 후보 ({len(r.candidates)}명)"]], style="subtitle"))
    rows = [["순위", "성명 (기준일 활동 조직)", "구분", "신분", "활동 조직 수", "회의 수", "출석",
             "출석률"],
            *[[c.rank, f"{c.name} ({', '.join(c.body_names)})", c.category, c.status, c.bodies,
               c.expected, c.attended, round_half_up(c.rate, 3)] for c in r.candidates]]
    row = list_block(spec, row + 1, rows, {0: INT, 4: INT, 5: INT, 6: INT, 7: PERCENT_1})

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
    keep = {c: float(SIGN_WIDTH) for c in range(box + 1, box + 1 + len(s.approval_line))}
    spec.col_widths = fit_widths(spec, hi=NAME_WIDTH)
    for col, width in keep.items():  # room to sign
        spec.col_widths[col] = max(spec.col_widths.get(col, 0), width)
    spec.freeze = (5, 0)
    return paginate(spec, running_head(s, f"운영 점검 · 기준일 {r.day.isoformat()}"))


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
    return Outcome(review_json(r), lambda: [review_sheet(r)], summary)

