"""Synthetic workbooks for the benchmarks: one book of any size, or an archive of many.

    python bench/make_books.py book OUT.xlsx [--rows N]      # 출석 rows (max 1,048,575)
    python bench/make_books.py districts OUT.xlsx [--districts 40]  # a city of districts
    python bench/make_books.py archive DIR [--books 100]     # copies of a sample-size book

A book is the bundled sample (281 people, 488 seats) with its meetings repeated under new
회의ID until the 출석 sheet has N rows, so it stays valid however large it grows. A districts
book is the sample's people, bodies and seats once per district (IDs prefixed D01-, D02-...),
each body meeting monthly through 2021 with an 출석 row for each member seated that day
(40 districts: 11,320 people, 19,600 seats, 16,800 meetings, about 234,000 출석 rows).
Written with XlsxWriter in constant_memory mode (rows streamed to disk), typed cells as Excel
writes them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import python_calamine
import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbook" / "sample" / "seodaemun-2021.xlsx"
EXCEL_MAX_DATA_ROWS = 1_048_575  # 1,048,576 rows less the header


def sample_sheets() -> dict[str, list[list[Any]]]:
    wb = python_calamine.CalamineWorkbook.from_path(str(SAMPLE))
    try:
        return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}
    finally:
        wb.close()


def scaled(sheets: dict[str, list[list[Any]]], rows: int) -> dict[str, list[list[Any]]]:
    """The sample with meetings repeated (new IDs, same body and day) up to `rows` 출석 rows."""
    meetings, attendance = sheets["회의"], sheets["출석"]
    header, body = attendance[0], attendance[1:]
    if rows <= len(body):
        return {**sheets, "출석": [header, *body[:rows]]}
    by_meeting: dict[str, list[list[Any]]] = {}
    for r in body:
        by_meeting.setdefault(r[0], []).append(r)
    out_meetings, out_att = list(meetings), [header, *body]
    copy = 0
    while len(out_att) - 1 < rows:
        copy += 1
        for m in meetings[1:]:
            new_id = f"{m[0]}#{copy}"
            out_meetings.append([new_id, *m[1:]])
            for r in by_meeting.get(m[0], []):
                out_att.append([new_id, *r[1:]])
                if len(out_att) - 1 == rows:
                    break
            if len(out_att) - 1 == rows:
                break
    return {**sheets, "회의": out_meetings, "출석": out_att}


def districts(sheets: dict[str, list[list[Any]]], count: int) -> dict[str, list[list[Any]]]:
    """`count` copies of the sample's district, each body meeting on the 15th of every 2021
    month (오프라인 or 온라인, 2 or 2.5 hours), attended (or not) by each member seated that day."""
    rng = random.Random(14)
    people, bodies, seats = sheets["위원"], sheets["조직"], sheets["활동"]
    out: dict[str, list[list[Any]]] = {
        "위원": [people[0]], "조직": [bodies[0]], "활동": [seats[0]],
        "회의": [sheets["회의"][0]], "출석": [sheets["출석"][0]], "심사": [sheets["심사"][0]]}
    members: dict[str, list[tuple[str, Any, Any]]] = {}
    for person, body, _, start, end in (r[:5] for r in seats[1:]):
        members.setdefault(body, []).append((person, start, end))
    for d in range(1, count + 1):
        tag = f"D{d:02d}-"
        out["위원"] += [[tag + r[0], *r[1:]] for r in people[1:]]
        out["조직"] += [[tag + r[0], r[1], r[2], tag + r[3] if r[3] else r[3], *r[4:]]
                       for r in bodies[1:]]
        out["활동"] += [[tag + r[0], tag + r[1], *r[2:]] for r in seats[1:]]
        out["심사"] += [[tag + r[0], *r[1:]] for r in sheets["심사"][1:]]
        for body in (r[0] for r in bodies[1:]):
            for month in range(1, 13):
                day = dt.date(2021, month, 15)
                meeting = f"{tag}{body}-{month:02d}"
                online = rng.random() < 0.3
                end = dt.time(16, 30) if rng.random() < 0.2 else dt.time(16, 0)
                out["회의"].append([meeting, tag + body, month, day,
                                   "온라인" if online else "오프라인", dt.time(14, 0), end])
                for person, start, stop in members.get(body, []):
                    if start > day or (isinstance(stop, dt.date) and stop < day):
                        continue
                    roll = rng.random()
                    status = "출석" if roll < 0.8 else ("불참" if roll < 0.98 else "대리출석")
                    proxy = "대리인" if status == "대리출석" else ""
                    out["출석"].append([meeting, tag + person, status, proxy, ""])
    return {**sheets, **out}


def write_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    time_fmt = wb.add_format({"num_format": "hh:mm"})
    for name, grid in sheets.items():
        ws = wb.add_worksheet(name)
        write_string, write_number = ws.write_string, ws.write_number
        write_datetime = ws.write_datetime
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                if v is None or v == "":
                    continue
                if type(v) is str:
                    write_string(i, j, v)
                elif isinstance(v, (int, float)):
                    write_number(i, j, v)
                elif isinstance(v, dt.datetime):
                    write_datetime(i, j, v, date_fmt)
                elif isinstance(v, dt.date):
                    write_datetime(i, j, dt.datetime.combine(v, dt.time()), date_fmt)
                elif isinstance(v, dt.time):
                    write_datetime(i, j, v, time_fmt)
                else:
                    write_string(i, j, str(v))
    wb.close()
    return path


def make_book(path: Path, rows: int | None = None) -> Path:
    sheets = sample_sheets()
    return write_book(path, scaled(sheets, rows) if rows is not None else sheets)


def make_districts(path: Path, count: int = 40) -> Path:
    return write_book(path, districts(sample_sheets(), count))


def make_archive(folder: Path, books: int = 100) -> list[Path]:
    """`books` sample-size books (byte copies: each is read and computed on its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    first = make_book(folder / "2021-03-000.xlsx")
    paths = [first]
    for i in range(1, books):
        paths.append(folder / f"2021-03-{i:03d}.xlsx")
        shutil.copyfile(first, paths[-1])
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    b = sub.add_parser("book")
    b.add_argument("out", type=Path)
    b.add_argument("--rows", type=int, default=None, help="출석 rows (default: as in the sample)")
    d = sub.add_parser("districts")
    d.add_argument("out", type=Path)
    d.add_argument("--districts", type=int, default=40)
    a = sub.add_parser("archive")
    a.add_argument("folder", type=Path)
    a.add_argument("--books", type=int, default=100)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.what == "book":
        if args.rows is not None and not 1 <= args.rows <= EXCEL_MAX_DATA_ROWS:
            parser.error(f"--rows must be 1..{EXCEL_MAX_DATA_ROWS:,}")
        path = make_book(args.out, args.rows)
        print(f"{path} ({path.stat().st_size:,} bytes) in {time.perf_counter() - started:.1f}s",
              file=sys.stderr)
    elif args.what == "districts":
        path = make_districts(args.out, args.districts)
        print(f"{path} ({path.stat().st_size:,} bytes) in {time.perf_counter() - started:.1f}s",
              file=sys.stderr)
    else:
        paths = make_archive(args.folder, args.books)
        print(f"{len(paths)} books in {args.folder} in {time.perf_counter() - started:.1f}s",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
