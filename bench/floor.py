"""The cost of the tenant floor (row-level security) on the hot paths, same run.

Usage: .venv/bin/python bench/floor.py [--rounds 3] [--batches 60] [--seconds 10]
       [--links 20000] [--customers 10000] [--snapshot-customers 100000]

The same code twice, alternating round by round: as the tables' owner (a superuser here: the
policies do not apply to it) and as the application role `flywheel_bench_app` (neither owner,
superuser nor BYPASSRLS: every statement passes the policy). Both send the scope with each
transaction, so the difference is what the policies cost; the statement that tells the scope
is measured on its own (last line):
- ingest: `events/bulk/` batches of 1,000 over HTTP, 2 gunicorn workers, 2 client threads;
- redirect: wrk on `/r/<code>`, 16 connections, 4 gunicorn workers;
- snapshot: `snapshot_compute` of one month for a seeded tenant, in-process (`SET ROLE`);
- telling the scope: a scoped primary-key read in-process with and without the prefix.
Prints the median of each side and the ratio (role / owner).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from _harness import gunicorn, setup_django
from ingest import prepare as prepare_ingest
from ingest import run_api
from redirect import prepare as prepare_redirect
from redirect import run_wrk

ROLE = "flywheel_bench_app"
ROOT = Path(__file__).resolve().parent.parent


def create_role() -> None:
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-q",
            "-c",
            f"DO $$ BEGIN CREATE ROLE {ROLE} LOGIN NOSUPERUSER NOBYPASSRLS; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        ],
        check=True,
        capture_output=True,
    )


def as_role(url: str) -> str:
    return url.replace("postgres@", f"{ROLE}@", 1)


def set_role(role: str | None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}" if role else "RESET ROLE")


def snapshot_tenant(customers: int):
    from accounts.models import Tenant
    from customers.demo_data import seed_tenant
    from customers.models import Customer
    from flywheel.core.tenancy import tenant_scope

    tenant = Tenant.objects.filter(slug="floor").first() or Tenant.objects.create(
        name="floor", slug="floor"
    )
    with tenant_scope(tenant):
        if not Customer.objects.exists():
            now = datetime(2026, 11, 1, tzinfo=UTC)
            seed_tenant(tenant=tenant, customers=customers, days=365, seed=1, now=now)
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("customers_customer", "customers_event", "customers_stagechange"):
            cursor.execute(f"ANALYZE {table}")
    return tenant


def time_snapshot(tenant) -> float:
    from flywheel.core.tenancy import tenant_scope
    from metrics.services.snapshots import snapshot_compute

    with tenant_scope(tenant):
        started = time.perf_counter()
        snapshot_compute(
            tenant=tenant, granularity="month", day=date(2026, 10, 1), now=datetime.now(UTC)
        )
        return time.perf_counter() - started


def time_telling(tenant, statements: int = 3000) -> tuple[float, float]:
    """Microseconds per scoped autocommit read, with the scope's prefix and without it."""
    from django.db import connection

    from customers.models import Customer
    from flywheel.core.rowsecurity import ScopeFloor
    from flywheel.core.tenancy import tenant_scope

    with tenant_scope(tenant):
        pk = Customer.objects.values_list("pk", flat=True).first()

        def run() -> float:
            started = time.perf_counter()
            for _ in range(statements):
                list(Customer.objects.filter(pk=pk).values_list("pk"))
            return (time.perf_counter() - started) / statements * 1e6

        with_prefix = statistics.median(run() for _ in range(3))
        floors = [w for w in connection.execute_wrappers if isinstance(w, ScopeFloor)]
        for floor in floors:
            connection.execute_wrappers.remove(floor)
        try:
            without = statistics.median(run() for _ in range(3))  # owner only: no floor to pass
        finally:
            connection.execute_wrappers[0:0] = floors
    return with_prefix, without


def report(name: str, owner: list[float], role: list[float], unit: str, higher_is_better: bool):
    o, r = statistics.median(owner), statistics.median(role)
    ratio = (o / r) if higher_is_better else (r / o)
    print(
        f"{name:<10} owner {o:10,.2f} {unit:<6} role {r:10,.2f} {unit:<6} "
        f"cost {ratio:.3f}x  (rounds owner {', '.join(f'{v:,.1f}' for v in owner)}; "
        f"role {', '.join(f'{v:,.1f}' for v in role)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--links", type=int, default=20_000)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--snapshot-customers", type=int, default=100_000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    create_role()
    import os

    os.environ["DATABASE_APP_ROLE"] = ROLE  # migrate (as the owner) grants it the data rights
    url = setup_django()
    _, key = prepare_ingest(args.customers)
    codes = prepare_redirect(args.links)
    codes_file = Path(tempfile.mkstemp(suffix=".txt")[1])
    codes_file.write_text("\n".join(codes) + "\n")
    tenant = snapshot_tenant(args.snapshot_customers)

    common = {
        "THROTTLE_API_KEY_RATE": "1000000/min",
        "THROTTLE_TENANT_RATE": "1000000/min",
        "THROTTLE_REDIRECT_RATE": "1000000000/min",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
    }
    results: dict[str, dict[str, list[float]]] = {
        name: {"owner": [], "role": []} for name in ("ingest", "redirect", "snapshot")
    }
    for round_ in range(args.rounds):
        for side, database in (("owner", url), ("role", as_role(url))):
            env = {**common, "DATABASE_URL": database}
            with gunicorn(workers=2, env=env) as (port, pids):
                api = run_api(port, key, args.batches, 2, args.customers, pids)
            assert not api["errors"], api["errors"]
            results["ingest"][side].append(api["rate"])
            with gunicorn(workers=4, env=env) as (port, _):
                run_wrk(port, "/r/", str(codes_file), 2, 16)  # warm-up
                wrk = run_wrk(port, "/r/", str(codes_file), args.seconds, 16)
            assert wrk["errors"] == 0, wrk
            results["redirect"][side].append(wrk["rate"])
            set_role(ROLE if side == "role" else None)
            try:
                if round_ == 0:
                    time_snapshot(tenant)  # warm the cache once per side, untimed
                results["snapshot"][side].append(time_snapshot(tenant))
            finally:
                set_role(None)
    print(
        f"{args.rounds} rounds; ingest {args.batches} x 1,000 events; redirect {args.seconds} s "
        f"of wrk at 16 connections over {len(codes):,} links; snapshot of a "
        f"{args.snapshot_customers:,}-customer tenant"
    )
    report("ingest", results["ingest"]["owner"], results["ingest"]["role"], "ev/s", True)
    report("redirect", results["redirect"]["owner"], results["redirect"]["role"], "req/s", True)
    report("snapshot", results["snapshot"]["owner"], results["snapshot"]["role"], "s", False)
    with_prefix, without = time_telling(tenant)
    print(
        f"telling the scope: a scoped primary-key read {with_prefix:.0f} us with the prefix, "
        f"{without:.0f} us without (+{with_prefix - without:.0f} us a statement in autocommit)"
    )


if __name__ == "__main__":
    main()
