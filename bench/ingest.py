"""Benchmark of event ingestion: `events/bulk/` over HTTP vs a raw psycopg INSERT, same run.

Usage: .venv/bin/python bench/ingest.py [--batches 1000] [--workers 2] [--concurrency 2]

Starts gunicorn on 127.0.0.1 against PostgreSQL (BENCH_DATABASE_URL, default a local
`flywheel_bench` database), posts `--batches` batches of 1,000 new events for existing
customers from `--concurrency` clients, then inserts the same number of rows with one
multi-row `INSERT ... ON CONFLICT DO NOTHING` per 1,000 through psycopg from as many writers
(the rows built before the clock starts). Prints events/s of both, the
ratio, and the gunicorn workers' memory over the run (it must stay flat).
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

from _harness import add_json_option, gunicorn, rss_mib, setup_django, write_results

BATCH = 1000
KINDS = ("login", "feature_used", "payment", "subscription", "nps")


def make_event(run: str, n: int, customers: int, now: datetime) -> dict:
    kind = KINDS[n % len(KINDS)]
    event = {
        "id": f"{run}-{n}",
        "customer_external_id": f"bench-{n % customers}",
        "kind": kind,
        "occurred_at": (now - timedelta(seconds=n % 86400)).isoformat(),
    }
    if kind == "feature_used":
        event["properties"] = {"feature": "reports"}
    elif kind == "payment":
        event["value"] = "49.00"
        event["properties"] = {"status": "paid"}
    elif kind == "subscription":
        event["value"] = "49.00"
    elif kind == "nps":
        event["value"] = n % 11
    return event


def prepare(customers: int) -> tuple[object, str]:
    """The bench tenant with `customers` customers and an API key; returns (tenant, key)."""
    from accounts import services as account_services
    from accounts.models import Tenant
    from customers.models import Customer
    from flywheel.core.sql import insert_ignoring_conflicts

    tenant = Tenant.objects.filter(slug="bench").first()
    if tenant is None:
        tenant = Tenant.objects.create(name="Bench", slug="bench")
    rows = [Customer(tenant=tenant, external_id=f"bench-{i}") for i in range(customers)]
    insert_ignoring_conflicts(
        Customer,
        rows,
        conflict="(tenant_id, external_id) WHERE external_id IS NOT NULL",
        returning=("id",),
    )
    _, key = account_services.api_key_create(tenant=tenant, name="bench", created_by=None)
    analyze()
    return tenant, key


def analyze() -> None:
    """Fresh planner statistics after a bulk load (autovacuum would do it in production)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE customers_event")


def run_api(
    port: int, key: str, batches: int, concurrency: int, customers: int, pids: list[int]
) -> dict:
    run = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    counter = iter(range(batches))
    lock = threading.Lock()
    created = 0
    memory: list[tuple[int, float]] = []
    errors: list[str] = []

    def worker() -> None:
        nonlocal created
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        while True:
            with lock:
                batch = next(counter, None)
            if batch is None:
                break
            events = [make_event(run, batch * BATCH + i, customers, now) for i in range(BATCH)]
            body = json.dumps({"events": events})
            conn.request("POST", "/api/v1/tenants/bench/events/bulk/", body, headers)
            response = conn.getresponse()
            payload = response.read()
            if response.status != 200:
                errors.append(f"{response.status} {payload[:200]!r}")
                continue
            result = json.loads(payload)
            with lock:
                created += result["created"]
                if batch % 100 == 0:
                    memory.append((batch, sum(rss_mib(pid) for pid in pids)))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    memory.append((batches, sum(rss_mib(pid) for pid in pids)))
    return {
        "events": created,
        "seconds": seconds,
        "rate": created / seconds,
        "memory": memory,
        "errors": errors[:5],
    }


def run_raw(url: str, tenant_id: int, batches: int, customers: int, writers: int = 1) -> dict:
    """The baseline: the same rows through psycopg, one multi-row INSERT per 1,000.

    `writers` threads, each with its own connection (server-side parameter binding), take the
    batches in turn, as the API's clients do; the rows are built before the clock starts, so
    the baseline is as fast as this database can be at that concurrency.
    """
    import psycopg

    from customers.models import Customer

    ids = dict(
        Customer.all_tenants.filter(tenant_id=tenant_id).values_list(  # all_tenants: bench set-up
            "external_id", "pk"
        )
    )
    run = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    placeholder = "(%s, %s, %s, %s, %s, %s::jsonb, %s, %s)"
    sql = (
        "INSERT INTO customers_event (tenant_id, customer_id, kind, occurred_at, value, "
        "properties, sender_id, received_at) VALUES "
        + ", ".join([placeholder] * BATCH)
        + " ON CONFLICT (tenant_id, sender_id) DO NOTHING"
    )

    def rows(batch: int) -> list:
        params: list = []
        for i in range(BATCH):
            event = make_event(run, batch * BATCH + i, customers, now)
            params += [
                tenant_id,
                ids[event["customer_external_id"]],
                event["kind"],
                datetime.fromisoformat(event["occurred_at"]),
                event.get("value"),
                json.dumps(event.get("properties", {})),
                event["id"],
                now,
            ]
        return params

    prepared = [rows(batch) for batch in range(batches)]
    counter = iter(range(batches))
    lock = threading.Lock()
    created = 0

    def writer() -> None:
        nonlocal created
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
            cursor = conn.cursor()
            while True:
                with lock:
                    batch = next(counter, None)
                if batch is None:
                    return
                cursor.execute(sql, prepared[batch])
                conn.commit()
                with lock:
                    created += cursor.rowcount

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    return {"events": created, "seconds": seconds, "rate": created / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--customers", type=int, default=10_000)
    add_json_option(parser)
    args = parser.parse_args()

    url = setup_django()
    tenant, key = prepare(args.customers)
    env = {
        "THROTTLE_API_KEY_RATE": "1000000/min",
        "THROTTLE_TENANT_RATE": "1000000/min",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
    }
    with gunicorn(workers=args.workers, env=env) as (port, pids):
        api = run_api(port, key, args.batches, args.concurrency, args.customers, pids)
    raw = run_raw(url, tenant.pk, args.batches, args.customers, writers=args.concurrency)
    from customers.models import Event

    stored = Event.all_tenants.filter(tenant=tenant).count()  # all_tenants: bench report
    print(
        f"batches={args.batches} x {BATCH} events, gunicorn workers={args.workers}, "
        f"client concurrency={args.concurrency}, customers={args.customers}"
    )
    print(
        f"API  events/bulk/: {api['events']:>9,} events in {api['seconds']:7.1f} s = "
        f"{api['rate']:>9,.0f} events/s"
    )
    print(
        f"raw  psycopg x{args.concurrency}  : {raw['events']:>9,} events in "
        f"{raw['seconds']:7.1f} s = {raw['rate']:>9,.0f} events/s"
    )
    print(f"ratio API/raw    : {api['rate'] / raw['rate']:.1%}")
    print("worker RSS (MiB) by batch: " + ", ".join(f"{b}:{m:.0f}" for b, m in api["memory"]))
    print(f"events in table  : {stored:,}")
    if api["errors"]:
        print("errors:", api["errors"])
    memory = [m for _, m in api["memory"]]
    write_results(
        args.json,
        "ingest",
        args,
        [
            {
                "name": "events/bulk/, batches of 1,000",
                "value": api["rate"],
                "baseline": raw["rate"],
                "unit": "events/s",
                "better": "higher",
            },
            {"name": "worker memory growth", "value": memory[-1] - memory[0], "unit": "MiB"},
            {"name": "errors", "value": len(api["errors"]), "unit": "requests"},
        ],
    )


if __name__ == "__main__":
    main()
