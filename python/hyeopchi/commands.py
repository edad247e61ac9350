"""CLI commands beyond `validate`. Importing this module registers them (see cli.register)."""

from __future__ import annotations

import argparse

from .cli import Command, month_arg, register
from .core.allowance import ALLOWANCE_SHEETS, allowance_job
from .core.issues import BookError
from .core.jobs import Outcome
from .core.report_sheet import REPORT_SHEETS, report_job
from .core.screening import SCREENING_SHEETS, screen_job
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


def _month_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--month", type=month_arg, required=True, metavar="YYYY-MM", help="지급 월")


register(Command("allowance", "월별 회의 참석수당 지급 명세", ALLOWANCE_SHEETS,
                 lambda book, args: allowance_job(book, *args.month), _month_option))
register(Command("screen", "위원 신청자 심사 점수 집계와 순위", SCREENING_SHEETS,
                 lambda book, args: screen_job(book)))
