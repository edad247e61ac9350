"""Result sheets are laid out only when a shell writes them (core/outcome.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hyeopchi.cli import main
from hyeopchi.core import allowance
from hyeopchi.core.outcome import Outcome
from hyeopchi.core.sheetspec import SheetSpec

SAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "sample" / "seodaemun-2021.xlsx"


def test_sheets_are_made_once_when_first_asked_for() -> None:
    calls: list[int] = []

    def make() -> list[SheetSpec]:
        calls.append(1)
        return [SheetSpec(name="결과")]

    outcome = Outcome({"ok": True}, make, "요약")
    assert calls == []
    assert [s.name for s in outcome.sheets] == ["결과"]
    assert [s.name for s in outcome.sheets] == ["결과"]
    assert calls == [1]


def test_json_without_out_lays_out_no_sheet(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(*args: object, **kwargs: object) -> SheetSpec:
        raise AssertionError("the payment list was laid out for a --json run")

    monkeypatch.setattr(allowance, "_statement", refuse)  # laid out: exit 2, not 0
    assert main(["allowance", str(SAMPLE), "--month", "2021-03", "--json"]) == 0
    # 2021-03 on the sample: 2,840,000원 (README's real run, from the seed's rates)
    assert json.loads(capsys.readouterr().out)["total"] == 2_840_000
