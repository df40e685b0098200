"""The domain events metrics emits (catalogue: flywheel.core.catalogue)."""

from rest_framework import serializers as f

from flywheel.core.catalogue import event_type

event_type(
    "kpi.alert",
    "A closed period's KPI moved the bad way beyond the tenant's threshold.",
    alert_id=f.IntegerField(),
    kpi=f.CharField(),
    granularity=f.CharField(),
    period_start=f.DateField(),
    previous_value=f.FloatField(allow_null=True),
    value=f.FloatField(),
    change=f.FloatField(allow_null=True, help_text="value - previous_value"),
    relative_change=f.FloatField(allow_null=True, help_text="percent"),
    mode=f.ChoiceField(choices=["relative", "absolute"]),
    threshold=f.CharField(),
)
