"""The 실행 sheet's layout and its buttons: shared by the workbook builder and the tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import control as ctl

TITLE = "협치 워크북 실행"

# (label, default value, help) from row 3 down in columns A..C
INPUTS: tuple[tuple[str, Any, str], ...] = (
    (ctl.DAY, dt.date(2021, 3, 1), "중복활동 현황과 운영 점검의 기준일"),
    (ctl.MONTH, "2021-03", "수당 계산과 월간 위·해촉 보고의 월 (YYYY-MM)"),
    (ctl.PERIOD_START, dt.date(2021, 1, 1), "출석률·평가점수 기간의 첫날"),
    (ctl.PERIOD_END, dt.date(2021, 12, 31), "출석률·평가점수 기간의 마지막 날"),
    (ctl.BODY_TYPE, "전체", "출석률을 볼 조직 유형 (전체 = 평가대상유형 모두)"),
    (ctl.MASK, "N", "Y면 결과 시트의 성명 가운데 글자를 가림 (홍*동): 밖으로 보낼 사본용"),
    (ctl.SEATS, "", "심사 집계: 선정할 인원 (비우면 순위만, 넣으면 성별 상한을 지킨 선정안)"),
)
STATUS_ROW = 3 + len(INPUTS) + 1  # 1-based row of the 상태 label

# (VBA macro name, button caption, handler function in hyeopchi.excel.handlers)
BUTTONS: tuple[tuple[str, str, str], ...] = (
    ("HyeopchiValidate", "검증", "validate"),
    ("HyeopchiOverlap", "중복활동 현황", "overlap"),
    ("HyeopchiAttendance", "출석률·평가점수", "attendance"),
    ("HyeopchiAllowance", "수당 계산", "allowance"),
    ("HyeopchiReport", "월간 위·해촉 보고", "report"),
    ("HyeopchiReview", "운영 점검", "review"),
    ("HyeopchiScreen", "심사 집계", "screen"),
    ("HyeopchiDoctor", "설치 확인", "doctor"),
)


def control_rows() -> list[list[Any]]:
    """The 실행 sheet's values from A1 (labels in A, inputs in B, help in C)."""
    rows: list[list[Any]] = [[TITLE, None, None], [None, None, None]]
    rows += [[label, value, hint] for label, value, hint in INPUTS]
    rows.append([None, None, None])
    rows.append([ctl.STATUS, None, "버튼을 누르면 결과가 여기에 표시됩니다."])
    return rows
