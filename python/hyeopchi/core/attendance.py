"""참석율 and the 평가지표 4-1 scores over a period (seed section 4 "위원별 참석율").

Expected at a meeting: the members of its body on its 일자 (core.membership). Attended: an
expected member whose 출석 row says 출석, or 대리출석 when 설정 대리출석인정 = Y. Rows for
people not expected do not count. Rates are exact Fractions; JSON gets unrounded floats.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .issues import BookError, Issue
from .membership import expected_index, member_of
from .outcome import Outcome
from .pagelayout import fit_widths, paginate, running_head
from .scalars import attendance_rate, half_up_units, round_half_up, score_band
from .settings import Settings, read_settings
from .sheetspec import DATE, INT, PERCENT_1, SCORE, Block, Merge, SheetSpec, display_width
from .tables import Book
from .vocabulary import BODY_TYPES

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


Counts = dict[str, tuple[np.ndarray, np.ndarray]]  # group -> (expected, attended) per meeting


@dataclass(eq=False)  # holds a DataFrame and arrays: compared by identity
class Attendance:
    start: dt.date
    end: dt.date
    types: tuple[str, ...]
    settings: Settings
    table: pd.DataFrame  # the meetings in order: 회의ID, 조직ID, 조직명, 유형, 회차, 일자
    counts: Counts  # integer counts per meeting (row of `table`) and group
    qualitative: dict[str, float | None]
    warnings: list[Issue]  # 설정 values that could not be used (their defaults were)
    _pooled: dict[str, Tally] = field(init=False, repr=False, compare=False)
    _means: dict[str, Fraction | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._pooled = {g: Tally(int(n.sum()), int(k.sum())) for g, (n, k) in self.counts.items()}
        self._means = {g: _mean_rate(n, k) for g, (n, k) in self.counts.items()}

    @cached_property
    def meetings(self) -> list[MeetingTally]:
        """The meetings as objects (for callers and tests; the outputs work on the arrays)."""
        t = self.table
        counts = {g: (n.tolist(), k.tolist()) for g, (n, k) in self.counts.items()}
        return [MeetingTally(mid, body_id, body, body_type, rnd, day,
                             {g: Tally(n[i], k[i]) for g, (n, k) in counts.items()})
                for i, (mid, body_id, body, body_type, rnd, day) in enumerate(zip(
                    t["회의ID"], t["조직ID"], t["조직명"], t["유형"], t["회차"], t["일자"],
                    strict=True))]

    def pooled(self, group: str) -> Tally:
        return self._pooled[group]

    def mean_rate(self, group: str) -> Fraction | None:
        """Mean of the per-meeting rates, meetings nobody was expected at left out (exact)."""
        return self._means[group]

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


def _mean_rate(expected: np.ndarray, attended: np.ndarray) -> Fraction | None:
    """sum(attended_i / expected_i) / count over expected_i > 0, exactly: the attended are
    summed per distinct denominator first, so only a few Fractions are made."""
    some = expected > 0
    if not some.any():
        return None
    by_denominator = pd.Series(attended[some]).groupby(expected[some]).sum()
    total = sum((Fraction(int(k), int(n)) for n, k in zip(
        by_denominator.index.tolist(), by_denominator.tolist(), strict=True)), Fraction(0))
    return total / int(some.sum())


def compute_attendance(book: Book, start: dt.date, end: dt.date,
                       body_type: str | None = None) -> Attendance:
    book.require("위원", "조직", "활동", "회의", "출석")
    if start > end:
        raise BookError(f"기간이 올바르지 않습니다: 시작일 {start}이 종료일 {end}보다 늦습니다.")
    settings, warnings = read_settings(book)
    types = (body_type,) if body_type else settings.evaluated_types
    meetings = period_meetings(book.df("회의"), book.df("조직"), start, end, types)
    p = presence(meetings, book.df("활동"), book.df("위원"), book.df("출석"),
                 settings.proxy_counts)
    counts: Counts = {}
    for g, rule in GROUPS.items():
        in_group = rule(p.people).to_numpy(dtype=bool)[p.person]
        counts[g] = (np.bincount(p.meeting[in_group], minlength=len(meetings)),
                     np.bincount(p.meeting[in_group & p.came], minlength=len(meetings)))
    return Attendance(start, end, tuple(types), settings, meetings, counts, _qualitative(book),
                      warnings)


def period_meetings(meetings: pd.DataFrame, bodies: pd.DataFrame, start: dt.date,
                    end: dt.date, types: Collection[str] | None = None) -> pd.DataFrame:
    """The meetings held in start..end (inclusive) by a body on 조직 (of a 유형 in `types`;
    None: any), ordered by 일자, 조직ID, 회차, 회의ID: 회의ID, 조직ID, 회차, 일자, 조직명, 유형.

    A meeting of a body missing from 조직 is left out (validate reports its 조직ID)."""
    bodies = bodies[["조직ID", "조직명", "유형"]].dropna(subset=["조직ID"]).drop_duplicates(
        "조직ID")
    meetings = meetings[["회의ID", "조직ID", "회차", "일자"]].dropna(
        subset=["회의ID", "조직ID", "일자"]).drop_duplicates("회의ID")
    days = meetings["일자"].to_numpy(object)  # datetime.date (blank rows dropped above)
    meetings = meetings[(days >= start) & (days <= end)].merge(bodies, on="조직ID", how="inner")
    if types is not None:
        meetings = meetings[meetings["유형"].isin(types)]
    meetings = meetings.assign(_r=meetings["회차"].map(lambda r: -1 if r is None else r))
    meetings = meetings.sort_values(["일자", "조직ID", "_r", "회의ID"], kind="stable")
    return meetings.drop(columns="_r").reset_index(drop=True)


@dataclass(frozen=True)
class Presence:
    """Each (meeting, expected person) pair, as positions, and whether the person came."""

    people: pd.DataFrame  # 위원ID, 구분, 신분: one row per person on 위원
    meeting: np.ndarray  # the pair's row in the meetings
    person: np.ndarray  # the pair's row in `people`
    came: np.ndarray  # bool


def presence(meetings: pd.DataFrame, memberships: pd.DataFrame, members: pd.DataFrame,
             attendance: pd.DataFrame, proxy_counts: bool) -> Presence:
    """Who was expected at each meeting and who came, in integer codes (no per-row Python).

    Expected: the body's members on the day (core.membership) who are on 위원. Came: an
    expected member whose first usable 출석 row for the meeting says 출석 (or 대리출석 when
    `proxy_counts`). 출석 rows of other meetings or people are ignored (validate flags them).
    """
    n_meetings = len(meetings)
    meeting_ids = pd.Index(meetings["회의ID"])
    people = members[["위원ID", "구분", "신분"]].dropna(subset=["위원ID"]).drop_duplicates("위원ID")
    people = people.reset_index(drop=True)
    person_ids = pd.Index(people["위원ID"])
    n_people = max(len(people), 1)

    e = expected_index(meetings, memberships, members)
    at = meeting_ids.get_indexer(e.meetings["회의ID"])[e.meeting_pos]
    who = person_ids.get_indexer(e.memberships["위원ID"])[e.membership_pos]
    at, who = at[who >= 0], who[who >= 0]  # only people on 위원 are expected

    # 출석 rows of these meetings, of people on 위원, with a status (blank rows never count)
    rows = attendance
    row_at = meeting_ids.get_indexer(rows["회의ID"])
    take = np.flatnonzero(row_at >= 0)
    row_who = person_ids.get_indexer(rows["위원ID"].to_numpy()[take])
    status = rows["출석"].to_numpy()[take]
    usable = (row_who >= 0) & pd.notna(status)
    row_keys = row_at[take][usable] * n_people + row_who[usable]
    # A repeated (회의ID, 위원ID) row: the first one stands (validate flags it).
    first = ~pd.Series(row_keys).duplicated(keep="first").to_numpy()
    ok = ["출석", "대리출석"] if proxy_counts else ["출석"]
    present = row_keys[first & pd.Series(status[usable]).isin(ok).to_numpy()]
    came = member_of(at * n_people + who, present, n_meetings * n_people)
    return Presence(people, at, who, came)


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


def _floats(expected: np.ndarray, attended: np.ndarray) -> list[float | None]:
    """attended / expected per meeting as floats (== float(Fraction): both correctly rounded),
    None where nobody was expected."""
    rates = (attended / np.maximum(expected, 1)).tolist()
    return [None if n == 0 else r for n, r in zip(expected.tolist(), rates, strict=True)]


def attendance_json(a: Attendance) -> dict[str, Any]:
    t = a.table
    iso = {d: d.isoformat() for d in set(t["일자"].tolist())}
    per_group = []
    for n, k in a.counts.values():
        rates = _floats(n, k)
        per_group.append([{"expected": e, "attended": c, "rate": r}
                          for e, c, r in zip(n.tolist(), k.tolist(), rates, strict=True)])
    meetings = [{
        "meeting_id": mid,
        "date": iso[day],
        "body_id": body_id,
        "body": body,
        "type": body_type,
        "round": rnd,
        "groups": dict(zip(a.counts, groups, strict=True)),
    } for mid, day, body_id, body, body_type, rnd, *groups in zip(
        t["회의ID"].tolist(), t["일자"].tolist(), t["조직ID"].tolist(), t["조직명"].tolist(),
        t["유형"].tolist(), t["회차"].tolist(), *per_group, strict=True)]
    summary = {}
    for g in GROUPS:
        pooled = a.pooled(g)
        summary[g] = {"expected": pooled.expected, "attended": pooled.attended,
                      "rate": _float(pooled.rate),
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
    summary = (f"{a.start} ~ {a.end} 회의 {len(a.table)}건, 참석율 {rate} "
               f"({whole['attended']}/{whole['expected']}), 평가지표 4-1-1 {shown['4-1-1']}점, "
               f"4-1-2 {shown['4-1-2']}점, 합계 {shown['total']}점")
    for w in a.warnings:
        summary += f"\n경고: {w.message} (기본값을 사용했습니다)"
    return Outcome(payload, lambda: [attendance_sheet(a), score_sheet(a, payload["scores"])],
                   summary)


# ---------------------------------------------------------------------------------------------
# Result sheets


def _shown(rate: Fraction | None) -> float | str:
    """A rate for a PERCENT_1 cell: rounded half-up to 0.1%, '-' when nobody was expected."""
    return "-" if rate is None else round_half_up(rate, 3)


def _shown_many(expected: np.ndarray, attended: np.ndarray) -> list[float | str]:
    """_shown for every meeting at once, in integers: half_up_units thousandths (then units /
    1000, the float round_half_up returns)."""
    units = half_up_units(attended, np.maximum(expected, 1), 3)
    return ["-" if n == 0 else u for n, u in zip(expected.tolist(), (units / 1000).tolist(),
                                                  strict=True)]


def _headers(t: pd.DataFrame, many_bodies: bool) -> list[str]:
    days = {d: f"({d:%y}.{d.month}.{d.day}.)" for d in set(t["일자"].tolist())}
    heads = []
    for body, rnd, d in zip(t["조직명"].tolist(), t["회차"].tolist(), t["일자"].tolist(),
                            strict=True):
        head = f"{rnd}차 {days[d]}" if rnd is not None else days[d]
        heads.append(f"{body} {head}" if many_bodies else head)
    return heads


def _title(a: Attendance) -> str:
    return f"회의 참석율 현황 ({a.start.isoformat()} ~ {a.end.isoformat()}, {', '.join(a.types)})"


SUMMARY_MEETINGS = 6  # up to this many meetings the seed's per-group tables come first
ROW_GROUPS = ("전체", "당연직", "위촉직(시·구의원)", "위촉직(민간)")  # columns of the meeting list
NAME_WIDTH = 24  # 조직명 wraps beyond this


def attendance_sheet(a: Attendance) -> SheetSpec:
    """Meetings as rows, grouped by body (유형 order, then name) with a 소계 per body and the
    period's 합계 and 평균; for a few meetings the seed's 정원/참석자/참석율 tables first."""
    proxy = "대리출석 포함" if a.settings.proxy_counts else "대리출석 제외"
    blocks = [
        Block(0, 0, [[_title(a)]], style="title"),
        Block(1, 0, [[(f"참석율 = 참석자 / 정원 (정원: 회의일 기준 위원, {proxy}). "
                       "평균 = 회의별 참석율의 평균, 합계 = 전체 참석자 / 전체 정원")]],
              style="note"),
    ]
    merges: list[Merge] = []
    row = 3
    if 0 < len(a.table) <= SUMMARY_MEETINGS:
        row = _seed_tables(a, blocks, row)
    blocks.append(Block(row, 0, [[f"○ 회의별 참석 현황 ({len(a.table)}회, 조직별)"]],
                        style="subtitle"))
    top = row + 1
    head1: list[Any] = [None] * (3 + 3 * len(ROW_GROUPS))
    head2: list[Any] = [None, None, None] + ["정원", "참석", "참석율"] * len(ROW_GROUPS)
    for j, label in enumerate(("조직", "회차", "일자")):
        merges.append(Merge(top, j, top + 1, j, label, style="header"))
    for i, g in enumerate(ROW_GROUPS):
        merges.append(Merge(top, 3 + 3 * i, top, 5 + 3 * i, SHEET_GROUPS[g], style="header"))
    body, styles = _meeting_rows(a)
    formats = {2: DATE, **{3 + 3 * i + k: (PERCENT_1 if k == 2 else INT)
                           for i in range(len(ROW_GROUPS)) for k in range(3)}}
    blocks.append(Block(top, 0, [head1, head2, *body], header_rows=2, total_rows=2,
                        number_formats=formats, wrap=frozenset({0}),
                        row_styles={2 + k: v for k, v in styles.items()}))
    spec = SheetSpec(SHEET, blocks, merges=merges)
    spec.col_widths = fit_widths(spec, hi=NAME_WIDTH)
    for i in range(len(ROW_GROUPS)):  # each group's three columns under its merged label
        need = display_width(SHEET_GROUPS[ROW_GROUPS[i]]) + 2
        cols = [3 + 3 * i + k for k in range(3)]
        short = need - sum(spec.col_widths.get(c, 0) for c in cols)
        if short > 0:
            for c in cols:
                spec.col_widths[c] = spec.col_widths.get(c, 0) + math.ceil(short / 3)
    return paginate(spec, _head(a))


def _head(a: Attendance) -> str:
    return running_head(a.settings, f"기간 {a.start.isoformat()} ~ {a.end.isoformat()}")


def _meeting_rows(a: Attendance) -> tuple[list[list[Any]], dict[int, str]]:
    """The list's body: meeting rows, a 소계 after each body's, then 합계 and 평균."""
    t = a.table
    order = {ty: i for i, ty in enumerate(BODY_TYPES)}
    keys = pd.DataFrame({"t": t["유형"].map(order).fillna(len(order)).to_numpy(),
                         "name": t["조직명"].astype(str).to_numpy(),
                         "id": t["조직ID"].astype(str).to_numpy(),
                         "pos": np.arange(len(t))})
    idx = keys.sort_values(["t", "name", "id", "pos"], kind="stable")["pos"].to_numpy()
    names, rounds, days, ids = (t[c].to_numpy(object)[idx] for c in ("조직명", "회차", "일자",
                                                                        "조직ID"))
    shared = t.drop_duplicates("조직ID").groupby("조직명")["조직ID"].size()
    shared_names = set(shared[shared > 1].index)
    if shared_names:  # two bodies with one name: tell them apart by 조직ID
        names = np.array([f"{nm} ({i})" if nm in shared_names else nm
                          for nm, i in zip(names, ids, strict=True)], dtype=object)
    n = {g: a.counts[g][0][idx] for g in ROW_GROUPS}
    k = {g: a.counts[g][1][idx] for g in ROW_GROUPS}
    rates = {g: _shown_many(n[g], k[g]) for g in ROW_GROUPS}
    nl = {g: n[g].tolist() for g in ROW_GROUPS}
    kl = {g: k[g].tolist() for g in ROW_GROUPS}
    rows: list[list[Any]] = []
    styles: dict[int, str] = {}
    first = 0
    for i in range(len(idx) + 1):
        if i == len(idx) or (i > first and ids[i] != ids[first]):
            sub: list[Any] = ["소계", f"{i - first}회", None]
            for g in ROW_GROUPS:
                tally = Tally(int(n[g][first:i].sum()), int(k[g][first:i].sum()))
                sub += [tally.expected, tally.attended, _shown(tally.rate)]
            styles[len(rows)] = "total"
            rows.append(sub)
            first = i
        if i == len(idx):
            break
        row: list[Any] = [names[i], "" if rounds[i] is None else f"{rounds[i]}차", days[i]]
        for g in ROW_GROUPS:
            row += [nl[g][i], kl[g][i], rates[g][i]]
        rows.append(row)
    if not len(idx):
        rows, styles = [["해당 기간에 회의가 없습니다."]], {}
    total: list[Any] = ["합계", f"{len(idx)}회", None]
    mean: list[Any] = ["평균 (회의별 참석율의 평균)", None, None]
    for g in ROW_GROUPS:
        pooled = a.pooled(g)
        total += [pooled.expected, pooled.attended, _shown(pooled.rate)]
        mean += [None, None, _shown(a.mean_rate(g))]
    return [*rows, total, mean], styles


def _seed_tables(a: Attendance, blocks: list[Block], row: int) -> int:
    """The seed's layout (one column per meeting) for each group; returns the next row."""
    many = a.table["조직ID"].nunique() > 1
    heads = _headers(a.table, many)
    n = len(a.table)
    for g, heading in SHEET_GROUPS.items():
        pooled = a.pooled(g)
        expected, attended = a.counts[g]
        blocks.append(Block(row, 0, [[f"• {heading}"]], style="subtitle"))
        blocks.append(Block(row + 1, 0, [["구분", *heads, "평균", "합계"]], header_rows=1,
                            keep_with_next=True))
        blocks.append(Block(row + 2, 0, [
            ["정원", *expected.tolist(), None, pooled.expected],
            ["참석자", *attended.tolist(), None, pooled.attended],
        ], number_formats={i: INT for i in range(1, n + 3)}, keep_with_next=True))
        blocks.append(Block(row + 4, 0, [
            ["참석율", *_shown_many(expected, attended),
             _shown(a.mean_rate(g)), _shown(pooled.rate)],
        ], number_formats={i: PERCENT_1 for i in range(1, n + 3)}))
        row += 7
    return row


def score_sheet(a: Attendance, scores: dict[str, float | None]) -> SheetSpec:
    admin, civil = a.pooled("행정"), a.pooled("민간")

    def score(key: str) -> float | str:
        value = scores[key]
        return "-" if value is None else value

    table: list[list[Any]] = [
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
    spec = SheetSpec(SCORE_SHEET, blocks)
    spec.col_widths = fit_widths(spec, hi=48)
    return paginate(spec, _head(a))
