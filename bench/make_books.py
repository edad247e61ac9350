"""Synthetic workbooks for the benchmarks: one book of any size, or an archive of many.

    python bench/make_books.py book OUT.xlsx [--rows N]      # 출석 rows (max 1,048,575)
    python bench/make_books.py archive DIR [--books 100]     # copies of a sample-size book

A book is the bundled sample (281 people, 488 seats) with its meetings repeated under new
회의ID until the 출석 sheet has N rows, so it stays valid however large it grows. Written with
XlsxWriter in constant_memory mode (rows streamed to disk), typed cells as Excel writes them.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def write_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    time_fmt = wb.add_format({"num_format": "hh:mm"})
    for name, grid in sheets.items():
        ws = wb.add_worksheet(name)
        write_string, write_number, write_datetime = ws.write_string, ws.write_number, ws.write_datetime
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
    else:
        paths = make_archive(args.folder, args.books)
        print(f"{len(paths)} books in {args.folder} in {time.perf_counter() - started:.1f}s",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
