"""참석율 and the 평가지표 4-1 scores over a period (seed section 4 "위원별 참석율").

Expected at a meeting: the members of its body on its 일자 (core.membership). Attended: an
expected member whose 출석 row says 출석, or 대리출석 when 설정 대리출석인정 = Y. Rows for
people not expected do not count. Rates are exact Fractions; JSON gets unrounded floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from .issues import BookError, Issue
from .jobs import Outcome
from .membership import expected_attendees
from .scalars import attendance_rate, round_half_up, score_band
from .settings import Settings, read_settings
from .sheetspec import INT, PERCENT_1, SCORE, Block, SheetSpec
from .tables import Book

SHEET = "출석현황"
SCORE_SHEET = "평가점수"

GroupRule = Callable[[pd.DataFrame], pd.Series]
GROUPS: dict[str, GroupRule] = {
    "전체": lambda d: pd.Series(True, index=d.index),
    "당연직": lambda d: d["구분"] == "당연직",
    "위촉직(시·구의원)": lambda d: (d["구분"] == "위촉직") & d["신분"].isin(["시의원", "구의원"]),
    "위촉직(민간)": lambda d: (d["구분"] == "위촉직") & (d["신분"] == "민간"),
    "행정": lambda d: d["신분"] != "민간",
    "민간": lambda d: d["신분"] == "민간",
}
# The seed's blocks on 출석현황, with its headings.
SHEET_GROUPS = {
    "전체": "전체 위원",
    "당연직": "당연직 위원(행정)",
    "위촉직(시·구의원)": "위촉직 위원(시·구의원)",
    "위촉직(민간)": "위촉직 위원(민간)",
    "행정": "행정 (평가지표 4-1-1)",
    "민간": "민간 (평가지표 4-1-2)",
}
QUALITATIVE = ("4-1-3", "4-1-4")


@dataclass(frozen=True)
class Tally:
    expected: int
    attended: int

    @property
    def rate(self) -> Fraction | None:
        return attendance_rate(self.expected, self.attended)


@dataclass
class MeetingTally:
    meeting_id: str
    body_id: str
    body: str
    body_type: str
    round: int | None
    day: dt.date
    groups: dict[str, Tally]


@dataclass
class Attendance:
    start: dt.date
    end: dt.date
    types: tuple[str, ...]
    settings: Settings
    meetings: list[MeetingTally]
    qualitative: dict[str, float | None]
    warnings: list[Issue]  # 설정 values that could not be used (their defaults were)

    def pooled(self, group: str) -> Tally:
        return Tally(sum(m.groups[group].expected for m in self.meetings),
                     sum(m.groups[group].attended for m in self.meetings))

    def mean_rate(self, group: str) -> Fraction | None:
        rates = [r for m in self.meetings if (r := m.groups[group].rate) is not None]
        return sum(rates, Fraction(0)) / len(rates) if rates else None

    def scores(self) -> dict[str, float | None]:
        admin, civil = self.pooled("행정").rate, self.pooled("민간").rate
        out: dict[str, float | None] = {
            "4-1-1": None if admin is None else score_band(admin),
            "4-1-2": None if civil is None else score_band(civil),
            **self.qualitative,
        }
        parts = [out[k] for k in ("4-1-1", "4-1-2", *QUALITATIVE)]
        out["total"] = (None if any(p is None for p in parts)
                        else float(sum(Decimal(str(p)) for p in parts)))
        return out


def compute_attendance(book: Book, start: dt.date, end: dt.date,
                       body_type: str | None = None) -> Attendance:
    book.require("위원", "조직", "활동", "회의", "출석")
    if start > end:
        raise BookError(f"기간이 올바르지 않습니다: 시작일 {start}이 종료일 {end}보다 늦습니다.")
    settings, warnings = read_settings(book)
    types = (body_type,) if body_type else settings.evaluated_types
    members = book.df("위원")
    bodies = book.df("조직")[["조직ID", "조직명", "유형"]].dropna(subset=["조직ID"]).drop_duplicates(
        "조직ID")
    meetings = book.df("회의")[["회의ID", "조직ID", "회차", "일자"]].dropna(
        subset=["회의ID", "조직ID", "일자"]).drop_duplicates("회의ID")
    in_period = meetings["일자"].map(lambda d: start <= d <= end).astype(bool)
    meetings = meetings[in_period].merge(bodies, on="조직ID", how="inner")
    meetings = meetings[meetings["유형"].isin(types)]
    meetings = meetings.assign(_r=meetings["회차"].map(lambda r: -1 if r is None else r))
    meetings = meetings.sort_values(["일자", "조직ID", "_r", "회의ID"], kind="stable")

    expected = expected_attendees(meetings, book.df("활동"), members)
    people = members[["위원ID", "구분", "신분"]].dropna(subset=["위원ID"]).drop_duplicates("위원ID")
    expected = expected[["회의ID", "위원ID"]].merge(people, on="위원ID", how="inner")
    counted = {"출석", "대리출석"} if settings.proxy_counts else {"출석"}
    rows = book.df("출석")[["회의ID", "위원ID", "출석"]].dropna().drop_duplicates(
        ["회의ID", "위원ID"])  # a repeated row: the first one stands (validate flags it)
    present = rows[rows["출석"].isin(counted)][["회의ID", "위원ID"]].assign(참석=True)
    expected = expected.merge(present, on=["회의ID", "위원ID"], how="left")
    expected["참석"] = expected["참석"].eq(True)

    masks = {g: rule(expected) for g, rule in GROUPS.items()}
    by_meeting = {g: _count(expected[mask]) for g, mask in masks.items()}
    tallies = []
    for m in meetings.itertuples(index=False):
        groups = {}
        for g in GROUPS:
            n, k = by_meeting[g].get(m.회의ID, (0, 0))
            groups[g] = Tally(n, k)
        tallies.append(MeetingTally(m.회의ID, m.조직ID, m.조직명, m.유형, m.회차, m.일자, groups))
    return Attendance(start, end, tuple(types), settings, tallies, _qualitative(book),
                      warnings)


def _count(expected: pd.DataFrame) -> dict[str, tuple[int, int]]:
    grouped = expected.groupby("회의ID")["참석"].agg(["size", "sum"])
    return {mid: (int(n), int(k))
            for mid, n, k in zip(grouped.index, grouped["size"], grouped["sum"], strict=True)}


def _qualitative(book: Book) -> dict[str, float | None]:
    """4-1-3 and 4-1-4 from 평가입력; None for each not given."""
    out: dict[str, float | None] = dict.fromkeys(QUALITATIVE)
    if not book.has("평가입력"):
        return out
    df = book.df("평가입력")
    for item, score in zip(df["항목"], df["점수"], strict=True):
        key = None if item is None else str(item).strip()
        if key in out and out[key] is None and isinstance(score, (int, float)) and 0 <= score <= 3:
            out[key] = float(score)
    return out


def _float(rate: Fraction | None) -> float | None:
    return None if rate is None else float(rate)


def attendance_json(a: Attendance) -> dict[str, Any]:
    meetings = [{
        "meeting_id": m.meeting_id,
        "date": m.day.isoformat(),
        "body_id": m.body_id,
        "body": m.body,
        "type": m.body_type,
        "round": m.round,
        "groups": {g: {"expected": t.expected, "attended": t.attended, "rate": _float(t.rate)}
                   for g, t in m.groups.items()},
    } for m in a.meetings]
    summary = {}
    for g in GROUPS:
        t = a.pooled(g)
        summary[g] = {"expected": t.expected, "attended": t.attended, "rate": _float(t.rate),
                      "mean_rate": _float(a.mean_rate(g))}
    return {"from": a.start.isoformat(), "to": a.end.isoformat(), "types": list(a.types),
            "proxy_counts": a.settings.proxy_counts, "meetings": meetings,
            "summary": summary, "scores": a.scores(),
            "warnings": [w.to_json() for w in a.warnings]}


def attendance_job(book: Book, start: dt.date, end: dt.date,
                   body_type: str | None = None) -> Outcome:
    a = compute_attendance(book, start, end, body_type)
    payload = attendance_json(a)
    whole = payload["summary"]["전체"]
    rate = "-" if whole["rate"] is None else f"{round_half_up(whole['rate'] * 100, 1)}%"
    scores = payload["scores"]
    shown = {k: "-" if v is None else f"{v:g}" for k, v in scores.items()}
    summary = (f"{a.start} ~ {a.end} 회의 {len(a.meetings)}건, 참석율 {rate} "
               f"({whole['attended']}/{whole['expected']}), 평가지표 4-1-1 {shown['4-1-1']}점, "
               f"4-1-2 {shown['4-1-2']}점, 합계 {shown['total']}점")
    for w in a.warnings:
        summary += f"\n경고: {w.message} (기본값을 사용했습니다)"
    return Outcome(payload, [attendance_sheet(a), score_sheet(a, payload["scores"])], summary)


# ---------------------------------------------------------------------------------------------
# Result sheets


def _shown(rate: Fraction | None) -> float | str:
    """A rate for a PERCENT_1 cell: rounded half-up to 0.1%, '-' when nobody was expected."""
    return "-" if rate is None else round_half_up(rate, 3)


def _header(m: MeetingTally, many_bodies: bool) -> str:
    day = f"({m.day:%y}.{m.day.month}.{m.day.day}.)"
    head = f"{m.round}차 {day}" if m.round is not None else day
    return f"{m.body} {head}" if many_bodies else head


def _title(a: Attendance) -> str:
    return f"회의 참석율 현황 ({a.start.isoformat()} ~ {a.end.isoformat()}, {', '.join(a.types)})"


def attendance_sheet(a: Attendance) -> SheetSpec:
    many = len({m.body_id for m in a.meetings}) > 1
    heads = [_header(m, many) for m in a.meetings]
    n = len(a.meetings)
    proxy = "대리출석 포함" if a.settings.proxy_counts else "대리출석 제외"
    blocks = [
        Block(0, 0, [[_title(a)]], style="title"),
        Block(1, 0, [[(f"참석율 = 참석자 / 정원 (정원: 회의일 기준 위원, {proxy}). "
                       "평균 = 회차별 참석율의 평균, 합계 = 전체 참석자 / 전체 정원")]],
              style="note"),
    ]
    row = 3
    for g, heading in SHEET_GROUPS.items():
        pooled = a.pooled(g)
        blocks.append(Block(row, 0, [[f"• {heading}"]], style="subtitle"))
        blocks.append(Block(row + 1, 0, [["구분", *heads, "평균", "합계"]], header_rows=1))
        blocks.append(Block(row + 2, 0, [
            ["정원", *(m.groups[g].expected for m in a.meetings), None, pooled.expected],
            ["참석자", *(m.groups[g].attended for m in a.meetings), None, pooled.attended],
        ], number_formats={i: INT for i in range(1, n + 3)}))
        blocks.append(Block(row + 4, 0, [
            ["참석율", *(_shown(m.groups[g].rate) for m in a.meetings),
             _shown(a.mean_rate(g)), _shown(pooled.rate)],
        ], number_formats={i: PERCENT_1 for i in range(1, n + 3)}))
        row += 7
    widths = {0: 10.0, **{i: 16.0 if not many else 24.0 for i in range(1, n + 1)},
              n + 1: 10.0, n + 2: 10.0}
    return SheetSpec(SHEET, blocks, col_widths=widths, freeze=(0, 1))


def score_sheet(a: Attendance, scores: dict[str, float | None]) -> SheetSpec:
    admin, civil = a.pooled("행정"), a.pooled("민간")

    def score(key: str) -> float | str:
        value = scores[key]
        return "-" if value is None else value

    table = [
        ["항목", "내용", "정원(연인원)", "참석(연인원)", "참석률", "점수", "배점"],
        ["4-1-1", "회의 구성원(행정) 참석률", admin.expected, admin.attended,
         _shown(admin.rate), score("4-1-1"), 2],
        ["4-1-2", "회의 구성원(민간) 참석률", civil.expected, civil.attended,
         _shown(civil.rate), score("4-1-2"), 2],
        ["4-1-3", "회의 구성원(행정)의 충실한 참석 (정성, 평가입력)", None, None, None,
         score("4-1-3"), 3],
        ["4-1-4", "회의 구성원(민간)의 충실한 참석 (정성, 평가입력)", None, None, None,
         score("4-1-4"), 3],
    ]
    total = ["4-1", "내실있는 숙의공론장 운영 (합계)", None, None, None, score("total"), 10]
    blocks = [
        Block(0, 0, [[(f"평가지표 4-1 점수 ({a.start.isoformat()} ~ {a.end.isoformat()}, "
                       f"{', '.join(a.types)})")]], style="title"),
        Block(1, 0, [[("참석률 구간: 80% 이상 2점, 60% 이상 1.5점, 40% 초과 1점, 40% 이하 0점 "
                       "(반올림 전 정확한 값으로 판정)")]], style="note"),
        Block(3, 0, [*table, total], header_rows=1, total_rows=1,
              number_formats={2: INT, 3: INT, 4: PERCENT_1, 5: SCORE, 6: SCORE}),
        Block(10, 0, [["○ 구분별 참석률"]], style="subtitle"),
        Block(11, 0, [["구분", "정원(연인원)", "참석(연인원)", "참석률(합계)", "평균 참석률"],
                      *([g, (t := a.pooled(g)).expected, t.attended, _shown(t.rate),
                         _shown(a.mean_rate(g))] for g in GROUPS)],
              header_rows=1, number_formats={1: INT, 2: INT, 3: PERCENT_1, 4: PERCENT_1}),
    ]
    return SheetSpec(SCORE_SHEET, blocks,
                     col_widths={0: 18.0, 1: 44.0, 2: 14.0, 3: 14.0, 4: 12.0, 5: 10.0, 6: 8.0})
