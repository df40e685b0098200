"""Serializer bases: unknown fields refused, related objects limited to the current tenant."""

from __future__ import annotations

from rest_framework import serializers

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


class Serializer(StrictFieldsMixin, serializers.Serializer):
    """Base for plain serializers of the API."""


class ModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """Base for model serializers: strict fields and tenant-scoped relations."""

    serializer_related_field = TenantPrimaryKeyRelatedField


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
