"""Progress output: a bar on a terminal, plain lines in logs, silence at -v 0 (issue 12, 8)."""

import io

from flywheel.core.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_a_line_per_tenth_and_no_carriage_returns():
    stream = io.StringIO()
    bar = Progress(1000, "customers", stream=stream)
    for done in range(0, 1001, 50):
        bar.update(done)
    bar.finish()
    text = stream.getvalue()
    assert "\r" not in text
    assert len(text.splitlines()) == 10 and text.splitlines()[-1].startswith("[####")


def test_a_terminal_gets_one_redrawn_line():
    stream = _Terminal()
    bar = Progress(10, "events", stream=stream)
    for done in range(1, 11):
        bar.update(done)
    bar.finish()
    assert stream.getvalue().count("\r") == 10 and stream.getvalue().endswith("\n")


def test_verbosity_zero_writes_nothing():
    stream = _Terminal()
    bar = Progress(10, "events", verbosity=0, stream=stream)
    bar.update(5)
    bar.finish()
    assert stream.getvalue() == ""
