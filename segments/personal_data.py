"""Personal data segments holds about a customer: its health history and alerts."""

from flywheel.core.personal_data import fields, section
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


fields("segments.ScoringModel", none=("name", "criteria"))
fields("segments.MarketSegment", none=("name", "description", "ratings"))
fields("segments.MarketSizing", none=("name", "groups", "targeted_groups", "market_shares"))
fields("segments.HealthModel", none=("weights", "key_features"))
fields("segments.HealthSummary", none=("by_channel",))
fields("segments.HealthChange", none=("from_band", "to_band"))
fields("segments.HealthAlert", none=("kind",))
fields("segments.CustomerSegment", none=("name", "description", "filters"))
