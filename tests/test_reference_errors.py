"""Every command on books with each kind of broken reference (issue 10, item 2).

A reference error is a validation error (validate names it at its cell); every other command
either refuses with its reason (exit 1 or 2, one Korean line) or warns and goes on. None may
end in the unexpected-error path ("예상하지 못한 오류"), which is how the monthly report once
failed on a 회의 of a body missing from 조직 (KeyError 'X9').
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from books import D, small_book, write_book
from test_output_schemas import argv_for

from hyeopchi.cli import main
from hyeopchi.jobs import JOBS

Sheets = dict[str, list[list[Any]]]
T = dt.time


def meeting_of_unknown_body(b: Sheets) -> str:
    b["회의"].append(["X9-1", "X9", 1, D(2021, 3, 12), "오프라인", T(15), T(17)])
    b["출석"].append(["X9-1", "P2", "출석", None, None])
    return "회의"


def meeting_and_membership_of_unknown_body(b: Sheets) -> str:
    # The case: P2 is on 활동 in X9, so X9-1 expects P2.
    meeting_of_unknown_body(b)
    b["활동"].append(["P2", "X9", "위원", D(2020, 1, 1), None])
    return "회의"


def membership_in_unknown_body(b: Sheets) -> str:
    b["활동"].append(["P4", "X9", "일반", D(2020, 1, 1), None])
    return "활동"


def membership_of_unknown_member(b: Sheets) -> str:
    b["활동"].append(["P9", "W01", "일반", D(2020, 1, 1), None])
    return "활동"


def attendance_of_unknown_member(b: Sheets) -> str:
    b["출석"].append(["W01-1", "P9", "출석", None, None])
    return "출석"


def attendance_at_unknown_meeting(b: Sheets) -> str:
    b["출석"].append(["M99", "P2", "출석", None, None])
    return "출석"


def body_under_unknown_parent(b: Sheets) -> str:
    b["조직"][3][3] = "X9"  # W01's 상위조직ID
    return "조직"


KINDS: dict[str, Callable[[Sheets], str]] = {f.__name__: f for f in (
    meeting_of_unknown_body, meeting_and_membership_of_unknown_body,
    membership_in_unknown_body, membership_of_unknown_member, attendance_of_unknown_member,
    attendance_at_unknown_meeting, body_under_unknown_parent)}


def broken_book(tmp_path: Path, kind: str) -> tuple[Path, str]:
    b = small_book()
    b["회의"].append(["C01-11", "C01", 11, D(2021, 3, 5), "오프라인", T(15), T(17)])
    b["출석"].append(["C01-11", "P1", "출석", None, None])
    b["심사"] = [["신청자ID", "성명", "심사위원", "대표성", "전문성", "자발성"],
                ["A1", "가나다", "J1", 25, 20, 30]]
    sheet = KINDS[kind](b)
    return write_book(tmp_path / "book.xlsx", b), sheet


def test_each_kind_is_a_reference_error_validate_names(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    for kind in KINDS:
        path, sheet = broken_book(tmp_path, kind)
        assert main(["validate", str(path), "--json"]) == 1, kind
        errors = json.loads(capsys.readouterr().out)["errors"]
        assert ("unknown-reference", sheet) in {(e["code"], e["sheet"]) for e in errors}, kind


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("name", sorted(JOBS))
def test_no_command_ends_in_the_unexpected_error_path(name: str, kind: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    path, _ = broken_book(tmp_path, kind)
    code = main([*argv_for(name, path, tmp_path), "--json"])
    out, err = capsys.readouterr()
    assert "예상하지 못한 오류" not in err
    if code == 2:  # refused: one Korean line saying why, nothing on stdout
        assert out == "" and err.startswith("hyeopchi: ") and err.count("\n") == 1
    else:  # done (0) or validation errors (1): the contract's JSON
        assert code in (0, 1)
        assert isinstance(json.loads(out), dict)
