"""Which files a batch run processes: PATH arguments -> books, each with its output name.

Rules (documented in the README):
- a file named on the command line is always a book; the reader says why it is not one;
- in a folder (recursive) and in glob matches, *.xlsx / *.xlsm are books, and so is anything
  else that looks like a workbook (*.xls, *.xlsb, or a folder named *.xlsx): those are reported
  as failed with the reason; every other file (pdf, hwp, csv ...) is ignored and counted;
- Excel's lock files (~$name.xlsx), hidden files, *.bak and the output folder itself are skipped;
- a path that neither exists nor matches any file is reported as failed.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

BOOK_SUFFIXES = (".xlsx", ".xlsm")
LOOKALIKE_SUFFIXES = (".xls", ".xlsb")  # reported as failed when found in a folder


@dataclass(frozen=True)
class Found:
    path: Path  # as given or found (not resolved: a dangling symlink stays itself)
    rel: Path  # output name, relative to the output folder
    missing: bool = False  # the argument matched nothing


@dataclass
class Discovery:
    books: list[Found]
    ignored: int  # files in folders that are not workbooks


def discover(args: list[str], out_dir: Path) -> Discovery:
    books: list[Found] = []
    ignored = 0
    out_real = _real(out_dir)
    for arg in args:
        path = Path(arg)
        if path.is_dir() and not path.name.lower().endswith(BOOK_SUFFIXES):
            found, n = _walk(path, out_real)
            books += found
            ignored += n
        elif os.path.lexists(path):
            books.append(Found(path, Path(path.name)))
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                books.append(Found(path, Path(path.name), missing=True))
            for match in matches:
                m = Path(match)
                if m.is_dir() and not _looks_like_book(m):
                    found, n = _walk(m, out_real)
                    books += found
                    ignored += n
                elif _skipped(m.name):
                    continue
                elif _looks_like_book(m):
                    books.append(Found(m, Path(m.name)))
                else:
                    ignored += 1
        else:
            books.append(Found(path, Path(path.name), missing=True))
    return Discovery(_unique(books), ignored)


def _walk(folder: Path, out_real: str) -> tuple[list[Found], int]:
    found: list[Found] = []
    ignored = 0
    for root, dirs, files in os.walk(folder):
        if _real(Path(root)) == out_real:
            dirs[:] = []
            continue
        keep = []
        for d in sorted(dirs):
            p = Path(root, d)
            if d.startswith("."):
                continue
            if _looks_like_book(p):  # a folder named x.xlsx: report it, do not descend
                found.append(Found(p, p.relative_to(folder)))
            else:
                keep.append(d)
        dirs[:] = keep
        for name in sorted(files):
            p = Path(root, name)
            if _skipped(name):
                continue
            if _looks_like_book(p):
                found.append(Found(p, p.relative_to(folder)))
            else:
                ignored += 1
    return sorted(found, key=lambda f: str(f.rel)), ignored


def _looks_like_book(path: Path) -> bool:
    return path.name.lower().endswith(BOOK_SUFFIXES + LOOKALIKE_SUFFIXES)


def _skipped(name: str) -> bool:
    return name.startswith(("~$", ".")) or name.lower().endswith(".bak")


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _unique(books: list[Found]) -> list[Found]:
    """Drop repeats of one file; give clashing output names a -2, -3 suffix."""
    seen: set[str] = set()
    names: set[str] = set()
    out: list[Found] = []
    for b in books:
        key = os.path.abspath(b.path) if b.missing or b.path.is_symlink() else _real(b.path)
        if key in seen:
            continue
        seen.add(key)
        rel, n = b.rel, 2
        while str(rel).casefold() in names:
            rel = b.rel.with_name(f"{b.rel.stem}-{n}{b.rel.suffix}")
            n += 1
        names.add(str(rel).casefold())
        out.append(Found(b.path, rel, b.missing))
    return out
