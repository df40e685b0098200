"""Shared pieces of the benchmarks: a PostgreSQL bench database, gunicorn, timing, memory.

Benchmarks run against PostgreSQL only (`BENCH_DATABASE_URL`, default a local
`flywheel_bench` database, created and migrated on first use).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/flywheel_bench"


def setup_django(database_url: str | None = None) -> str:
    """Point Django at the bench database (created and migrated if needed); returns the URL."""
    url = database_url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flywheel.settings.base")
    os.environ["DEBUG"] = "false"
    sys.path.insert(0, str(ROOT))
    name = url.rsplit("/", 1)[1]
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True, check=False
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(*, workers: int, env: dict[str, str] | None = None, app: str = "flywheel.wsgi"):
    """Run gunicorn on a free loopback port; yields (port, worker pids)."""
    port = free_port()
    environment = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", **(env or {})}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        time.sleep(1.0)  # let every worker boot
        yield port, worker_pids(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def wrk(url: str, lua: str, seconds: int, connections: int) -> dict:
    """wrk (2 threads) on `url` with the Lua script `lua`: requests/s, p50 and p99 as wrk
    prints them, and the count of answers that were not 2xx or 3xx."""
    import re
    import tempfile

    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(lua)
    out = subprocess.run(
        [
            *("wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"),
            *("-s", str(script), url),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": int(non_2xx[1]) if non_2xx else 0,
    }


def wrk_ms(text: str | None) -> float | None:
    """A wrk latency (`1.23ms`, `950.00us`, `1.02s`) in milliseconds."""
    if not text:
        return None
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def add_json_option(parser) -> None:
    parser.add_argument(
        "--json", help="Also write the measures to this file (for `python -m bench`)."
    )


def write_results(path: str | None, scenario: str, args, measures: list[dict]) -> None:
    """The scenario's measures as JSON: each `{name, value, unit}` and, where the scenario
    has one, `baseline` (the raw equivalent in the same run) and `better` (`higher`/`lower`)."""
    if not path:
        return
    import json

    Path(path).write_text(
        json.dumps(
            {"scenario": scenario, "args": vars(args), "measures": measures}, indent=1, default=str
        )
    )
