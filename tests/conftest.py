from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """xlwings' remote engine with the noncommercial key, for the Excel tests only."""
    from fakes import enable_remote_engine

    enable_remote_engine(monkeypatch)


@pytest.fixture
def desktop(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The buttons' Desktop seam replaced by tests/fakes.FakeDesktop (returned)."""
    from fakes import FakeDesktop

    from hyeopchi.excel import handlers

    fake = FakeDesktop()
    monkeypatch.setattr(handlers, "DESKTOP", fake)
    return fake


@pytest.fixture(scope="session")
def sample_with_control(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample with the office workbook's 실행 sheet in front (its default inputs)."""
    import openpyxl

    from hyeopchi.excel import control as ctl
    from hyeopchi.excel import layout

    sample = Path(__file__).resolve().parents[1] / "workbook" / "sample" / "seodaemun-2021.xlsx"
    if not sample.exists():
        pytest.fail(f"bundled sample missing: {sample}")
    wb = openpyxl.load_workbook(sample)
    ws = wb.create_sheet(ctl.SHEET, 0)
    for row in layout.control_rows():
        ws.append(row)
    path = tmp_path_factory.mktemp("sample") / "seodaemun-2021.xlsx"
    wb.save(path)
    return path
