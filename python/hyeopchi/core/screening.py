"""Screening of applicants (심사): mean score per criterion over the judges, total, rank.

Seed (제3기 협치회의 심사항목): 대표성 30, 전문성 30, 자발성 40 points. Means are exact
Fractions; the rank is "competition" ranking (1, 2, 2, 4) on the exact total. A book whose
심사 sheet has validation errors (a missing score included) is not ranked.

With `seats` (screen --seats N): who is selected, by rank, skipping an applicant whose 성별
would put more than floor(성별상한 x N) of one gender in the group (양성평등기본법 제21조;
N = 4, 0.6 -> 2). Where that floor is below half the seats (N = 1 -> 0, N = 3 -> 1) no
group of known genders could fill the seats, so the limit is ceil(N / 2), the most balanced
group possible, and the summary says so. A tie at the cut line (the last seat's total shared by an applicant left
out who could take that seat) is flagged for the 심사위원회, never decided here. The group's
spread by 성별, 연령대, 분야, 지역 (the seed's 연령별·분야별·지역별 안배) is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from .issues import Issue
from .outcome import Outcome
from .pagelayout import fit_widths, paginate, running_head
from .privacy import mask_name
from .scalars import round_half_up
from .settings import read_settings
from .sheetspec import INT, PERCENT_1, SCORE, Block, SheetSpec
from .tables import Book
from .validate import PROFILE_COLUMNS as PROFILE  # optional 심사 columns: the group's spread
from .validate import Report, result_sheet, screening_complete, sheet_errors, unique_ids

CRITERIA = ("대표성", "전문성", "자발성")
RESULT_SHEET = "심사결과"


@dataclass(frozen=True)
class Applicant:
    id: str
    name: str
    judges: int
    means: dict[str, Fraction]
    rank: int = 0
    tied: bool = False
    profile: dict[str, str] = field(default_factory=dict)  # PROFILE column -> value given
    selected: bool | None = None  # None: no --seats
    reason: str | None = None

    @property
    def total(self) -> Fraction:
        return sum(self.means.values(), Fraction(0))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name,
                "means": {c: float(self.means[c]) for c in CRITERIA},
                "total": float(self.total), "rank": self.rank, "tied": self.tied,
                "judges": self.judges, "profile": self.profile,
                **({} if self.selected is None else {"selected": self.selected,
                                                     "reason": self.reason})}


def screening_errors(book: Book) -> list[Issue]:
    """The errors of the 심사 sheet: unreadable cells, row rules, a judge scoring twice, a
    missing score, an applicant's 성별/연령대/분야/지역 given two ways."""
    return sheet_errors(book, "심사", unique_ids, screening_complete)


def rank_applicants(rows: list[tuple[str, str, dict[str, Any]]]) -> list[Applicant]:
    """(신청자ID, 성명, scores) per judge's row -> applicants sorted by rank, then ID."""
    sums: dict[str, dict[str, Fraction]] = {}
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for applicant, name, scores in rows:
        acc = sums.setdefault(applicant, {c: Fraction(0) for c in CRITERIA})
        for c in CRITERIA:
            acc[c] += _exact(scores[c])
        counts[applicant] = counts.get(applicant, 0) + 1
        if name and applicant not in names:
            names[applicant] = name
    unranked = [Applicant(a, names.get(a, ""), counts[a],
                          {c: sums[a][c] / counts[a] for c in CRITERIA}) for a in sums]
    totals = [a.total for a in unranked]
    ranked = []
    for a in unranked:
        higher = sum(1 for t in totals if t > a.total)
        same = sum(1 for t in totals if t == a.total)
        ranked.append(Applicant(a.id, a.name, a.judges, a.means, higher + 1, same > 1))
    return sorted(ranked, key=lambda a: (a.rank, a.id))


def _exact(value: Any) -> Fraction:
    """A score as an exact fraction: 25.5 is 51/2, not the binary float."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def profiles(rows: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, str]]:
    """Applicant -> its first value of each PROFILE column given (validate flags a second,
    different one)."""
    out: dict[str, dict[str, str]] = {}
    for applicant, values in rows:
        mine = out.setdefault(applicant, {})
        for column in PROFILE:
            value = values.get(column)
            if value is not None and column not in mine:
                mine[column] = str(value)
    return out


@dataclass(frozen=True)
class Selection:
    applicants: list[Applicant]  # in rank order, each with selected/reason
    seats: int
    cap: Fraction
    limit: int  # floor(cap x seats): most of one gender
    tie: list[str]  # applicant IDs tied at the cut line

    @property
    def chosen(self) -> list[Applicant]:
        return [a for a in self.applicants if a.selected]


def gender_limit(seats: int, cap: Fraction) -> int:
    """Most of one gender among `seats`: floor(cap x seats), but never below ceil(seats / 2)."""
    return max(math.floor(cap * seats), math.ceil(seats / 2))


def select(applicants: list[Applicant], seats: int, cap: Fraction) -> Selection:
    """Who is selected for `seats`, by rank (ties in ID order), skipping an applicant whose
    성별 already has `limit` seats; applicants without 성별 are never counted or skipped."""
    limit = gender_limit(seats, cap)
    taken: dict[str, int] = {}
    out: list[Applicant] = []
    for a in applicants:
        gender = a.profile.get("성별")
        if sum(taken.values()) >= seats:
            out.append(replace(a, selected=False, reason=f"{seats}석 밖 순위"))
        elif gender is not None and taken.get(gender, 0) >= limit:
            out.append(replace(a, selected=False, reason=(
                f"성별 상한으로 제외: {gender} {limit}명이 이미 선정됨 (한 성별 최대 "
                f"{limit}명)")))
        else:
            taken[gender or ""] = taken.get(gender or "", 0) + 1
            out.append(replace(a, selected=True, reason=None))
    tie = _tie_at_cut(out, limit)
    if tie:
        note = (f"커트라인 동점 ({', '.join(sorted(tie))}, 총점 "
                f"{one_decimal(next(a.total for a in out if a.id in tie))}): 심사위원회가 결정")
        out = [replace(a, reason=note) if a.id in tie else a for a in out]
    return Selection(out, seats, cap, limit, sorted(tie))


def _tie_at_cut(applicants: list[Applicant], limit: int) -> set[str]:
    """The selected and left-out applicants with the last seat's total that could trade places
    without breaking the gender cap."""
    chosen = [a for a in applicants if a.selected]
    if not chosen:
        return set()
    last = min(a.total for a in chosen)
    count: dict[str, int] = {}
    for a in chosen:
        g = a.profile.get("성별")
        if g is not None:
            count[g] = count.get(g, 0) + 1
    tie: set[str] = set()
    for out in (a for a in applicants if not a.selected and a.total == last):
        g_out = out.profile.get("성별")
        for inside in (a for a in chosen if a.total == last):
            g_in = inside.profile.get("성별")
            if g_out is None or g_out == g_in or count.get(g_out, 0) < limit:
                tie |= {out.id, inside.id}
    return tie


def spread(chosen: list[Applicant]) -> dict[str, dict[str, int]]:
    """PROFILE column -> value -> selected applicants, for each column anyone has a value in
    ("미기재" for the others)."""
    out: dict[str, dict[str, int]] = {}
    for column in PROFILE:
        if not any(column in a.profile for a in chosen):
            continue
        counts: dict[str, int] = {}
        for a in chosen:
            value = a.profile.get(column, "미기재")
            counts[value] = counts.get(value, 0) + 1
        out[column] = dict(sorted(counts.items(), key=lambda kv: (kv[0] == "미기재", kv[0])))
    return out


def _share(cap: Fraction) -> str:
    return f"{float(cap):g}"


def screen_job(book: Book, *, mask: bool = False, seats: int | None = None) -> Outcome:
    """`mask` hides the middle of every applicant's 성명, on the sheet and in the JSON;
    `seats` proposes who is selected (see the module doc)."""
    book.require("심사")
    errors = screening_errors(book)
    if errors:
        summary = (f"심사 시트에 오류 {len(errors)}건이 있어 순위를 계산하지 않았습니다."
                   + "".join(f"\n  {e.message}" for e in errors))
        return Outcome({"applicants": [], "errors": [e.to_json() for e in errors]},
                       [result_sheet(Report(errors=errors), book.source)], summary, exit_code=1)
    df = book.df("심사")
    rows = [(a, n, dict(zip(CRITERIA, s, strict=True))) for a, n, *s in
            df[["신청자ID", "성명", *CRITERIA]].itertuples(index=False)]
    given = profiles([(a, dict(zip(PROFILE, p, strict=True))) for a, *p in
                      df[["신청자ID", *PROFILE]].itertuples(index=False)])
    applicants = [replace(a, profile=given.get(a.id, {})) for a in rank_applicants(rows)]
    if mask:
        applicants = [replace(a, name=mask_name(a.name)) for a in applicants]
    tied = sum(1 for a in applicants if a.tied)
    summary = f"심사 결과: 신청자 {len(applicants)}명" + (f", 동점 {tied}명" if tied else "")
    payload: dict[str, Any] = {"errors": []}
    chosen: Selection | None = None
    if seats is not None:
        settings, _ = read_settings(book)
        chosen = select(applicants, seats, settings.gender_cap)
        applicants = chosen.applicants
        summary += _selection_summary(chosen)
        payload.update(seats=seats, gender_limit=chosen.limit, tie=chosen.tie,
                       spread=spread(chosen.chosen))
    payload["applicants"] = [a.to_json() for a in applicants]
    return Outcome(payload, lambda: [screening_sheet(applicants, _head(book), chosen)], summary)


def _selection_summary(s: Selection) -> str:
    text = f"; {s.seats}석 중 {len(s.chosen)}명 선정 (한 성별 최대 {s.limit}명)"
    if s.limit > math.floor(s.cap * s.seats):
        text += (f". {_share(s.cap)} x {s.seats}석의 내림({math.floor(s.cap * s.seats)}명)으로는 "
                 f"자리를 채울 수 없어 한 성별 최대 {s.limit}명으로 했습니다")
    if len(s.chosen) < s.seats and len(s.chosen) < len(s.applicants):
        text += f". 성별 상한 때문에 {s.seats - len(s.chosen)}석을 채우지 못했습니다"
    if s.tie:
        text += f". 커트라인 동점: {', '.join(s.tie)} (심사위원회가 결정)"
    if not any("성별" in a.profile for a in s.applicants):
        text += ". 심사 시트에 성별이 없어 성별 상한을 적용하지 못했습니다"
    return text


def _head(book: Book) -> str:
    settings, _ = read_settings(book)
    return running_head(settings, "위원 신청자 심사")


def one_decimal(value: Fraction) -> float:
    """Half-up to one decimal, for display (25.25 -> 25.3)."""
    return round_half_up(value, 1)


NOTE = "점수는 심사위원 평균 (대표성 30, 전문성 30, 자발성 40, 총점 100). 총점이 같으면 같은 순위(동점)."
HEADERS = ["순위", "동점", "신청자ID", "성명", "대표성", "전문성", "자발성", "총점", "심사위원 수"]


def screening_sheet(applicants: list[Applicant], head: str = "",
                    selection: Selection | None = None) -> SheetSpec:
    """The ranking; with the profile columns the 심사 sheet has, and with `selection` the
    선정/비고 columns and the selected group's spread below."""
    shown = [c for c in PROFILE if any(c in a.profile for a in applicants)]
    headers = [*HEADERS, *shown, *(["선정", "비고"] if selection else [])]
    body = [[a.rank, "동점" if a.tied else None, a.id, a.name,
             *(one_decimal(a.means[c]) for c in CRITERIA), one_decimal(a.total), a.judges,
             *(a.profile.get(c) for c in shown),
             *(["선정" if a.selected else None, a.reason] if selection else [])]
            for a in applicants]
    top = 2
    blocks = [
        Block(0, 0, [["협치회의 위원 신청자 심사결과"]], style="title"),
        Block(1, 0, [[NOTE]], style="note"),
        Block(top, 0, [headers, *body], header_rows=1,
              wrap=frozenset({len(headers) - 1}) if selection else frozenset(),
              number_formats={0: INT, 4: SCORE, 5: SCORE, 6: SCORE, 7: SCORE, 8: INT}),
    ]
    if selection:
        blocks += _spread_blocks(selection, top + len(body) + 2)
    spec = SheetSpec(name=RESULT_SHEET, blocks=blocks, freeze=(top + 1, 0),
                     autofilter=(top, 0, top + len(body), len(headers) - 1) if body else None)
    spec.col_widths = fit_widths(spec, hi=REASON_WIDTH if selection else 40)
    return paginate(spec, head)


REASON_WIDTH = 36  # the wrapped 비고 column


def _spread_blocks(s: Selection, row: int) -> list[Block]:
    title = (f"선정 ({s.seats}석 중 {len(s.chosen)}명, 한 성별 최대 {s.limit}명: 성별상한 "
             f"{_share(s.cap)} x {s.seats}석 내림, 최소 절반)")
    blocks = [Block(row, 0, [[title]], style="subtitle")]
    if s.tie:
        blocks.append(Block(row + 1, 0, [[f"커트라인 동점: {', '.join(s.tie)}. 누구를 선정할지 "
                                          "심사위원회가 결정합니다."]], style="note"))
    table: list[list[Any]] = [["선정자 구성", "값", "인원", "비율"]]
    n = len(s.chosen)
    for column, counts in spread(s.chosen).items():
        table += [[column, value, k, k / n] for value, k in counts.items()]
    if len(table) > 1:
        blocks.append(Block(row + 2, 2, table, header_rows=1,
                            number_formats={2: INT, 3: PERCENT_1}))
    return blocks
