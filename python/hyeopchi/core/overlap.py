"""중복활동현황: who is active in how many bodies on one day (seed "영역별/중복활동현황").

A seat is a distinct (person, body) pair active on the day (two roles in one body are one
seat); a person's activity count is their number of seats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .membership import active_on
from .outcome import Outcome
from .pagelayout import paginate, running_head
from .privacy import mask_name
from .settings import read_settings
from .sheetspec import INT, LINE_HEIGHT, Block, Merge, SheetSpec, wrapped_height
from .tables import Book
from .vocabulary import BODY_TYPES

SHEET = "중복활동현황"
COL_WIDTH = 11.0
MAX_COUNT_COLUMNS = 14  # activity counts shown as columns (the seed has 11)
COUNCIL = "협치회의"
MIN_COLUMNS = 11  # the seed's table runs 11개 .. 1개
CLASSES = ("당연직", "위촉직")


@dataclass
class Overlap:
    day: dt.date
    seats: pd.DataFrame  # one row per active (위원ID, 조직ID): 성명, 구분, 신분, 조직명, 유형
    counts: pd.Series  # 위원ID -> activity count
    top: int  # the largest count shown (at least MIN_COLUMNS)
    skipped: int = 0  # active 활동 rows naming a person or body not on 위원/조직

    @property
    def by_type(self) -> dict[str, int]:
        per = self.seats["유형"].value_counts()
        out = {t: int(per.get(t, 0)) for t in BODY_TYPES}
        out["합계"] = len(self.seats)
        return out

    def distribution(self, people: pd.Index | None = None) -> dict[str, int]:
        counts = self.counts if people is None else self.counts.loc[people]
        per = counts.value_counts()
        return {str(n): int(per.get(n, 0)) for n in range(self.top, 0, -1)}

    def council(self) -> dict[str, dict[str, int]]:
        """Activity counts of the 협치회의 members, split by 구분."""
        council = self.seats[self.seats["유형"] == COUNCIL].drop_duplicates("위원ID")
        return {c: self.distribution(pd.Index(council.loc[council["구분"] == c, "위원ID"]))
                for c in CLASSES}


def compute_overlap(book: Book, day: dt.date) -> Overlap:
    """Seats and activity counts on `day`. Rows naming an unknown person or body are left out
    (validate reports them)."""
    book.require("위원", "조직", "활동")
    members = book.df("위원")
    bodies = book.df("조직")
    active = active_on(book.df("활동"), members, day)
    people = members[["위원ID", "성명", "구분", "신분"]].dropna(subset=["위원ID"]).drop_duplicates(
        "위원ID")
    units = bodies[["조직ID", "조직명", "유형"]].dropna(subset=["조직ID"]).drop_duplicates("조직ID")
    seats = (active[["위원ID", "조직ID", "역할"]]
             .merge(people, on="위원ID", how="inner")
             .merge(units, on="조직ID", how="inner"))
    counts = seats.groupby("위원ID").size()
    top = max(MIN_COLUMNS, int(counts.max()) if len(counts) else 0)
    return Overlap(day, seats, counts, top, skipped=len(active) - len(seats))


def overlap_json(o: Overlap) -> dict[str, Any]:
    return {
        "date": o.day.isoformat(),
        "people": len(o.counts),
        "by_type": o.by_type,
        "distribution": o.distribution(),
        "council": o.council(),
    }


def overlap_job(book: Book, day: dt.date, *, mask: bool = False) -> Outcome:
    """`mask` hides the middle of every 성명 on the sheet (the JSON has no names)."""
    o = compute_overlap(book, day)
    payload = overlap_json(o)
    summary = (f"{day.isoformat()} 기준 총 활동인원 {payload['by_type']['합계']}명 "
               f"(실 인원 {payload['people']}명)")
    if o.skipped:
        summary += (f"\n경고: 위원 또는 조직 시트에 없는 활동 {o.skipped}건은 세지 않았습니다 "
                    "(검증으로 확인하세요).")
    settings, _ = read_settings(book)
    head = running_head(settings, f"기준일 {day.isoformat()}")
    return Outcome(payload, lambda: [overlap_sheet(o, payload, head, mask=mask)], summary)


# ---------------------------------------------------------------------------------------------
# The result sheet


def _label(day: dt.date) -> str:
    return f"{day.year}.{day.month}.{day.day}. 기준"


def person_rows(o: Overlap) -> list[list[Any]]:
    """위원ID, 성명, 구분, 신분, 활동 수, the bodies (by 유형 then name): count desc, then name."""
    order = {t: i for i, t in enumerate(BODY_TYPES)}
    seats = o.seats.assign(순서=o.seats["유형"].map(order)).sort_values(["순서", "조직명"])
    bodies: dict[str, list[str]] = {}  # one pass in seat order, not a lookup per person
    for pid, body in zip(seats["위원ID"].tolist(), seats["조직명"].tolist(), strict=True):
        bodies.setdefault(str(pid), []).append(str(body))
    first = o.seats.drop_duplicates("위원ID")
    person = {pid: (name, group, status) for pid, name, group, status in zip(
        first["위원ID"].tolist(), first["성명"].tolist(), first["구분"].tolist(),
        first["신분"].tolist(), strict=True)}
    rows: list[list[Any]] = [[pid, *person[pid], int(n), ", ".join(bodies[str(pid)])]
                             for pid, n in o.counts.items()]
    rows.sort(key=lambda r: (-r[4], str(r[1] or ""), str(r[0])))
    return rows


def overlap_sheet(o: Overlap, payload: dict[str, Any], head: str = "", *,
                  mask: bool = False) -> SheetSpec:
    by_type, dist, council = payload["by_type"], payload["distribution"], payload["council"]
    label = _label(o.day)
    counts = [f"{n}개" for n in dist]
    blocks = [
        Block(0, 0, [[f"중복활동 현황 (기준일: {o.day.isoformat()})"]], style="title"),
        Block(1, 0, [[(f"총 활동인원 {by_type['합계']}명 (실 인원 {payload['people']}명) "
                       f"※ 단위: 명 / {label}")]], style="note"),
        Block(3, 0, [["○ 영역별 활동현황"]], style="subtitle"),
        Block(4, 0, [["구분", "총 인원", *BODY_TYPES],
                     [label, by_type["합계"], *(by_type[t] for t in BODY_TYPES)]],
              header_rows=1, number_formats={i: INT for i in range(1, 7)}),
    ]
    if len(dist) <= MAX_COUNT_COLUMNS:  # the seed's shape: one column per activity count
        blocks += [
            Block(7, 0, [["○ 중복활동현황"]], style="subtitle"),
            Block(8, 0, [["구분", "총인원", *counts], [label, payload["people"], *dist.values()]],
                  header_rows=1, number_formats={i: INT for i in range(1, len(dist) + 2)}),
            Block(11, 0, [[f"○ 협치회의 위원 중복활동 현황 ({label})"]], style="subtitle"),
            Block(12, 0, [["구분", "총인원", *counts],
                          *([c, sum(council[c].values()), *council[c].values()]
                            for c in CLASSES)],
                  header_rows=1, number_formats={i: INT for i in range(1, len(dist) + 2)}),
        ]
        top = 16
        last_col = len(dist) + 1  # the list is as wide as the tables above it
    else:  # more counts than a page is wide: one row per count instead
        blocks += [
            Block(7, 0, [[f"○ 중복활동현황 (활동 수별, 협치회의 위원 포함, {label})"]],
                  style="subtitle"),
            Block(8, 0, [["활동 수", "인원", *(f"협치회의 {c}" for c in CLASSES)],
                         *([n, dist[k], *(council[c][k] for c in CLASSES)]
                           for k, n in zip(dist, counts, strict=True)),
                         ["합계", payload["people"],
                          *(sum(council[c].values()) for c in CLASSES)]],
                  header_rows=1, total_rows=1, number_formats={1: INT, 2: INT, 3: INT}),
        ]
        top = 8 + len(dist) + 4
        last_col = 7
    people = person_rows(o)
    if mask:
        people = [[r[0], mask_name(str(r[1] or "")), *r[2:]] for r in people]
    blocks.append(Block(top, 0, [["○ 위원별 활동 현황"]], style="subtitle"))
    blocks.append(Block(top + 1, 0, [["위원ID", "성명", "구분", "신분", "활동 수"],
                                     *(r[:5] for r in people)],
                        header_rows=1, number_formats={4: INT}))
    # 활동 조직 wraps in a cell merged across the remaining columns, rows tall enough for it.
    merges = [Merge(top + 1, 5, top + 1, last_col, "활동 조직", style="header")]
    heights: dict[int, float] = {}
    span = COL_WIDTH * (last_col - 4)
    for i, r in enumerate(people, start=top + 2):
        merges.append(Merge(i, 5, i, last_col, r[5], style="wrap"))
        if (height := wrapped_height(r[5], span)) > LINE_HEIGHT:
            heights[i] = height
    widths = {i: COL_WIDTH for i in range(last_col + 1)}  # the count columns line up
    spec = SheetSpec(SHEET, blocks, merges=merges, col_widths=widths, row_heights=heights)
    return paginate(spec, head)
