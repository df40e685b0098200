"""The set-based SQL helpers: conflicting inserts skipped and reported, per-row updates."""

from datetime import UTC, datetime

import pytest

from customers.models import Customer
from flywheel.core import sql
from flywheel.core.sql import insert_ignoring_conflicts, update_from_values
from flywheel.core.tenancy import tenant_scope
from tests.accounts.factories import TenantFactory
from tests.customers.factories import CustomerFactory

CONFLICT = "(tenant_id, external_id) WHERE external_id IS NOT NULL"


@pytest.mark.django_db
def test_insert_returns_only_the_rows_it_inserted():
    # given
    tenant = TenantFactory()
    CustomerFactory(tenant=tenant, external_id="taken")
    rows = [Customer(tenant=tenant, external_id=ext) for ext in ("taken", "new-1", "new-2")]
    # when
    inserted = insert_ignoring_conflicts(
        Customer, rows, conflict=CONFLICT, returning=("external_id",)
    )
    # then
    assert sorted(ext for (ext,) in inserted) == ["new-1", "new-2"]
    assert Customer.all_tenants.filter(tenant=tenant).count() == 3


@pytest.mark.django_db
def test_insert_uses_model_defaults_and_json_adaptation():
    # given
    tenant = TenantFactory()
    row = Customer(tenant=tenant, external_id="x", attributes={"plan": "pro"}, tags=["vip"])
    # when
    insert_ignoring_conflicts(Customer, [row], conflict=CONFLICT, returning=("id",))
    # then
    stored = Customer.all_tenants.get(tenant=tenant, external_id="x")
    assert stored.attributes == {"plan": "pro"} and stored.tags == ["vip"]
    assert stored.stage == "lead" and stored.mrr == 0


@pytest.mark.django_db
def test_update_from_values_sets_each_row_its_own_value_only_when_the_condition_holds():
    # given
    tenant, other = TenantFactory(), TenantFactory()
    old, new = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    a = CustomerFactory(tenant=tenant, last_seen_at=new)
    b = CustomerFactory(tenant=tenant, last_seen_at=None)
    foreign = CustomerFactory(tenant=other, last_seen_at=None)
    # when (in the tenant's scope: the statement takes its tenant from there)
    with tenant_scope(tenant):
        updated = update_from_values(
            Customer,
            fields=["last_seen_at"],
            rows=[(a.pk, old), (b.pk, new), (foreign.pk, new)],
            assignments="last_seen_at = v.new_last_seen_at",
            condition="last_seen_at IS NULL OR last_seen_at < v.new_last_seen_at",
        )
    # then
    assert updated == 1
    for customer in (a, b, foreign):
        customer.refresh_from_db()
    assert a.last_seen_at == new  # older value did not win
    assert b.last_seen_at == new
    assert foreign.last_seen_at is None  # another tenant's row is never touched


@pytest.fixture(params=["values", "copy"])
def sql_path(request, monkeypatch):
    """Both ways the helpers write (on PostgreSQL; SQLite always takes VALUES)."""
    monkeypatch.setattr(sql, "COPY_THRESHOLD", 0 if request.param == "copy" else 10**6)
    return request.param


@pytest.mark.django_db
def test_insert_from_dicts_fills_defaults_and_skips_conflicts_on_either_path(sql_path):
    # given
    tenant = TenantFactory()
    CustomerFactory(tenant=tenant, external_id="taken")
    rows = [
        {"tenant_id": tenant.pk, "external_id": ext, "attributes": {"n": i}}
        for i, ext in enumerate(("taken", "new-1", "new-2", "new-1"))
    ]
    # when
    inserted = insert_ignoring_conflicts(
        Customer, rows, conflict=CONFLICT, returning=("external_id",)
    )
    # then
    assert sorted(ext for (ext,) in inserted) == ["new-1", "new-2"]
    stored = Customer.all_tenants.get(tenant=tenant, external_id="new-2")
    assert stored.attributes == {"n": 2} and stored.stage == "lead" and stored.tags == []


@pytest.mark.django_db
def test_update_from_values_takes_a_column_of_nulls_on_either_path(sql_path):
    # given
    tenant = TenantFactory()
    seen = datetime(2026, 3, 1, tzinfo=UTC)
    a, b = CustomerFactory(tenant=tenant, mrr=5), CustomerFactory(tenant=tenant, mrr=7)
    # when: no row has an MRR (a VALUES column of NULLs only is text unless cast)
    with tenant_scope(tenant):
        updated = update_from_values(
            Customer,
            fields=["last_seen_at", "mrr"],
            rows=[(a.pk, seen, None), (b.pk, seen, None)],
            assignments="last_seen_at = v.new_last_seen_at, mrr = COALESCE(v.new_mrr, mrr)",
        )
    # then
    assert updated == 2
    for customer, mrr in ((a, 5), (b, 7)):
        customer.refresh_from_db()
        assert customer.last_seen_at == seen and customer.mrr == mrr
