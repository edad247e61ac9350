"""The month's paid attendances as columns (numpy arrays), computed with pandas/numpy.

Rule (contract 2.): per 출석 row with 출석 = 출석 (대리출석 never), at a meeting in the month,
for a person whose 신분 is in 수당지급신분 and who was a member of the meeting's body that
day (core.membership.expected_attendees); the 수당기준 row for the body's 유형, the person's
역할 there, the attendance's 방식 (blank = the meeting's) and the meeting's 일자
(RateIndex.resolve, the vectorised RateIndex.find). No row: 0 and a warning at the 출석 cell.

Built for a full-size book (a million 출석 rows): IDs become positions in the month's
meetings and the paid people once, membership is asked once per (body, day) (all it depends
on), and rates once per distinct (유형, 방식, 역할, 일자).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from .issues import WARNING, Issue
from .membership import expected_attendees
from .rates import RateIndex, minutes_between
from .settings import Settings
from .tables import Book
from .values import month_bounds, text_or_none

# One array each, one entry per paid attendance (a Payment's fields and its amount).
PAID_COLUMNS = ("member_id", "name", "body", "meeting_id", "date", "mode", "role", "minutes",
                "base", "extra", "amount", "row")
# Besides PAID_COLUMNS, paid_columns gives `found` (bool: a 수당기준 row matched; if not, the
# attendance goes to 확인 필요, not among the payments) and `kind` (the body's 유형).


def paid_columns(book: Book, year: int, month: int, settings: Settings,
                 rates: RateIndex) -> tuple[dict[str, np.ndarray], list[Issue]]:
    """PAID_COLUMNS ordered by date, meeting and 출석 row, and a warning per missing rate.

    Texts, dates, IDs and minutes (int or None) are object arrays; base, extra, amount and
    row int64; also `found` and `kind` (see PAID_COLUMNS)."""
    meetings = _month_meetings(book, year, month)
    people = book.df("위원")[["위원ID", "성명", "신분"]].dropna(subset=["위원ID"])
    people = people.drop_duplicates("위원ID")
    people = people[people["신분"].isin(settings.paid_statuses)]
    people_index = pd.Index(people["위원ID"].to_numpy(object))
    width = max(len(people), 1)  # (position, person) pairs as one integer

    # 출석 = 출석 by a paid person at a meeting of the month; of a pair, its first row only.
    table = book.table("출석")
    df = table.df
    at = np.flatnonzero((df["출석"].to_numpy(object) == "출석").astype(bool))
    meeting = pd.Index(meetings["회의ID"].to_numpy(object)).get_indexer(
        df["회의ID"].to_numpy(object)[at])
    at, meeting = at[meeting >= 0], meeting[meeting >= 0]
    person = people_index.get_indexer(df["위원ID"].to_numpy(object)[at])
    at, meeting, person = at[person >= 0], meeting[person >= 0], person[person >= 0]
    keep = ~pd.Series(meeting * width + person).duplicated(keep="first").to_numpy(bool)
    at, meeting, person = at[keep], meeting[keep], person[keep]

    # Members of the body that day: one row, with the role, per (slot, person).
    slot, slots = _distinct(meetings[["조직ID", "일자"]])
    expected = expected_attendees(slots.assign(회의ID=np.arange(len(slots))),
                                  book.df("활동"), book.df("위원"))
    member = people_index.get_indexer(expected["위원ID"].to_numpy(object))
    role_codes, roles = _texts(expected["역할"].to_numpy(object)[member >= 0])
    seats = pd.Index(expected["회의ID"].to_numpy("int64")[member >= 0] * width
                     + member[member >= 0])
    seat = seats.get_indexer(slot[meeting] * width + person)
    keep = seat >= 0
    at, meeting, person, seat = at[keep], meeting[keep], person[keep], seat[keep]
    rows = df.index.to_numpy("int64")[at]
    order = np.lexsort((rows, meeting))  # meetings are in (일자, 회의ID) order
    at, meeting, person, seat, rows = (a[order] for a in (at, meeting, person, seat, rows))
    own = df["방식"].to_numpy(object)[at]

    # 방식: the attendance's, else the meeting's, else "", as codes into `modes`.
    own_codes, own_texts = _texts(own)
    held_codes, held_texts = _texts(meetings["방식"].to_numpy(object))
    vocabulary: dict[str, int] = {}
    own_mode = np.array([vocabulary.setdefault(t, len(vocabulary)) if t else -1
                         for t in own_texts], dtype="int64")[own_codes]
    held_mode = np.array([vocabulary.setdefault(t or "", len(vocabulary))
                          for t in held_texts], dtype="int64")[held_codes]
    mode_code = np.where(own_mode >= 0, own_mode, held_mode[meeting])
    modes = np.array(list(vocabulary), dtype=object)
    role_code = role_codes[seat] + 1  # 0: no role
    roles = np.array([None, *roles[:-1]], dtype=object)
    # Rates: once per distinct (유형, 일자) x 방식 x 역할.
    kind_day, _ = _distinct(meetings[["kind", "일자"]])
    key = (kind_day[meeting] * len(modes) + mode_code) * len(roles) + role_code
    codes, first = _first_of_each(key)
    at = meeting[first]
    resolved = rates.resolve(pd.DataFrame({
        "조직유형": meetings["kind"].to_numpy(object)[at], "방식": modes[mode_code[first]],
        "역할": roles[role_code[first]], "day": meetings["일자"].to_numpy(object)[at]}))
    base = resolved["base"].to_numpy("int64")[codes]
    threshold = resolved["extra_minutes"].to_numpy("int64")[codes]
    minutes = meetings["minutes"].to_numpy(object)[meeting]
    known = meetings["minutes"].notna().to_numpy(bool)[meeting]
    reached = known & (meetings["분"].to_numpy("int64")[meeting] >= threshold)
    extra = np.where(reached, resolved["extra"].to_numpy("int64")[codes], 0)
    paid = {"member_id": people["위원ID"].to_numpy(object)[person],
            "name": people["성명"].map(lambda v: text_or_none(v) or "").to_numpy(object)[person],
            "body": meetings["body"].to_numpy(object)[meeting],
            "meeting_id": meetings["회의ID"].to_numpy(object)[meeting],
            "date": meetings["일자"].to_numpy(object)[meeting],
            "mode": modes[mode_code], "role": roles[role_code],
            "minutes": minutes, "base": base, "extra": extra, "amount": base + extra,
            "row": rows, "found": resolved["found"].to_numpy(bool)[codes],
            "kind": meetings["kind"].to_numpy(object)[meeting]}
    missing = np.flatnonzero(~paid["found"])
    return paid, _missing_rates(book, paid, missing, paid["kind"][missing])


def _month_meetings(book: Book, year: int, month: int) -> pd.DataFrame:
    """The month's meetings in (일자, 회의ID) order, with the body's name (`body`) and 유형
    (`kind`; a body missing from 조직: its ID and "") and the length in minutes (`minutes`:
    int or None; `분`: the same with 0 for None)."""
    first, last = month_bounds(year, month)
    meetings = book.df("회의")[["회의ID", "조직ID", "일자", "방식", "시작시각", "종료시각"]]
    meetings = meetings.dropna(subset=["회의ID", "조직ID", "일자"]).drop_duplicates("회의ID")
    codes, days = pd.factorize(meetings["일자"].to_numpy(object))
    in_month = np.array([first <= d <= last for d in days], dtype=bool)
    meetings = meetings[in_month[codes]]
    meetings = meetings.iloc[_by_day_and_id(meetings["일자"].to_numpy(object),
                                            meetings["회의ID"].to_numpy(object))]
    bodies = book.df("조직")[["조직ID", "조직명", "유형"]].dropna(subset=["조직ID"])
    bodies = bodies.drop_duplicates("조직ID")
    bodies = pd.DataFrame({
        "조직ID": bodies["조직ID"],
        "body": [text_or_none(n) or i for n, i in zip(bodies["조직명"], bodies["조직ID"], strict=True)],
        "kind": [text_or_none(v) or "" for v in bodies["유형"]]}, dtype=object)
    meetings = meetings.merge(bodies, on="조직ID", how="left")
    meetings["body"] = meetings["body"].where(meetings["body"].notna(), meetings["조직ID"])
    meetings["kind"] = meetings["kind"].where(meetings["kind"].notna(), "")
    spans: dict[tuple[Any, Any], int | None] = {}
    minutes = [spans[a, b] if (a, b) in spans else spans.setdefault(
                   (a, b), minutes_between(_time(a), _time(b)))
               for a, b in zip(meetings["시작시각"], meetings["종료시각"], strict=True)]
    meetings["minutes"] = pd.Series(minutes, index=meetings.index, dtype=object)
    meetings["분"] = np.array([m or 0 for m in minutes], dtype="int64")
    return meetings


def _by_day_and_id(days: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions in (일자, 회의ID) order, ties in input order (sort_values(kind="stable"))."""
    by_id = np.argsort(ids, kind="stable")
    day_rank = pd.factorize(days, sort=True)[0]
    return by_id[np.argsort(day_rank[by_id], kind="stable")]


def _missing_rates(book: Book, paid: dict[str, np.ndarray], missing: np.ndarray,
                   kinds: np.ndarray) -> list[Issue]:
    """The missing-rate warning of each row in `missing` (its 유형 in `kinds`)."""
    table = book.table("출석")
    column = "방식" if "방식" in table.letters else "출석"
    issues = []
    for i, kind in zip(missing.tolist(), kinds.tolist(), strict=True):
        mode, role = paid["mode"][i], paid["role"][i]
        issue = table.issue("missing-rate", int(paid["row"][i]), column, mode or None,
                            meeting=paid["meeting_id"][i], kind=kind or "유형 없음",
                            role=role or "역할 없음", mode=mode or "방식 없음",
                            date=paid["date"][i].isoformat(), severity=WARNING)
        issues.append(issue)
    return issues


def _distinct(keys: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """A code per row (0..k-1) and the k distinct rows, in order of first appearance."""
    combined = np.zeros(len(keys), "int64")
    for c in keys.columns:
        col, uniques = pd.factorize(keys[c].to_numpy(object), use_na_sentinel=False)
        combined = combined * max(len(uniques), 1) + col
    codes, first = _first_of_each(combined)
    return codes, keys.iloc[first].reset_index(drop=True)


def _first_of_each(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..k-1 in order of first appearance, and the position of each code's first row."""
    codes, _ = pd.factorize(key)
    first = np.flatnonzero(~pd.Series(codes).duplicated(keep="first").to_numpy(bool))
    return codes.astype("int64"), first


def _texts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`text_or_none` per value, computed once per distinct value: codes (-1 for None/NaN) and the
    texts, which end with None so that `texts[codes]` is right for every row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([*(text_or_none(u) for u in uniques), None], dtype=object)
    return codes.astype("int64"), texts


def _time(value: Any) -> dt.time | None:
    return value if isinstance(value, dt.time) else None
