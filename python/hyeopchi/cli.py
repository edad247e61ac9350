"""The headless shell: `hyeopchi COMMAND BOOK [options]`.

Exit codes (contract section 3): 0 done, 1 validation found errors, 2 the book could not be
used (unreadable, missing sheet, bad option) with one Korean line on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__

if TYPE_CHECKING:
    from .core.outcome import Outcome
    from .jobs import AnyJob, Field

# Imports of the package's own modules are made where they are used: `hyeopchi --version`
# (and so every first step of a button's interpreter) loads none of them.

EXIT_OK, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2
VERSION = f"hyeopchi {__version__}"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"hyeopchi: 명령 인자가 올바르지 않습니다 ({message}). "
              f"'hyeopchi --help'로 사용법을 확인하세요.", file=sys.stderr)
        raise SystemExit(EXIT_UNUSABLE)


def _arg_type(f: Field | Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type: a field's parse_value (or a parser), its Korean message kept."""
    from .jobs import Field, OptionError, parse_value

    def parse(text: str) -> Any:
        try:
            return parse_value(f, text) if isinstance(f, Field) else f(text)
        except OptionError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def _add_job(sub: Any, job: AnyJob) -> None:
    p = sub.add_parser(job.name, help=job.help, description=job.help)
    p.add_argument("book", metavar="BOOK", help="통합문서 (.xlsx/.xlsm)")
    p.add_argument("--json", action="store_true", help="결과를 JSON 한 개로 출력")
    if job.writes:
        where = p.add_mutually_exclusive_group()
        where.add_argument("--out", metavar="FILE", help="결과 시트를 넣은 사본을 저장")
        where.add_argument("--in-place", action="store_true",
                           help="원본에 결과 시트를 기록 (원본은 .bak로 보관)")
    if job.pdf:
        p.add_argument("--pdf", metavar="FILE",
                       help="결과 시트를 PDF로도 저장 (전자결재용, LibreOffice 필요)")
    for f in job.fields():
        if f.kind is bool:
            p.add_argument(f.flag, dest=f.name, action="store_true", help=f.spec.help)
        else:
            p.add_argument(f.flag, dest=f.name, type=_arg_type(f), required=f.required,
                           metavar=f.spec.metavar, help=f.spec.help)


def _add_batch(sub: Any) -> None:
    from .jobs import JOBS
    from .jobs.options import positive_int

    month = next(f for f in JOBS["allowance"].fields() if f.name == "month")
    p = sub.add_parser("batch", help="여러 통합문서를 한 번에 처리 (보관 문서 일괄)",
                       description=("파일·폴더(하위 폴더 포함)·와일드카드의 통합문서를 모두 "
                                    "검증하고 계산하여 결과 사본과 요약.xlsx를 DIR에 저장합니다."))
    p.add_argument("paths", nargs="+", metavar="PATH", help="통합문서, 폴더 또는 와일드카드")
    p.add_argument("--month", type=_arg_type(month), required=True, metavar="YYYY-MM",
                   help="대상 월")
    p.add_argument("--out", required=True, metavar="DIR", help="결과 사본과 요약을 저장할 폴더")
    p.add_argument("--jobs", type=_arg_type(positive_int), default=None, metavar="N",
                   help="동시에 처리할 문서 수 (기본: CPU 코어 수)")
    p.add_argument("--json", action="store_true", help="결과를 JSON 한 개로 출력")
    p.add_argument("--force", action="store_true", help="결과가 최신이어도 다시 처리")
    p.add_argument("--in-place", action="store_true",
                   help="결과 시트를 원본에 기록 (원본은 .bak로 보관); 요약은 DIR에 저장")
    p.add_argument("--mask", action="store_true",
                   help="결과 시트의 성명 가운데 글자를 가림 (홍*동)")


def build_parser() -> argparse.ArgumentParser:
    from .jobs import JOBS

    parser = _Parser(prog="hyeopchi", description="협치 위원 워크북 도구 (서대문구 민관협치과)")
    parser.add_argument("--version", action="version", version=VERSION)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for job in JOBS.values():
        _add_job(sub, job)
    _add_batch(sub)
    doctor = sub.add_parser("doctor", help="이 PC에서 통합문서를 쓸 준비가 되었는지 확인",
                            description="Python, hyeopchi·xlwings 버전, xlwings.conf, 신뢰할 수 "
                                        "있는 위치, VBA 개체 모델 액세스, Excel 비트를 확인합니다.")
    doctor.add_argument("book", nargs="?", metavar="BOOK",
                        help="사무실 통합문서 (생략하면 현재 폴더의 hyeopchi.xlsm)")
    doctor.add_argument("--report", metavar="FILE", help="결과를 텍스트 파일로도 저장")
    return parser


def _doctor(args: argparse.Namespace) -> int:
    """Exit 0 when every check passed or was skipped, 1 when some found a problem."""
    from .core.doctor import PROBLEM, diagnose, report
    from .core.issues import BookError
    from .io._atomic import save_atomically
    from .io.probes import gather

    book = Path(args.book) if args.book else Path("hyeopchi.xlsm")
    if args.book and not book.is_file():
        print(f"hyeopchi: 통합문서를 찾을 수 없습니다: {book}", file=sys.stderr)
        return EXIT_UNUSABLE
    facts = gather(book if book.is_file() else None, __version__)
    checks = diagnose(facts)
    lines = report(facts, checks, dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
    print("\n".join(lines))
    if args.report:
        try:
            save_atomically(Path(args.report),
                            ("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
        except BookError as exc:
            print(f"hyeopchi: {exc}", file=sys.stderr)
            return EXIT_UNUSABLE
        print(f"결과를 {args.report}에 저장했습니다.")
    return EXIT_INVALID if any(c.status == PROBLEM for c in checks) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    if list(sys.argv[1:] if argv is None else argv) == ["--version"]:
        print(VERSION)  # as argparse's version action, with nothing loaded
        return 0
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("hyeopchi: 중단되었습니다. 입력 파일은 바뀌지 않았습니다.", file=sys.stderr)
        if argv is None:  # the console command, not a caller in this process
            _leave_now_if_threads_remain(130)
        return 130
    except BrokenPipeError:  # e.g. `hyeopchi ... | head`
        sys.stderr.close()
        return 0


def _leave_now_if_threads_remain(code: int) -> None:
    """After Ctrl-C in batch the process pool's manager thread can wait forever for a worker
    that was killed mid-message, and the interpreter joins it before exiting (seen: a batch
    still alive minutes after Ctrl-C). Every temp file is removed by then (batch's finally),
    so leave without joining it."""
    import threading

    if threading.active_count() > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _main(argv: Sequence[str] | None) -> int:
    from .core.issues import BookError
    from .io.process import gc_paused
    from .jobs import JOBS

    args = build_parser().parse_args(argv)
    if args.command == "batch":
        return _batch(args)
    if args.command == "doctor":
        return _doctor(args)
    job = JOBS[args.command]
    pdf = getattr(args, "pdf", None)
    if job.needs_output and not (args.out or args.in_place or pdf):
        print(f"hyeopchi: {job.name}는 --out FILE, --in-place 또는 --pdf FILE 중 하나가 "
              "필요합니다.", file=sys.stderr)
        return EXIT_UNUSABLE
    if pdf:
        from .io.pdf import NO_SOFFICE, find_soffice

        if find_soffice() is None:  # said before any work, and nothing is written
            print(f"hyeopchi: {NO_SOFFICE}", file=sys.stderr)
            return EXIT_UNUSABLE
    options = job.options(**{f.name: getattr(args, f.name) for f in job.fields()
                             if getattr(args, f.name) is not None})
    started = time.perf_counter()
    try:
        from .io.reader import read_book

        book = read_book(Path(args.book), job.sheets)
        with gc_paused():  # the shell owns the process; figures in io/process.py
            outcome = job.run(book, options)
            written = _write(args, outcome)  # sheets are laid out here, when written
            printed = _pdf(Path(pdf), outcome) if pdf else None
    except BookError as exc:
        print(f"hyeopchi: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as exc:  # never a traceback for a user; HYEOPCHI_DEBUG=1 shows it
        if os.environ.get("HYEOPCHI_DEBUG"):
            raise
        print(f"hyeopchi: 처리 중 예상하지 못한 오류가 발생했습니다 ({type(exc).__name__}: "
              f"{str(exc)[:200]}). 입력 파일은 바뀌지 않았습니다.", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.json:
        print(json.dumps(outcome.payload, ensure_ascii=False, default=_json_default))
    else:
        print(outcome.summary)
        if written:
            print(f"결과 시트 {', '.join(s.name for s in outcome.sheets)} → {written}")
        if printed:
            print(f"PDF → {printed}")
        print(f"({time.perf_counter() - started:.2f}초)")
    return outcome.exit_code


def _batch(args: argparse.Namespace) -> int:
    from .batch import BatchOptions, run
    from .core.issues import BookError

    options = BatchOptions(paths=tuple(args.paths), month=args.month, out=Path(args.out),
                           jobs=args.jobs, json=args.json, force=args.force,
                           in_place=args.in_place, mask=args.mask)
    try:
        return run(options)
    except BookError as exc:
        print(f"hyeopchi: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE


def _write(args: argparse.Namespace, outcome: Outcome) -> Path | None:
    out, in_place = getattr(args, "out", None), getattr(args, "in_place", False)
    if not (out or in_place) or not outcome.sheets:
        return None
    from .core.issues import BookError
    from .io.writeback import write_sheets

    src = Path(args.book)
    if out and Path(out).resolve() == src.resolve():
        raise BookError("--out 경로가 입력 파일과 같습니다. 원본에 쓰려면 --in-place를 사용하세요.")
    return write_sheets(src, outcome.sheets, dest=Path(out) if out else None)


def _pdf(target: Path, outcome: Outcome) -> Path | None:
    if not outcome.sheets:
        return None
    from .io.pdf import write_pdf

    return write_pdf(outcome.sheets, target)


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


if __name__ == "__main__":
    raise SystemExit(main())
