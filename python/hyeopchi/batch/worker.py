"""One book of a batch: read once, validate, compute every job that applies, write the copy.

Runs in a worker process; returns a small summary dict (picklable, JSON-able). Never raises
for a bad book: the fault becomes status 'failed' with a Korean message.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.issues import BookError
from ..core.jobs import Outcome, validate_job
from ..core.sheetspec import SheetSpec
from ..core.tables import Book
from ..core.values import month_bounds

OK, INVALID, FAILED = "ok", "invalid", "failed"


def job_argv(parser: argparse.ArgumentParser, month: tuple[int, int]) -> list[str] | None:
    """Options for one command over `month`, or None when it needs one batch cannot supply."""
    first, last = month_bounds(*month)
    values = {"--date": last.isoformat(), "--from": first.isoformat(), "--to": last.isoformat(),
              "--month": f"{month[0]:04d}-{month[1]:02d}", "--out": os.devnull}
    argv: list[str] = []
    for action in parser._actions:
        known = [o for o in action.option_strings if o in values]
        if known:
            argv += [known[0], values[known[0]]]
        elif action.required and action.option_strings:
            return None
    return argv


@lru_cache(maxsize=8)
def planned_jobs(month: tuple[int, int]) -> tuple[tuple[str, argparse.Namespace], ...]:
    """Every registered command except validate, with its arguments for `month`."""
    from ..cli import COMMANDS, build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    jobs = []
    for name in COMMANDS:
        if name == "validate":
            continue
        p = sub.choices[name]
        argv = job_argv(p, month)
        if argv is None:
            continue
        try:
            args = p.parse_args(["BOOK", *argv])
        except SystemExit:
            continue
        args.command, args.json = name, True
        jobs.append((name, args))
    return tuple(jobs)


def process_book(path: str, dest: str | None, month: tuple[int, int],
                 in_place: bool = False) -> dict[str, Any]:
    """Read, validate, compute and write one book. `dest` None with in_place writes the input."""
    started = time.perf_counter()
    result: dict[str, Any] = {"path": path, "status": FAILED, "message": "", "errors": 0,
                              "warnings": 0, "seats": None, "people": None, "allowance": None,
                              "score": None, "jobs": [], "output": None, "timings": {}}
    try:
        _process(Path(path), dest, month, in_place, result)
    except BookError as exc:
        result.update(status=FAILED, message=str(exc))
    except MemoryError:
        result.update(status=FAILED, message=f"{Path(path).name}: 메모리가 부족하여 읽지 못했습니다.")
    except Exception as exc:  # noqa: BLE001 -- a bug must not stop the other books
        result.update(status=FAILED, message=(
            f"{Path(path).name}: 처리 중 예상하지 못한 오류가 발생했습니다 "
            f"({type(exc).__name__}: {str(exc)[:160]})."))
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _process(path: Path, dest: str | None, month: tuple[int, int], in_place: bool,
             result: dict[str, Any]) -> None:
    from ..io.reader import read_book

    if not path.name.lower().endswith((".xlsx", ".xlsm")):
        if path.name.lower().endswith(".xls"):
            raise BookError(f"{path.name}: 이전 형식(.xls) 통합문서는 읽지 않습니다. "
                            "Excel에서 .xlsx로 저장한 뒤 다시 실행하세요.")
        if path.exists() and not path.is_dir():
            raise BookError(f"{path.name}: Excel 통합문서(.xlsx/.xlsm)가 아닙니다.")
    lap = _Laps(result["timings"])
    book = read_book(path)
    lap("read")
    checked = validate_job(book)
    lap("validate")
    errors, warnings = checked.payload["errors"], checked.payload["warnings"]
    result.update(errors=len(errors), warnings=len(warnings))
    specs: list[SheetSpec] = list(checked.sheets)
    notes: list[str] = []
    if errors:
        result.update(status=INVALID, message=f"검증 오류 {len(errors)}건: {errors[0]['message']}")
    else:
        result["status"] = OK
        for name, args in planned_jobs(month):
            outcome = _run_job(name, book, args, notes)
            lap(name)
            if outcome is None:
                continue
            result["jobs"].append(name)
            specs += outcome.sheets
            _collect(name, outcome.payload, result)
        result["message"] = "; ".join(notes) or (
            f"경고 {len(warnings)}건" if warnings else "정상")
    if dest is not None or in_place:
        from ..io.writeback import write_sheets

        written = write_sheets(path, _unique_names(specs),
                               dest=Path(dest) if dest is not None else None)
        result["output"] = str(written)
        lap("write")


class _Laps:
    """Seconds spent in each step, for the benchmarks (`timings` in the result)."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into, self.last = into, time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.into[name] = round(now - self.last, 4)
        self.last = now


def _run_job(name: str, book: Book, args: argparse.Namespace, notes: list[str]
             ) -> Outcome | None:
    from ..cli import COMMANDS

    try:
        return COMMANDS[name].run(book, args)
    except BookError as exc:
        issue = exc.issue
        if issue is None or issue.code != "missing-sheet":
            notes.append(f"{name} 계산 안 됨: {exc}")
        return None


def _collect(name: str, payload: dict[str, Any], result: dict[str, Any]) -> None:
    """The summary figures: seats and people (overlap), allowance total, the 4-1 score."""
    if name == "overlap":
        result["seats"] = (payload.get("by_type") or {}).get("합계")
        result["people"] = payload.get("people")
    elif name == "allowance":
        result["allowance"] = payload.get("total")
    elif name == "attendance":
        result["score"] = (payload.get("scores") or {}).get("total")


def _unique_names(specs: Sequence[SheetSpec]) -> list[SheetSpec]:
    """One sheet per name (a later job's sheet replaces an earlier one of the same name)."""
    by_name: dict[str, SheetSpec] = {}
    for spec in specs:
        by_name[spec.name] = spec
    return list(by_name.values())
