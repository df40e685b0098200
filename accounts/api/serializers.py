"""Serializers of accounts: users, tenants, members, API keys and personal tokens."""

from rest_framework import serializers

from accounts.models import ApiKey, Membership, PersonalToken, Tenant, User
from accounts.roles import Role
from accounts.scopes import ALL_SCOPES, TOKEN_SCOPES
from flywheel.core import fields as core_fields
from flywheel.core.serializers import ModelSerializer, Serializer


class CredentialsSerializer(Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=256)


class CsrfSerializer(Serializer):
    csrf_token = serializers.CharField(help_text="Send as the `X-CSRFToken` header.")


class RegisterSerializer(CredentialsSerializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)


class MembershipSummarySerializer(ModelSerializer):
    tenant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    tenant_name = serializers.CharField(source="tenant.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["tenant", "tenant_name", "role"]


class UserSerializer(ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "date_joined"]
        read_only_fields = fields


class MeSerializer(UserSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "memberships"]
        read_only_fields = fields

    def get_memberships(self, user) -> list[dict]:
        from accounts.selectors import memberships_of_user

        return MembershipSummarySerializer(memberships_of_user(user=user), many=True).data


class TenantSerializer(ModelSerializer):
    slug = serializers.SlugField(max_length=60, required=False)
    role = serializers.SerializerMethodField()

    class Meta:
        model = Tenant
        fields = [
            "id",
            "name",
            "slug",
            "currency",
            "timezone",
            "gross_margin",
            "language",
            "brand_color",
            "logo_url",
            "frontend_base_url",
            "active",
            "created_at",
            "role",
        ]
        read_only_fields = ["id", "active", "created_at", "role"]

    def get_role(self, tenant) -> str | None:
        roles = self.context.get("roles") or {}
        return roles.get(tenant.pk)


class TenantUpdateSerializer(TenantSerializer):
    """The tenant as its owner changes it; the slug (the API path) stays as created."""

    slug = serializers.SlugField(read_only=True)

    class Meta(TenantSerializer.Meta):
        read_only_fields = ["id", "slug", "active", "created_at", "role"]


class MemberSerializer(ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "created_at"]
        read_only_fields = ["id", "email", "name", "created_at"]


class MemberCreateSerializer(Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)


class MemberUpdateSerializer(Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class CredentialCreateSerializer(Serializer):
    """A new API key: at most the creating credential's scopes (default: all of those)."""

    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ALL_SCOPES),
        required=False,
        allow_empty=False,
        help_text="Default: every read and write scope your own credential holds. Asking for "
        "one it lacks is 403.",
    )
    expires_at = core_fields.DateTimeField(
        required=False, allow_null=True, help_text="In the future; null: never expires."
    )


class PersonalTokenCreateSerializer(CredentialCreateSerializer):
    """A new personal token; `tenants:create` only when named."""

    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=TOKEN_SCOPES),
        required=False,
        allow_empty=False,
        help_text="Default: every read and write scope your own credential holds (never "
        "`tenants:create`, which must be named). Asking for one it lacks is 403.",
    )


class _CredentialSerializer(ModelSerializer):
    active = serializers.BooleanField(source="is_active", read_only=True)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=TOKEN_SCOPES), read_only=True
    )

    class Meta:
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
            "active",
        ]
        read_only_fields = fields


class ApiKeySerializer(_CredentialSerializer):
    created_by = serializers.EmailField(source="created_by.email", read_only=True, default=None)

    class Meta(_CredentialSerializer.Meta):
        model = ApiKey
        fields = [*_CredentialSerializer.Meta.fields, "created_by"]
        read_only_fields = fields


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The secret, shown this once only; null when an `Idempotency-Key` replay "
        "answers (the secret is never stored).",
    )

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class PersonalTokenSerializer(_CredentialSerializer):
    class Meta(_CredentialSerializer.Meta):
        model = PersonalToken


class PersonalTokenCreatedSerializer(PersonalTokenSerializer):
    token = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The secret, shown this once only; null when an `Idempotency-Key` replay "
        "answers (the secret is never stored).",
    )

    class Meta(PersonalTokenSerializer.Meta):
        fields = [*PersonalTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields
