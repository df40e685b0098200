"""Personal data segments holds about a customer: its health history and alerts."""

from flywheel.core.personal_data import section
from segments.models import HealthAlert, HealthChange


@section("health_changes")
def health_changes(customer) -> list[dict]:
    return list(
        HealthChange.objects.filter(customer=customer)
        .order_by("changed_at", "pk")
        .values("from_band", "to_band", "score", "changed_at")
    )


@section("health_alerts")
def health_alerts(customer) -> list[dict]:
    return list(
        HealthAlert.objects.filter(customer=customer)
        .order_by("started_at", "pk")
        .values("kind", "started_at", "ended_at")
    )
