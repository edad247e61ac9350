"""The worksheet functions bound for xlwings Server / Office.js (`xlwings.server`).

Registered as HYEOPCHI.ALLOWANCE, HYEOPCHI.SCORE_BAND, HYEOPCHI.ACTIVITY_COUNT,
HYEOPCHI.ATTENDANCE_RATE, HYEOPCHI.OVERLAP (namespace HYEOPCHI). Same rules and
arguments as the desktop functions in udfs.py; tests call them through
`xlwings.server.custom_functions_call`, i.e. through xlwings' own converters.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from xlwings.server import arg, func

from . import udf_common as common

__xlwings_func_namespace__ = "HYEOPCHI"


@func(name="ALLOWANCE")
@arg("body_type", doc="조직유형 (협치회의, 분과위원회, ...)")
@arg("role", doc="역할 (빈 칸이면 역할 무관 기준)")
@arg("mode", doc="방식: 오프라인 또는 온라인")
@arg("day", doc="회의일자")
@arg("minutes", doc="회의시간(분)")
@arg("rates", ndim=2, doc="수당기준 표 (머리글 포함)")
def allowance(body_type: Any, role: Any, mode: Any, day: Any, minutes: Any, rates: Any) -> Any:
    """참석수당(원): 조직유형, 역할, 방식(오프라인/온라인), 회의일자, 회의시간(분), 수당기준 범위."""
    return common.allowance(body_type, role, mode, day, minutes, rates)


@func(name="SCORE_BAND")
@arg("rate", doc="참석률 (0~1, 80%는 0.8)")
def score_band(rate: Any) -> Any:
    """참석률(0~1)의 평가점수: 80% 이상 2, 60% 이상 1.5, 40% 초과 1, 그 밖 0."""
    return common.score_band(rate)


@func(name="ACTIVITY_COUNT")
@arg("member_id", doc="위원ID")
@arg("day", doc="기준일")
@arg("memberships", pd.DataFrame, index=False, header=True, doc="활동 표 (머리글 포함)")
@arg("members", ndim=2, doc="위원 표 (선택, 해촉일 반영)")
def activity_count(memberships: Any, member_id: Any, day: Any, members: Any = None) -> Any:
    """기준일에 위원이 활동 중인 조직 수 (활동 범위, 위원ID, 기준일, [위원 범위])."""
    return common.activity_count(memberships, member_id, day, members)


@func(name="ATTENDANCE_RATE")
@arg("attended", ndim=2, doc="참석 인원 범위")
@arg("expected", ndim=2, doc="대상 인원 범위")
def attendance_rate(attended: Any, expected: Any) -> Any:
    """참석률 = 참석 인원 합 / 대상 인원 합 (대상이 없으면 빈 칸)."""
    return common.attendance_rate(attended, expected)


@func(name="OVERLAP")
@arg("day", doc="기준일")
@arg("members", ndim=2, doc="위원 표 (머리글 포함)")
@arg("bodies", ndim=2, doc="조직 표 (머리글 포함)")
@arg("memberships", ndim=2, doc="활동 표 (머리글 포함)")
def overlap(members: Any, bodies: Any, memberships: Any, day: Any) -> Any:
    """기준일의 중복활동 분포: [활동 수, 인원] 표 (동적 배열로 펼쳐짐)."""
    return common.overlap_distribution(members, bodies, memberships, day)
