"""The bench suite: each scenario against its raw baseline in the same run, repeated; results
as JSON and a Markdown table in bench/results/.

Usage: .venv/bin/python -m bench all --scale small|large [--repeat 3]
       .venv/bin/python -m bench ingest|redirect|lists|kpis|health|tenants --scale small

Each scenario is its own script (bench/<name>.py, runnable alone), run here as a subprocess
with the scale's arguments and `--json`; its printed report goes to bench/results/ beside the
tables. Medians over the repeats; the ratio is ours / baseline (a rate: higher is better; a
time: lower is better). Large = the 1,000,000-customer tenant beside a 100,000 one, 100,000
links, 1,000 tenants of 100 customers (seeded once by the scenarios themselves into the bench
database: give each scale its own BENCH_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench._harness import DEFAULT_URL

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SCENARIOS = ("ingest", "redirect", "lists", "kpis", "health", "tenants")
SCALES = {
    "small": {
        "ingest": ["--batches", "100", "--customers", "10000"],
        "redirect": ["--links", "20000", "--seconds", "10"],
        "lists": ["--big", "100000", "--seconds", "5"],
        "kpis": ["--tenant", "small-big", "--small", "small-mid", "--seed-customers", "100000"],
        "health": ["--tenant", "small-big", "--seed-customers", "100000", "--reset"],
        "tenants": ["--tenants", "200", "--sizes", "50,100,200"],
    },
    "large": {
        "ingest": ["--batches", "1000", "--customers", "100000"],
        "redirect": ["--links", "100000", "--seconds", "20"],
        "lists": ["--big", "1000000", "--seconds", "10"],
        "kpis": ["--tenant", "big", "--small", "mid", "--seed-customers", "1000000"],
        "health": ["--tenant", "big", "--seed-customers", "1000000", "--reset"],
        "tenants": ["--tenants", "1000", "--sizes", "250,500,1000"],
    },
}


def machine() -> dict:
    memory = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        "0",
    )
    server = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "postgresql": server,
        "python": platform.python_version(),
        "commit": commit,
    }


def checkpoint() -> None:
    """Write out the previous scenario's dirty pages first, so that a scenario does not pay
    for the WAL and checkpoints of the one before it (ingestion writes gigabytes)."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    subprocess.run(["psql", url, "-qAtc", "CHECKPOINT"], capture_output=True, check=False)


def run_scenario(name: str, scale: str, log) -> dict:
    checkpoint()
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        argv = [sys.executable, str(ROOT / "bench" / f"{name}.py"), *SCALES[scale][name]]
        log.write(f"$ {' '.join(argv[1:])}\n")
        log.flush()
        subprocess.run(
            [*argv, "--json", out.name], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=True
        )
        return json.loads(Path(out.name).read_text())


def summarise(runs: list[dict]) -> list[dict]:
    """Per measure: every repeat's value, the median, the baseline's median and the ratio."""
    rows = []
    for index, first in enumerate(runs[0]["measures"]):
        values = [run["measures"][index]["value"] for run in runs]
        row = {
            "name": first["name"],
            "unit": first["unit"],
            "values": values,
            "median": statistics.median(v for v in values if v is not None),
        }
        if first.get("baseline") is not None:
            baseline = statistics.median(run["measures"][index]["baseline"] for run in runs)
            row["baseline"] = baseline
            row["better"] = first.get("better", "higher")
            row["ratio"] = row["median"] / baseline if baseline else None
        rows.append(row)
    return rows


def markdown(report: dict) -> str:
    facts = report["machine"]
    lines = [
        f"# Bench {report['scale']} ({report['date']})",
        "",
        f"`.venv/bin/python -m bench {report['command']} --scale {report['scale']} "
        f"--repeat {report['repeat']}`; {facts['cores']} cores, {facts['memory_gib']} GiB, "
        f"PostgreSQL {facts['postgresql']}, Python {facts['python']}, commit {facts['commit']}.",
        "Medians over the repeats; ratio = ours / baseline in the same run.",
        "",
        "| scenario | measure | median | baseline | ratio | repeats |",
        "|---|---|---:|---:|---:|---|",
    ]
    for name, scenario in report["scenarios"].items():
        for row in scenario["measures"]:
            baseline = f"{row['baseline']:,.2f}" if "baseline" in row else ""
            ratio = f"{row['ratio']:.2f}" if row.get("ratio") else ""
            repeats = ", ".join("" if v is None else f"{v:,.2f}" for v in row["values"])
            lines.append(
                f"| {name} | {row['name']} ({row['unit']}) | {row['median']:,.2f} | "
                f"{baseline} | {ratio} | {repeats} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=["all", *SCENARIOS])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    names = SCENARIOS if args.scenario == "all" else (args.scenario,)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
    stem = RESULTS / f"{stamp}-{args.scenario}-{args.scale}"
    report = {
        "command": args.scenario,
        "scale": args.scale,
        "repeat": args.repeat,
        "date": stamp,
        "machine": machine(),
        "scenarios": {},
    }
    with open(f"{stem}.log", "w") as log:
        for name in names:
            runs = [run_scenario(name, args.scale, log) for _ in range(args.repeat)]
            report["scenarios"][name] = {
                "args": runs[0]["args"],
                "measures": summarise(runs),
            }
            Path(f"{stem}.json").write_text(json.dumps(report, indent=1))
            Path(f"{stem}.md").write_text(markdown(report))
            print(f"{name}: done ({args.repeat} runs)", flush=True)
    print(Path(f"{stem}.md").read_text())


if __name__ == "__main__":
    main()
