"""A bounded mixed load on real processes: ingestion, redirects, list and detail reads and
writes for several tenants while beat keeps snapshots and health recomputes running.

Usage: .venv/bin/pip install -e '.[load]'; .venv/bin/python bench/load.py [--seconds 120]
  [--users 24] [--tenants 3]

Starts gunicorn, a Celery worker and beat as tests/e2e does (production settings, local
PostgreSQL and Redis, logs in build/e2e/load/), makes the tenants over HTTP with 200 customers
and 50 referral links each, runs locust headless against 127.0.0.1, then prints requests/s,
p50 and p99 per endpoint, the failures, and events sent against events stored.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.flows import register_tenant  # noqa: E402
from tests.e2e.stack import BIN, Stack  # noqa: E402


def make_tenants(stack: Stack, count: int) -> list[dict]:
    tenants = []
    for n in range(count):
        shop = register_tenant(stack, email=f"load{n}@load.test", slug=f"load-{n}")
        items = [
            {"external_id": f"c{n}-{i}", "email": f"c{n}-{i}@load.test", "stage": "customer"}
            for i in range(200)
        ]
        made = shop.api.ok("POST", f"{shop.base}/customers/bulk/", {"customers": items})
        ids = [row["id"] for row in made["results"] if row["status"] == "created"]
        assert len(ids) == len(items)
        program = shop.api.ok(
            "POST",
            f"{shop.base}/referral-programs/",
            {
                "name": "Friends",
                "landing_url": "https://shop.example/join",
                "is_default": True,
                "referrer_reward_kind": "credit",
                "referrer_reward_amount": "20.00",
                "referee_reward_kind": "credit",
                "referee_reward_amount": "10.00",
                "qualification": "first_payment",
            },
        )
        codes = [
            shop.api.ok(
                "POST",
                f"{shop.base}/referral-links/",
                {"customer": pk, "program": program["id"]},
            )["code"]
            for pk in ids[:50]
        ]
        key = shop.api.bearer
        tenants.append({"slug": shop.slug, "key": key, "customers": ids, "codes": codes})
    return tenants


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--tenants", type=int, default=3)
    args = parser.parse_args()
    with Stack("load").running() as stack:
        tenants = make_tenants(stack, args.tenants)
        plan, sent, prefix = stack.logs / "plan.json", stack.logs / "sent.json", stack.logs / "run"
        plan.write_text(json.dumps({"tenants": tenants}))
        before = stack.sql("SELECT count(*) FROM customers_event")[0][0]
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(max(1, args.users // 4)),
                "-t",
                f"{args.seconds}s",
                "--host",
                stack.base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "LOAD_PLAN": str(plan), "LOAD_SENT": str(sent)},
            check=False,
        )
        stored = stack.sql("SELECT count(*) FROM customers_event")[0][0] - before
        counts = json.loads(sent.read_text())
        acknowledged = counts.pop("acknowledged_ids")
        found = stack.sql(
            "SELECT count(*) FROM customers_event WHERE sender_id = ANY(%s)", [acknowledged]
        )[0][0]
        snapshots = stack.sql(
            "SELECT count(*) FROM metrics_kpisnapshot WHERE computed_at > now() - %s::interval",
            [f"{args.seconds + 60} seconds"],
        )[0][0]
        health_runs = stack.sql(
            "SELECT count(*) FROM segments_healthmodel WHERE computed_at IS NOT NULL"
        )[0][0]
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    print(
        f"\n{args.users} users, {args.seconds} s, {args.tenants} tenants on 127.0.0.1 "
        "(gunicorn 2 workers, Celery 2 processes, beat every 5 s / 10 s)"
    )
    print("| request | requests | failures | req/s | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['Name']} | {int(row['Request Count']):,} | "
            f"{int(row['Failure Count']):,} | {float(row['Requests/s']):.1f} | "
            f"{row['50%']} | {row['99%']} |"
        )
    print(
        f"\nevents: sent {counts['attempted']:,}, answered 2xx {counts['events']:,} (created "
        f"{counts['stored']:,}), stored {stored:,}; of the answered, stored {found:,} "
        f"(lost {len(acknowledged) - found}); snapshots computed during the run {snapshots:,}; "
        f"tenants with health computed {health_runs}"
    )


if __name__ == "__main__":
    main()
