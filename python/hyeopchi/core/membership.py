"""Who is a member of which body on which day: the rule every computation shares.

Member on day D: 시작일 <= D <= 종료일 (blank = open) on the 활동 row, and the person not
dismissed (해촉일 blank or D < 해촉일).
"""

from __future__ import annotations

import datetime as dt

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


def active_mask(m: pd.DataFrame, day: pd.Series | pd.Timestamp) -> pd.Series:
    """Rows of memberships_with_dismissal() active on `day` (a scalar or a row-aligned Series)."""
    return (m["시작"] <= day) & (m["종료"].isna() | (day <= m["종료"])) & (
        m["해촉"].isna() | (day < m["해촉"]))


def active_on(memberships: pd.DataFrame, members: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """One row per (위원ID, 조직ID) active on `day`, with the person's role there."""
    m = memberships_with_dismissal(memberships, members)
    m = m[active_mask(m, pd.Timestamp(day))]
    return _one_role_per_body(m, ["위원ID", "조직ID"])


def expected_attendees(meetings: pd.DataFrame, memberships: pd.DataFrame,
                       members: pd.DataFrame) -> pd.DataFrame:
    """One row per (회의ID, 위원ID) of the members of each meeting's body on its 일자."""
    mt = meetings[["회의ID", "조직ID", "일자"]].dropna().drop_duplicates("회의ID")
    mt = mt.assign(회의일=as_datetime(mt["일자"]))
    m = memberships_with_dismissal(memberships, members)
    joined = mt.merge(m, on="조직ID", how="inner")
    joined = joined[active_mask(joined, joined["회의일"])]
    return _one_role_per_body(joined, ["회의ID", "위원ID"])


def _one_role_per_body(m: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    m = m.sort_values([*keys, "역할순위"], kind="stable")
    return m.drop_duplicates(keys, keep="first").reset_index(drop=True)
