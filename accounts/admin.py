"""Admin for support staff: tenants, users, memberships, API keys and tokens (never hashes)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone

from accounts.models import ApiKey, Membership, PersonalToken, Tenant, User
from flywheel.core.admin import TenantOwnedAdmin, staff_action


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)

    def get_queryset(self, request):
        # all_tenants: inline of one tenant (or user) in the cross-tenant admin.
        return Membership.all_tenants.select_related("user", "tenant")


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "currency", "timezone", "active", "created_at")
    list_filter = ("active", "currency")
    search_fields = ("slug", "name")
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password", "name")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Membership)
class MembershipAdmin(TenantOwnedAdmin):
    list_display = ("user", "tenant", "role", "created_at")
    list_filter = ("tenant", "role")
    search_fields = ("user__email", "tenant__slug")
    autocomplete_fields = ("user", "tenant")


@staff_action("Revoke the selected credentials")
def revoke(modeladmin, request, rows):
    pending = [credential for credential in rows if credential.revoked_at is None]
    for credential in pending:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])  # save(), so the audit log records it
    return f"Revoked {len(pending)} credential(s)."


_CREDENTIAL_FIELDS = (
    "name",
    "prefix",
    "scopes",
    "created_at",
    "last_used_at",
    "expires_at",
    "revoked_at",
)


@admin.register(ApiKey)
class ApiKeyAdmin(TenantOwnedAdmin):
    list_display = (
        "prefix",
        "name",
        "tenant",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("tenant", "revoked_at")
    search_fields = ("prefix", "name", "tenant__slug")
    fields = ("tenant", *_CREDENTIAL_FIELDS, "created_by")
    # Keys belong to the tenant (created, scoped and renamed through its API); support staff
    # only revoke them, with the confirmed and audited action.
    readonly_fields = fields
    actions = [revoke]

    def has_add_permission(self, request):
        return False  # keys are created through the API, where the secret is shown once


@admin.register(PersonalToken)
class PersonalTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "name", "user__email")
    fields = ("user", *_CREDENTIAL_FIELDS)
    readonly_fields = fields
    actions = [revoke]

    def has_add_permission(self, request):
        return False
