"""The domain events segments emits (catalogue: flywheel.core.catalogue)."""

from rest_framework import serializers as f

from customers.models import HealthBand
from flywheel.core.catalogue import event_type

event_type(
    "customer.health_changed",
    "A customer's health band changed (a first band is not a change).",
    customer_id=f.IntegerField(),
    **{
        "from": f.ChoiceField(choices=HealthBand.choices),
        "to": f.ChoiceField(choices=HealthBand.choices),
    },
    score=f.CharField(),
    components=f.DictField(child=f.FloatField()),
)
event_type(
    "customer.health_alert",
    "A health alert started for a customer (also at its first scoring: `first_scoring`).",
    customer_id=f.IntegerField(),
    alert=f.ChoiceField(choices=["risk_alert", "education", "escalation", "retention_campaign"]),
    band=f.ChoiceField(choices=HealthBand.choices),
    score=f.CharField(),
    components=f.DictField(child=f.FloatField()),
    first_scoring=f.BooleanField(),
)
