"""The 실행 sheet's buttons. Each is `read tables -> run the job -> bring in its sheets`.

Run by RunPython without arguments (`xw.Book.caller()`), or from code with an xw.Book.
The result sheets are rendered by the CLI's renderer and brought into the book by desktop
Excel (excel/deliver.py, excel/desktop.py). Progress shows in the 상태 cell and Excel's status
bar; every outcome, good or bad, ends as one Korean line in 상태 naming the hyeopchi version.
No exception reaches Excel.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..core import doctor as checkup
from ..core.issues import BookError
from ..core.outcome import Outcome
from ..io._atomic import save_atomically
from ..io.probes import gather
from ..jobs import JOBS, AnyJob, OptionError, from_values
from . import control as ctl
from .deliver import book_folder, insert_results, save_documents
from .desktop import Desktop, XlwingsDesktop
from .grid import read_open_book
from .marks import clear_marks, mark_issues, previous_marks

DESKTOP: Desktop = XlwingsDesktop()  # what only desktop Excel does; tests put a fake here


@dataclass
class Run:
    """What one button press did (returned for tests and callers from code)."""

    command: str
    status: str
    ok: bool
    outcome: Outcome | None = None
    sheets: list[str] = field(default_factory=list)


# One function per button (RunPython calls `hyeopchi.excel.handlers.NAME()`).
def validate(book: Any = None) -> Run:
    """검증: faults listed in 검증결과 and marked on the input sheets."""
    return run_job("validate", book)


def overlap(book: Any = None) -> Run:
    """중복활동 현황 on 기준일."""
    return run_job("overlap", book)


def attendance(book: Any = None) -> Run:
    """출석률과 평가점수 over 평가기간 시작..종료 (유형 optional)."""
    return run_job("attendance", book)


def allowance(book: Any = None) -> Run:
    """회의 수당 for 기준월."""
    return run_job("allowance", book)


def report(book: Any = None) -> Run:
    """월간 위·해촉 보고 for 기준월."""
    return run_job("report", book)


def review(book: Any = None) -> Run:
    """운영 점검 on 기준일 (attendance rules over the 12 months up to it)."""
    return run_job("review", book)


def screen(book: Any = None) -> Run:
    """심사 결과 집계."""
    return run_job("screen", book)


def doctor(book: Any = None, desktop: Desktop | None = None, registry: Any = None) -> Run:
    """설치 확인: `hyeopchi doctor` for this book on this PC, as the 설치확인 sheet, and as
    설치확인.txt beside a saved book (to send to whoever helps)."""

    def check(book: Any, control: ctl.Control, desktop: Desktop, progress: Progress) -> Run:
        progress.step("확인 중")
        folder = book_folder(book)
        path = Path(str(book.fullname)) if folder is not None else None
        facts = gather(path if path is not None and path.is_file() else None, __version__,
                       registry=registry)
        checks = checkup.diagnose(facts)
        when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        written = insert_results(book, [checkup.result_sheet(facts, checks, when)], desktop)
        problems = sum(c.status == checkup.PROBLEM for c in checks)
        parts = [f"설치 확인: 문제 {problems}건" + (" (설치확인 시트의 해결 방법을 따르세요)"
                                                 if problems else ""),
                 f"결과 시트: {', '.join(written)}"]
        if folder is not None:
            text = "\r\n".join(checkup.report(facts, checks, when)) + "\r\n"
            save_atomically(folder / "설치확인.txt", text.encode("utf-8-sig"))
            parts.append(f"파일: 설치확인.txt ({folder})")
        return Run("doctor", ". ".join(parts) + ".", ok=problems == 0, sheets=written)

    return _press("doctor", "설치 확인", book, desktop, check)


def run_job(name: str, book: Any = None, desktop: Desktop | None = None) -> Run:
    """Run the job `name` on the open book with options from the 실행 sheet."""
    job = JOBS.get(name)

    def execute(book: Any, control: ctl.Control, desktop: Desktop, progress: Progress) -> Run:
        return _execute(_known(job, name), book, control, desktop, progress)

    return _press(name, job.label if job is not None else name, book, desktop, execute)


def _press(name: str, label: str, book: Any, desktop: Desktop | None,
           body: Callable[[Any, ctl.Control, Desktop, Progress], Run]) -> Run:
    """One button press: find the book and its 실행 sheet, run `body`, and end with one Korean
    line in 상태 (time and version); no exception reaches Excel."""
    started = time.perf_counter()
    desktop = desktop if desktop is not None else DESKTOP
    try:
        book = book if book is not None else _caller()
        control, control_sheet = ctl.read_control(book)
    except Exception as exc:  # noqa: BLE001 - nothing may reach an Excel dialog
        return Run(name, _unexpected(label, exc), ok=False)
    progress = Progress(book, control, control_sheet, desktop, label)
    run = Run(name, "", ok=False)
    try:
        run = body(book, control, desktop, progress)
        seconds = time.perf_counter() - started
        run.status = f"{run.status or label + ' 완료'} ({seconds:.1f}초, {_stamp()})"
    except BookError as exc:
        run.status = f"{label} 실패: {exc} ({_stamp()})"
    except Exception as exc:  # noqa: BLE001 - nothing may reach an Excel dialog
        run.status = _unexpected(label, exc)
    progress.done(run.status)
    return run


@dataclass
class Progress:
    """Where a long run shows how far it got: the 상태 cell everywhere, the status bar on the
    desktop (through the Desktop seam)."""

    book: Any
    control: ctl.Control
    sheet: Any
    desktop: Desktop
    label: str
    steps: list[str] = field(default_factory=list)

    def step(self, doing: str) -> None:
        self.steps.append(doing)
        self.sheet = write_status(self.book, self.control, self.sheet,
                                  f"{self.label}: {doing}… (hyeopchi {__version__})")
        with contextlib.suppress(Exception):  # best effort, never a dialog
            self.desktop.status_bar(self.book, f"hyeopchi {self.label}: {doing}…")

    def done(self, status: str) -> None:
        self.sheet = write_status(self.book, self.control, self.sheet, status)
        with contextlib.suppress(Exception):
            self.desktop.status_bar(self.book, None)


def _known(job: AnyJob | None, name: str) -> AnyJob:
    if job is None:
        raise BookError(f"'{name}' 기능은 이 버전에 아직 없습니다.")
    return job


def job_options(job: AnyJob, control: ctl.Control) -> Any:
    """The job's options from the 실행 sheet's labelled cells, parsed like CLI text."""
    values = {}
    for f in job.fields():
        label = f.spec.label
        if label is None:
            continue
        if label not in control.cells and f.required:
            raise BookError(f"'{ctl.SHEET}' 시트에 '{label}' 칸이 없습니다.")
        values[f.name] = control.values.get(label)
    try:
        return from_values(job.options, values, where=f"'{ctl.SHEET}' 시트의 '{{label}}'")
    except OptionError as exc:
        raise BookError(str(exc)) from None


def _execute(job: AnyJob, book: Any, control: ctl.Control, desktop: Desktop,
             progress: Progress) -> Run:
    options = job_options(job, control)
    progress.step("시트 읽는 중")
    data = read_open_book(book, job.sheets)
    validating = job.name == "validate"
    before = previous_marks(book, "검증결과") if validating else []
    progress.step("계산 중")
    outcome = job.run(data, options)
    progress.step("결과 시트 만드는 중")
    written = insert_results(book, outcome.sheets, desktop)
    parts = [outcome.summary]
    if validating:
        clear_marks(book, before)
        issues = outcome.payload.get("errors", []) + outcome.payload.get("warnings", [])
        marked, noted = mark_issues(book, issues)
        if marked:
            parts.append(f"표시한 셀 {marked}개" + ("" if noted else (
                " (이 환경에서는 메모를 달 수 없어 내용은 검증결과 시트의 셀 링크에 있습니다)")))
    if written:
        parts.append(f"결과 시트: {', '.join(written)}")
    if job.pdf and written:
        progress.step("보고서 파일(.xlsx, .pdf) 저장 중")
        saved = save_documents(book, outcome.sheets, desktop)
        if saved.folder is None:
            parts.append("통합문서를 저장하면 같은 폴더에 보고서 파일(.xlsx, .pdf)도 만듭니다")
        else:
            parts.append(f"파일: {', '.join(p.name for p in saved.files)} ({saved.folder})")
    text = ". ".join(p.rstrip(". ") for p in parts if p) + "."
    return Run(job.name, text, ok=outcome.exit_code == 0, outcome=outcome, sheets=written)


def write_status(book: Any, control: ctl.Control, sheet: Any, text: str) -> Any:
    """Write `text` right of the 상태 label (made at the top of 실행 when absent); returns the
    실행 sheet (None if even that failed)."""
    with contextlib.suppress(Exception):  # the status is best effort, never a dialog
        if sheet is None:
            names = [s.name for s in book.sheets]
            sheet = (book.sheets[ctl.SHEET] if ctl.SHEET in names
                     else book.sheets.add(ctl.SHEET, before=book.sheets[0]))
        if ctl.STATUS in control.cells:
            r, c = control.cells[ctl.STATUS]
            sheet.range((r + 1, c + 1)).value = text
        else:
            sheet.range("A1").value = [[ctl.STATUS, text]]
    return sheet


def _caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def _stamp() -> str:
    return f"{dt.datetime.now().strftime('%H:%M:%S')}, hyeopchi {__version__}"


def _unexpected(label: str, exc: BaseException) -> str:
    return (f"{label} 중 예상하지 못한 오류가 발생했습니다 ({type(exc).__name__}: "
            f"{str(exc)[:200]}). 입력 시트는 바뀌지 않았습니다. (hyeopchi {__version__})")
