"""The shape of each item of `customers/bulk/`, checked one by one (no database)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError

from customers.api.serializers import CustomerBulkItemSerializer
from flywheel.core.errors import flatten_errors


def validate_items(items: list[Any], tenant) -> tuple[list[tuple[int, dict]], dict[int, tuple]]:
    """(valid `(index, fields)`, rejected `index -> (external id as sent, errors)`)."""
    valid: list[tuple[int, dict]] = []
    rejected: dict[int, tuple] = {}
    for index, raw in enumerate(items):
        external_id = raw.get("external_id") if isinstance(raw, dict) else None
        if not isinstance(external_id, str):
            external_id = None  # echoed back only as sent text
        serializer = CustomerBulkItemSerializer(data=raw, context={"tenant": tenant})
        if serializer.is_valid():
            valid.append((index, dict(serializer.validated_data)))
        else:
            details = ValidationError(serializer.errors).get_full_details()
            rejected[index] = (external_id, flatten_errors(details))
    return valid, rejected
