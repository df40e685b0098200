"""The database's tenant floor (flywheel.core.rowsecurity): row-level security under every
tenant table, as the application's role, whatever SQL the application sends.

The suite connects as the owner and runs as `tests.app_role.ROLE` (neither owner, superuser
nor BYPASSRLS); `app_role.as_owner()` shows what the tables hold without the floor."""

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.test import Client

from customers.models import Customer
from flywheel.core import rowsecurity
from flywheel.core.sql import bulk_load, bulk_upsert
from flywheel.core.tenancy import cross_tenant, tenant_scope, unscoped
from referrals.models import Click
from tests import app_role
from tests.accounts.factories import TenantFactory
from tests.customers.factories import CustomerFactory
from tests.isolation import FACTORIES
from tests.referrals.factories import ReferralLinkFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# Tables with a tenant column that are not one tenant's data, and why.
NOT_TENANT_DATA = {
    "core_staffaction": "the support staff's trail across tenants (admin only)",
}


def _tables() -> list[str]:
    return sorted(model._meta.db_table for model in rowsecurity.tenant_tables())


def _raw(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _tenant_ids(table: str) -> set:
    return {row[0] for row in _raw(f'SELECT DISTINCT tenant_id FROM "{table}"')}


@pytest.fixture
def two_tenants():
    """Tenants A and B with one object of every registered model (and what it needs) each."""
    tenant_a, tenant_b = TenantFactory(), TenantFactory()
    for factory in FACTORIES.values():
        factory(tenant_a)
        factory(tenant_b)
    return tenant_a, tenant_b


def test_the_suite_runs_as_a_role_the_floor_holds():
    assert app_role.active()
    assert _raw("SELECT current_user")[0][0] == app_role.ROLE
    assert rowsecurity.role_problems(connection) == []
    with app_role.as_owner():
        assert rowsecurity.role_problems(connection) != []  # the owner would pass the floor


def test_every_tenant_table_has_its_forced_policy():
    # the catalogue: every table with a tenant column is a tenant table or named above
    with_tenant_column = {
        row[0]
        for row in _raw(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'tenant_id'"
        )
    }
    assert with_tenant_column - set(NOT_TENANT_DATA) == set(_tables())
    assert len(_tables()) >= 33
    assert rowsecurity.unprotected_tables(connection) == []
    policies = _raw(
        "SELECT tablename, cmd, qual, with_check FROM pg_policies "
        "WHERE schemaname = current_schema() AND policyname = %s",
        [rowsecurity.POLICY],
    )
    assert sorted(row[0] for row in policies) == _tables()
    for table, command, qual, check in policies:
        assert command == "ALL", table
        assert "flywheel_tenant()" in qual and qual == check, table


def test_a_table_without_the_policy_is_found_and_the_next_migrate_puts_it_back():
    table = Customer._meta.db_table
    with app_role.as_owner():
        _raw(f'DROP POLICY {rowsecurity.POLICY} ON "{table}"')
        assert rowsecurity.unprotected_tables(connection) == [table]
        assert rowsecurity.install(connection) == [table]
        assert rowsecurity.unprotected_tables(connection) == []


def test_a_raw_query_without_a_tenant_filter_sees_only_the_tenant_in_scope(two_tenants):
    tenant_a, tenant_b = two_tenants
    with app_role.as_owner():  # what the tables hold: both tenants in most of them
        both = [t for t in _tables() if {tenant_a.pk, tenant_b.pk} <= _tenant_ids(t)]
    assert len(both) >= 20, both
    with tenant_scope(tenant_a):
        for table in both:
            assert _tenant_ids(table) == {tenant_a.pk}, table
    with tenant_scope(tenant_b):
        for table in both:
            assert _tenant_ids(table) == {tenant_b.pk}, table
    with unscoped():  # no tenant, no cross-tenant mark: nothing at all
        for table in both:
            assert _tenant_ids(table) == set(), table
    with cross_tenant():  # the explicit path sees both
        for table in both:
            assert {tenant_a.pk, tenant_b.pk} <= _tenant_ids(table), table


def test_writes_without_a_tenant_filter_touch_only_the_tenant_in_scope(two_tenants):
    tenant_a, tenant_b = two_tenants
    with tenant_scope(tenant_a), connection.cursor() as cursor:
        cursor.execute("UPDATE customers_customer SET name = 'touched'")
        updated = cursor.rowcount
        cursor.execute("DELETE FROM referrals_click")
    with cross_tenant():
        assert updated == Customer.all_tenants.filter(tenant=tenant_a).count()
        assert not Customer.all_tenants.filter(tenant=tenant_b, name="touched").exists()
    # and a row of another tenant cannot be written in this scope, nor moved to it
    customer_b = Customer.all_tenants.filter(tenant=tenant_b).first()
    with (
        tenant_scope(tenant_a),
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
    ):
        Customer(tenant=tenant_b, name="planted").save()  # a bug that names B's tenant
    with (
        tenant_scope(tenant_b),
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE customers_customer SET tenant_id = %s WHERE id = %s",
            [tenant_a.pk, customer_b.pk],
        )


def test_copy_paths_pass_the_floor(two_tenants):
    tenant_a, tenant_b = two_tenants
    template = CustomerFactory.build(tenant=tenant_b)
    rows = [
        {
            "tenant_id": tenant_b.pk,
            "name": f"copied {i}",
            "email": f"copied{i}@example.com",
            "external_id": f"copied-{i}",
            "stage": template.stage,
            "acquisition_channel": template.acquisition_channel,
            "created_at": template.created_at,
            "updated_at": template.created_at,
        }
        for i in range(3)
    ]
    # COPY into a tenant table: B's rows are refused in A's scope, taken in B's
    with (
        tenant_scope(tenant_a),
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
    ):
        bulk_load(Customer, rows)
    with tenant_scope(tenant_b):
        bulk_load(Customer, rows)
        assert Customer.objects.filter(name__startswith="copied").count() == 3
    # the upsert's COPY into a staging table, then INSERT ... SELECT: the same
    defaults = {
        f.attname: f.get_default() for f in Customer._meta.concrete_fields if not f.primary_key
    }
    many = [
        {**defaults, **row, "external_id": f"many-{i}", "name": "many"}
        for i, row in enumerate(rows * 700)
    ]
    with (
        tenant_scope(tenant_a),
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
    ):
        bulk_upsert(Customer, many, conflict=["id"], update=["name"])
    # COPY ... TO reads only the tenant in scope
    with (
        tenant_scope(tenant_a),
        connection.cursor() as cursor,
        rowsecurity.copy(
            cursor, "COPY (SELECT tenant_id FROM customers_customer) TO STDOUT"
        ) as out,
    ):
        copied = {int(row[0]) for row in out.rows()}
    assert copied == {tenant_a.pk}


def test_the_redirect_reads_the_code_across_tenants_and_writes_its_click_under_the_floor():
    link = ReferralLinkFactory()
    other = ReferralLinkFactory()
    response = Client().get(f"/r/{link.code}")
    assert response.status_code == 302
    with cross_tenant():
        clicks = list(Click.all_tenants.values_list("tenant_id", "link_id"))
    assert clicks == [(link.tenant_id, link.pk)]
    # the prepared statements it uses are under the floor like any other
    link_sql = "SELECT tenant_id FROM referrals_referrallink WHERE code = %s"
    with unscoped():
        assert rowsecurity.run_prepared(connection, [(link_sql, [other.code])]) == [None]
    with tenant_scope(link.tenant):
        assert rowsecurity.run_prepared(connection, [(link_sql, [other.code])]) == [None]
        (count,) = rowsecurity.run_prepared(
            connection, [("SELECT count(*) FROM referrals_click", [])]
        )
        assert count == (1,)
    with cross_tenant():
        assert rowsecurity.run_prepared(connection, [(link_sql, [other.code])]) == [
            (other.tenant_id,)
        ]


def test_the_scope_is_told_per_transaction_and_undone_with_a_savepoint(two_tenants):
    tenant_a, _ = two_tenants
    setting = "SELECT current_setting('flywheel.tenant_id', true)"
    with tenant_scope(tenant_a):
        assert _raw(setting) == [(str(tenant_a.pk),)]
    assert _raw(setting) == [("",)]  # left the scope: the open transaction is told at once
    with tenant_scope(tenant_a):
        try:
            with transaction.atomic():
                assert _raw(setting) == [(str(tenant_a.pk),)]
                raise IntegrityError("rolled back")
        except IntegrityError:
            pass
        assert _raw(setting) == [(str(tenant_a.pk),)]  # told again after the rollback


@pytest.mark.django_db(transaction=True)
def test_nothing_carries_over_to_the_next_statement_on_a_pooled_connection():
    tenant = TenantFactory()
    CustomerFactory(tenant=tenant)
    setting = "SELECT current_setting('flywheel.tenant_id', true)"
    with tenant_scope(tenant):
        assert connection.get_autocommit()
        assert _raw("SELECT count(*) FROM customers_customer") == [(1,)]
    with unscoped():
        assert _raw(setting) == [("",)]
        assert _raw("SELECT count(*) FROM customers_customer") == [(0,)]
    with tenant_scope(tenant):  # maintenance runs as it is: no prefix makes it a transaction
        _raw("VACUUM customers_customer")
        with app_role.as_owner():
            _raw("CREATE INDEX CONCURRENTLY fw_probe ON core_staffaction (id)")
            _raw("DROP INDEX CONCURRENTLY fw_probe")
