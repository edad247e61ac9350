"""CLI commands beyond `validate`. Importing this module registers them (see cli.register)."""

from __future__ import annotations

import argparse

from .cli import Command, month_arg, register
from .core.issues import BookError
from .core.jobs import Outcome
from .core.report_sheet import REPORT_SHEETS, report_job
from .core.tables import Book


def _report_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--month", type=month_arg, required=True, metavar="YYYY-MM", help="보고 월")
    p.add_argument("--mask", action="store_true", help="성명 가운데 글자를 가림 (홍*동)")


def _report(book: Book, args: argparse.Namespace) -> Outcome:
    if not (args.out or args.in_place):
        raise BookError("report는 --out FILE 또는 --in-place 중 하나가 필요합니다.")
    year, month = args.month
    return report_job(book, year, month, mask=args.mask)


register(Command("report", "위·해촉 현황 월별보고 시트 작성", REPORT_SHEETS, _report,
                 _report_arguments))
