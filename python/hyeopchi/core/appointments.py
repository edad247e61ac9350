"""The monthly appointment report (위·해촉 현황 월별보고): who joined and left which body in M.

Counts are over distinct (위원ID, 조직ID) pairs, with the shared rule of core/membership.py.
Let a(d) be 1 when the pair is a member on day d (any of its 활동 rows active). Over the days
d0 = last day of M-1, d1 = first day of M, ..., dn = last day of M:

- 전월말 = a(d0), 당월말 = a(dn);
- 위촉 = the days d1..dn with a(d-1) = 0 and a(d) = 1 (the pair became a member on a day of M);
- 해촉 = the days d1..dn with a(d-1) = 1 and a(d) = 0 (it was a member in M, or on d0, and is
  not on dn: its last day was in d0..dn-1; 종료일 within M, 해촉일 within M).

Every step a(d) - a(d-1) is +1 (a 위촉), -1 (a 해촉) or 0, so the sum telescopes:
위촉 - 해촉 = a(dn) - a(d0), i.e. 전월말 + 위촉 - 해촉 = 당월말 for each pair, and so for every
sum of pairs (a body, a 유형, the total). A membership that starts and ends within M is one
+1 and one -1: counted in both 위촉 and 해촉. A change of role without a gap is no step at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from .attendance import period_meetings, presence
from .membership import active_mask, memberships_with_dismissal
from .privacy import mask_name as mask_name  # re-exported: report_sheet, tests
from .settings import Settings
from .values import month_bounds, text_or_none
from .vocabulary import BODY_TYPES

PAIR = ["위원ID", "조직ID"]
QUARTER_MONTHS = (3, 6, 9, 12)


def month_end(year: int, month: int) -> dt.date:
    return month_bounds(year, month)[1]


@dataclass
class BodyCount:
    body_id: str
    name: str
    type: str
    start: int
    appointed: int
    left: int
    end: int
    capacity: int | None

    @property
    def vacancy(self) -> int | None:
        return None if self.capacity is None else self.capacity - self.end


@dataclass
class TypeCount:
    type: str
    bodies: int
    start: int
    appointed: int
    left: int
    end: int
    capacity: int | None  # sum over the bodies with a 정원; None when none has one
    vacancy: int | None  # sum of those bodies' 결원


@dataclass
class Appointment:
    member_id: str
    name: str
    body_id: str
    body: str
    role: str
    start: dt.date


@dataclass
class Departure:
    member_id: str
    name: str
    body_id: str
    body: str
    role: str
    kind: str  # "종료" (활동 종료일) or "해촉" (위원 해촉일)
    date: dt.date  # 종료일 (last active day) or 해촉일 (first day no longer a member)
    reason: str


@dataclass
class Activity:
    member_id: str
    name: str
    body_id: str
    body: str
    type: str
    expected: int
    attended: int

    @property
    def rate(self) -> Fraction:
        return Fraction(self.attended, self.expected)


@dataclass
class MonthReport:
    year: int
    month: int
    bodies: list[BodyCount]
    types: list[TypeCount]
    appointments: list[Appointment]
    departures: list[Departure]
    quarter: tuple[dt.date, dt.date] | None = None
    activity: list[Activity] = field(default_factory=list)

    @property
    def day(self) -> dt.date:
        return month_end(self.year, self.month)

    def total(self) -> TypeCount:
        caps = [t.capacity for t in self.types if t.capacity is not None]
        vac = [t.vacancy for t in self.types if t.vacancy is not None]
        return TypeCount("합계", sum(t.bodies for t in self.types), *_flows(self.types),
                         sum(caps) if caps else None, sum(vac) if vac else None)


def _flows(rows: list[BodyCount] | list[TypeCount]) -> tuple[int, int, int, int]:
    """Sums of 전월말, 위촉, 해촉, 당월말 over some rows."""
    return (sum(r.start for r in rows), sum(r.appointed for r in rows),
            sum(r.left for r in rows), sum(r.end for r in rows))


def _text(value: Any) -> str:
    """A cell as text for the report: blank is ""."""
    return text_or_none(value) or ""


def monthly_report(members: pd.DataFrame, bodies: pd.DataFrame, memberships: pd.DataFrame,
                   year: int, month: int, *, meetings: pd.DataFrame | None = None,
                   attendance: pd.DataFrame | None = None,
                   settings: Settings | None = None,
                   year_pairs: pd.DataFrame | None = None) -> MonthReport:
    """The month's counts per body and 유형, the lists, and in quarter-end months the activity
    (from `year_pairs` when given: (meeting, member) pairs of a period holding the quarter)."""
    settings = settings or Settings()
    first = dt.date(year, month, 1)
    days = [first - dt.timedelta(days=1)] + [
        first + dt.timedelta(days=i) for i in range(month_end(year, month).day)]
    m = memberships_with_dismissal(memberships, members)
    body_rows = bodies.dropna(subset=["조직ID"]).drop_duplicates("조직ID")
    m = m[m["조직ID"].isin(set(body_rows["조직ID"]))].reset_index(drop=True)

    # active[i]: which 활동 rows are active on days[i]; pairs[i]: which pairs are.
    active = pd.DataFrame({i: active_mask(m, pd.Timestamp(d)) for i, d in enumerate(days)})
    pair_active = pd.concat([m[PAIR], active], axis=1).groupby(PAIR, sort=False).any()
    steps = pair_active.astype(int).diff(axis=1).drop(columns=0)
    ups, downs = (steps == 1), (steps == -1)
    per_pair = pd.DataFrame({
        "start": pair_active[0].astype(int), "appointed": ups.sum(axis=1),
        "left": downs.sum(axis=1), "end": pair_active[len(days) - 1].astype(int)})
    assert (per_pair["start"] + per_pair["appointed"] - per_pair["left"]
            == per_pair["end"]).all(), "전월말 + 위촉 - 해촉 = 당월말"
    by_body = per_pair.groupby(level="조직ID").sum()

    counts: list[BodyCount] = []
    for _, b in body_rows.iterrows():
        row = by_body.loc[b["조직ID"]] if b["조직ID"] in by_body.index else None
        cap = b.get("정원")
        start, appointed, left, end = ((0, 0, 0, 0) if row is None else
                                       (int(row[k]) for k in per_pair.columns))
        counts.append(BodyCount(str(b["조직ID"]), _text(b["조직명"]), _text(b["유형"]),
                                start, appointed, left, end,
                                capacity=int(cap) if cap is not None and not pd.isna(cap)
                                else None))
    order = {t: i for i, t in enumerate(BODY_TYPES)}
    # 유형 outside the contract's list is a validation error: such a body is left out here, so
    # the per-body rows always add up to the 유형 rows and the total.
    counts = sorted((c for c in counts if c.type in order), key=lambda c: order[c.type])
    types = [_type_count(t, [c for c in counts if c.type == t]) for t in BODY_TYPES]
    checked: list[BodyCount | TypeCount] = [*counts, *types]
    for c in checked:
        assert c.start + c.appointed - c.left == c.end, c

    people = members.dropna(subset=["위원ID"]).drop_duplicates("위원ID").set_index("위원ID")
    names = {str(k): _text(v) for k, v in people["성명"].items()}
    reasons = {str(k): _text(v) for k, v in people["해촉사유"].items()}
    body_names = {c.body_id: c.name for c in counts}
    appointments = _appointments(m, active, pair_active, ups, days, names, body_names)
    departures = _departures(m, active, pair_active, downs, days, names, body_names, reasons)

    report = MonthReport(year, month, counts, types, appointments, departures)
    if month in QUARTER_MONTHS and meetings is not None and attendance is not None:
        q_first = dt.date(year, month - 2, 1)
        report.quarter = (q_first, report.day)
        report.activity = (
            activity_from_pairs(year_pairs, members, bodies, q_first, report.day)
            if year_pairs is not None else
            quarter_activity(meetings, attendance, memberships, members, bodies, q_first,
                             report.day, settings.proxy_counts))
    return report


def _records(df: pd.DataFrame) -> list[Any]:
    """A frame's rows as named tuples, typed loosely (pandas types each field as any cell)."""
    return list(df.itertuples())


def _type_count(kind: str, bodies: list[BodyCount]) -> TypeCount:
    caps = [b.capacity for b in bodies if b.capacity is not None]
    vac = [b.vacancy for b in bodies if b.vacancy is not None]
    return TypeCount(kind, len(bodies), *_flows(bodies),
                     sum(caps) if caps else None, sum(vac) if vac else None)


def _first_row(m: pd.DataFrame, active: pd.DataFrame, pair: tuple[str, str], i: int) -> pd.Series:
    """The pair's row active on days[i] with the highest-ranked role."""
    rows = m[(m["위원ID"] == pair[0]) & (m["조직ID"] == pair[1]) & active[i]]
    return rows.sort_values(["역할순위", "시작"], kind="stable").iloc[0]


def _steps(flags: pd.DataFrame) -> list[tuple[tuple[str, str], int]]:
    """(pair, day index) of each True cell of a pairs x days frame."""
    rows, cols = np.nonzero(flags.to_numpy())
    return [(tuple(flags.index[r]), int(flags.columns[c]))
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)]


def _appointments(m: pd.DataFrame, active: pd.DataFrame, pair_active: pd.DataFrame,
                  ups: pd.DataFrame, days: list[dt.date], names: dict[str, str],
                  body_names: dict[str, str]) -> list[Appointment]:
    out = []
    for pair, i in _steps(ups):  # pair became a member on days[i]
        row = _first_row(m, active, pair, i)
        out.append(Appointment(pair[0], names.get(pair[0], ""), pair[1],
                               body_names.get(pair[1], ""), _text(row["역할"]), days[i]))
    return sorted(out, key=lambda a: (a.start, a.body_id, a.member_id))


def _departures(m: pd.DataFrame, active: pd.DataFrame, pair_active: pd.DataFrame,
                downs: pd.DataFrame, days: list[dt.date], names: dict[str, str],
                body_names: dict[str, str], reasons: dict[str, str]) -> list[Departure]:
    out = []
    for pair, i in _steps(downs):  # the pair is out from days[i] on
        row = _first_row(m, active, pair, i - 1)
        dismissed = pd.notna(row["해촉"]) and row["해촉"].date() == days[i]
        out.append(Departure(
            pair[0], names.get(pair[0], ""), pair[1], body_names.get(pair[1], ""),
            _text(row["역할"]), "해촉" if dismissed else "종료",
            days[i] if dismissed else days[i - 1],
            reasons.get(pair[0], "") if dismissed else ""))
    return sorted(out, key=lambda d: (d.date, d.body_id, d.member_id))


def quarter_activity(meetings: pd.DataFrame, attendance: pd.DataFrame,
                     memberships: pd.DataFrame, members: pd.DataFrame, bodies: pd.DataFrame,
                     first: dt.date, last: dt.date, proxy_counts: bool) -> list[Activity]:
    """Per (person, body): meetings of the body in [first, last] they were expected at, attended.

    The tally of core/attendance.py (period_meetings, presence), summed per person and body
    instead of per meeting and group. All 유형 count here, not only 평가대상유형.
    """
    mt = period_meetings(meetings, bodies, first, last)
    p = presence(mt, memberships, members, attendance, proxy_counts)
    pairs = pd.DataFrame({"위원ID": p.people["위원ID"].to_numpy(object)[p.person],
                          "조직ID": mt["조직ID"].to_numpy(object)[p.meeting],
                          "came": p.came})
    return _activity(pairs, members, bodies)


def activity_from_pairs(pairs: pd.DataFrame, members: pd.DataFrame, bodies: pd.DataFrame,
                        first: dt.date, last: dt.date) -> list[Activity]:
    """quarter_activity from (meeting, member) pairs of a longer period (core/review.py's, with
    일자, 조직ID, 위원ID, came): the pairs of the meetings in [first, last] are the same pairs."""
    days = pairs["일자"].to_numpy(object)
    return _activity(pairs[(days >= first) & (days <= last)], members, bodies)


def _activity(pairs: pd.DataFrame, members: pd.DataFrame, bodies: pd.DataFrame
              ) -> list[Activity]:
    pairs = pairs[PAIR].assign(came=pairs["came"].to_numpy().astype("int64"))
    tally = pairs.groupby(PAIR, sort=False).agg(expected=("came", "size"),
                                                attended=("came", "sum")).reset_index()
    names = members.dropna(subset=["위원ID"]).drop_duplicates("위원ID").set_index("위원ID")["성명"]
    info = bodies[["조직ID", "조직명", "유형"]].dropna(subset=["조직ID"]).drop_duplicates(
        "조직ID").set_index("조직ID")  # as period_meetings joins them
    order = {t: i for i, t in enumerate(BODY_TYPES)}
    out = [Activity(str(r.위원ID), _text(names.get(r.위원ID)), str(r.조직ID),
                    _text(info.at[r.조직ID, "조직명"]),
                    _text(info.at[r.조직ID, "유형"]), int(r.expected), int(r.attended))
           for r in _records(tally)]
    return sorted(out, key=lambda a: (order.get(a.type, 9), a.body_id, a.name, a.member_id))
