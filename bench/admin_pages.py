"""Benchmark of the support admin on a big tenant: every list page, the tenant overview,
a customer page and the search box, rendered through Django's test client (no HTTP).

Usage: BENCH_DATABASE_URL=... .venv/bin/python bench/admin_pages.py --tenant big [--rounds 2]

Prints each page's time (the best of `--rounds`) and its number of SQL queries. Target: every
page under 1 s on the 1,000,000-customer tenant (no full counts, indexed ordering)."""

from __future__ import annotations

import argparse
import time

from _harness import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenant", default="big")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.contrib import admin
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Tenant, User
    from customers.models import Customer

    settings.ALLOWED_HOSTS = ["testserver"]
    tenant = Tenant.objects.get(slug=args.tenant)
    staff, _ = User.objects.get_or_create(
        email="bench-staff@flywheel.local", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(staff)
    customer = Customer.all_tenants.filter(tenant=tenant).order_by("-pk").first()
    pages = [
        ("tenant overview", reverse("admin:support_tenant_overview", args=[tenant.pk])),
        ("customer page", reverse("admin:customers_customer_change", args=[customer.pk])),
        ("search (email)", reverse("admin:support_search") + f"?q={customer.email or 'x'}"),
        ("search (external id)", reverse("admin:support_search") + f"?q={customer.external_id}"),
    ]
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        pages.append((f"list {meta.label_lower}", url))
        if hasattr(model, "all_tenants"):
            pages.append(
                (f"list {meta.label_lower} (tenant)", f"{url}?tenant__id__exact={tenant.pk}")
            )
    slow = []
    for name, url in pages:
        best, queries, status = float("inf"), 0, None
        for _ in range(args.rounds):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                took = time.perf_counter() - started
            best, queries, status = min(best, took), len(captured), response.status_code
        print(f"{best:7.3f} s  {queries:3d} queries  {status}  {name}", flush=True)
        if best >= 1.0 or status != 200:
            slow.append(name)
    print(f"pages: {len(pages)}, over 1 s or failing: {slow or 'none'}")


if __name__ == "__main__":
    main()
