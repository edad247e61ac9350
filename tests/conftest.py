from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """xlwings' remote engine with the noncommercial key, for the Excel tests only.
    xlwings reads the key when first imported, so the remote engines are registered here if
    that import happened without it."""
    import xlwings as xw

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    for name in ("remote", "officejs"):
        if name not in xw.engines.engines_by_name:
            from xlwings.pro import _xlofficejs, _xlremote

            impl = {"remote": _xlremote, "officejs": _xlofficejs}[name].engine
            xw.engines.add(xw.main.Engine(impl=impl))
            monkeypatch.setattr(xw, "__pro__", True)


@pytest.fixture
def desktop(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The buttons' Desktop seam replaced by tests/fakes.FakeDesktop (returned)."""
    from fakes import FakeDesktop

    from hyeopchi.excel import handlers

    fake = FakeDesktop()
    monkeypatch.setattr(handlers, "DESKTOP", fake)
    return fake
