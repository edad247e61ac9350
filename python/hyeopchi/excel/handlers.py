"""The 실행 sheet's buttons. Each is `read tables -> call the CLI's job -> write sheets`.

Run by RunPython without arguments (`xw.Book.caller()`), or from code with an xw.Book.
Every outcome, good or bad, ends as one Korean line in the 실행 sheet's 상태 cell; no
exception reaches Excel.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from ..core.issues import BookError
from ..core.jobs import Outcome
from . import control as ctl
from .grid import read_open_book
from .marks import clear_marks, link_faults, mark_issues, previous_marks
from .render import render

# control-sheet label -> CLI option of the same meaning (contract section 3)
OPTIONS = {ctl.DAY: "--date", ctl.MONTH: "--month", ctl.PERIOD_START: "--from",
           ctl.PERIOD_END: "--to", ctl.BODY_TYPE: "--type"}


@dataclass
class Run:
    """What one button press did (returned for tests and callers from code)."""

    command: str
    status: str
    ok: bool
    outcome: Outcome | None = None
    sheets: list[str] = field(default_factory=list)


def validate(book: Any = None) -> Run:
    """검증: faults listed in 검증결과 and marked on the input sheets."""
    return run_command("validate", book, ())


def overlap(book: Any = None) -> Run:
    """중복활동 현황 on 기준일."""
    return run_command("overlap", book, (ctl.DAY,))


def attendance(book: Any = None) -> Run:
    """출석률과 평가점수 over 평가기간 시작..종료 (유형 optional)."""
    return run_command("attendance", book, (ctl.PERIOD_START, ctl.PERIOD_END),
                       optional=(ctl.BODY_TYPE,))


def allowance(book: Any = None) -> Run:
    """회의 수당 for 기준월."""
    return run_command("allowance", book, (ctl.MONTH,))


def report(book: Any = None) -> Run:
    """월간 위·해촉 보고 for 기준월."""
    return run_command("report", book, (ctl.MONTH,))


def screen(book: Any = None) -> Run:
    """심사 결과 집계."""
    return run_command("screen", book, ())


LABELS = {"validate": "검증", "overlap": "중복활동 현황", "attendance": "출석률·평가점수",
          "allowance": "수당 계산", "report": "월간 위·해촉 보고", "screen": "심사 집계"}


def run_command(name: str, book: Any, needs: Sequence[str],
                optional: Sequence[str] = ()) -> Run:
    started = time.perf_counter()
    label = LABELS.get(name, name)
    try:
        book = book if book is not None else _caller()
        control, control_sheet = ctl.read_control(book)
    except Exception as exc:  # noqa: BLE001 - nothing may reach an Excel dialog
        return Run(name, _unexpected(label, exc), ok=False)
    run = Run(name, "", ok=False)
    try:
        run = _execute(name, book, control, needs, optional)
        seconds = time.perf_counter() - started
        run.status = f"{run.status or label + ' 완료'} ({seconds:.1f}초, {_now()})"
    except BookError as exc:
        run.status = f"{label} 실패: {exc} ({_now()})"
    except Exception as exc:  # noqa: BLE001
        run.status = _unexpected(label, exc)
    write_status(book, control, control_sheet, run.status)
    return run


def _execute(name: str, book: Any, control: ctl.Control, needs: Sequence[str],
             optional: Sequence[str]) -> Run:
    from .. import commands  # noqa: F401  (registers the commands)
    from ..cli import COMMANDS

    command = COMMANDS.get(name)
    if command is None:
        raise BookError(f"'{LABELS.get(name, name)}' 기능은 이 버전에 아직 없습니다.")
    args = _arguments(command, control, needs, optional)
    data = read_open_book(book, command.sheets)
    before = previous_marks(book, "검증결과") if name == "validate" else []
    outcome = command.run(data, args)
    written, skipped = [], []
    for spec in outcome.sheets:
        sheet, missed = render(book, spec)
        written.append(spec.name)
        skipped += missed
        if name == "validate":
            link_faults(sheet, spec)
    parts = [outcome.summary]
    if name == "validate":
        clear_marks(book, before)
        issues = outcome.payload.get("errors", []) + outcome.payload.get("warnings", [])
        marked, noted = mark_issues(book, issues)
        if marked:
            parts.append(f"표시한 셀 {marked}개" + ("" if noted else
                         " (이 환경에서는 메모를 달 수 없어 내용은 검증결과 시트의 셀 링크에 있습니다)"))
    if written:
        parts.append(f"결과 시트: {', '.join(written)}")
    if skipped:
        parts.append(f"차트 {len(skipped)}개는 이 환경에서 그릴 수 없어 생략")
    text = ". ".join(p.rstrip(". ") for p in parts if p) + "."
    return Run(name, text, ok=outcome.exit_code == 0,
               outcome=outcome, sheets=written)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise BookError(f"'{ctl.SHEET}' 시트의 입력값이 올바르지 않습니다 ({message}).")


def _arguments(command: Any, control: ctl.Control, needs: Sequence[str],
               optional: Sequence[str]) -> argparse.Namespace:
    """The command's own CLI options, filled from the control sheet, parsed by its parser."""
    parser = _Parser(prog=command.name, add_help=False)
    command.add_arguments(parser)
    argv: list[str] = []
    for label in needs:
        argv += [OPTIONS[label], _option_text(control, label)]
    for label in optional:
        text = control.text(label)
        if text and text not in ("전체", "모두"):
            argv += [OPTIONS[label], text]
    args = parser.parse_args(argv)
    # The handler writes into the open book: for the command that is an in-place run.
    args.book, args.json, args.out, args.in_place = "", False, None, command.writes
    return args


def _option_text(control: ctl.Control, label: str) -> str:
    if label == ctl.MONTH:
        year, month = control.month(label)
        return f"{year:04d}-{month:02d}"
    return control.date(label).isoformat()


def write_status(book: Any, control: ctl.Control, sheet: Any, text: str) -> None:
    """Write `text` right of the 상태 label (made at the top of 실행 when absent)."""
    with contextlib.suppress(Exception):  # the status is best effort, never a dialog
        if sheet is None:
            sheet = book.sheets.add(ctl.SHEET, before=book.sheets[0])
        if ctl.STATUS in control.cells:
            r, c = control.cells[ctl.STATUS]
            sheet.range((r + 1, c + 1)).value = text
        else:
            sheet.range("A1").value = [[ctl.STATUS, text]]


def _caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def _now() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


def _unexpected(label: str, exc: BaseException) -> str:
    return (f"{label} 중 예상하지 못한 오류가 발생했습니다 ({type(exc).__name__}: "
            f"{str(exc)[:200]}). 입력 시트는 바뀌지 않았습니다.")
