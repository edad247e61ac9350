"""The governance review (운영 점검) on a day D: the rules the office must keep.

On D (membership rules) and over a period up to D (attendance rules; default the 12 months
ending on D), one Finding per violation:

- gender-balance: a body of 설정 성별균형대상유형 whose 위촉직 members with a known 성별 are
  more than 성별상한 one gender (양성평등기본법 제21조). Exactly the cap is no violation.
  Members without 성별 are counted and named, never guessed.
- council-activity: a 협치회의 member, 위촉직 민간, active in no 분과위원회 or 워킹그룹 on D.
- over-capacity / vacancy: members on D above / below the body's 정원.
- absence-streak: a member of a body on D absent (불참 or no 출석 row) at each of the last
  연속불참기준 meetings of that body in the period they were expected at (대리출석 counts as
  attended when 대리출석인정 = Y).
- overlap-limit: a person active in more bodies than 겸직상한 (blank: no limit).

Plus the terms ending within N days after D (a membership's term ends on its 활동 종료일, else
on its body's 임기종료일) and the 우수 활동위원 후보. Who is a member on a day is
core/membership.py's rule (through core/overlap.py's seats); expected/attended is
core/attendance.py's tally. Nothing here re-states either rule.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from .attendance import period_meetings, presence
from .issues import BookError
from .membership import active_mask, memberships_with_dismissal
from .overlap import compute_overlap
from .privacy import mask_name
from .scalars import round_half_up
from .settings import Settings, read_settings
from .tables import Book

SHEET = "운영점검"
DEFAULT_WITHIN = 90
REVIEW_SHEETS = ("위원", "조직", "활동", "회의", "출석", "설정")
RULES: dict[str, str] = {  # code -> Korean name, in the order findings are listed
    "gender-balance": "성별 균형",
    "council-activity": "협치회의 위원 활동",
    "over-capacity": "정원 초과",
    "vacancy": "결원",
    "absence-streak": "연속 불참",
    "overlap-limit": "겸직 상한",
}
COUNCIL = "협치회의"
WORKING_BODIES = ("분과위원회", "워킹그룹")
NAMES_SHOWN = 10  # a sentence names at most this many people, then "외 n명"


@dataclass(frozen=True)
class Finding:
    rule: str
    body_id: str | None
    member_id: str | None
    message: str
    body: str = ""  # 조직명, for the sheet
    member: str = ""  # 성명 (masked on request), for the sheet

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "body_id": self.body_id, "member_id": self.member_id,
                "message": self.message}


@dataclass(frozen=True)
class Expiring:
    member_id: str
    name: str
    body_id: str
    body: str
    role: str
    term: str  # the body's 기수, "" when not given
    end: dt.date
    days_left: int
    source: str  # "활동 종료일" or "조직 임기종료일"

    def to_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "body_id": self.body_id, "end": self.end,
                "days_left": self.days_left, "name": self.name, "role": self.role,
                "term": self.term or None, "source": self.source}


@dataclass(frozen=True)
class Candidate:
    member_id: str
    name: str
    category: str  # 구분
    status: str  # 신분
    bodies: int
    expected: int
    attended: int
    rank: int
    body_names: tuple[str, ...] = ()  # the bodies they are active in on D

    @property
    def rate(self) -> Fraction:
        return Fraction(self.attended, self.expected)

    def to_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "bodies": self.bodies, "expected": self.expected,
                "attended": self.attended, "rate": float(self.rate), "rank": self.rank,
                "name": self.name}


@dataclass
class Review:
    day: dt.date
    start: dt.date  # the attendance period
    end: dt.date
    within: int
    settings: Settings
    findings: list[Finding]
    expiring: list[Expiring]
    candidates: list[Candidate]
    meetings: int  # meetings held in the period (every 유형)
    mask: bool = False
    notes: list[str] = field(default_factory=list)

    def count(self, rule: str) -> int:
        return sum(f.rule == rule for f in self.findings)


def year_before(day: dt.date) -> dt.date:
    """The first day of the 12 months ending on `day` (2021-03-01 -> 2020-03-02)."""
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        earlier = day.replace(year=day.year - 1, day=28)
    return earlier + dt.timedelta(days=1)


def _namer(mask: bool) -> Any:
    return mask_name if mask else (lambda s: s)


def _who(name: str, member_id: str) -> str:
    return f"{name}({member_id})" if name else member_id


def _pct(share: Fraction) -> str:
    return f"{round_half_up(share * 100, 1):g}%"


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" 외 {len(names) - NAMES_SHOWN}명" if len(names) > NAMES_SHOWN else "")


def _strs(column: pd.Series) -> list[str]:
    """A column's values as str (IDs and names: never blank here). Not astype(str): under
    pandas 3 that makes a string array whose values Python reads one by one, 10x slower."""
    return list(map(str, column.tolist()))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _text(value: Any) -> str:
    return "" if _blank(value) else str(value)


# ---------------------------------------------------------------------------------------------
# The rules on day D


def _seats(book: Book, day: dt.date, mask: bool) -> pd.DataFrame:
    """One row per (위원ID, 조직ID) active on `day`: 역할, 성명 (masked), 구분, 신분, 성별,
    조직명, 유형 (core/overlap.py's seats)."""
    seats = compute_overlap(book, day).seats
    people = book.df("위원")[["위원ID", "성별"]].dropna(subset=["위원ID"]).drop_duplicates("위원ID")
    seats = seats.merge(people, on="위원ID", how="left")
    namer = _namer(mask)
    return seats.assign(성명=pd.Series([namer(_text(s)) for s in seats["성명"].tolist()],
                                     index=seats.index, dtype=object))


def gender_balance(seats: pd.DataFrame, bodies: pd.DataFrame, settings: Settings) -> list[Finding]:
    out = []
    cap = settings.gender_cap
    appointed = seats[(seats["구분"] == "위촉직").to_numpy(dtype=bool)]
    men_by = appointed.loc[appointed["성별"] == "남", "조직ID"].value_counts().to_dict()
    women_by = appointed.loc[appointed["성별"] == "여", "조직ID"].value_counts().to_dict()
    rows_of: dict[Any, list[int]] | None = None  # seat rows per body, made for the first finding
    for body_id, body, kind in zip(*(bodies[c].tolist() for c in ("조직ID", "조직명", "유형")),
                                   strict=True):
        men, women = int(men_by.get(body_id, 0)), int(women_by.get(body_id, 0))
        known = men + women
        if kind not in settings.gender_types or known == 0 or max(men, women) <= cap * known:
            continue
        if rows_of is None:
            rows_of = {}
            for i, b in enumerate(appointed["조직ID"].tolist()):
                rows_of.setdefault(b, []).append(i)
        s = appointed.iloc[rows_of.get(body_id, [])]
        top, n = ("남", men) if men > women else ("여", women)
        message = (f"{body}: 위촉직 위원 {len(s)}명 중 성별이 기재된 {known}명이 "
                   f"남 {men}명, 여 {women}명으로 {top}성 비율 {_pct(Fraction(n, known))}가 "
                   f"상한 {_pct(cap)}를 넘습니다 (양성평등기본법 제21조).")
        unknown = s[~s["성별"].isin(["남", "여"])]
        if len(unknown):
            names = [_who(nm, mid) for nm, mid in zip(unknown["성명"], unknown["위원ID"],
                                                     strict=True)]
            message += f" 성별 미기재 {len(unknown)}명은 세지 않았습니다: {_listed(names)}."
        out.append(Finding("gender-balance", body_id, None, message, body=body))
    return out


def council_activity(seats: pd.DataFrame, day: dt.date) -> list[Finding]:
    council = seats[(seats["유형"] == COUNCIL) & (seats["구분"] == "위촉직")
                    & (seats["신분"] == "민간")]
    working = set(_strs(seats.loc[seats["유형"].isin(WORKING_BODIES), "위원ID"]))
    council = council.sort_values(["조직ID", "위원ID"])
    listed = [row for row in zip(
        *(_strs(council[c]) for c in ("조직ID", "위원ID", "조직명", "성명")),
        strict=True) if row[1] not in working]
    wanted = {row[1] for row in listed}
    bodies_of: dict[str, list[tuple[str, str]]] = {}  # for the listed members only
    for member_id, body_id, body in zip(
            *(_strs(seats[c]) for c in ("위원ID", "조직ID", "조직명")), strict=True):
        if member_id in wanted:
            bodies_of.setdefault(member_id, []).append((body_id, body))
    out = []
    for body_id, member_id, body, name in listed:
        others = [name for b, name in bodies_of.get(member_id, []) if b != body_id]
        where = f" (그 밖의 활동: {', '.join(others)})" if others else ""
        out.append(Finding(
            "council-activity", body_id, member_id,
            f"{_who(name, member_id)}: {body} 위촉직 민간위원이지만 "
            f"{day.isoformat()} 현재 활동 중인 분과위원회·워킹그룹이 없습니다{where}.",
            body=body, member=name))
    return out


def capacity(seats: pd.DataFrame, bodies: pd.DataFrame, day: dt.date) -> list[Finding]:
    per_body = seats.groupby("조직ID").size()
    out = []
    for body_id, body, seats_max in bodies[["조직ID", "조직명", "정원"]].itertuples(index=False):
        if seats_max is None or pd.isna(seats_max):
            continue
        n, cap = int(per_body.get(body_id, 0)), int(seats_max)
        if n > cap:
            out.append(Finding("over-capacity", body_id, None,
                               f"{body}: {day.isoformat()} 현재 위원 {n}명으로 정원 {cap}명보다 "
                               f"{n - cap}명 많습니다.", body=body))
        elif n < cap:
            out.append(Finding("vacancy", body_id, None,
                               f"{body}: {day.isoformat()} 현재 위원 {n}명, 정원 {cap}명으로 "
                               f"{cap - n}명 결원입니다.", body=body))
    return out


def overlap_limit(seats: pd.DataFrame, settings: Settings, day: dt.date) -> list[Finding]:
    limit = settings.overlap_limit
    if limit is None:
        return []
    out = []
    for member_id, s in seats.groupby("위원ID", sort=True):
        if len(s) > limit:
            name = _text(s["성명"].iloc[0])
            out.append(Finding(
                "overlap-limit", None, str(member_id),
                f"{_who(name, str(member_id))}: {day.isoformat()} 현재 {len(s)}개 조직에서 "
                f"활동하여 겸직상한 {limit}개를 넘습니다 ({', '.join(s['조직명'])}).",
                member=name))
    return out


# ---------------------------------------------------------------------------------------------
# Attendance over the period


@dataclass(frozen=True)
class Streak:
    member_id: str
    name: str
    body_id: str
    body: str
    absences: int  # the trailing run of absences (>= 연속불참기준)
    dates: tuple[dt.date, ...]  # the run's meeting days, oldest first
    last_attended: dt.date | None  # the last meeting of the body in the period they came to


def _pairs(book: Book, start: dt.date, end: dt.date, settings: Settings
           ) -> tuple[pd.DataFrame, int]:
    """(meeting, person) pairs of every body's meetings in the period, in meeting order, with
    came (bool); and the number of meetings. Made once per book and period (report + review)."""
    return book.derived(("review-pairs", start, end, settings.proxy_counts),
                        lambda: _make_pairs(book, start, end, settings))


def _make_pairs(book: Book, start: dt.date, end: dt.date, settings: Settings
                ) -> tuple[pd.DataFrame, int]:
    if not (book.has("회의") and book.has("출석")):
        return pd.DataFrame(columns=["회의ID", "조직ID", "일자", "위원ID", "came"]), 0
    meetings = period_meetings(book.df("회의"), book.df("조직"), start, end)
    p = presence(meetings, book.df("활동"), book.df("위원"), book.df("출석"),
                 settings.proxy_counts)
    # in (조직ID, 위원ID, meeting order): sorted codes of the few bodies and people, not the
    # 233,000 pairs' strings (factorize sorts as sort_values would: Python's str order)
    body_code = pd.factorize(meetings["조직ID"], sort=True)[0][p.meeting]
    person_code = pd.factorize(p.people["위원ID"], sort=True)[0][p.person]
    by = np.lexsort((p.meeting, person_code, body_code))
    at, who = p.meeting[by], p.person[by]
    column = {c: meetings[c].to_numpy(object)[at] for c in ("회의ID", "조직ID", "일자")}
    pairs = pd.DataFrame({"order": at, **column, "위원ID": p.people["위원ID"].to_numpy(object)[who],
                          "came": p.came[by]})
    # object columns, not the str dtype pandas 3 infers (read back value by value, slowly)
    return pairs.astype({c: object for c in ("회의ID", "조직ID", "일자", "위원ID")}), len(meetings)


def year_pairs(book: Book, day: dt.date, settings: Settings) -> pd.DataFrame:
    """The (meeting, member) pairs of the 12 months ending on `day` (made once per book)."""
    return _pairs(book, year_before(day), day, settings)[0]


def absence_streaks(book: Book, day: dt.date, settings: Settings, *,
                    mask: bool = False) -> list[Streak]:
    """Members of a body on `day` whose last 연속불참기준 (or more) expected meetings of it in
    the 12 months ending on `day` were all missed (for the monthly report's 해촉 검토 list)."""
    pairs = year_pairs(book, day, settings)
    return _streaks(pairs, settings.absence_limit, _seats(book, day, mask))


def _streaks(pairs: pd.DataFrame, limit: int, seats: pd.DataFrame) -> list[Streak]:
    if pairs.empty:
        return []
    # pairs are sorted by (조직ID, 위원ID, meeting order): a group is a run of equal keys
    b_ids, m_ids = pairs["조직ID"].to_numpy(), pairs["위원ID"].to_numpy()
    n = len(pairs)
    starts = np.flatnonzero(np.r_[True, (b_ids[1:] != b_ids[:-1]) | (m_ids[1:] != m_ids[:-1])])
    ends = np.r_[starts[1:], n]
    # the last attended row of each group (-1 when none): a maximum over each run
    came = pairs["came"].to_numpy(dtype=bool)
    last_came = np.maximum.reduceat(np.where(came, np.arange(n), -1), starts)
    runs = ends - np.maximum(last_came + 1, starts)
    long_runs = np.flatnonzero(runs >= limit).tolist()
    wanted = {(str(b_ids[starts[g]]), str(m_ids[starts[g]])) for g in long_runs}
    info = {(b, m): (name, body) for b, m, name, body in zip(
        _strs(seats["조직ID"]), _strs(seats["위원ID"]), seats["성명"].tolist(),
        seats["조직명"].tolist(), strict=True) if (b, m) in wanted}
    days_all = pairs["일자"].to_numpy()
    out = []
    for g in long_runs:
        start, run, end = int(starts[g]), int(runs[g]), int(ends[g])
        key = (str(b_ids[start]), str(m_ids[start]))
        if key not in info:  # only members of the body on D
            continue
        last = days_all[last_came[g]] if last_came[g] >= 0 else None
        name, body = (_text(v) for v in info[key])
        out.append(Streak(key[1], name, key[0], body, run, tuple(days_all[end - run:end].tolist()),
                          last))
    return sorted(out, key=lambda s: (-s.absences, s.body_id, s.member_id))


def streak_message(s: Streak, proxy_counts: bool) -> str:
    shown = [d.isoformat() for d in s.dates]
    days = ", ".join(shown) if len(shown) <= 4 else f"{shown[0]} ~ {shown[-1]}"
    last = (f"마지막 출석 {s.last_attended.isoformat()}" if s.last_attended
            else "기간 중 출석 없음")
    proxy = "" if proxy_counts else ", 대리출석은 불참으로 셈"
    return (f"{_who(s.name, s.member_id)}: {s.body} 최근 회의 {s.absences}회 연속 불참 "
            f"({days}; {last}{proxy}). 해촉 검토 대상입니다.")


def candidates(pairs: pd.DataFrame, seats: pd.DataFrame, settings: Settings) -> list[Candidate]:
    """Members active in >= 우수위원최소활동 bodies on D with rate >= 우수위원최소참석률 over the
    period; ranked by attended, then rate, then bodies (equal on all three: same rank)."""
    if pairs.empty:
        return []
    ids, people = pd.factorize(pairs["위원ID"])  # the pairs' people: bincount their rows
    expected_of = np.bincount(ids, minlength=len(people)).tolist()
    attended_of = np.bincount(ids, weights=pairs["came"].to_numpy(dtype=bool),
                              minlength=len(people)).astype(int).tolist()
    tally = dict(zip(people.tolist(), zip(expected_of, attended_of, strict=True), strict=True))
    rate = settings.candidate_min_rate  # attended / expected >= p/q as attended * q >= p * e
    seat_ids = seats["위원ID"].tolist()
    count = Counter(seat_ids)  # bodies per person on D
    kept = {m for m, bodies in count.items() if m in tally
            and bodies >= settings.candidate_min_bodies and tally[m][0] > 0
            and tally[m][1] * rate.denominator >= tally[m][0] * rate.numerator}
    # per kept person, in seat order: the bodies, and the first non-blank 성명/구분/신분
    seen: dict[Any, list[Any]] = {m: [[], None, None, None] for m in kept}
    for member_id, body_name, *about in zip(
            seat_ids, *(seats[c].tolist() for c in ("조직명", "성명", "구분", "신분")),
            strict=True):
        if member_id in kept:
            entry = seen[member_id]
            entry[0].append(body_name)
            for k, value in enumerate(about, start=1):
                if entry[k] is None and not _blank(value):
                    entry[k] = value
    picked = []
    for member_id, (names, name, category, status) in seen.items():
        expected, attended = tally[member_id]
        bodies = count[member_id]
        # by attended, then rate (for equal attended: the fewer expected), then bodies
        key = (-attended, expected if attended else 0, -bodies)
        picked.append((key, str(member_id), (name, category, status, names), bodies, expected,
                       attended))
    picked.sort(key=lambda p: (p[0], p[1]))
    out: list[Candidate] = []
    for i, (key, member_id, (name, category, status, names), bodies, expected,
            attended) in enumerate(picked):
        rank = out[-1].rank if i and picked[i - 1][0] == key else i + 1  # competition ranking
        out.append(Candidate(member_id, _text(name), _text(category), _text(status), bodies,
                             expected, attended, rank, tuple(map(str, names))))
    return out


# ---------------------------------------------------------------------------------------------
# Terms


def expiring_terms(book: Book, day: dt.date, within: int, mask: bool = False) -> list[Expiring]:
    """Memberships active on `day` whose term ends within `within` days after it (0..within).

    A membership's term ends on its 활동 종료일, else on its body's 임기종료일; a pair with
    several active rows ends with the last of them (an open row: the body's 임기종료일)."""
    members, bodies = book.df("위원"), book.df("조직")
    m = memberships_with_dismissal(book.df("활동"), members)
    m = m[active_mask(m, pd.Timestamp(day)).to_numpy(dtype=bool)]
    units = bodies.dropna(subset=["조직ID"]).drop_duplicates("조직ID")
    body_info: dict[Any, tuple[str, str, dt.date | None]] = {
        b: (_text(name), _text(term), ends) for b, name, term, ends in zip(
            units["조직ID"], units["조직명"], units["기수"], units["임기종료일"], strict=True)}
    people = members.dropna(subset=["위원ID"]).drop_duplicates("위원ID")
    names = dict(zip(people["위원ID"].tolist(), people["성명"].tolist(), strict=True))
    namer = _namer(mask)  # applied to the listed ones only
    m = m[m["조직ID"].isin(body_info.keys()) & m["위원ID"].isin(names.keys())]
    # one row per pair: its top role, whether a row is open, the last 종료
    m = m.assign(열림=m["종료"].isna())
    per_pair = m.sort_values(["위원ID", "조직ID", "역할순위", "시작"], kind="stable").groupby(
        ["위원ID", "조직ID"], sort=True).agg(역할=("역할", "first"), 열림=("열림", "max"),
                                            마지막=("종료", "max"))
    out = []
    for (member_id, body_id), role, open_row, last in zip(
            per_pair.index, per_pair["역할"], per_pair["열림"], per_pair["마지막"], strict=True):
        body, term, body_end = body_info[body_id]
        end, source = ((body_end, "조직 임기종료일") if open_row
                       else (last.date(), "활동 종료일"))
        if end is None or not 0 <= (end - day).days <= within:
            continue
        out.append(Expiring(str(member_id), namer(_text(names[member_id])), str(body_id), body,
                            _text(role),
                            term, end, (end - day).days, source))
    return sorted(out, key=lambda e: (e.end, e.body_id, e.member_id))


# ---------------------------------------------------------------------------------------------
# The review and its job


def review(book: Book, day: dt.date, within: int = DEFAULT_WITHIN, start: dt.date | None = None,
           end: dt.date | None = None, *, mask: bool = False) -> Review:
    book.require("위원", "조직", "활동")
    start, end = start or year_before(day), end or day
    problem = (f"기간이 올바르지 않습니다: 시작일 {start}이 종료일 {end}보다 늦습니다."
               if start > end else
               f"--within은 0 이상의 일수여야 합니다: {within}" if within < 0 else None)
    if problem:
        raise BookError(problem)
    settings, _ = read_settings(book)
    bodies = book.df("조직").dropna(subset=["조직ID"]).drop_duplicates("조직ID")
    seats = _seats(book, day, mask)
    pairs, n_meetings = _pairs(book, start, end, settings)
    streaks = _streaks(pairs, settings.absence_limit, seats)
    findings = [
        *gender_balance(seats, bodies, settings),
        *council_activity(seats, day),
        *capacity(seats, bodies, day),
        *(Finding("absence-streak", s.body_id, s.member_id,
                  streak_message(s, settings.proxy_counts), body=s.body, member=s.name)
          for s in streaks),
        *overlap_limit(seats, settings, day),
    ]
    order = {r: i for i, r in enumerate(RULES)}
    findings.sort(key=lambda f: order[f.rule])  # stable: each rule keeps its own order
    notes = []
    if not (book.has("회의") and book.has("출석")):
        notes.append("회의·출석 시트가 없어 연속 불참과 우수 활동위원 후보는 점검하지 않았습니다.")
    return Review(day, start, end, within, settings, findings,
                  expiring_terms(book, day, within, mask), candidates(pairs, seats, settings),
                  n_meetings, mask, notes)


def review_json(r: Review) -> dict[str, Any]:
    return {"date": r.day, "from": r.start, "to": r.end, "within": r.within,
            "findings": [f.to_json() for f in r.findings],
            "expiring": [e.to_json() for e in r.expiring],
            "candidates": [c.to_json() for c in r.candidates],
            "counts": {rule: r.count(rule) for rule in RULES}}
