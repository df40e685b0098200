"""Partner webhook endpoints and their deliveries; email settings and the emails sent."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from flywheel.core.tenancy import TenantOwnedModel


class WebhookEndpoint(TenantOwnedModel):
    """A partner's URL that receives the tenant's domain events, signed (Standard Webhooks).

    The signing secret is stored encrypted (it must be known to sign); after a rotation the
    previous one stays valid until `previous_secret_expires_at`, so both signatures are sent.
    """

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True, default="")
    event_types = models.JSONField(default=list, blank=True, help_text="Empty: every type.")
    secret_encrypted = models.TextField(editable=False)
    previous_secret_encrypted = models.TextField(blank=True, default="", editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    failure_count = models.PositiveIntegerField(
        default=0, help_text="Failed attempts since the last success."
    )
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True, default="")
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["tenant", "active"], name="webhookendpoint_active")]

    def __str__(self) -> str:
        return self.url

    def takes(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed, will retry"
    DEAD = "dead", "Dead (no more retries)"


class WebhookDelivery(TenantOwnedModel):
    """One event for one endpoint, with every attempt's outcome; `webhook_id` is stable across
    retries so the partner can drop duplicates (delivery is at least once)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        "core.DomainEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event_type = models.CharField(max_length=64)
    customer_id = models.BigIntegerField(
        null=True, blank=True, help_text="The customer the event is about, if any (no key)."
    )
    webhook_id = models.CharField(max_length=64, unique=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.CharField(max_length=500, blank=True, default="")
    last_error = models.CharField(max_length=500, blank=True, default="")
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"],
                condition=Q(event__isnull=False),
                name="webhookdelivery_once_per_event",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "endpoint", "-id"], name="webhookdelivery_endpoint"),
            models.Index(
                fields=["tenant", "customer_id", "-id"],
                condition=Q(customer_id__isnull=False),
                name="webhookdelivery_customer",
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "failed"]),
                name="webhookdelivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.endpoint_id} ({self.status})"


class EmailKind(models.TextChoices):
    UGC_REQUEST = "ugc_request", "UGC request"
    UGC_REMINDER = "ugc_reminder", "UGC reminder"
    REFERRAL_INVITATION = "referral_invitation", "Referral invitation"
    REWARD_ISSUED = "reward_issued", "Reward issued"


class EmailSettings(TenantOwnedModel):
    """How a tenant's customers are written to: sender name, reply-to, which kinds go out."""

    sender_name = models.CharField(max_length=100, blank=True, default="")
    reply_to = models.EmailField(blank=True, default="")
    ugc_request = models.BooleanField(default=True)
    ugc_reminder = models.BooleanField(default=True)
    referral_invitation = models.BooleanField(default=True)
    reward_issued = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="emailsettings_one")]

    def __str__(self) -> str:
        return f"email settings of {self.tenant_id}"

    def sends(self, kind: str) -> bool:
        return bool(getattr(self, kind))


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class SentEmail(TenantOwnedModel):
    """One email for one event (never two: unique per event and kind), or why it was skipped
    (unsubscribed, switched off, no address). Queued in the event's delivery, sent by its own
    task (claimed with a lease, so two workers never both send it)."""

    event = models.ForeignKey("core.DomainEvent", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=EmailKind.choices)
    to_address = models.EmailField(blank=True, default="")
    subject = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=10, choices=EmailStatus.choices)
    reason = models.CharField(max_length=100, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="sentemail_once_per_event")
        ]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="sentemail_tenant_time")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_address or '-'} ({self.status})"
