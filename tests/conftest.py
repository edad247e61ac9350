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
