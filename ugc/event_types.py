"""The domain events UGC emits (catalogue: flywheel.core.catalogue)."""

from rest_framework import serializers as f

from flywheel.core.catalogue import event_type
from ugc.models import UGCKind, UGCStatus, UGCTrigger

REQUEST = {
    "ugc_request_id": f.IntegerField(),
    "customer_id": f.IntegerField(),
    "kind": f.ChoiceField(choices=UGCKind.choices),
    "trigger": f.ChoiceField(choices=UGCTrigger.choices),
    "status": f.ChoiceField(choices=UGCStatus.choices),
    "public_url": f.URLField(),
    "due_at": f.DateTimeField(),
}
for _name, _meaning in (
    ("created", "A customer was asked for content (a rule fired, or by hand)."),
    ("reminded", "The customer was reminded of an open request."),
    ("submitted", "The customer answered with content."),
    ("declined", "The customer declined."),
    ("approved", "The content was approved (the customer is invited to refer)."),
    ("rejected", "The content was rejected."),
    ("published", "The content was published (the customer consented)."),
    ("expired", "The request ran out of time unanswered."),
):
    event_type(f"ugc_request.{_name}", _meaning, **REQUEST)
