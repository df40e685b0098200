"""The domain events accounts emits (catalogue: flywheel.core.catalogue)."""

from rest_framework import serializers as f

from flywheel.core.catalogue import event_type

event_type(
    "tenant.created",
    "A tenant was created.",
    tenant_id=f.IntegerField(),
    slug=f.CharField(),
)
