"""hyeopchi: the governance office's workbook tools (validation, overlap, attendance,
allowances, monthly appointment report, screening)."""

from __future__ import annotations

__version__ = "0.1.0"
