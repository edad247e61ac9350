"""Who is a member of which body on which day: the rule every computation shares.

Member on day D: 시작일 <= D <= 종료일 (blank = open) on the 활동 row, and the person not
dismissed (해촉일 blank or D < 해촉일).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

# When one person holds two roles in one body, the first of these is their role there.
ROLE_ORDER = ("의장", "위원장", "분과장", "리더", "전문가", "촉진가", "행정", "일반", "위원")


def as_datetime(series: pd.Series) -> pd.Series:
    """A column of datetime.date/None as datetime64 (NaT for blank) for vectorised compares."""
    return pd.to_datetime(series.astype(object).where(series.notna(), None), errors="coerce")


def memberships_with_dismissal(memberships: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """활동 rows with usable keys, with 시작/종료/해촉 as datetime64 and the role's rank."""
    m = memberships[["위원ID", "조직ID", "역할", "시작일", "종료일"]].dropna(
        subset=["위원ID", "조직ID", "시작일"])
    m = m.assign(활동행=m.index)
    people = members[["위원ID", "해촉일"]].dropna(subset=["위원ID"]).drop_duplicates("위원ID")
    m = m.merge(people, on="위원ID", how="left")
    return m.assign(
        시작=as_datetime(m["시작일"]),
        종료=as_datetime(m["종료일"]),
        해촉=as_datetime(m["해촉일"]),
        역할순위=m["역할"].map({r: i for i, r in enumerate(ROLE_ORDER)}).fillna(len(ROLE_ORDER)),
    )


def active_mask(m: pd.DataFrame | Mapping[str, pd.Series], day: pd.Series | pd.Timestamp) -> pd.Series:
    """Rows of memberships_with_dismissal() active on `day` (a scalar or a row-aligned Series)."""
    return (m["시작"] <= day) & (m["종료"].isna() | (day <= m["종료"])) & (
        m["해촉"].isna() | (day < m["해촉"]))


def active_on(memberships: pd.DataFrame, members: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """One row per (위원ID, 조직ID) active on `day`, with the person's role there."""
    m = memberships_with_dismissal(memberships, members)
    m = m[active_mask(m, pd.Timestamp(day))]
    return _one_role_per_body(m, ["위원ID", "조직ID"])


@dataclass(frozen=True)
class ExpectedIndex:
    """Who is expected at which meeting, as row positions (see expected_index)."""

    meetings: pd.DataFrame  # usable meetings: 회의ID, 조직ID, 일자, 회의일; first row per 회의ID
    memberships: pd.DataFrame  # memberships_with_dismissal()
    meeting_pos: np.ndarray  # one entry per (회의ID, 위원ID): the row in `meetings`
    membership_pos: np.ndarray  # ... and the 활동 row in `memberships` whose role counts


def expected_index(meetings: pd.DataFrame, memberships: pd.DataFrame,
                   members: pd.DataFrame) -> ExpectedIndex:
    """The members of each meeting's body on its 일자, in integer positions (no big frame).

    Pairs are ordered by (회의ID, 위원ID); a person with two roles in the body counts once, with
    the first role of ROLE_ORDER (ties: the earlier 활동 row).
    """
    mt = meetings[["회의ID", "조직ID", "일자"]].dropna().drop_duplicates("회의ID")
    mt = mt.assign(회의일=as_datetime(mt["일자"]))
    m = memberships_with_dismissal(memberships, members)
    # Visit the meetings by 회의ID and each body's 활동 rows by (위원ID, role rank, row): the
    # pairs come out in their final order, with no sort of the (large) join.
    by_meeting = np.argsort(pd.factorize(mt["회의ID"], sort=True)[0], kind="stable")
    person = pd.factorize(m["위원ID"], sort=True)[0]
    by_role = np.lexsort((m["역할순위"].to_numpy(), person))
    li, ri = _join_on_body(mt["조직ID"].to_numpy()[by_meeting], m["조직ID"].to_numpy()[by_role])
    mi, ji = by_meeting[li], by_role[ri]
    day = mt["회의일"].to_numpy()[mi]
    spans = {c: pd.Series(m[c].to_numpy()[ji]) for c in ("시작", "종료", "해촉")}
    keep = active_mask(spans, pd.Series(day)).to_numpy(dtype=bool)
    mi, ji = mi[keep], ji[keep]
    # The first active row of each (회의ID, 위원ID) holds the role that counts.
    first = np.ones(len(mi), dtype=bool)
    first[1:] = (mi[1:] != mi[:-1]) | (person[ji[1:]] != person[ji[:-1]])
    return ExpectedIndex(mt, m, mi[first], ji[first])


def member_of(keys: np.ndarray, present: np.ndarray, size: int) -> np.ndarray:
    """keys in present (both integers in 0..size-1): a bit table when it is small enough, else
    a binary search in the sorted present keys (np.isin hashes both sides: 10x slower)."""
    if size <= 1 << 26:
        table = np.zeros(size, dtype=bool)
        table[present] = True
        hit: np.ndarray = table[keys]
        return hit
    if not len(present):
        return np.zeros(len(keys), dtype=bool)
    ordered = np.sort(present)
    at = np.minimum(np.searchsorted(ordered, keys), len(ordered) - 1)
    found: np.ndarray = ordered[at] == keys
    return found


def _join_on_body(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of an inner join on equal values: left rows in order, each with its matching
    right rows in their order."""
    right_codes, bodies = pd.factorize(right)
    left_codes = pd.Index(bodies).get_indexer(left)
    per_body = np.bincount(right_codes[right_codes >= 0], minlength=len(bodies))
    by_body = np.argsort(right_codes, kind="stable")[(right_codes < 0).sum():]
    starts = np.cumsum(per_body) - per_body
    found = left_codes >= 0
    count = np.zeros(len(left), dtype=np.int64)
    count[found] = per_body[left_codes[found]]
    begin = np.zeros(len(left), dtype=np.int64)
    begin[found] = starts[left_codes[found]]
    li = np.repeat(np.arange(len(left)), count)
    within = np.arange(len(li)) - np.repeat(np.cumsum(count) - count, count)
    return li, by_body[np.repeat(begin, count) + within]


def expected_attendees(meetings: pd.DataFrame, memberships: pd.DataFrame,
                       members: pd.DataFrame) -> pd.DataFrame:
    """One row per (회의ID, 위원ID) of the members of each meeting's body on its 일자."""
    e = expected_index(meetings, memberships, members)
    left = e.meetings.iloc[e.meeting_pos].reset_index(drop=True)
    right = e.memberships.iloc[e.membership_pos].drop(columns="조직ID").reset_index(drop=True)
    return pd.concat([left, right], axis=1)


def _one_role_per_body(m: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    m = m.sort_values([*keys, "역할순위"], kind="stable")
    return m.drop_duplicates(keys, keep="first").reset_index(drop=True)
