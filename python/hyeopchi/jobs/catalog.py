"""Every job of hyeopchi: its options and the core function it runs.

A new command is one options dataclass and one Job here (added to JOBS), plus its core module.
The core is imported when a job runs, so reading this catalog (for `--help`, the buttons or
batch's plan) never loads pandas.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.values import Month
from ..core.vocabulary import BODY_TYPES
from .base import AnyJob, Job
from .options import option

if TYPE_CHECKING:
    from ..core.outcome import Outcome
    from ..core.tables import Book

# 실행-sheet labels (excel/control.py finds them by their text)
DAY, MONTH, PERIOD_START, PERIOD_END, BODY_TYPE, MASK, SEATS = (
    "기준일", "기준월", "평가기간 시작", "평가기간 종료", "유형", "성명 가림", "선정 인원")
MASK_HELP = "결과 시트의 성명 가운데 글자를 가림 (홍*동)"


@dataclass(frozen=True)
class ValidateOptions:
    # The clock is read here, when a shell builds the options; core takes the day.
    today: dt.date = option("'올해'가 기준인 검사(출생연도)의 기준일 (생략하면 오늘)",
                            metavar="D", default_factory=dt.date.today)


@dataclass(frozen=True, kw_only=True)
class MaskOptions:
    """`--mask` / 성명 가림, a base of every job's options that lists names (keyword-only, so
    it may stand beside fields without a default)."""

    mask: bool = option(MASK_HELP, label=MASK, default=False)


@dataclass(frozen=True)
class DayOptions:
    date: dt.date = option("기준일 (YYYY-MM-DD)", label=DAY, batch="last", metavar="D")


@dataclass(frozen=True)
class OverlapOptions(MaskOptions, DayOptions):
    pass


@dataclass(frozen=True)
class PeriodOptions:
    start: dt.date = option("기간 시작일 (포함)", flag="--from", label=PERIOD_START,
                            batch="first", metavar="D1")
    end: dt.date = option("기간 종료일 (포함)", flag="--to", label=PERIOD_END,
                          batch="last", metavar="D2")
    body_type: str | None = option("회의 유형 (생략하면 설정의 평가대상유형)", flag="--type",
                                   label=BODY_TYPE, choices=BODY_TYPES, metavar="유형",
                                   default=None)


@dataclass(frozen=True)
class AllowanceOptions(MaskOptions):
    month: Month = option("대상 월 (YYYY-MM)", label=MONTH, batch="month", metavar="YYYY-MM")


@dataclass(frozen=True)
class ReportOptions(MaskOptions):
    month: Month = option("보고 월 (YYYY-MM)", label=MONTH, batch="month", metavar="YYYY-MM")


@dataclass(frozen=True)
class ReviewOptions(MaskOptions, DayOptions):
    within: int = option("임기 만료 예정: 기준일 뒤 N일 이내 (기본 90)", metavar="N", default=90)
    start: dt.date | None = option("출석 점검 기간 시작일 (기본: 기준일까지 12개월)", flag="--from",
                                   metavar="D1", default=None)
    end: dt.date | None = option("출석 점검 기간 종료일 (기본: 기준일)", flag="--to", metavar="D2",
                                 default=None)


@dataclass(frozen=True)
class ScreenOptions(MaskOptions):
    seats: int | None = option("선정 인원: 순위와 성별 상한(설정 성별상한)으로 선정안 제시",
                               label=SEATS, metavar="N", default=None)


def _validate(book: Book, o: ValidateOptions) -> Outcome:
    from ..core.validate import validate_job

    return validate_job(book, o.today)


def _overlap(book: Book, o: OverlapOptions) -> Outcome:
    from ..core.overlap import overlap_job

    return overlap_job(book, o.date, mask=o.mask)


def _attendance(book: Book, o: PeriodOptions) -> Outcome:
    from ..core.attendance import attendance_job

    return attendance_job(book, o.start, o.end, o.body_type)


def _allowance(book: Book, o: AllowanceOptions) -> Outcome:
    from ..core.allowance import allowance_job

    return allowance_job(book, *o.month, mask=o.mask)


def _report(book: Book, o: ReportOptions) -> Outcome:
    from ..core.report_sheet import report_job

    return report_job(book, *o.month, mask=o.mask)


def _review(book: Book, o: ReviewOptions) -> Outcome:
    from ..core.review_sheet import review_job

    return review_job(book, o.date, o.within, o.start, o.end, mask=o.mask)


def _screen(book: Book, o: ScreenOptions) -> Outcome:
    from ..core.screening import screen_job

    return screen_job(book, mask=o.mask, seats=o.seats)


VALIDATE_SHEETS = ("위원", "조직", "활동", "회의", "출석", "수당기준", "설정", "평가입력", "심사")

VALIDATE = Job("validate", "시트 검증 (오류를 셀 단위로)", "검증", VALIDATE_SHEETS, ValidateOptions,
               _validate, in_batch=False)  # batch validates every book first, on its own
OVERLAP = Job("overlap", "중복활동현황 (기준일의 영역별·중복 활동)", "중복활동 현황",
              ("위원", "조직", "활동"), OverlapOptions, _overlap)
ATTENDANCE = Job("attendance", "회의 참석율과 평가지표 4-1 점수", "출석률·평가점수",
                 ("위원", "조직", "활동", "회의", "출석", "설정", "평가입력"), PeriodOptions,
                 _attendance)
ALLOWANCE = Job("allowance", "월별 회의 참석수당 지급 명세", "수당 계산",
                ("위원", "조직", "활동", "회의", "출석", "수당기준", "설정"), AllowanceOptions,
                _allowance, pdf=True)
REPORT = Job("report", "위·해촉 현황 월별보고 시트 작성", "월간 위·해촉 보고",
             ("위원", "조직", "활동", "회의", "출석", "설정"), ReportOptions, _report,
             needs_output=True, pdf=True)
REVIEW = Job("review", "운영 점검 (성별 균형·활동·정원·연속 불참·겸직, 임기 만료, 우수 활동위원)",
             "운영 점검", ("위원", "조직", "활동", "회의", "출석", "설정"), ReviewOptions, _review,
             pdf=True)
SCREEN = Job("screen", "위원 신청자 심사 점수 집계와 순위 (--seats: 선정안)", "심사 집계",
             ("심사", "설정"), ScreenOptions, _screen)

JOBS: dict[str, AnyJob] = {job.name: job for job in (
    VALIDATE, OVERLAP, ATTENDANCE, ALLOWANCE, REPORT, REVIEW, SCREEN)}


def get(name: str) -> AnyJob:
    """The job called `name` (KeyError when there is none)."""
    return JOBS[name]
