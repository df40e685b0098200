"""The compiled representation writes what DRF writes, field by field, on the awkward cases.

The whole suite cross-checks every output (tests/conftest.py); these cases name the kinds of
fields the readers treat differently, compared against DRF's own `to_representation`.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from rest_framework import serializers

from customers.api.serializers import CustomerSerializer
from customers.models import Customer, CustomerHealth
from flywheel.core import representation
from flywheel.core.serializers import ModelSerializer
from flywheel.core.tenancy import tenant_scope
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def drf(serializer, instance) -> dict:
    return dict(serializers.Serializer.to_representation(serializer, instance))


class Awkward(ModelSerializer):
    """A column, a foreign key as id, a dotted source through a relation, the row itself, a
    method, a property, a missing attribute that may be skipped, and one with a default."""

    referrer_email = serializers.EmailField(source="referred_by.email", read_only=True)
    tenant_slug = serializers.CharField(source="tenant.slug", read_only=True)
    whole = serializers.SerializerMethodField()
    phase = serializers.CharField(read_only=True)
    missing = serializers.CharField(source="no_such_attribute", read_only=True, required=False)
    defaulted = serializers.CharField(source="no_such_either", read_only=True, default="x")

    class Meta:
        model = Customer
        fields = [
            "id",
            "email",
            "mrr",
            "referred_by",
            "referrer_email",
            "tenant_slug",
            "whole",
            "phase",
            "missing",
            "defaulted",
            "became_customer_at",
            "created_at",
            "tags",
            "attributes",
        ]

    def get_whole(self, customer) -> str:
        return f"{customer.pk}:{customer.stage}"


@pytest.fixture
def no_cross_check(monkeypatch):
    """These tests compare by hand (the cross-check would pass or fail the same way)."""
    monkeypatch.setattr(representation, "CROSS_CHECK", False)


def test_each_kind_of_field_as_drf_writes_it(tenant, no_cross_check):
    referrer = CustomerFactory(tenant=tenant, email="ref@example.com")
    referred = CustomerFactory(
        tenant=tenant,
        referred_by=referrer,
        mrr=Decimal("12.50"),
        became_customer_at=datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
        tags=["a", "b"],
        attributes={"plan": "pro", "seats": 3},
    )
    with tenant_scope(tenant):
        serializer = Awkward()
        check_awkward(serializer, referred, referrer, tenant)


def check_awkward(serializer, referred, referrer, tenant):
    for customer in (referred, referrer):  # with and without the relation (None on the way)
        written = serializer.to_representation(customer)
        assert written == drf(serializer, customer)
        assert list(written) == list(drf(serializer, customer))
    written = serializer.to_representation(referred)
    assert written["referred_by"] == referrer.pk
    assert written["referrer_email"] == "ref@example.com"
    assert written["tenant_slug"] == tenant.slug
    assert written["whole"] == f"{referred.pk}:{referred.stage}"
    assert "missing" not in written  # skipped, as DRF skips a missing optional attribute
    assert written["defaulted"] == "x"
    assert written["mrr"] == "12.50"
    assert written["became_customer_at"] == "2026-03-01T12:30:00Z"
    assert "referrer_email" not in serializer.to_representation(referrer)  # as DRF: skipped


def test_a_customer_page_as_drf_writes_it(tenant, no_cross_check):
    scored, unscored = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    CustomerHealth.objects.create(
        tenant=tenant,
        customer=scored,
        score=Decimal("71.5"),
        band="green",
        components={"usage": 80.0},
        alerts=["renewal_soon"],
        band_since=datetime(2026, 1, 2, tzinfo=UTC),
        computed_at=datetime(2026, 1, 2, tzinfo=UTC),
    )
    with tenant_scope(tenant):
        rows = list(
            Customer.objects.select_related("health").filter(pk__in=[scored.pk, unscored.pk])
        )
        page = CustomerSerializer(rows, many=True)
        assert [dict(item) for item in page.data] == [drf(page.child, row) for row in rows]
    by_id = {item["id"]: item for item in page.data}
    assert by_id[scored.pk]["health_score"] == "71.5"
    assert by_id[scored.pk]["health_band_since"] == datetime(2026, 1, 2, tzinfo=UTC)
    assert by_id[unscored.pk]["health_band"] == ""


def test_not_a_model_instance_takes_drf_path(no_cross_check):
    class Plain(serializers.Serializer):
        name = serializers.CharField()

    class Compiled(representation.CompiledRepresentationMixin, Plain):
        pass

    assert Compiled().to_representation({"name": "n"}) == {"name": "n"}


def test_a_serializer_used_for_two_models_reads_each_right(tenant, no_cross_check):
    class Either(representation.CompiledRepresentationMixin, serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()

    serializer = Either()
    customer = CustomerFactory(tenant=tenant, name="C")
    assert serializer.to_representation(customer) == {"id": customer.pk, "name": "C"}
    assert serializer.to_representation(tenant) == {"id": tenant.pk, "name": tenant.name}


def test_the_cross_check_catches_a_difference(tenant, monkeypatch):
    monkeypatch.setattr(representation, "CROSS_CHECK", True)
    customer = CustomerFactory(tenant=tenant)

    class Drifting(ModelSerializer):
        class Meta:
            model = Customer
            fields = ["id", "email"]

    serializer = Drifting()
    serializer.to_representation(customer)
    reader = serializer._readers[1][1]
    serializer._readers[1][1] = (reader[0], lambda row: "not the email")
    with pytest.raises(AssertionError):
        serializer.to_representation(customer)


def test_skipfield_from_writing_out_is_not_swallowed(tenant, no_cross_check):
    """DRF skips a field only when reading its attribute raised SkipField; raised while
    writing the value out, it propagates (and so here)."""

    class Skips(serializers.CharField):
        def to_representation(self, value):
            raise serializers.SkipField()

    class WithSkip(ModelSerializer):
        email = Skips()

        class Meta:
            model = Customer
            fields = ["id", "email"]

    customer = CustomerFactory(tenant=tenant)
    with pytest.raises(serializers.SkipField):
        serializers.Serializer.to_representation(WithSkip(), customer)
    with pytest.raises(serializers.SkipField):
        WithSkip().to_representation(customer)
