"""Progress of long management commands on stderr: a redrawn bar on a terminal, a plain line
every tenth of the way in a log, nothing at `-v 0`."""

from __future__ import annotations

import sys
import time


class Progress:
    """`Progress(total, unit, verbosity=options["verbosity"])`, then `update(done)`, `finish()`.

    On a terminal the bar is redrawn in place (`\r`); when stderr is a file or a pipe (CI,
    docker logs) each tenth of the work is one ordinary line, so logs get no carriage returns.
    """

    def __init__(self, total: int, unit: str, *, verbosity: int = 1, stream=None):
        self.total, self.unit = max(total, 1), unit
        self.stream = stream or sys.stderr
        self.enabled = verbosity > 0
        self.terminal = self.enabled and self.stream.isatty()
        self.started = time.monotonic()
        self._next_tenth = 1

    def _text(self, done: int) -> str:
        width = 30
        filled = int(width * done / self.total)
        rate = done / max(time.monotonic() - self.started, 1e-9)
        return (
            f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{self.total:,} {self.unit} "
            f"({rate:,.1f}/s)"
        )

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        if self.terminal:
            self.stream.write("\r" + self._text(done))
        elif done * 10 >= self._next_tenth * self.total or done >= self.total:
            self.stream.write(self._text(done) + "\n")
            self._next_tenth = done * 10 // self.total + 1
        self.stream.flush()

    def finish(self) -> None:
        if self.terminal:
            self.stream.write("\n")
            self.stream.flush()
