"""read_book pauses the cyclic garbage collector only while it reads, and always restores it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from hyeopchi.core.issues import BookError
from hyeopchi.io import reader

SAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "sample" / "seodaemun-2021.xlsx"


def test_collector_is_paused_during_the_read_and_enabled_after(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = reader._read_book

    def spy(path: Path, sheets: object) -> object:
        seen.append(gc.isenabled())
        return real(path, sheets)  # type: ignore[arg-type]

    monkeypatch.setattr(reader, "_read_book", spy)
    assert gc.isenabled()
    reader.read_book(SAMPLE, ["위원"])
    assert seen == [False]
    assert gc.isenabled()


def test_collector_restored_after_a_refusal(tmp_path: Path) -> None:
    bad = tmp_path / "book.xlsx"
    bad.write_text("위원ID,성명\n", encoding="utf-8")
    with pytest.raises(BookError):
        reader.read_book(bad)
    assert gc.isenabled()


def test_collector_left_off_when_the_caller_had_it_off() -> None:
    gc.disable()
    try:
        reader.read_book(SAMPLE, ["위원"])
        assert not gc.isenabled()
    finally:
        gc.enable()
