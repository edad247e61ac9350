"""Process-wide settings a shell may change for the process it owns (core never does)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused, then restored as it was.

    Reading a book and running a job on it make millions of small acyclic objects (cells,
    typed columns, JSON and sheet rows), so each collection their allocations trigger walks
    them for nothing. Measured: 0.2 s of the 2.0 s CPU of reading the 40-district book
    (bench/RESULTS.md); allowance 2021-03 on the 1,048,575-row book, median 5.8 s with the
    collector on and 2.6 s paused (bench/gc_pause.py, 1015/93/4 gen0/1/2 collections vs none).
    Nested use is fine: only the outermost restores."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
