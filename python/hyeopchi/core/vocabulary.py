"""Fixed values of the contract used outside the sheet schemas (light: no pandas)."""

from __future__ import annotations

BODY_TYPES = ("협치회의", "운영위원회", "분과위원회", "워킹그룹", "TFT")
STATUSES = ("공무원", "시의원", "구의원", "민간")
