"""Screening of applicants (심사): mean score per criterion over the judges, total, rank.

Seed (제3기 협치회의 심사항목): 대표성 30, 전문성 30, 자발성 40 points. Means are exact
Fractions; the rank is "competition" ranking (1, 2, 2, 4) on the exact total. A book whose
심사 sheet has validation errors is not ranked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from .issues import Issue
from .outcome import Outcome
from .pagelayout import fit_widths, paginate, running_head
from .privacy import mask_name
from .scalars import round_half_up
from .settings import read_settings
from .sheetspec import INT, SCORE, Block, SheetSpec
from .tables import Book
from .validate import Report, result_sheet, sheet_errors, unique_ids

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

    @property
    def total(self) -> Fraction:
        return sum(self.means.values(), Fraction(0))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name,
                "means": {c: float(self.means[c]) for c in CRITERIA},
                "total": float(self.total), "rank": self.rank, "tied": self.tied,
                "judges": self.judges}


def screening_errors(book: Book) -> list[Issue]:
    """The errors of the 심사 sheet: unreadable cells, row rules, a judge scoring twice."""
    return sheet_errors(book, "심사", unique_ids)


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


def screen_job(book: Book, *, mask: bool = False) -> Outcome:
    """`mask` hides the middle of every applicant's 성명, on the sheet and in the JSON."""
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
    applicants = rank_applicants(rows)
    if mask:
        applicants = [replace(a, name=mask_name(a.name)) for a in applicants]
    tied = sum(1 for a in applicants if a.tied)
    summary = f"심사 결과: 신청자 {len(applicants)}명" + (f", 동점 {tied}명" if tied else "")
    return Outcome({"applicants": [a.to_json() for a in applicants], "errors": []},
                   [screening_sheet(applicants, _head(book))], summary)


def _head(book: Book) -> str:
    settings, _ = read_settings(book)
    return running_head(settings, "위원 신청자 심사")


def one_decimal(value: Fraction) -> float:
    """Half-up to one decimal, for display (25.25 -> 25.3)."""
    return round_half_up(value, 1)


NOTE = "점수는 심사위원 평균 (대표성 30, 전문성 30, 자발성 40, 총점 100). 총점이 같으면 같은 순위(동점)."
HEADERS = ["순위", "동점", "신청자ID", "성명", "대표성", "전문성", "자발성", "총점", "심사위원 수"]


def screening_sheet(applicants: list[Applicant], head: str = "") -> SheetSpec:
    body = [[a.rank, "동점" if a.tied else None, a.id, a.name,
             *(one_decimal(a.means[c]) for c in CRITERIA), one_decimal(a.total), a.judges]
            for a in applicants]
    top = 2
    blocks = [
        Block(0, 0, [["협치회의 위원 신청자 심사결과"]], style="title"),
        Block(1, 0, [[NOTE]], style="note"),
        Block(top, 0, [HEADERS, *body], header_rows=1,
              number_formats={0: INT, 4: SCORE, 5: SCORE, 6: SCORE, 7: SCORE, 8: INT}),
    ]
    spec = SheetSpec(name=RESULT_SHEET, blocks=blocks, freeze=(top + 1, 0),
                     autofilter=(top, 0, top + len(body), len(HEADERS) - 1) if body else None)
    spec.col_widths = fit_widths(spec)
    return paginate(spec, head)
