"""The tenant scope fails closed: no tenant in scope, no rows; a view cannot unscope itself."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import mixins

from accounts.models import Membership
from accounts.tenant_api import TenantViewSet
from flywheel.core.tenancy import TenantScopeError, get_current_tenant, tenant_scope
from tests.accounts.factories import MembershipFactory, TenantFactory


@pytest.mark.django_db
def test_scoped_manager_raises_when_no_tenant_is_in_scope():
    # given
    MembershipFactory()
    # when / then
    with pytest.raises(TenantScopeError):
        list(Membership.objects.all())
    with pytest.raises(TenantScopeError):
        Membership.objects.count()
    with pytest.raises(TenantScopeError):
        Membership.objects.filter(role="owner").update(role="viewer")
    with pytest.raises(TenantScopeError):
        Membership.objects.all().delete()


@pytest.mark.django_db
def test_unscoped_queryset_used_as_subquery_matches_nothing():
    # given
    membership = MembershipFactory()
    # when
    inner = Membership.objects.values("pk")  # built with no tenant in scope
    with tenant_scope(membership.tenant):
        found = list(Membership.objects.filter(pk__in=inner))
    # then
    assert found == []


@pytest.mark.django_db
def test_scoped_manager_returns_only_the_tenant_in_scope():
    # given
    mine, theirs = MembershipFactory(), MembershipFactory()
    # when
    with tenant_scope(mine.tenant):
        rows = list(Membership.objects.all())
    # then
    assert rows == [mine]
    assert theirs.tenant_id != mine.tenant_id
    assert get_current_tenant() is None


@pytest.mark.django_db
def test_queryset_built_outside_a_scope_stays_refused_inside_one():
    # given: a class-level queryset, as a careless serializer field would declare it
    membership = MembershipFactory()
    early = Membership.objects.all()
    # when / then
    with tenant_scope(membership.tenant), pytest.raises(TenantScopeError):
        list(early.all())


@pytest.mark.django_db
def test_saving_a_tenant_owned_row_takes_the_tenant_in_scope():
    # given
    tenant = TenantFactory()
    user = MembershipFactory().user
    # when
    with tenant_scope(tenant):
        membership = Membership(user=user, role="viewer")
        membership.save()
    # then
    assert membership.tenant_id == tenant.pk


@pytest.mark.django_db
def test_saving_with_no_tenant_and_no_scope_is_refused():
    with pytest.raises(TenantScopeError):
        Membership(user=MembershipFactory().user, role="viewer").save()


def test_a_viewset_overriding_get_queryset_is_refused_at_class_creation():
    with pytest.raises(ImproperlyConfigured):

        class Sneaky(mixins.ListModelMixin, TenantViewSet):
            model = Membership

            def get_queryset(self):
                return Membership.all_tenants.all()


def test_every_tenant_owned_model_uses_the_rows_base_manager_which_does_not_cross_tenants():
    from django.apps import apps

    from flywheel.core.tenancy import TenantOwnedModel

    models = [m for m in apps.get_models() if issubclass(m, TenantOwnedModel)]
    assert models
    for model in models:
        assert model._base_manager.name == "rows", model
        assert model._default_manager.name == "objects", model
        assert not getattr(model._base_manager.get_queryset(), "_crosses", False), model
        assert model.all_tenants.get_queryset()._crosses, model


@pytest.mark.django_db
def test_saving_and_following_relations_work_outside_a_scope():
    from tests.accounts.factories import ApiKeyFactory
    from tests.customers.factories import EventFactory

    # given
    api_key = ApiKeyFactory()
    event = EventFactory()
    # when
    api_key.name = "renamed"
    api_key.save(update_fields=["name"])
    fetched = type(event).all_tenants.get(pk=event.pk)
    # then
    assert type(api_key).all_tenants.get(pk=api_key.pk).name == "renamed"
    assert fetched.customer.pk == event.customer_id


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_tenant_table_orders_its_rows_by_an_index_that_leads_with_the_tenant():
    # a tenant's page by id (every list's default order and cursor) reads that tenant's rows
    # only, in order; a plain single-column tenant index is gone (the pair serves the key too)
    from django.db import connection

    from flywheel.core.rowsecurity import tenant_tables

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, array_agg(indexdef) FROM pg_indexes "
            "WHERE schemaname = current_schema() GROUP BY tablename"
        )
        indexes = dict(cursor.fetchall())
    for model in tenant_tables():
        table = model._meta.db_table
        defs = [d.split(" USING btree ", 1)[1] for d in indexes[table]]
        plain = [d.split(" USING btree ", 1)[1] for d in indexes[table] if "UNIQUE" not in d]
        assert "(tenant_id)" not in plain, (table, defs)
        assert any(d.startswith("(tenant_id") for d in defs), (table, defs)
        if model._meta.pk.name == "id":
            assert "(tenant_id, ((id)::double precision))" in defs, (table, defs)
        else:
            assert f"(tenant_id, {model._meta.pk.column})" in defs, (table, defs)
