"""A one-line progress bar on stderr: books done/total, the current book, ETA.

Own code (20 lines) rather than tqdm/rich: no new dependency, and the batch only needs a
counter updated from the main process as results arrive.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None) -> None:
        self.total, self.enabled = total, enabled and total > 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.done = 0

    def update(self, done: int, current: str) -> None:
        self.done = done
        if not self.enabled:
            return
        width = 24
        filled = width * done // self.total
        elapsed = time.monotonic() - self.started
        eta = elapsed / done * (self.total - done) if done else 0.0
        name = current if len(current) <= 30 else "…" + current[-29:]
        line = (f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{self.total} "
                f"남은 시간 {int(eta) // 60}:{int(eta) % 60:02d}  {name}")
        self.stream.write(line.ljust(90))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 90 + "\r")
            self.stream.flush()
