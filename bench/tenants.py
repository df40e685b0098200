"""Benchmark of every tenant's monthly snapshot: many small tenants through Celery, by size.

Usage: BENCH_DATABASE_URL=... .venv/bin/python bench/tenants.py [--tenants 1000]
       [--customers 100] [--workers 2] [--sizes 250,500,1000]

Seeds `--tenants` tenants (`fleet-0001` ...) of `--customers` customers each with
`seed_demo`'s generator (once), runs `ANALYZE`, starts a Celery worker (the default queue)
with `--workers` processes, and for each size queues `kpi_snapshot_task` for October 2026 of
that many tenants (what the dispatcher queues for each tenant) and waits until every one is
stored: tenants/s per size, which must stay flat (linear in tenants). Every tenant's
statements run once before (untimed), so that no size pays for a cold cache the others do not.
Baseline: the same tenants' bare snapshot statements, run by as many processes without Celery
or Python around them.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime

from _harness import ROOT, add_json_option, setup_django, write_results

MONTH = date(2026, 10, 1)
NOW = datetime(2026, 11, 1, tzinfo=UTC)
BROKER = "redis://127.0.0.1:6379/14"


def prepare(count: int, customers: int) -> list[int]:
    """The fleet's tenant ids, seeding the tenants that have no customers yet."""
    from accounts.models import Tenant
    from customers.demo_data import seed_tenant
    from customers.models import Customer
    from flywheel.core.tenancy import tenant_scope

    ids = []
    for index in range(count):
        slug = f"fleet-{index + 1:04d}"
        tenant = Tenant.objects.filter(slug=slug).first() or Tenant.objects.create(
            name=slug, slug=slug
        )
        with tenant_scope(tenant):
            if not Customer.objects.exists():
                seed_tenant(tenant=tenant, customers=customers, days=365, seed=index, now=NOW)
        ids.append(tenant.pk)
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("customers_customer", "customers_event", "customers_stagechange"):
            cursor.execute(f"ANALYZE {table}")
    return ids


def bare(tenant_ids: list[int]) -> int:
    """One process's share of the baseline: each tenant's snapshot statements, bare."""
    from accounts.models import Tenant
    from flywheel.core.tenancy import tenant_scope
    from metrics import queries as q
    from metrics.periods import period_of
    from metrics.services.snapshots import snapshot_statements

    for tenant in Tenant.objects.filter(pk__in=tenant_ids):
        with tenant_scope(tenant):
            period = period_of("month", MONTH, tenant.timezone)
            for _, sql, params, _ in snapshot_statements(tenant=tenant, period=period, as_of=NOW):
                q.run(sql, params)
    return len(tenant_ids)


def _init_worker(url: str) -> None:
    setup_django(url)


def run_bare(url: str, tenant_ids: list[int], workers: int) -> float:
    shares = [tenant_ids[i::workers] for i in range(workers)]
    spawn = multiprocessing.get_context("spawn")  # not forked: fresh database connections
    with ProcessPoolExecutor(
        workers, mp_context=spawn, initializer=_init_worker, initargs=(url,)
    ) as pool:
        list(pool.map(bare, [shares[0][:1]] * workers))  # every process started and warm
        started = time.perf_counter()
        list(pool.map(bare, shares))
        return time.perf_counter() - started


def run_celery(tenant_ids: list[int]) -> float:
    """Queue the tenants' October snapshots; seconds until all are stored."""
    from flywheel.core.tenancy import cross_tenant
    from metrics.models import KpiSnapshot
    from metrics.tasks import kpi_snapshot_task

    with cross_tenant():
        KpiSnapshot.all_tenants.filter(tenant_id__in=tenant_ids).delete()
    started = time.perf_counter()
    for tenant_id in tenant_ids:
        kpi_snapshot_task.delay(tenant_id, "month", MONTH.isoformat())
    while True:
        with cross_tenant():
            done = KpiSnapshot.all_tenants.filter(
                tenant_id__in=tenant_ids, granularity="month", period_start=MONTH
            ).count()
        if done == len(tenant_ids):
            return time.perf_counter() - started
        if time.perf_counter() - started > 3600:
            raise RuntimeError(f"only {done} of {len(tenant_ids)} snapshots after an hour")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sizes", default="250,500,1000")
    add_json_option(parser)
    args = parser.parse_args()
    os.environ["CELERY_BROKER_URL"] = BROKER
    url = setup_django()
    started = time.perf_counter()
    tenant_ids = prepare(args.tenants, args.customers)
    print(
        f"{len(tenant_ids):,} tenants of {args.customers} customers ready in "
        f"{time.perf_counter() - started:.0f} s"
    )
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    run_bare(url, tenant_ids, args.workers)  # every tenant's rows read once: a warm cache for all
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "flywheel", "worker"),
            *("-c", str(args.workers), "--loglevel", "WARNING"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(5)  # the worker's processes up
        run_celery(tenant_ids[:20])  # warm-up, untimed
        sizes = [int(size) for size in args.sizes.split(",") if int(size) <= len(tenant_ids)]
        timings = {size: run_celery(tenant_ids[:size]) for size in sizes}
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    baseline = run_bare(url, tenant_ids[: sizes[-1]], args.workers)
    for size, seconds in timings.items():
        print(f"{size:>6,} tenants: {seconds:7.1f} s = {size / seconds:7.1f} tenants/s")
    print(
        f"bare statements, {sizes[-1]:,} tenants by {args.workers} processes: {baseline:.1f} s = "
        f"{sizes[-1] / baseline:.1f} tenants/s"
    )
    largest = sizes[-1]
    write_results(
        args.json,
        "tenants",
        args,
        [
            *(
                {
                    "name": f"{size:,} tenants' snapshots",
                    "value": size / seconds,
                    "unit": "tenants/s",
                    **(
                        {"baseline": largest / baseline, "better": "higher"}
                        if size == largest
                        else {}
                    ),
                }
                for size, seconds in timings.items()
            ),
        ],
    )


if __name__ == "__main__":
    main()
