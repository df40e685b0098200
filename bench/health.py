"""Benchmark of customer health recomputation for a whole tenant vs its bare aggregate query.

Usage: BENCH_DATABASE_URL=... .venv/bin/python bench/health.py --tenant big --as-of 2026-11-01
       [--seed-customers 1000000]

Seeds the tenant with `seed_demo`'s generator when it has no customers, runs `ANALYZE`, then
times (1) the bare aggregate over the tenant's events that the computation needs, (2) a full
recomputation (first run: every customer's health written), (3) a second one (nothing
changed: no writes), (4) the next day's nightly run (windows shift: the usual workload).
Targets: under 60 s and within 3x the bare aggregate.

The domain events a run records (band changes, alerts) are delivered by Celery workers in
production, after the run's commit. Here they are collected instead of delivered inline, and
their delivery to every subscriber is timed on its own afterwards ("workers' share").
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from _harness import add_json_option, setup_django, write_results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenant", default="big")
    parser.add_argument("--as-of", default="2026-11-01")
    parser.add_argument("--seed-customers", type=int, default=1_000_000)
    parser.add_argument(
        "--reset",
        action="store_true",
        help="Clear the tenant's health, history and alerts first (untimed), so that the "
        "first run really writes every customer.",
    )
    add_json_option(parser)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from accounts.models import Tenant
    from customers.demo_data import seed_tenant
    from customers.models import Customer, Event
    from flywheel.core import delivery, queue
    from flywheel.core.tenancy import tenant_scope
    from segments.services.health import health_inputs, health_recompute

    queued: list[tuple[str, list[int]]] = []  # the delivery tasks the broker would get

    def collect(batches: dict[str, list[int]]) -> int:
        queued.extend(batches.items())
        return len(batches)

    queue.send_deliveries = collect

    as_of = datetime.fromisoformat(args.as_of).replace(tzinfo=UTC)
    tenant = Tenant.objects.filter(slug=args.tenant).first() or Tenant.objects.create(
        name=args.tenant, slug=args.tenant
    )
    with tenant_scope(tenant):
        if not Customer.objects.exists():
            seed_tenant(tenant=tenant, customers=args.seed_customers, days=365, seed=1, now=as_of)
        with connection.cursor() as cursor:
            if args.reset:
                for table in (
                    "customers_customerhealth",
                    "segments_healthchange",
                    "segments_healthalert",
                ):
                    cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [tenant.pk])
                    cursor.execute(f"VACUUM {table}")  # reclaim the reset's dead rows
            cursor.execute("ANALYZE customers_customer")
            cursor.execute("ANALYZE customers_customerhealth")
            cursor.execute("ANALYZE customers_event")
        customers, events = Customer.objects.count(), Event.objects.count()

        started = time.perf_counter()
        aggregated = health_inputs(as_of=as_of)
        bare = time.perf_counter() - started

        started = time.perf_counter()
        first = health_recompute(tenant=tenant, as_of=as_of)
        full = time.perf_counter() - started

        with connection.cursor() as cursor:  # as autovacuum would after a fill (untimed)
            cursor.execute("ANALYZE customers_customerhealth")
        started = time.perf_counter()
        second = health_recompute(tenant=tenant, as_of=as_of)
        again = time.perf_counter() - started

        next_day = as_of + timedelta(days=1)
        started = time.perf_counter()
        health_inputs(as_of=next_day)
        bare_next = time.perf_counter() - started
        started = time.perf_counter()
        nightly = health_recompute(tenant=tenant, as_of=next_day)
        night = time.perf_counter() - started

    events_queued = len({pk for _, ids in queued for pk in ids})
    subscribers = {name for name, _ in queued}
    started = time.perf_counter()
    for name, ids in queued:
        delivery.deliver(name, ids)
    workers = time.perf_counter() - started

    print(
        f"tenant {tenant.slug}: {customers:,} customers, {events:,} events "
        f"({len(aggregated):,} customers with events in the 90-day window)"
    )
    print(f"bare aggregate query      : {bare:7.1f} s")
    print(f"recompute, first run      : {full:7.1f} s  ({full / bare:.1f}x the aggregate)  {first}")
    print(f"recompute, nothing changed: {again:7.1f} s  ({again / bare:.1f}x)  {second}")
    print(
        f"next day: aggregate {bare_next:.1f} s, recompute {night:.1f} s "
        f"({night / bare_next:.1f}x)  {nightly}"
    )
    print(
        f"workers' share: {events_queued:,} domain events, {len(queued)} delivery tasks to "
        f"{len(subscribers)} subscribers: {workers:.1f} s"
    )
    write_results(
        args.json,
        "health",
        args,
        [
            {
                "name": "recompute, first run",
                "value": full,
                "baseline": bare,
                "unit": "s",
                "better": "lower",
            },
            {
                "name": "recompute, nothing changed",
                "value": again,
                "baseline": bare,
                "unit": "s",
                "better": "lower",
            },
            {
                "name": "recompute, next day",
                "value": night,
                "baseline": bare_next,
                "unit": "s",
                "better": "lower",
            },
            {"name": "workers' deliveries", "value": workers, "unit": "s"},
        ],
    )


if __name__ == "__main__":
    main()
