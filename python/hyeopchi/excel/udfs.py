"""Worksheet functions for desktop Excel (xlwings add-in: 'UDF Modules' = hyeopchi.excel.udfs).

Excel names (ASCII, because VBA registers them; the category is '협치'):
  HYEOPCHI_ALLOWANCE(조직유형, 역할, 방식, 회의일자, 회의시간분, 수당기준범위)  -> 원
  HYEOPCHI_SCORE_BAND(참석률)                                                   -> 0/1/1.5/2
  HYEOPCHI_ACTIVITY_COUNT(활동범위, 위원ID, 기준일, [위원범위])                  -> 활동 수
  HYEOPCHI_ATTENDANCE_RATE(참석인원범위, 대상인원범위)                          -> 0..1
  HYEOPCHI_OVERLAP(위원범위, 조직범위, 활동범위, 기준일)                         -> 분포 (동적 배열)
Off Windows `xw.func`/`xw.arg`/`xw.ret` return the function unchanged; the same rules are
bound for xlwings Server in udfs_server.py (where the names are HYEOPCHI.ALLOWANCE, ...).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import xlwings as xw

from . import udf_common as common

CATEGORY = "협치"


@xw.func(category=CATEGORY)
@xw.arg("body_type", doc="조직유형 (협치회의, 분과위원회, ...)")
@xw.arg("role", doc="역할 (빈 칸이면 역할 무관 기준)")
@xw.arg("mode", doc="방식: 오프라인 또는 온라인")
@xw.arg("day", doc="회의일자")
@xw.arg("minutes", doc="회의시간(분)")
@xw.arg("rates", ndim=2, doc="수당기준 표 (머리글 포함)")
def HYEOPCHI_ALLOWANCE(body_type: Any, role: Any, mode: Any, day: Any, minutes: Any,
                       rates: Any) -> Any:
    """참석수당(원): 조직유형, 역할, 방식(오프라인/온라인), 회의일자, 회의시간(분), 수당기준 범위."""
    return common.allowance(body_type, role, mode, day, minutes, rates)


@xw.func(category=CATEGORY)
@xw.arg("rate", doc="참석률 (0~1, 80%는 0.8)")
def HYEOPCHI_SCORE_BAND(rate: Any) -> Any:
    """참석률(0~1)의 평가점수: 80% 이상 2, 60% 이상 1.5, 40% 초과 1, 그 밖 0."""
    return common.score_band(rate)


@xw.func(category=CATEGORY)
@xw.arg("memberships", pd.DataFrame, index=False, header=True, doc="활동 표 (머리글 포함)")
@xw.arg("member_id", doc="위원ID")
@xw.arg("day", doc="기준일")
@xw.arg("members", ndim=2, doc="위원 표 (선택, 해촉일 반영)")
def HYEOPCHI_ACTIVITY_COUNT(memberships: Any, member_id: Any, day: Any,
                            members: Any = None) -> Any:
    """기준일에 위원이 활동 중인 조직 수 (활동 범위, 위원ID, 기준일, [위원 범위])."""
    return common.activity_count(memberships, member_id, day, members)


@xw.func(category=CATEGORY)
@xw.arg("attended", ndim=2, doc="참석 인원 범위")
@xw.arg("expected", ndim=2, doc="대상 인원 범위")
def HYEOPCHI_ATTENDANCE_RATE(attended: Any, expected: Any) -> Any:
    """참석률 = 참석 인원 합 / 대상 인원 합 (대상이 없으면 빈 칸)."""
    return common.attendance_rate(attended, expected)


@xw.func(category=CATEGORY)
@xw.arg("members", ndim=2, doc="위원 표 (머리글 포함)")
@xw.arg("bodies", ndim=2, doc="조직 표 (머리글 포함)")
@xw.arg("memberships", ndim=2, doc="활동 표 (머리글 포함)")
@xw.arg("day", doc="기준일")
def HYEOPCHI_OVERLAP(members: Any, bodies: Any, memberships: Any, day: Any) -> Any:
    """기준일의 중복활동 분포: [활동 수, 인원] 표 (동적 배열로 펼쳐짐)."""
    return common.overlap_distribution(members, bodies, memberships, day)
