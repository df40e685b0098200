"""Market segment scoring, beachhead sizing, the health model and its history, saved segments."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone

from flywheel.core.tenancy import TenantOwnedModel
from flywheel.core.validators import NON_NEGATIVE


class ScoringModel(TenantOwnedModel):
    """Criteria `[{key, label, weight}]` (weights in percent, summing to exactly 100), 1..5."""

    name = models.CharField(max_length=200)
    criteria = models.JSONField()
    scale_min = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=5)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    @property
    def weights(self) -> dict[str, Decimal]:
        return {c["key"]: Decimal(str(c["weight"])) for c in self.criteria}


class MarketSegment(TenantOwnedModel):
    """A market segment rated 1..5 on every criterion of its scoring model."""

    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="segments")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    ratings = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "model", "name"], name="segment_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class MarketSizing(TenantOwnedModel):
    """A saved beachhead sizing: its inputs (the table is computed from them)."""

    name = models.CharField(max_length=200)
    market_customers = models.PositiveIntegerField()
    average_arr = models.DecimalField(max_digits=14, decimal_places=2, validators=[NON_NEGATIVE])
    groups = models.JSONField(help_text="[[key, percent], ...]; Rogers' five by default.")
    targeted_groups = models.JSONField()
    market_shares = models.JSONField(help_text="Percents, e.g. [25, 50, 70].")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class HealthModel(TenantOwnedModel):
    """How a tenant scores customer health (one per tenant; DOMAIN's defaults)."""

    weights = models.JSONField(default=dict)
    key_features = models.JSONField(default=list, blank=True)
    target_logins_per_week = models.DecimalField(max_digits=6, decimal_places=2, default=5)
    ticket_threshold = models.PositiveIntegerField(default=3)
    green_threshold = models.DecimalField(max_digits=4, decimal_places=1, default=70)
    yellow_threshold = models.DecimalField(max_digits=4, decimal_places=1, default=40)
    first_scoring_alerts = models.BooleanField(
        default=True,
        help_text="Emit `customer.health_alert` for alerts found at a customer's first scoring "
        "(switch off while importing history).",
    )
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="healthmodel_one")]

    def __str__(self) -> str:
        return f"health model of {self.tenant_id}"


class HealthSummary(TenantOwnedModel):
    """A tenant's health on one day, as each full recompute left it (the day's last one wins):
    the average over customers active then, and the band counts; KPIs of past periods read
    the one at their end ("as it stood then")."""

    day = models.DateField()
    computed_at = models.DateTimeField()
    customers = models.PositiveIntegerField(help_text="Active customers with a score.")
    score_sum = models.DecimalField(max_digits=14, decimal_places=1)
    green = models.PositiveIntegerField(default=0)
    yellow = models.PositiveIntegerField(default=0)
    red = models.PositiveIntegerField(default=0)
    by_channel = models.JSONField(
        default=dict, help_text="acquisition channel -> [score sum, customers] (for cohorts)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "day"], name="healthsummary_one_per_day")
        ]
        indexes = [models.Index(fields=["tenant", "computed_at"], name="healthsummary_tenant_time")]

    def __str__(self) -> str:
        return f"health of {self.tenant_id} on {self.day}"

    @property
    def average(self):
        return None if not self.customers else self.score_sum / self.customers


class HealthChange(TenantOwnedModel):
    """A customer's band changed from one band to another (the first band is not a change:
    `CustomerHealth.band_since` tells since when a customer has been in its band)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="health_changes"
    )
    from_band = models.CharField(max_length=10, blank=True, default="")
    to_band = models.CharField(max_length=10)
    score = models.DecimalField(max_digits=4, decimal_places=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "customer", "changed_at"], name="healthchange_customer")
        ]


class HealthAlert(TenantOwnedModel):
    """An alert that started for a customer (`risk_alert`, `education`, `escalation`,
    `retention_campaign`); `ended_at` is set when it no longer applies."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="health_alert_records"
    )
    kind = models.CharField(max_length=24)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "customer", "kind"], name="healthalert_open"),
            # The support overview counts a tenant's open alerts by kind (index-only).
            models.Index(
                fields=["tenant", "kind"],
                condition=models.Q(ended_at__isnull=True),
                name="healthalert_open_kind",
            ),
        ]


class CustomerSegment(TenantOwnedModel):
    """A named, saved filter over customers (the customers list's filter set)."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    filters = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="customersegment_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
