"""Core data: stored responses of idempotent requests, and the domain-event outbox."""

from django.db import models
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

    The outbox of the domain: handlers of other apps and outbound webhooks read from it.
    """

    name = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "name", "occurred_at"], name="domainevent_tenant_name"),
            models.Index(fields=["tenant", "occurred_at"], name="domainevent_tenant_time"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"
