"""One book of a batch: read once, validate, compute every job that applies, write the copy.

Runs in a worker process; returns a small summary dict (picklable, JSON-able). Never raises
for a bad book: the fault becomes status 'failed' with a Korean message.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.issues import BookError
from ..core.outcome import Outcome
from ..core.sheetspec import SheetSpec
from ..core.tables import Book
from ..core.values import Month
from ..io.process import gc_paused
from ..jobs import JOBS, AnyJob, for_month
from ..jobs.catalog import VALIDATE, ValidateOptions

OK, INVALID, FAILED = "ok", "invalid", "failed"


def planned_jobs(month: Month, mask: bool = False) -> list[tuple[AnyJob, Any]]:
    """Every job batch runs after validation, with its options for `month` (and `mask` for
    the jobs that write names); a job whose required options batch cannot fill (none today)
    is left out by design, not by error."""
    planned = []
    for job in JOBS.values():
        if not job.in_batch:
            continue
        options = for_month(job.options, month)
        if options is not None and mask and any(f.name == "mask" for f in job.fields()):
            options = dataclasses.replace(options, mask=True)
        if options is not None:
            planned.append((job, options))
    return planned


def process_book(path: str, dest: str | None, month: Month,
                 in_place: bool = False, mask: bool = False) -> dict[str, Any]:
    """Read, validate, compute and write one book. `dest` None with in_place writes the input."""
    started = time.perf_counter()
    result: dict[str, Any] = {"path": path, "status": FAILED, "message": "", "errors": 0,
                              "warnings": 0, "seats": None, "people": None, "allowance": None,
                              "score": None, "findings": None, "jobs": [], "output": None,
                              "timings": {}}
    try:
        _process(Path(path), dest, month, in_place, mask, result)
    except BookError as exc:
        result.update(status=FAILED, message=str(exc))
    except MemoryError:
        result.update(status=FAILED,
                      message=f"{Path(path).name}: 메모리가 부족하여 읽지 못했습니다.")
    except Exception as exc:  # noqa: BLE001 -- a bug must not stop the other books
        result.update(status=FAILED, message=(
            f"{Path(path).name}: 처리 중 예상하지 못한 오류가 발생했습니다 "
            f"({type(exc).__name__}: {str(exc)[:160]})."))
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _process(path: Path, dest: str | None, month: Month, in_place: bool, mask: bool,
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
    checked = VALIDATE.run(book, ValidateOptions())  # today: read here, in the shell
    lap("validate")
    errors, warnings = checked.payload["errors"], checked.payload["warnings"]
    result.update(errors=len(errors), warnings=len(warnings))
    writes = dest is not None or in_place  # sheets are laid out only to be written
    specs: list[SheetSpec] = list(checked.sheets) if writes else []
    notes: list[str] = []
    if errors:
        result.update(status=INVALID, message=f"검증 오류 {len(errors)}건: {errors[0]['message']}")
    else:
        result["status"] = OK
        for job, options in planned_jobs(month, mask):
            done = _run_job(job, book, options, notes, lay_out=writes)
            lap(job.name)
            if done is None:
                continue
            outcome, sheets = done
            result["jobs"].append(job.name)
            specs += sheets
            _collect(job.name, outcome.payload, result)
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


def _run_job(job: AnyJob, book: Book, options: Any, notes: list[str], *, lay_out: bool = True
             ) -> tuple[Outcome, list[SheetSpec]] | None:
    """The job's outcome and its sheets, laid out here when they are written (batch writes them
    all): under the gc pause, and a fault in either is this job's note, never the book's
    failure."""
    try:
        with gc_paused():  # the worker owns its process; figures in io/process.py
            outcome = job.run(book, options)
            return outcome, (outcome.sheets if lay_out else [])
    except BookError as exc:
        issue = exc.issue
        if issue is None or issue.code != "missing-sheet":
            notes.append(f"{job.name} 계산 안 됨: {exc}")
        return None


def _collect(name: str, payload: dict[str, Any], result: dict[str, Any]) -> None:
    """The summary figures: seats and people (overlap), allowance total, the 4-1 score, the
    review's findings."""
    if name == "overlap":
        result["seats"] = (payload.get("by_type") or {}).get("합계")
        result["people"] = payload.get("people")
    elif name == "allowance":
        result["allowance"] = payload.get("total")
    elif name == "attendance":
        result["score"] = (payload.get("scores") or {}).get("total")
    elif name == "review":
        result["findings"] = len(payload.get("findings") or [])


def _unique_names(specs: Sequence[SheetSpec]) -> list[SheetSpec]:
    """One sheet per name (a later job's sheet replaces an earlier one of the same name)."""
    by_name: dict[str, SheetSpec] = {}
    for spec in specs:
        by_name[spec.name] = spec
    return list(by_name.values())
