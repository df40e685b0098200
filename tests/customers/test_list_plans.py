"""A tenant's list pages read that tenant's rows only, whatever other tenants hold (PostgreSQL).

Tenants' rows interleave in the shared tables; lists order by id and page with a cursor. Their
pages must come from the tenant's own `(tenant_id, (id::float8))` index, not from a primary-key
scan that walks every other tenant's rows beside the cursor (flywheel.core.pagination). Run as
the application role: the cursor's condition must stay an index condition under row-level
security."""

import base64
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer
from flywheel.core.sql import bulk_load
from flywheel.core.tenancy import tenant_scope
from tests import app_role
from tests.accounts.factories import MembershipFactory, TenantFactory
from tests.conftest import client_for_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _load(tenant, start: int, count: int) -> None:
    now = timezone.now()
    with tenant_scope(tenant):
        bulk_load(
            Customer,
            [
                {
                    "tenant_id": tenant.pk,
                    "external_id": f"{tenant.slug}-{i}",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(start, start + count)
            ],
        )


def _plan(sql: str) -> dict:
    statement = sql.split("; ", 1)[1] if sql.startswith("SELECT set_config") else sql
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}")
        return cursor.fetchone()[0][0]["Plan"]


def _reads_of(node: dict, table: str) -> list[tuple[str, int, int]]:
    """(scan, rows returned, rows removed by its filter) of every scan of `table` in a plan."""
    found = []
    if node.get("Relation Name") == table:
        found.append(
            (node["Node Type"], node["Actual Rows"], node.get("Rows Removed by Filter", 0))
        )
    for child in node.get("Plans", []):
        found += _reads_of(child, table)
    return found


@pytest.mark.parametrize("which", ["big", "small"])
def test_every_page_of_a_tenant_list_reads_only_that_tenants_rows(which):
    tenants = {"older": TenantFactory(), "big": TenantFactory(), "small": TenantFactory()}
    _load(tenants["older"], 0, 10_000)  # an older tenant's rows below everyone's ids
    for chunk in range(10):  # the big tenant's 20,000 rows around the small one's 2,000
        _load(tenants["big"], chunk * 2000, 2000)
        _load(tenants["small"], chunk * 200, 200)
    with app_role.as_owner(), connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
    tenant = tenants[which]
    client = client_for_user(MembershipFactory(tenant=tenant, role="owner").user)
    with tenant_scope(tenant):
        ids = list(Customer.objects.order_by("-id").values_list("id", flat=True))
    url = f"/api/v1/tenants/{tenant.slug}/customers/"
    last = base64.b64encode(urlencode({"p": ids[-51]}).encode()).decode()
    for params in ({}, {"cursor": last}, {"ordering": "id"}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200, response.content
        got = [row["id"] for row in response.json()["results"]]
        if params.get("cursor"):
            assert got == ids[-50:]  # the last page: the tenant's 50 oldest, newest first
        elif params.get("ordering"):
            assert got == sorted(ids)[:50]
        else:
            assert got == ids[:50]
        listing = next(q["sql"] for q in queries if 'FROM "customers_customer"' in q["sql"])
        with tenant_scope(tenant):
            reads = _reads_of(_plan(listing), "customers_customer")
        # the page's rows and nothing else: no other tenant's row read and thrown away
        assert reads and all(removed == 0 for _, _, removed in reads), (params, reads)
        assert all(rows <= 51 for _, rows, _ in reads), (params, reads)
