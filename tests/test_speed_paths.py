"""The shortcuts taken for speed (issue 14) give what the plain way gives: each checked against
a plain-Python reference written here, not against the production code it replaces."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hyeopchi.batch import worker
from hyeopchi.core.issues import Issue
from hyeopchi.core.membership import member_of
from hyeopchi.core.outcome import Outcome
from hyeopchi.core.tables import Book, table_from_grid

SAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "sample" / "seodaemun-2021.xlsx"


@pytest.mark.parametrize("seed", range(5))
def test_member_of_large_key_space_is_set_membership(seed: int) -> None:
    rng = random.Random(seed)
    present = [rng.randrange(0, 1000) for _ in range(rng.randrange(0, 50))]
    keys = [rng.randrange(0, 1100) for _ in range(300)] + [0, 999, 1099]
    # a key space over 2**26: the binary search
    got = member_of(np.array(keys, dtype=np.int64), np.array(present, dtype=np.int64),
                    (1 << 26) + 1)
    assert got.tolist() == [k in set(present) for k in keys]


def test_member_of_table_and_search_agree_with_a_set() -> None:
    # the bit table (small key space) and the binary search (over 2**26 keys) both
    rng = random.Random(7)
    for size in (5000, (1 << 26) + 10):
        present = np.array([rng.randrange(size) for _ in range(400)], dtype=np.int64)
        keys = np.array([rng.randrange(size) for _ in range(2000)] + present[:50].tolist(),
                        dtype=np.int64)
        expected = [k in set(present.tolist()) for k in keys.tolist()]
        assert member_of(keys, present, size).tolist() == expected


def test_derived_tables_are_made_once_per_key() -> None:
    book = Book(tables={}, sheet_names=[])
    made: list[str] = []

    def make(tag: str) -> str:
        made.append(tag)
        return tag.upper()

    assert book.derived(("pairs", 1), lambda: make("a")) == "A"
    assert book.derived(("pairs", 1), lambda: make("b")) == "A"  # the first one stands
    assert book.derived(("pairs", 2), lambda: make("c")) == "C"
    assert made == ["a", "c"]


def test_batch_lays_out_no_sheet_when_nothing_is_written(tmp_path: Path,
                                                         monkeypatch: Any) -> None:
    laid_out: list[int] = []
    real = Outcome.sheets.fget
    assert real is not None

    def counting(self: Outcome) -> Any:
        laid_out.append(1)
        return real(self)

    monkeypatch.setattr(Outcome, "sheets", property(counting))
    book = tmp_path / "book.xlsx"
    shutil.copy(SAMPLE, book)
    result = worker.process_book(str(book), None, (2021, 3))
    assert result["status"] == "ok" and len(result["jobs"]) >= 5
    assert laid_out == []
    written = worker.process_book(str(book), str(tmp_path / "out.xlsx"), (2021, 3))
    assert written["status"] == "ok" and (tmp_path / "out.xlsx").exists()
    assert len(laid_out) == 1 + len(written["jobs"])  # validate's and each job's


def test_issue_json_has_every_field_in_order() -> None:
    # Issue.to_json lists its fields by hand (asdict deep-copied each one): none left out
    issue = Issue("unknown-reference", "메시지", "출석", row=7, column="위원ID", cell="B7",
                  value=dt.date(2021, 3, 2), severity="warning")
    got = issue.to_json()
    assert list(got) == [f.name for f in fields(Issue)]
    assert got == {"code": "unknown-reference", "message": "메시지", "sheet": "출석", "row": 7,
                   "column": "위원ID", "cell": "B7", "value": "2021-03-02",
                   "severity": "warning"}


def test_text_and_id_columns_of_plain_strings_keep_the_value_rules() -> None:
    # the all-str shortcut (distinct values typed, the list kept when nothing changes) gives
    # what the rules say, worked out by hand: IDs and text stripped, blank -> None
    head = ["위원ID", "성명", "구분", "신분", "성별", "위촉일", "해촉일", "해촉사유"]
    rows = [["P1", "홍길동", "위촉직", "민간", "남", None, None, ""],
            [" P2 ", " 김영희 ", "위촉직", "민간", "여", None, None, ""],
            ["P3", "이철수", "당연직", "공무원", "", None, None, "  "]]
    table, issues = table_from_grid("위원", [head, *rows])
    df = table.df
    assert issues == []
    assert df["위원ID"].tolist() == ["P1", "P2", "P3"]
    assert df["성명"].tolist() == ["홍길동", "김영희", "이철수"]
    assert df["구분"].tolist() == ["위촉직", "위촉직", "당연직"]
    assert df["성별"].tolist() == ["남", "여", None]
    assert df["해촉사유"].tolist() == [None, None, None]
