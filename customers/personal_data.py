"""Personal data customers holds about a customer: the record, its history, its events."""

from django.utils import timezone

from customers.models import Customer, CustomerHealth, Event, StageChange
from flywheel.core.personal_data import eraser, fields, markers, scrub, section

CUSTOMER_FIELDS = (
    "id",
    "external_id",
    "email",
    "name",
    "stage",
    "acquisition_channel",
    "created_at",
    "became_customer_at",
    "churned_at",
    "mrr",
    "nps_score",
    "last_seen_at",
    "signup_ip_hash",
    "signup_user_agent",
    "email_opt_out_at",
    "erased_at",
    "attributes",
    "tags",
)


@section("customer")
def customer_record(customer) -> list[dict]:
    return [{field: getattr(customer, field) for field in CUSTOMER_FIELDS}]


@section("stage_changes")
def stage_changes(customer) -> list[dict]:
    return list(
        StageChange.objects.filter(customer=customer)
        .order_by("changed_at", "pk")
        .values("from_stage", "to_stage", "changed_at")
    )


@section("events")
def events(customer) -> list[dict]:
    return list(
        Event.objects.filter(customer=customer)
        .order_by("occurred_at", "pk")
        .values("sender_id", "kind", "occurred_at", "value", "properties", "received_at")
    )


@section("health")
def health(customer) -> list[dict]:
    return list(
        CustomerHealth.objects.filter(customer=customer).values(
            "score", "band", "components", "alerts", "computed_at"
        )
    )


# Event properties the rules and KPIs read (customers.event_rules, health, rewards); every
# other property is the sender's free text and goes with the person.
STRUCTURAL_PROPERTIES = frozenset(
    {"status", "feature", "csat", "refunded", "name", "action", "plan", "currency"}
)


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    return []


@markers("customers")
def customer_markers(customer) -> list[str]:
    free_text = [
        text
        for properties in Event.objects.filter(customer=customer).values_list(
            "properties", flat=True
        )
        for key, value in properties.items()
        if key not in STRUCTURAL_PROPERTIES
        for text in _texts(value)
    ]
    return [
        customer.email,
        customer.name,
        customer.external_id or "",
        customer.signup_ip_hash,
        customer.signup_user_agent,
        *_texts(customer.attributes),
        *free_text,
        *_former_values(customer),
    ]


PERSONAL_FIELDS = ("email", "name", "external_id", "attributes", "signup_user_agent")


def _former_values(customer) -> list[str]:
    """Earlier emails, names and ids, as the audit trail recorded their changes."""
    from auditlog.models import LogEntry

    entries = LogEntry.objects.get_for_object(customer).values_list("changes", flat=True)
    return [
        text
        for changes in entries
        if isinstance(changes, dict)
        for field in PERSONAL_FIELDS
        for value in changes.get(field, [])
        if value not in (None, "None")
        for text in _texts(value)
    ]


@eraser("customers")
def erase_customer(customer, markers: list[str]) -> int:
    changed = 0
    for event in Event.objects.filter(customer=customer).only("pk", "properties", "sender_id"):
        kept = {k: v for k, v in event.properties.items() if k in STRUCTURAL_PROPERTIES}
        updates = {"properties": scrub(kept, markers)}
        if scrub(event.sender_id, markers) != event.sender_id:
            updates["sender_id"] = f"erased:{event.pk}"  # still unique in the tenant
        if updates["properties"] != event.properties or "sender_id" in updates:
            changed += Event.objects.filter(pk=event.pk).update(**updates)
    changed += Customer.objects.filter(pk=customer.pk).update(
        email="",
        name="",
        external_id=None,
        attributes={},
        tags=[],
        signup_ip_hash="",
        signup_user_agent="",
        erased_at=timezone.now(),
    )
    return changed


fields(
    "customers.Customer",
    customer=(
        "external_id",
        "email",
        "name",
        "signup_ip_hash",
        "signup_user_agent",
        "attributes",
        "tags",
    ),
    none=("stage", "acquisition_channel"),
)
fields("customers.Event", customer=("properties", "sender_id"), none=("kind",))
fields("customers.CustomerHealth", none=("band", "components", "alerts"))
fields("customers.StageChange", none=("from_stage", "to_stage"))
fields("customers.CustomerErasure", member=("requested_by",), none=("status", "counts", "error"))
