"""Admin for support staff: a tenant's webhook endpoints and deliveries (redeliver, test,
re-enable), its email settings and every email sent or skipped (send failed ones again).

Signing secrets never appear here: they are stored encrypted and shown once, to the tenant.
"""

from django.contrib import admin

from flywheel.core.admin import TenantOwnedAdmin, each_in_tenant_scope, staff_action
from flywheel.core.errors import InvalidFieldsError
from webhooks import emails, services
from webhooks.models import EmailSettings, SentEmail, WebhookDelivery, WebhookEndpoint


def _each_in_scope(request, rows, act, done_message: str) -> str:
    done = each_in_tenant_scope(request, rows, act, refused=(InvalidFieldsError,))
    return done_message.format(done=done)


class ReadOnlyAdmin(TenantOwnedAdmin):
    """Rows written by the system: support staff look and act, never edit by hand."""

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ("id", "url", "tenant", "active", "failure_count", "disabled_reason")
    list_filter = ("active", "tenant")
    search_fields = ("url", "description")
    exclude = ("secret_encrypted", "previous_secret_encrypted")
    actions = ["send_test", "reactivate"]

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if "secret" not in f]

    @staff_action("Send a test event (webhook.ping)")
    def send_test(self, request, rows):
        return _each_in_scope(
            request,
            rows,
            lambda endpoint: services.endpoint_test(endpoint=endpoint),
            "Test event queued for {done} endpoint(s).",
        )

    @staff_action("Re-enable the selected endpoints")
    def reactivate(self, request, rows):
        return _each_in_scope(
            request,
            [endpoint for endpoint in rows if not endpoint.active],
            lambda endpoint: services.endpoint_update(endpoint=endpoint, active=True),
            "Re-enabled {done} endpoint(s).",
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "event_type",
        "endpoint",
        "tenant",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    )
    list_filter = ("status", "event_type", "tenant")
    list_select_related = ("tenant", "endpoint")
    search_fields = ("webhook_id", "event_type", "endpoint__url")
    actions = ["redeliver"]

    @staff_action("Redeliver the selected deliveries now")
    def redeliver(self, request, rows):
        return _each_in_scope(
            request,
            rows,
            lambda delivery: services.delivery_retry(delivery=delivery),
            "Queued {done} delivery(ies) again (same webhook-id).",
        )


@admin.register(EmailSettings)
class EmailSettingsAdmin(TenantOwnedAdmin):
    list_display = (
        "tenant",
        "sender_name",
        "reply_to",
        "ugc_request",
        "ugc_reminder",
        "referral_invitation",
        "reward_issued",
    )


@admin.register(SentEmail)
class SentEmailAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "to_address", "tenant", "status", "reason", "created_at")
    list_filter = ("status", "kind", "tenant")
    list_select_related = ("tenant",)
    search_fields = ("to_address", "subject")
    actions = ["send_again"]

    @staff_action("Send the selected failed emails again")
    def send_again(self, request, rows):
        return _each_in_scope(
            request,
            [email for email in rows if email.status == "failed"],
            lambda email: emails.email_retry(email=email),
            "Queued {done} failed email(s) again.",
        )
