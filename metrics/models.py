"""KPI snapshots, acquisition spend, alert thresholds and alerts, recompute jobs."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from flywheel.core.jobs import JobStatus
from flywheel.core.tenancy import TenantOwnedModel
from flywheel.core.validators import NON_NEGATIVE


class Granularity(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


class KpiSnapshot(TenantOwnedModel):
    """Every KPI of one tenant for one period `[period_start, period_end)` (local dates).

    `starts_at`/`ends_at` are the period's instants; `as_of` is the instant the values run to
    (`ends_at` once the period is closed, the computation time while it is open).
    """

    granularity = models.CharField(max_length=10, choices=Granularity.choices)
    period_start = models.DateField()
    period_end = models.DateField(help_text="Exclusive.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    as_of = models.DateTimeField()
    complete = models.BooleanField(default=False, help_text="The period had ended.")
    values = models.JSONField(default=dict)
    inputs = models.JSONField(default=dict, help_text="The counts and sums behind the values.")
    channel_inputs = models.JSONField(
        null=True,
        blank=True,
        help_text="The stage, payment and MRR sums per acquisition channel (they add up to "
        "`inputs`); cohorts by channel are served from them. Null: computed before they were kept.",
    )
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "granularity", "period_start"], name="kpisnapshot_one_per_period"
            ),
        ]
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return f"{self.granularity} {self.period_start}"


class AcquisitionSpend(TenantOwnedModel):
    """Money spent on acquisition over the local days `[period_start, period_end]`.

    A snapshot takes the share of each record that overlaps its period, by days.
    """

    period_start = models.DateField()
    period_end = models.DateField(help_text="Inclusive.")
    channel = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[NON_NEGATIVE])
    note = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["tenant", "period_start"], name="spend_tenant_start")]

    def __str__(self) -> str:
        return f"{self.channel} {self.period_start}..{self.period_end}: {self.amount}"


class ThresholdMode(models.TextChoices):
    RELATIVE = "relative", "Relative change in percent"
    ABSOLUTE = "absolute", "Absolute change in the KPI's unit"


class KpiThreshold(TenantOwnedModel):
    """Alert when `kpi` moves the bad way by more than `threshold` against the last period.

    A relative threshold (percent of the previous value) cannot judge a move from 0 or from
    unknown; `absolute_threshold` is the move in the KPI's unit that applies then."""

    kpi = models.CharField(max_length=40)
    mode = models.CharField(max_length=10, choices=ThresholdMode.choices)
    threshold = models.DecimalField(max_digits=12, decimal_places=4)
    absolute_threshold = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="For a relative threshold: the absolute move that applies when the previous "
        "value is 0 or null.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kpi"], name="kpithreshold_one_per_kpi"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.mode} {self.threshold}"


class KpiAlert(TenantOwnedModel):
    """A KPI that deteriorated beyond its threshold in a closed period (once per period)."""

    kpi = models.CharField(max_length=40)
    granularity = models.CharField(max_length=10, choices=Granularity.choices)
    period_start = models.DateField()
    previous_value = models.FloatField(null=True, blank=True)
    value = models.FloatField()
    change = models.FloatField(
        null=True, blank=True, help_text="value - previous_value (signed; null without previous)."
    )
    relative_change = models.FloatField(
        null=True,
        blank=True,
        help_text="change / |previous_value| in percent (null when the previous is 0 or null).",
    )
    mode = models.CharField(
        max_length=10, choices=ThresholdMode.choices, help_text="Which threshold was crossed."
    )
    threshold = models.DecimalField(max_digits=12, decimal_places=4)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kpi", "granularity", "period_start"], name="kpialert_once"
            ),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kpi} {self.granularity} {self.period_start}"


class KpiJob(TenantOwnedModel):
    """A recompute of a range of periods, queued from the API; polled by its id."""

    granularity = models.CharField(max_length=10, choices=Granularity.choices)
    since = models.DateField()
    until = models.DateField()
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    requested_by = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"job {self.pk} {self.granularity} {self.since}..{self.until}"
