"""The registry of personal data covers every text, JSON and address field of every model,
once, and the fields it calls a customer's are the ones the erasure clears or scrubs."""

from django.apps import apps
from django.db import models

from flywheel.core import personal_data

APPS = ("core", "accounts", "customers", "referrals", "ugc", "segments", "metrics", "webhooks")
TEXT = (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField)


def text_fields() -> dict[str, set[str]]:
    found = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            names = {f.name for f in model._meta.concrete_fields if isinstance(f, TEXT)}
            if names:
                found[f"{label}.{model.__name__}"] = names
    return found


def test_every_text_json_or_address_field_is_classified_once():
    registry = personal_data.classified()
    unclassified = {
        f"{model}.{name}"
        for model, names in text_fields().items()
        for name in names
        if name not in registry.get(model, {})
    }
    assert not unclassified, f"classify these in <app>/personal_data.py: {sorted(unclassified)}"
    stale = {
        f"{model}.{name}"
        for model, table in registry.items()
        for name in table
        if name not in text_fields().get(model, set())
    }
    assert not stale, f"classified but no such text field: {sorted(stale)}"


def test_the_customers_own_fields_are_the_ones_an_export_can_show():
    registry = personal_data.classified()
    customer_fields = {
        name for name, kind in registry["customers.Customer"].items() if kind == "customer"
    }
    assert customer_fields == {
        "external_id",
        "email",
        "name",
        "signup_ip_hash",
        "signup_user_agent",
        "attributes",
        "tags",
    }
    assert registry["webhooks.SentEmail"]["to_address"] == personal_data.CUSTOMER
    assert registry["core.DomainEvent"]["payload"] == personal_data.COPIES


def test_a_field_classified_twice_is_refused():
    import pytest

    try:
        with pytest.raises(ValueError):
            personal_data.fields("tests.Probe", none=("a",), customer=("a",))
    finally:
        personal_data._fields.pop("tests.Probe", None)
