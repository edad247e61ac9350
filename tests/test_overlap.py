"""중복활동현황 on small books: seats, people, the distribution and the council split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from books import D, small_book, write_book

from hyeopchi.cli import main
from hyeopchi.core.overlap import overlap_job
from hyeopchi.core.sheetspec import LINE_HEIGHT, SheetSpec, wrapped_height
from hyeopchi.core.tables import Book, table_from_grid

DAY = D(2021, 3, 1)


def book_of(sheets: dict[str, list[list[Any]]]) -> Book:
    """A Book straight from grids (no file): fast unit tests of the core."""
    return Book({name: table_from_grid(name, rows)[0] for name, rows in sheets.items()},
                list(sheets))


def overlap(sheets: dict[str, list[list[Any]]], day: Any = DAY) -> dict[str, Any]:
    return overlap_job(book_of(sheets), day).payload


def test_small_book_counts_seats_people_and_council() -> None:
    # small_book on 2021-03-01: C01 has P1, P2, P3; B01 has P2; W01 has P2, P4.
    got = overlap(small_book())
    assert got["date"] == "2021-03-01"
    assert got["people"] == 4
    assert got["by_type"] == {"협치회의": 3, "운영위원회": 0, "분과위원회": 1, "워킹그룹": 2,
                              "TFT": 0, "합계": 6}
    assert list(got["distribution"]) == [str(n) for n in range(11, 0, -1)]
    assert got["distribution"]["3"] == 1 and got["distribution"]["1"] == 3
    assert sum(got["distribution"].values()) == 4
    assert {k: v for k, v in got["council"]["당연직"].items() if v} == {"1": 1}
    assert {k: v for k, v in got["council"]["위촉직"].items() if v} == {"3": 1, "1": 1}


def test_two_roles_in_one_body_count_once() -> None:
    sheets = small_book()
    sheets["활동"].append(["P2", "B01", "위원", D(2020, 1, 1), None])
    got = overlap(sheets)
    assert got["by_type"]["분과위원회"] == 1 and got["by_type"]["합계"] == 6
    assert got["distribution"]["3"] == 1


def test_membership_ending_on_the_reference_date_is_counted() -> None:
    sheets = small_book()
    sheets["활동"][5][4] = DAY  # P2 in W01 ends on the day: last active day, inclusive
    assert overlap(sheets)["by_type"]["워킹그룹"] == 2
    assert overlap(sheets, D(2021, 3, 2))["by_type"]["워킹그룹"] == 1


def test_dismissal_on_the_reference_date_is_not_counted() -> None:
    sheets = small_book()
    sheets["위원"][2][6] = DAY  # P2 해촉일 = the day: no member from this day on
    sheets["위원"][2][7] = "사임"
    got = overlap(sheets)
    assert got["people"] == 3 and got["by_type"]["합계"] == 3
    assert overlap(sheets, D(2021, 2, 28))["people"] == 4


def test_person_with_no_memberships_is_not_counted() -> None:
    sheets = small_book()
    sheets["위원"].append(["P5", "정마루", "위촉직", "민간", "주민", D(2020, 1, 1), None, None,
                          None])
    assert overlap(sheets)["people"] == 4
    assert sum(overlap(sheets)["distribution"].values()) == 4


def test_distribution_grows_past_eleven_columns() -> None:
    sheets = small_book()
    for i in range(12):
        sheets["조직"].append([f"T{i:02}", f"TFT {i}", "TFT", None, None])
        sheets["활동"].append(["P4", f"T{i:02}", "위원", D(2020, 1, 1), None])
    got = overlap(sheets)
    assert next(iter(got["distribution"])) == "13" and got["distribution"]["13"] == 1
    assert got["by_type"]["TFT"] == 12
    assert list(got["council"]["위촉직"]) == list(got["distribution"])


def test_nobody_active_gives_zero_tables() -> None:
    got = overlap(small_book(), D(2000, 1, 1))
    assert got["people"] == 0 and got["by_type"]["합계"] == 0
    assert set(got["distribution"].values()) == {0} and len(got["distribution"]) == 11


def _cells(spec: SheetSpec) -> dict[tuple[int, int], Any]:
    cells = {(b.row + i, b.col + j): v for b in spec.blocks for i, r in enumerate(b.values)
             for j, v in enumerate(r)}
    cells.update({(m.first_row, m.first_col): m.value for m in spec.merges})
    return cells


def test_sheet_layout_follows_the_seed_and_never_shows_phone_numbers() -> None:
    spec = overlap_job(book_of(small_book()), DAY).sheets[0]
    cells = _cells(spec)
    assert spec.name == "중복활동현황"
    assert "2021-03-01" in cells[(0, 0)]
    assert [cells[(4, j)] for j in range(7)] == ["구분", "총 인원", "협치회의", "운영위원회",
                                                   "분과위원회", "워킹그룹", "TFT"]
    assert cells[(5, 1)] == 6
    assert cells[(8, 2)] == "11개" and cells[(8, 12)] == "1개" and cells[(9, 1)] == 4
    assert (cells[(13, 0)], cells[(14, 0)]) == ("당연직", "위촉직")
    # per-person list: count descending, then name
    assert [cells[(17, j)] for j in range(6)] == ["위원ID", "성명", "구분", "신분", "활동 수",
                                                    "활동 조직"]
    # 활동 조직 is merged across the table's width, wrapped, with room for every line
    merged = {(m.first_row, m.first_col): m for m in spec.merges}
    assert (merged[(18, 5)].last_col, merged[(18, 5)].style) == (12, "wrap")
    assert cells[(18, 1)] == "이나래" and cells[(18, 4)] == 3
    assert cells[(18, 5)] == "서대문 협치회의, 기반구축분과, 의제발굴"
    assert [cells[(r, 1)] for r in (19, 20, 21)] == ["김가람", "박다온", "최라온"]
    text = " ".join(str(v) for v in cells.values())
    assert "연락처" not in text and "010-" not in text and "02-330" not in text


def test_cli_overlap_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "book.xlsx", small_book())
    assert main(["overlap", str(path), "--date", "2021-03-01", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == overlap(small_book())


def test_cli_overlap_without_roster_sheet_exits_2(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    sheets = small_book()
    del sheets["활동"]
    path = write_book(tmp_path / "book.xlsx", sheets)
    assert main(["overlap", str(path), "--date", "2021-03-01", "--json"]) == 2
    assert "활동" in capsys.readouterr().err


def test_rerunning_in_place_replaces_the_sheet(tmp_path: Path) -> None:
    import openpyxl

    path = write_book(tmp_path / "book.xlsx", small_book())
    for _ in range(2):
        assert main(["overlap", str(path), "--date", "2021-03-01", "--in-place"]) == 0
    names = openpyxl.load_workbook(path).sheetnames
    assert names.count("중복활동현황") == 1 and len(names) == len(small_book()) + 1


def test_activity_for_unknown_body_is_left_out_and_said_so() -> None:
    sheets = small_book()
    sheets["활동"].append(["P4", "X99", "위원", D(2020, 1, 1), None])
    out = overlap_job(book_of(sheets), DAY)
    assert out.payload["by_type"]["합계"] == 6
    assert "없는 활동 1건" in out.summary


def test_long_body_lists_get_rows_tall_enough_to_print() -> None:
    # 11 bodies' names do not fit one line of the merged 활동 조직 cell (8 columns x 11 chars)
    text = ", ".join(f"워킹그룹 {i}번 의제발굴" for i in range(11))
    assert wrapped_height(text, 88) >= 3 * LINE_HEIGHT
    assert wrapped_height("서대문 협치회의", 88) == LINE_HEIGHT
