"""CLI commands beyond `validate`. Importing this module registers them (see cli.register)."""

from __future__ import annotations

import argparse

from .cli import Command, date_arg, month_arg, register
from .core.allowance import ALLOWANCE_SHEETS, allowance_job
from .core.attendance import attendance_job
from .core.issues import BookError
from .core.jobs import Outcome
from .core.overlap import overlap_job
from .core.report_sheet import REPORT_SHEETS, report_job
from .core.screening import SCREENING_SHEETS, screen_job
from .core.settings import BODY_TYPES
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


def _overlap_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", type=date_arg, required=True, metavar="D", help="기준일 (YYYY-MM-DD)")


def _attendance_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", type=date_arg, required=True, metavar="D1",
                   help="기간 시작일 (포함)")
    p.add_argument("--to", dest="end", type=date_arg, required=True, metavar="D2",
                   help="기간 종료일 (포함)")
    p.add_argument("--type", dest="body_type", choices=BODY_TYPES, metavar="유형",
                   help="회의 유형 (생략하면 설정의 평가대상유형)")


register(Command("overlap", "중복활동현황 (기준일의 영역별·중복 활동)", ("위원", "조직", "활동"),
                 lambda book, args: overlap_job(book, args.date), _overlap_args))
register(Command("attendance", "회의 참석율과 평가지표 4-1 점수",
                 ("위원", "조직", "활동", "회의", "출석", "설정", "평가입력"),
                 lambda book, args: attendance_job(book, args.start, args.end, args.body_type),
                 _attendance_args))
