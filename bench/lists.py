"""Benchmark of the customers list: first and last pages, a health band, two tenant sizes.

Usage: .venv/bin/python bench/lists.py [--big 300000] [--seconds 5] [--connections 8]

Loads an older tenant (half of `--big` customers, lowest ids), then a big tenant (`--big`) and
a small one (a tenth) whose rows interleave in the shared table, each customer with a health
row (60 % green, 25 % yellow, 15 % red), and an API key each. gunicorn (2 workers) serves; wrk
drives each URL for `--seconds` at `--connections`: the first page, the last page (a cursor
past all but 50 rows) and both again with `health_band=green`, for the big and the small
tenant. Prints requests/s, p50 and p99 of each. Then, in-process, the SQL of each one's last
page as the list runs it (ordered by `id::float8`, the tenant's own index) and ordered by `id`
as before (the primary key competes): EXPLAIN ANALYZE's time and the buffers it read.
Last, in-process (no HTTP, no other load), the request's own CPU time and its parts:
authentication, the filter set, fetching the rows (SQL and model instances), the serializer,
and the rest (middleware, tenancy, pagination links, rendering): `--requests` of each of the
big tenant's first page and its green first page in five batches, CPU ms per request of the
batch that took least.
Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from _harness import add_json_option, gunicorn, setup_django, write_results, wrk, wrk_ms

BANDS = ["green"] * 12 + ["yellow"] * 5 + ["red"] * 3
LUA = """
wrk.headers["Authorization"] = "Bearer %(key)s"
"""


def cursor_after(position: int) -> str:
    """DRF's cursor for the rows after `position` in the list's `-id` order."""
    return base64.b64encode(urlencode({"p": position}).encode()).decode()


def prepare(big: int) -> dict:
    """Two tenants (`lists-big`, `lists-small`), their customers and health rows interleaved in
    chunks, and an API key each; returns {slug: (tenant, key)}."""
    from accounts import services as account_services
    from accounts.models import Tenant
    from customers.models import Customer, CustomerHealth
    from flywheel.core.sql import bulk_load, reserve_ids
    from flywheel.core.tenancy import cross_tenant

    # an older tenant first: its rows lie below every id of the two measured ones
    sizes = {"lists-older": big // 2, "lists-big": big, "lists-small": big // 10}
    tenants = {}
    now = datetime.now(UTC)
    for slug in sizes:
        tenant = Tenant.objects.filter(slug=slug).first() or Tenant.objects.create(
            name=slug, slug=slug
        )
        _, key = account_services.api_key_create(tenant=tenant, name="bench", created_by=None)
        tenants[slug] = (tenant, key)
    with cross_tenant():
        loaded = Customer.all_tenants.filter(tenant=tenants["lists-small"][0]).exists()
    if loaded:
        return tenants
    chunks = 20
    for chunk in range(-1, chunks):
        for slug, size in sizes.items():
            if (slug == "lists-older") != (chunk < 0):
                continue  # the older tenant in one chunk ahead of the others
            tenant = tenants[slug][0]
            count = size if chunk < 0 else size // chunks
            ids = reserve_ids(Customer, count)
            start = max(chunk, 0) * count
            bulk_load(
                Customer,
                [
                    {
                        "id": pk,
                        "tenant_id": tenant.pk,
                        "external_id": f"{slug}-{start + i}",
                        "email": f"c{start + i}@{slug}.example",
                        "name": f"Customer {start + i}",
                        "stage": "customer",
                        "acquisition_channel": "organic",
                        "created_at": now - timedelta(minutes=start + i),
                        "updated_at": now,
                    }
                    for i, pk in enumerate(ids)
                ],
            )
            bulk_load(
                CustomerHealth,
                [
                    {
                        "customer_id": pk,
                        "tenant_id": tenant.pk,
                        "score": 50,
                        "band": BANDS[(start + i) % len(BANDS)],
                        "band_since": now,
                        "computed_at": now,
                    }
                    for i, pk in enumerate(ids)
                ],
            )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE customers_customerhealth")
    return tenants


def last_page_position(tenant, band: str | None = None) -> int:
    """The id whose following rows (in `-id` order) are the tenant's last 50."""
    from customers.models import Customer
    from flywheel.core.tenancy import tenant_scope

    with tenant_scope(tenant):
        rows = Customer.objects.order_by("id")
        if band:
            rows = rows.filter(health__band=band)
        return rows.values_list("id", flat=True)[50]


def run_wrk(port: int, path: str, key: str, seconds: int, connections: int) -> dict:
    return wrk(f"http://127.0.0.1:{port}{path}", LUA % {"key": key}, seconds, connections)


def explain_last_page(tenant, position: int) -> dict:
    """EXPLAIN ANALYZE of the last page's rows as the list runs it (ordered by `id::float8`)
    and ordered by `id` (the primary key's order, as before): best of five, ms and buffers."""
    from django.db import connection

    from customers.models import Customer
    from flywheel.core.tenancy import ID_ORDER, id_order, tenant_scope

    def explain(queryset) -> tuple[float, int]:
        sql, params = queryset.query.sql_with_params()
        with tenant_scope(tenant), connection.cursor() as cursor:
            best = None
            for _ in range(5):
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0][0]
                buffers = plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get(
                    "Shared Read Blocks", 0
                )
                best = min(
                    best or (plan["Execution Time"], buffers), (plan["Execution Time"], buffers)
                )
            return best

    with tenant_scope(tenant):
        rows = Customer.objects.select_related("health")
        by_order = (
            rows.annotate(**{ID_ORDER: id_order()})
            .filter(**{f"{ID_ORDER}__lt": position})
            .order_by(f"-{ID_ORDER}")[:51]
        )
        by_id = rows.filter(id__lt=position).order_by("-id")[:51]
    return {"with": explain(by_order), "without": explain(by_id)}


PARTS = {
    "authentication": ("rest_framework.views", "APIView", "perform_authentication"),
    "filter set": ("rest_framework.generics", "GenericAPIView", "filter_queryset"),
    "rows": ("rest_framework.generics", "GenericAPIView", "paginate_queryset"),
    "serializer": ("rest_framework.serializers", "ListSerializer", "to_representation"),
}


@contextmanager
def timed_parts(spent: dict[str, float]):
    """Add each part's CPU seconds into `spent` while inside (the methods wrapped in place)."""
    import importlib

    saved = []
    for part, (module, owner, name) in PARTS.items():
        cls = getattr(importlib.import_module(module), owner)
        original = cls.__dict__[name]

        def wrapper(*args, _original=original, _part=part, **kwargs):
            start = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_part] += time.process_time() - start

        setattr(cls, name, wrapper)
        saved.append((cls, name, original))
    try:
        yield
    finally:
        for cls, name, original in saved:
            setattr(cls, name, original)


def in_process(slug: str, key: str, query: str, requests: int, batches: int = 5) -> dict:
    """CPU ms per request of the list in-process (Django's test client): the total and each
    part of PARTS, after 20 requests of warm-up; `requests` run in `batches`, and the batch
    with the least CPU counts (the others met more of the machine's other load)."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", SERVER_NAME="127.0.0.1")
    path = f"/api/v1/tenants/{slug}/customers/{query}"
    for _ in range(20):
        assert client.get(path).status_code == 200
    size = max(1, requests // batches)
    best = None
    for _ in range(batches):
        spent = dict.fromkeys(PARTS, 0.0)
        with timed_parts(spent):
            start = time.process_time()
            for _ in range(size):
                client.get(path)
            total = time.process_time() - start
        if best is None or total < best[0]:
            best = (total, spent)
    total, spent = best
    parts = {part: seconds * 1000 / size for part, seconds in spent.items()}
    return {
        "total": total * 1000 / size,
        **parts,
        "rest": total * 1000 / size - sum(parts.values()),
    }


def http_and_sql(args, env: dict, tenants: dict) -> list[dict]:
    """wrk on each URL through gunicorn, then EXPLAIN of each tenant's last page."""
    rows = []
    with gunicorn(workers=2, env=env) as (port, _):
        for slug, (tenant, key) in tenants.items():
            if slug == "lists-older":
                continue
            base = f"/api/v1/tenants/{slug}/customers/"
            last = cursor_after(last_page_position(tenant))
            green_last = cursor_after(last_page_position(tenant, "green"))
            for name, path in (
                ("first page", base),
                ("last page", f"{base}?cursor={last}"),
                ("green, first", f"{base}?health_band=green"),
                ("green, last", f"{base}?health_band=green&cursor={green_last}"),
            ):
                run_wrk(port, path, key, 1, args.connections)  # warm-up
                result = run_wrk(port, path, key, args.seconds, args.connections)
                assert result["errors"] == 0, (slug, name, result)
                rows.append((slug, name, result))
    print(
        f"{args.big:,} + {args.big // 10:,} customers, gunicorn 2 workers, wrk "
        f"{args.connections} connections, {args.seconds} s per URL"
    )
    for slug, name, r in rows:
        print(
            f"{slug:<12} {name:<13} {r['rate']:7,.0f} req/s  p50 {r['p50']:>8}  p99 {r['p99']:>8}"
        )
    measures = []
    for slug, name, r in rows:
        measures += [
            {"name": f"{slug} {name}", "value": r["rate"], "unit": "req/s", "better": "higher"},
            {"name": f"{slug} {name} p99", "value": wrk_ms(r["p99"]), "unit": "ms"},
        ]
    for slug in ("lists-big", "lists-small"):
        tenant = tenants[slug][0]
        plans = explain_last_page(tenant, last_page_position(tenant))
        measures.append(
            {
                "name": f"{slug} last page rows (SQL), baseline ordered by id",
                "value": plans["with"][0],
                "baseline": plans["without"][0],
                "unit": "ms",
                "better": "lower",
            }
        )
        print(
            f"{slug}'s last page, rows only: by id::float8 (the list) "
            f"{plans['with'][0]:.2f} ms, {plans['with'][1]:,} buffers; by id "
            f"{plans['without'][0]:.2f} ms, {plans['without'][1]:,} buffers"
        )
    return measures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=300_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--requests", type=int, default=300, help="In-process requests per URL.")
    parser.add_argument("--in-process-only", action="store_true", help="Skip wrk and EXPLAIN.")
    add_json_option(parser)
    args = parser.parse_args()
    if shutil.which("wrk") is None and not args.in_process_only:
        sys.exit("wrk is needed: apt-get install wrk")
    env = {
        "THROTTLE_API_KEY_RATE": "100000000/min",
        "THROTTLE_TENANT_RATE": "100000000/min",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    os.environ.update(env)  # the in-process requests too
    env["DATABASE_URL"] = setup_django()
    tenants = prepare(args.big)
    measures = [] if args.in_process_only else http_and_sql(args, env, tenants)
    for label, query in (("first page", ""), ("green, first", "?health_band=green")):
        cpu = in_process("lists-big", tenants["lists-big"][1], query, args.requests)
        print(
            f"in-process, lists-big {label}: {cpu['total']:.2f} CPU ms a request; "
            + ", ".join(f"{part} {cpu[part]:.2f}" for part in (*PARTS, "rest"))
        )
        measures += [
            {"name": f"lists-big {label}, in-process {part}", "value": cpu[part], "unit": "CPU ms"}
            for part in ("total", *PARTS, "rest")
        ]
    write_results(args.json, "lists", args, measures)


if __name__ == "__main__":
    main()
