"""Benchmark of a KPI snapshot against the bare aggregate queries it needs.

Usage: BENCH_DATABASE_URL=... .venv/bin/python bench/kpis.py [--tenant big] [--small mid]
       [--month 2026-10-01] [--seed-customers 1000000] [--rounds 2]

Seeds both tenants with `seed_demo`'s generator when they have no customers (the small one
with a tenth of the customers), runs `ANALYZE`, then per round times (1) the snapshot's
statements run bare through a cursor (the sum of the aggregate queries, no Python around
them) and (2) `snapshot_compute` for the month (the same statements, the formulas, storing
the row). Then cohorts by channel of the big tenant for the month, computed on request and served
from the stored snapshot, and twelve monthly snapshots of the small tenant, each timed.
Targets: the snapshot within 2x the bare queries and under 30 s; twelve months scale linearly.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime, timedelta

from _harness import add_json_option, setup_django, write_results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenant", default="big")
    parser.add_argument("--small", default="mid")
    parser.add_argument("--month", default="2026-10-01", type=date.fromisoformat)
    parser.add_argument("--seed-customers", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    add_json_option(parser)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from accounts.models import Tenant
    from customers.demo_data import seed_tenant
    from customers.models import Customer, Event
    from flywheel.core.tenancy import tenant_scope
    from metrics import queries as q
    from metrics.models import AcquisitionSpend
    from metrics.periods import period_of, periods_between
    from metrics.selectors.cohorts import cohorts_by_channel, cohorts_served
    from metrics.services.snapshots import acquisition_spend, snapshot_compute, snapshot_statements

    now = datetime(2026, 11, 1, tzinfo=UTC)

    def prepare(slug: str, customers: int) -> Tenant:
        tenant = Tenant.objects.filter(slug=slug).first() or Tenant.objects.create(
            name=slug, slug=slug
        )
        with tenant_scope(tenant):
            if not Customer.objects.exists():
                seed_tenant(tenant=tenant, customers=customers, days=365, seed=1, now=now)
            if not AcquisitionSpend.objects.exists():
                for month in periods_between("month", date(2025, 11, 1), date(2026, 10, 1), "UTC"):
                    AcquisitionSpend.objects.create(
                        tenant=tenant,
                        period_start=month.start,
                        period_end=month.end - timedelta(days=1),
                        channel="paid",
                        amount=customers,
                    )
        return tenant

    big = prepare(args.tenant, args.seed_customers)
    small = prepare(args.small, args.seed_customers // 10)
    with connection.cursor() as cursor:
        for table in ("customers_customer", "customers_event", "customers_stagechange"):
            cursor.execute(f"ANALYZE {table}")

    def bare(tenant: Tenant, period) -> float:
        statements = snapshot_statements(tenant=tenant, period=period, as_of=now)
        started = time.perf_counter()
        for _, sql, params, _ in statements:
            q.run(sql, params)
        acquisition_spend(period=period)
        return time.perf_counter() - started

    def snapshot(tenant: Tenant, day: date) -> float:
        started = time.perf_counter()
        snapshot_compute(tenant=tenant, granularity="month", day=day, now=now)
        return time.perf_counter() - started

    def cohort_times(tenant: Tenant, period) -> tuple[float, float]:
        """Cohorts by channel computed on request, and served (the snapshot's sums; best of
        three, after `snapshot` stored them)."""
        started = time.perf_counter()
        cohorts_by_channel(tenant=tenant, period=period, now=now)
        computed = time.perf_counter() - started
        served = []
        for _ in range(3):
            started = time.perf_counter()
            cohorts_served(tenant=tenant, period=period, now=now)
            served.append(time.perf_counter() - started)
        return computed, min(served)

    with tenant_scope(big):
        customers, events = Customer.objects.count(), Event.objects.count()
        period = period_of("month", args.month, big.timezone)
        bare(big, period)  # warm the cache once, untimed
        rounds = [(bare(big, period), snapshot(big, args.month)) for _ in range(args.rounds)]
        cohorts = cohort_times(big, period)
    print(f"tenant {big.slug}: {customers:,} customers, {events:,} events; month {args.month}")
    for i, (b, s) in enumerate(rounds, 1):
        print(f"round {i}: bare queries {b:6.2f} s   snapshot {s:6.2f} s   ({s / b:.2f}x)")

    with tenant_scope(small):
        customers, events = Customer.objects.count(), Event.objects.count()
        months = periods_between("month", date(2025, 11, 1), args.month, small.timezone)
        snapshot(small, months[-1].start)  # warm-up, untimed
        times = [snapshot(small, m.start) for m in months]
    print(f"tenant {small.slug}: {customers:,} customers, {events:,} events")
    print(
        f"twelve monthly snapshots: {sum(times):6.2f} s in all; per month min {min(times):.2f} "
        f"s, max {max(times):.2f} s; 12 x the last month = {12 * times[-1]:.2f} s"
    )
    print(
        "per month: "
        + ", ".join(f"{m.start:%Y-%m} {t:.2f}" for m, t in zip(months, times, strict=True))
    )
    print(f"big / small, same month: {rounds[-1][1] / times[-1]:.1f}x")
    print(
        f"cohorts by channel of {big.slug}: served from the snapshot {cohorts[1] * 1000:.1f} ms, "
        f"computed on request {cohorts[0]:.2f} s"
    )
    write_results(
        args.json,
        "kpis",
        args,
        [
            {
                "name": f"monthly snapshot of {args.tenant}",
                "value": rounds[-1][1],
                "baseline": rounds[-1][0],
                "unit": "s",
                "better": "lower",
            },
            {"name": f"twelve monthly snapshots of {args.small}", "value": sum(times), "unit": "s"},
            {
                "name": f"cohorts by channel of {args.tenant} served, baseline computed on request",
                "value": cohorts[1],
                "baseline": cohorts[0],
                "unit": "s",
                "better": "lower",
            },
        ],
    )


if __name__ == "__main__":
    main()
