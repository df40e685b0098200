"""Personal data customers holds about a customer: the record, its history, its events."""

from customers.models import CustomerHealth, Event, StageChange
from flywheel.core.personal_data import section

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
