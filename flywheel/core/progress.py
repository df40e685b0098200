"""A one-line progress bar on stderr for management commands."""

import sys
import time


def progress_bar(done: int, total: int, started: float, unit: str) -> None:
    """Redraw `[####....] done/total unit (rate/s)`; `started` is a `time.monotonic()`."""
    width = 30
    filled = int(width * done / max(total, 1))
    rate = done / max(time.monotonic() - started, 1e-9)
    sys.stderr.write(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {unit} ({rate:,.1f}/s)"
    )
    sys.stderr.flush()
