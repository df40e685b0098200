"""Every writable date and date-time field of the API is bounded to the window (issue 11, 2)."""

import importlib

from rest_framework import serializers

from flywheel.core import fields as core_fields

APPS = ("accounts", "customers", "referrals", "ugc", "segments", "metrics")


def _serializers():
    """Every serializer class defined in the apps' API modules."""
    found = set()
    for app in APPS:
        module = importlib.import_module(f"{app}.api.serializers")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, serializers.Serializer)
                and value.__module__ == module.__name__
            ):
                found.add(value)
    return found


def _writable_time_fields(serializer, path=""):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        child = getattr(field, "child", None)
        target = child if isinstance(child, serializers.BaseSerializer) else field
        if isinstance(target, serializers.BaseSerializer):
            yield from _writable_time_fields(target, f"{path}{name}.")
        elif isinstance(field, (serializers.DateTimeField, serializers.DateField)):
            yield f"{path}{name}", field


def test_writable_dates_and_times_use_the_bounded_fields(db):
    unbounded = []
    checked = 0
    for serializer_class in _serializers():
        if serializer_class.__name__.startswith("_"):
            continue  # abstract bases
        serializer = serializer_class(context={"request": None, "tenant": None})
        for name, field in _writable_time_fields(serializer):
            checked += 1
            if not isinstance(field, (core_fields.DateTimeField, core_fields.DateField)):
                unbounded.append(f"{serializer_class.__name__}.{name}")
    assert checked >= 5
    assert unbounded == []
