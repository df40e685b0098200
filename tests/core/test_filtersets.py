"""The FilterSet base: one form class per filter set class, and each request's filters bound
to its own filter set (shallow copies), never to another request's."""

import pytest
from django.http import QueryDict

from customers.filters import CustomerFilterSet
from customers.models import Customer
from flywheel.core.tenancy import tenant_scope
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_form_class_is_built_once_per_filter_set_class():
    first = CustomerFilterSet(data=QueryDict("stage=lead"))
    second = CustomerFilterSet(data=QueryDict("stage=customer"))
    assert first.get_form_class() is second.get_form_class()
    assert first.form is not second.form
    assert first.is_valid() and second.is_valid()
    assert first.form.cleaned_data["stage"] == ["lead"]
    assert second.form.cleaned_data["stage"] == ["customer"]


def test_each_filter_set_has_its_own_filters_bound_to_it():
    first, second = CustomerFilterSet(), CustomerFilterSet()
    for name, declared in CustomerFilterSet.base_filters.items():
        assert first.filters[name] is not declared
        assert first.filters[name] is not second.filters[name]
        assert first.filters[name].parent is first and second.filters[name].parent is second
    # a method filter calls its own filter set's method
    assert first.filters["phase"].filter.f is first.filters["phase"]
    assert first.filters["phase"].filter.method.__self__ is first


def test_method_filters_filter(tenant):
    lead = CustomerFactory(tenant=tenant, stage="lead", tags=["vip", "eu"])
    CustomerFactory(tenant=tenant, stage="customer", tags=["vip"])
    with tenant_scope(tenant):
        rows = CustomerFilterSet(
            data=QueryDict("phase=attract&tags=vip,eu"), queryset=Customer.objects.all()
        )
        assert rows.is_valid(), rows.errors
        assert list(rows.qs) == [lead]
        bad = CustomerFilterSet(data=QueryDict("phase=nowhere"), queryset=Customer.objects.all())
        assert not bad.is_valid() and "phase" in bad.errors


def test_building_the_form_leaves_the_declared_filters_as_they_were():
    """The schema describes a parameter by its declared filter's label: a request must not
    change what /api/schema/ says."""

    class Fresh(CustomerFilterSet):
        pass

    before = {name: f.label for name, f in Fresh.base_filters.items()}
    Fresh(data=QueryDict("stage=lead")).is_valid()
    assert {name: f.label for name, f in Fresh.base_filters.items()} == before
    assert Fresh.base_filters["stage"].label is None
