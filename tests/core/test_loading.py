"""Rows loaded without `Model.__init__` are the instances Django's own `from_db` makes.

The whole suite cross-checks every row it loads (tests/conftest.py); these cases name the
paths: a full row, a row with deferred columns, and a model while an init signal listens.
"""

import pytest
from django.db import models
from django.db.models.signals import post_init

from customers.models import Customer, CustomerHealth, Event
from flywheel.core import loading
from tests.customers.factories import CustomerFactory, EventFactory

pytestmark = pytest.mark.django_db


def django_from_db(model, attnames, values):
    return models.Model.from_db.__func__(model, "default", attnames, values)


@pytest.mark.parametrize("model", [Customer, Event, CustomerHealth])
def test_every_tenant_model_here_loads_directly(model):
    assert loading.plain_attnames(model) == tuple(f.attname for f in model._meta.concrete_fields)


def test_a_loaded_row_is_django_s_instance(tenant, monkeypatch):
    monkeypatch.setattr(loading, "CROSS_CHECK", False)  # compared by hand here
    referrer = CustomerFactory(tenant=tenant)
    CustomerFactory(tenant=tenant, referred_by=referrer, tags=["a"], attributes={"k": 1})
    EventFactory(tenant=tenant, customer=referrer)
    for model in (Customer, Event):
        attnames = [f.attname for f in model._meta.concrete_fields]
        for values in model.all_tenants.filter(tenant=tenant).values_list(*attnames):
            fast = model.from_db("default", attnames, values)
            expected = django_from_db(model, attnames, values)
            assert loading.same_instance(fast, expected)
            assert fast._state.adding is False and fast._state.db == "default"
    loaded = Customer.all_tenants.get(referred_by=referrer)
    assert loaded.referred_by == referrer  # the relation still resolves (and caches)
    assert loaded.tags == ["a"] and loaded.attributes == {"k": 1}
    loaded.name = "Renamed"
    loaded.save(update_fields=["name"])
    assert Customer.all_tenants.get(pk=loaded.pk).name == "Renamed"


def test_deferred_columns_take_django_s_path(tenant):
    customer = CustomerFactory(tenant=tenant, name="Deferred")
    row = Customer.all_tenants.only("id", "tenant_id").get(pk=customer.pk)
    assert row.get_deferred_fields() >= {"name", "email"}
    assert row.name == "Deferred"  # loaded on access, as Django does


def test_an_init_receiver_is_called_for_every_row(tenant):
    CustomerFactory(tenant=tenant)
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Customer)
    try:
        rows = list(Customer.all_tenants.filter(tenant=tenant))
    finally:
        post_init.disconnect(receiver, sender=Customer)
    assert seen == rows and rows


def test_the_cross_check_catches_a_difference(tenant, monkeypatch):
    monkeypatch.setattr(loading, "CROSS_CHECK", True)
    customer = CustomerFactory(tenant=tenant)
    attnames = [f.attname for f in Customer._meta.concrete_fields]
    values = list(Customer.all_tenants.filter(pk=customer.pk).values_list(*attnames)[0])
    monkeypatch.setattr(loading, "same_instance", lambda row, expected: False)
    with pytest.raises(AssertionError):
        Customer.from_db("default", attnames, values)
