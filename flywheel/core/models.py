"""Core data: stored responses of idempotent requests, the domain-event outbox and its
delivery ledger."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from flywheel.core.tenancy import TenantOwnedModel


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an `Idempotency-Key`, kept for 24 hours.

    `owner` is the credential (`user:<id>` or `api_key:<id>`), so keys never collide across
    callers. `status_code` is null while the first request is still running.
    """

    owner = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"


class DomainEvent(TenantOwnedModel):
    """Something a service changed (`customer.created`, `referral.qualified`, ...).

    The outbox of the domain: subscribers of other apps (and outbound webhooks) react to it.
    `settled_at` is set once every subscriber of the event has taken it (or was parked), so
    the sweeper only looks at the few events still in flight.
    """

    name = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "name", "occurred_at"], name="domainevent_tenant_name"),
            models.Index(fields=["tenant", "occurred_at"], name="domainevent_tenant_time"),
            models.Index(
                fields=["occurred_at"],
                condition=Q(settled_at__isnull=True),
                name="domainevent_unsettled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class DeliveryStatus(models.TextChoices):
    DONE = "done", "Done"
    FAILED = "failed", "Failed, retrying"
    PARKED = "parked", "Parked after its last retry"


class EventDelivery(TenantOwnedModel):
    """The ledger of one subscriber and one event: `done` is written in the same transaction
    as the subscriber's effects (so each pair takes effect once); `failed` and `parked` are
    written after a failed attempt, with the error."""

    subscriber = models.CharField(max_length=100)
    event = models.ForeignKey(DomainEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "event"], name="delivery_once"),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="delivery_status"),
            models.Index(fields=["tenant", "status"], name="delivery_tenant_status"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} <- {self.event_id} ({self.status})"


class StaffAction(models.Model):
    """One action of support staff in the admin (revoke, redeliver, recompute, moderate...):
    who, what, on which rows, when and for which tenant. Field edits are in auditlog's entries;
    actions that go through services leave their trail here (`flywheel.core.admin.staff_action`).
    """

    tenant = models.ForeignKey(
        "accounts.Tenant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tenant_slug = models.CharField(max_length=64, blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user_label = models.CharField(max_length=254, blank=True, default="")
    action = models.CharField(max_length=100)
    model = models.CharField(max_length=100, help_text="app_label.model of the rows.")
    object_ids = models.JSONField(default=list)
    detail = models.JSONField(default=dict, blank=True, help_text="The options and the outcome.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "-at"], name="staffaction_tenant_time"),
            models.Index(fields=["-at"], name="staffaction_time"),
        ]
        permissions = [
            ("recompute_kpis", "Can recompute a tenant's KPIs for a range"),
            ("recompute_health", "Can recompute a tenant's customer health"),
        ]

    def __str__(self) -> str:
        return f"{self.user_label}: {self.action} on {self.model} ({self.tenant_slug or '-'})"
