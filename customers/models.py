"""Customers of a tenant, their stage history, and the activity events about them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from customers.lifecycle import PHASE_OF_STAGE, Channel, Stage
from flywheel.core.jobs import JobStatus
from flywheel.core.tenancy import TenantOwnedModel
from flywheel.core.validators import NON_NEGATIVE


class HealthBand(models.TextChoices):
    GREEN = "green", "Green"
    YELLOW = "yellow", "Yellow"
    RED = "red", "Red"


class Customer(TenantOwnedModel):
    """A person or account of a tenant; every record starts as a lead.

    `external_id` is the tenant's own id (unique within the tenant when given). `mrr`,
    `nps_score` and `last_seen_at` are kept current from ingested events; health lives in
    `CustomerHealth` (`customer.health`), written by the segments app.
    """

    external_id = models.CharField(max_length=128, null=True, blank=True)
    email = models.EmailField(blank=True, default="")
    name = models.CharField(max_length=200, blank=True, default="")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.LEAD)
    acquisition_channel = models.CharField(
        max_length=20, choices=Channel.choices, default=Channel.OTHER
    )
    referred_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="referred"
    )
    became_customer_at = models.DateTimeField(null=True, blank=True)
    churned_at = models.DateTimeField(null=True, blank=True)
    mrr = models.DecimalField(max_digits=14, decimal_places=2, default=0, validators=[NON_NEGATIVE])
    mrr_at = models.DateTimeField(
        null=True, blank=True, help_text="When the latest `subscription` event set `mrr`."
    )
    nps_score = models.PositiveSmallIntegerField(null=True, blank=True)
    nps_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    signup_ip_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    signup_user_agent = models.CharField(max_length=512, blank=True, default="", editable=False)
    attributes = models.JSONField(default=dict, blank=True)
    tags = models.JSONField(default=list, blank=True)
    email_opt_out_at = models.DateTimeField(
        null=True, blank=True, help_text="Unsubscribed from our emails (webhooks still go)."
    )
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person's data was erased (the record stays)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=Q(external_id__isnull=False),
                name="customer_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "stage"], name="customer_tenant_stage"),
            models.Index(fields=["tenant", "created_at"], name="customer_tenant_created"),
            models.Index(fields=["tenant", "became_customer_at"], name="customer_tenant_became"),
            models.Index(fields=["tenant", "churned_at"], name="customer_tenant_churned"),
            models.Index(fields=["tenant", "email"], name="customer_tenant_email"),
            models.Index(fields=["tenant", "acquisition_channel"], name="customer_tenant_channel"),
            models.Index(fields=["tenant", "referred_by"], name="customer_tenant_referrer"),
        ]

    def __str__(self) -> str:
        return self.email or self.external_id or f"customer {self.pk}"

    @property
    def current_health(self):
        """The customer's `CustomerHealth`, or None before its first scoring."""
        return getattr(self, "health", None)

    @property
    def phase(self) -> str:
        return PHASE_OF_STAGE[Stage(self.stage)]


class CustomerHealth(TenantOwnedModel):
    """A customer's current health: score, band, component scores and active alerts.

    A narrow table of its own (not columns of the wide customer row), so that scoring a whole
    tenant writes small rows with two indexes. It lives here, with the customer it describes,
    because the customers API shows and filters on it; the segments app computes and writes
    it (segments depends on customers, never the other way round).
    """

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="health"
    )
    score = models.DecimalField(max_digits=4, decimal_places=1)
    band = models.CharField(max_length=10, choices=HealthBand.choices)
    components = models.JSONField(default=dict)
    alerts = models.JSONField(default=list)
    band_since = models.DateTimeField(help_text="When the customer entered this band.")
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["tenant", "band"], name="customerhealth_band")]

    def __str__(self) -> str:
        return f"{self.band} {self.score}"


class StageChange(TenantOwnedModel):
    """One entry of a customer's stage history: from, to, when, and by whom or which key."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True, default="")
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by_user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by_api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "to_stage", "changed_at"], name="stagechange_tenant_to"),
            models.Index(fields=["tenant", "customer", "changed_at"], name="stagechange_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_stage or '-'} -> {self.to_stage}"


class EventKind(models.TextChoices):
    LOGIN = "login", "Login"
    FEATURE_USED = "feature_used", "Feature used"
    SUPPORT_TICKET = "support_ticket", "Support ticket"
    PAYMENT = "payment", "Payment"
    SUBSCRIPTION = "subscription", "Subscription"
    NPS = "nps", "NPS answer"
    MILESTONE = "milestone", "Milestone"
    COMMUNITY = "community", "Community"
    CUSTOM = "custom", "Custom"


class Event(TenantOwnedModel):
    """A fact about a customer at a time; `sender_id` is the sender's idempotency key."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField()
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    properties = models.JSONField(default=dict, blank=True)
    sender_id = models.CharField(max_length=128)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "sender_id"], name="event_unique_sender_id"),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "customer", "kind", "occurred_at"], name="event_customer_kind"
            ),
            models.Index(fields=["tenant", "kind", "occurred_at"], name="event_tenant_kind"),
            models.Index(fields=["tenant", "occurred_at"], name="event_tenant_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sender_id}"


class CustomerErasure(TenantOwnedModel):
    """A request to erase a customer's personal data, run as a task and polled by id.

    The customer record stays (its id, stage history, event kinds, times and amounts feed
    the KPIs); `customers.personal_data` and each app's eraser say what goes.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="erasures")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    requested_by = models.CharField(max_length=200, blank=True, default="")
    counts = models.JSONField(default=dict, blank=True, help_text="Rows changed per part.")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "-created_at"], name="erasure_tenant_time")]
