"""The domain events customers emits (catalogue: flywheel.core.catalogue)."""

from rest_framework import serializers as f

from customers.lifecycle import Stage
from customers.models import EventKind
from flywheel.core.catalogue import event_type

STAGE = f.ChoiceField(choices=Stage.choices)

event_type(
    "customer.created",
    "A customer was created (a lead unless imported at a later stage).",
    customer_id=f.IntegerField(),
    external_id=f.CharField(allow_null=True),
    stage=STAGE,
)
event_type(
    "customer.stage_changed",
    "A customer moved from one stage to another.",
    customer_id=f.IntegerField(),
    **{"from": f.CharField(allow_blank=True), "to": STAGE},
    at=f.DateTimeField(),
)
event_type(
    "customer.deleted",
    "A customer was deleted with its history and events.",
    customer_id=f.IntegerField(),
    external_id=f.CharField(allow_null=True),
)
event_type(
    "customer.referred",
    "A customer came through a referral: channel `referral`, `referred_by` the referrer.",
    customer_id=f.IntegerField(),
    referred_by=f.IntegerField(),
)
event_type(
    "customer.unsubscribed",
    "A customer unsubscribed from emails (webhooks still go).",
    customer_id=f.IntegerField(),
)
event_type(
    "events.ingested",
    "Activity events were stored (one domain event per request or batch).",
    event_ids=f.ListField(child=f.IntegerField()),
    customer_ids=f.ListField(child=f.IntegerField()),
    kinds=f.DictField(child=f.IntegerField()),
    events=f.ListField(
        child=f.DictField(), help_text="id, customer_id, kind, occurred_at, value, properties"
    ),
)
EVENT_KINDS = EventKind  # documented in the events API
