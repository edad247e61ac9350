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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from .core.issues import BookError
from .core.jobs import VALIDATE_SHEETS, Outcome, validate_job
from .core.tables import Book
from .core.values import parse_date

EXIT_OK, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    sheets: tuple[str, ...]  # sheets read when present
    run: Callable[[Book, argparse.Namespace], Outcome]
    add_arguments: Callable[[argparse.ArgumentParser], None] = lambda p: None
    writes: bool = True  # accepts --out / --in-place


COMMANDS: dict[str, Command] = {}


def register(command: Command) -> Command:
    COMMANDS[command.name] = command
    return command


register(Command("validate", "시트 검증 (오류를 셀 단위로)", VALIDATE_SHEETS,
                 lambda book, args: validate_job(book)))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"hyeopchi: 명령 인자가 올바르지 않습니다 ({message}). "
              f"'hyeopchi --help'로 사용법을 확인하세요.", file=sys.stderr)
        raise SystemExit(EXIT_UNUSABLE)


def date_arg(text: str) -> dt.date:
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        raise argparse.ArgumentTypeError(f"날짜가 아닙니다: {text}")
    return day


def month_arg(text: str) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in text.replace(".", "-").split("-")[:2])
        dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"YYYY-MM 형식의 월이 아닙니다: {text}") from None
    return year, month


def build_parser() -> argparse.ArgumentParser:
    # Late import: commands defined in other modules register themselves.
    from . import (
        __version__,
        commands,  # noqa: F401
    )

    parser = _Parser(prog="hyeopchi", description="협치 위원 워크북 도구 (서대문구 민관협치과)")
    parser.add_argument("--version", action="version", version=f"hyeopchi {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS.values():
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        p.add_argument("book", metavar="BOOK", help="통합문서 (.xlsx/.xlsm)")
        p.add_argument("--json", action="store_true", help="결과를 JSON 한 개로 출력")
        if command.writes:
            where = p.add_mutually_exclusive_group()
            where.add_argument("--out", metavar="FILE", help="결과 시트를 넣은 사본을 저장")
            where.add_argument("--in-place", action="store_true",
                               help="원본에 결과 시트를 기록 (원본은 .bak로 보관)")
        command.add_arguments(p)
    from .batch import add_parser as add_batch_parser  # many books: its own arguments

    add_batch_parser(sub, month_arg)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("hyeopchi: 중단되었습니다. 입력 파일은 바뀌지 않았습니다.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `hyeopchi ... | head`
        sys.stderr.close()
        return 0


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "handler", None) is not None:  # a command over many books (batch)
        try:
            code: int = args.handler(args)
        except BookError as exc:
            print(f"hyeopchi: {exc}", file=sys.stderr)
            return EXIT_UNUSABLE
        return code
    command = COMMANDS[args.command]
    started = time.perf_counter()
    try:
        from .io.reader import read_book

        book = read_book(Path(args.book), command.sheets)
        outcome = command.run(book, args)
        written = _write(args, outcome)
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
        print(f"({time.perf_counter() - started:.2f}초)")
    return outcome.exit_code


def _write(args: argparse.Namespace, outcome: Outcome) -> Path | None:
    out, in_place = getattr(args, "out", None), getattr(args, "in_place", False)
    if not (out or in_place) or not outcome.sheets:
        return None
    from .io.writeback import write_sheets

    src = Path(args.book)
    if out and Path(out).resolve() == src.resolve():
        raise BookError("--out 경로가 입력 파일과 같습니다. 원본에 쓰려면 --in-place를 사용하세요.")
    return write_sheets(src, outcome.sheets, dest=Path(out) if out else None)


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


if __name__ == "__main__":
    raise SystemExit(main())
