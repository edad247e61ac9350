"""What pausing the cyclic garbage collector buys the allowance job: python bench/gc_pause.py BOOK

Reads BOOK once, then runs allowance_job(book, 2021, 3) alternately with the collector on
(as the job runs now) and paused around the call (gc.disable/enable, as the job once did
inside core), REPEAT times each, and prints the median wall time of each and the number of
collections per generation during one run.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

from hyeopchi.core.allowance import allowance_job
from hyeopchi.io.reader import read_book
from hyeopchi.jobs.catalog import ALLOWANCE

REPEAT = 5


def run(paused: bool) -> tuple[float, list[int]]:
    before = [s["collections"] for s in gc.get_stats()]
    started = time.perf_counter()
    if paused:
        gc.disable()
    try:
        allowance_job(BOOK, 2021, 3)
    finally:
        gc.enable()
    took = time.perf_counter() - started
    return took, [s["collections"] - b for s, b in zip(gc.get_stats(), before, strict=True)]


if __name__ == "__main__":
    path = Path(sys.argv[1])
    started = time.perf_counter()
    BOOK = read_book(path, ALLOWANCE.sheets)
    print(f"read {path.name}: {time.perf_counter() - started:.1f} s, "
          f"출석 {len(BOOK.df('출석')):,} rows")
    times: dict[bool, list[float]] = {False: [], True: []}
    counts: dict[bool, list[int]] = {}
    for _ in range(REPEAT):
        for paused in (False, True):
            took, collections = run(paused)
            times[paused].append(took)
            counts[paused] = collections
    for paused in (False, True):
        label = "paused " if paused else "enabled"
        print(f"gc {label}: median {statistics.median(times[paused]):.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in times[paused])}); "
              f"collections gen0/1/2 in one run: {counts[paused]}")
