"""Serializer bases: unknown fields refused, related objects limited to the current tenant."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers

from flywheel.core import fields
from flywheel.core.representation import CompiledRepresentationMixin
from flywheel.core.tenancy import TenantOwnedModel, TenantScopeError, get_current_tenant


class StrictFieldsMixin:
    """Refuse a body that names fields the serializer does not have (400 `unknown_field`)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = set(self.fields)
            unknown = sorted(str(key) for key in data if key not in known)
            if unknown:
                raise serializers.ValidationError(
                    {key: ["Unknown field."] for key in unknown}, code="unknown_field"
                )
        return super().to_internal_value(data)


class TenantPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id that must name an object of the current tenant; others do not exist (400).

    The queryset is rebuilt from the model's scoped manager at validation time, so a field
    declared at import time can never see another tenant's rows.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        model = queryset.model
        if issubclass(model, TenantOwnedModel):
            if get_current_tenant() is None:
                raise TenantScopeError(f"{model.__name__} related field used with no tenant.")
            return model.objects.all()
        return queryset


class Serializer(StrictFieldsMixin, CompiledRepresentationMixin, serializers.Serializer):
    """Base for plain serializers of the API."""


class TenantUniqueValidator:
    """A per-tenant unique constraint checked before writing (400 on the constraint's fields).

    Built from the model's `UniqueConstraint`s that lead with `tenant` (with their condition),
    so a duplicate is a validation error naming the field, not an IntegrityError; a
    concurrent duplicate still meets the constraint and is answered 409 (core.errors).
    """

    requires_context = True

    def __init__(self, constraint: models.UniqueConstraint):
        self.constraint = constraint
        self.fields = [name for name in constraint.fields if name != "tenant"]

    def __call__(self, attrs, serializer):
        instance = serializer.instance
        values = {}
        for name in self.fields:
            source = serializer.fields[name].source
            if source in attrs:
                values[source] = attrs[source]
            elif instance is not None:
                values[source] = getattr(instance, source)
            else:
                return  # a default the database fills; nothing to compare yet
        if any(value is None for value in values.values()):
            return
        queryset = serializer.Meta.model.objects.filter(**values)
        if self.constraint.condition is not None:
            queryset = queryset.filter(self.constraint.condition)
        if instance is not None:
            queryset = queryset.exclude(pk=instance.pk)
        if queryset.exists():
            message = f"Another record has this {' and '.join(self.fields)}."
            raise serializers.ValidationError({self.fields[-1]: [message]}, code="unique")


class WholeValueSerializer(Serializer):
    """A nested value that is always written whole: its required fields stay required even
    inside a PATCH (DRF would make them optional there and hand on a partial item)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            missing = [
                name
                for name, field in self.fields.items()
                if field.required and not field.read_only and name not in data
            ]
            if missing:
                raise serializers.ValidationError(
                    {name: ["This field is required."] for name in missing}, code="required"
                )
        return super().to_internal_value(data)


def _is_value_uniqueness(constraint) -> bool:
    """A unique constraint on values (optionally ignoring nulls), not on a state such as
    "one open request per kind": breaking a state rule is the service's 409, not a 400."""
    if not isinstance(constraint, models.UniqueConstraint) or not constraint.fields:
        return False
    condition = constraint.condition
    if condition is None:
        return True
    return not condition.negated and all(
        isinstance(child, tuple)
        and child[0].endswith("__isnull")
        and child[0].removesuffix("__isnull") in constraint.fields
        and child[1] is False
        for child in condition.children
    )


class ModelSerializer(StrictFieldsMixin, CompiledRepresentationMixin, serializers.ModelSerializer):
    """Base for model serializers: strict fields, tenant-scoped relations, bounded times and
    JSON, and the model's per-tenant unique constraints checked as validation."""

    serializer_related_field = TenantPrimaryKeyRelatedField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: fields.DateTimeField,
        models.DateField: fields.DateField,
        models.JSONField: fields.SizedJSONField,
        models.URLField: fields.WebURLField,
    }

    def get_validators(self):
        validators = list(super().get_validators())
        model = self.Meta.model
        if hasattr(self.Meta, "validators") or not issubclass(model, TenantOwnedModel):
            return validators
        writable = {name for name, field in self.fields.items() if not field.read_only}
        for constraint in model._meta.constraints:
            if not _is_value_uniqueness(constraint):
                continue
            others = [name for name in constraint.fields if name != "tenant"]
            if others and "tenant" in constraint.fields and set(others) <= writable:
                validators.append(TenantUniqueValidator(constraint))
        return validators


class ProblemErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """The problem+json error body (documentation only)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = ProblemErrorSerializer(many=True, required=False)
