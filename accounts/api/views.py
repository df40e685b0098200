"""REST adapters of accounts: auth, personal tokens, tenants, members and API keys."""

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import CSRFCheck
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts import login_limits, selectors, services
from accounts.api import serializers as s
from accounts.models import ApiKey, Membership, PersonalToken
from accounts.roles import Role
from accounts.scopes import TENANTS_CREATE
from accounts.tenant_api import TenantAPIView, TenantViewSet
from flywheel.core.throttling import AnonRateThrottle
from flywheel.core.views import ApiView, ApiViewMixin


def held_scopes(request) -> list[str] | None:
    """The scopes of the request's credential; None for a session (a person holds all)."""
    if isinstance(request.auth, (ApiKey, PersonalToken)):
        return list(request.auth.scopes)
    return None


class IsPerson(IsAuthenticated):
    """A person (session or personal token), not a tenant API key."""

    message = "This endpoint is for people, not API keys."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and not isinstance(request.auth, ApiKey)


def enforce_csrf(request) -> None:
    """403 unless the request passes Django's CSRF check (token and origin).

    Login and registration start a session, so a foreign page must not be able to log a
    visitor's browser into an account of its choosing (login CSRF). First GET `auth/csrf`.
    """
    check = CSRFCheck(lambda _request: None)
    check.process_request(request._request)
    reason = check.process_view(request._request, None, (), {})
    if reason:
        raise PermissionDenied(f"CSRF check failed: {reason} (GET /api/v1/auth/csrf first).")


@extend_schema(tags=["auth"], request=None, responses={200: s.CsrfSerializer})
class CsrfView(ApiView):
    """A CSRF token (also set as the `csrftoken` cookie) to send as `X-CSRFToken` with
    `auth/login` and `auth/register`."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]

    def get(self, request):
        return Response({"csrf_token": get_token(request._request)})


@extend_schema(tags=["auth"], request=s.RegisterSerializer, responses={201: s.MeSerializer})
class RegisterView(ApiView):
    """Create a user account and log it in (session); needs the CSRF token."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    def post(self, request):
        enforce_csrf(request)
        serializer = s.RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(s.MeSerializer(user).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["auth"], request=s.CredentialsSerializer, responses={200: s.MeSerializer})
class LoginView(ApiView):
    """Log in with email and password; answers the user and sets the session cookie.

    Needs the CSRF token (`auth/csrf`). Besides the per-address limit, an account is locked
    for a while after too many failed attempts (429)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AnonRateThrottle]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="flywheel"'  # so a failed login is 401, not 403

    def post(self, request):
        enforce_csrf(request)
        serializer = s.CredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"].lower()
        login_limits.check(email)
        user = authenticate(request, username=email, password=serializer.validated_data["password"])
        if user is None:
            login_limits.record_failure(email)
            raise AuthenticationFailed("Wrong email or password.", code="invalid_login")
        login_limits.clear(email)
        login(request, user)
        return Response(s.MeSerializer(user).data)


@extend_schema(tags=["auth"], request=None, responses={204: None})
class LogoutView(ApiView):
    """End the session."""

    permission_classes = [AllowAny]

    def post(self, request):
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"], responses={200: s.MeSerializer})
class MeView(ApiView):
    """The user behind the credential, with their tenants and roles."""

    permission_classes = [IsPerson]
    allow_api_keys = False  # documentation: only personal tokens and sessions

    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


@extend_schema_view(
    create=extend_schema(
        request=s.PersonalTokenCreateSerializer,
        responses={201: s.PersonalTokenCreatedSerializer},
    ),
    destroy=extend_schema(description="Revoke the token (it stays listed as revoked)."),
)
@extend_schema(tags=["auth"])
class PersonalTokenViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's personal tokens for third-party frontends; the secret is shown once."""

    serializer_class = s.PersonalTokenSerializer
    permission_classes = [IsPerson]
    allow_api_keys = False  # documentation: only personal tokens and sessions
    secret_fields = ("token",)
    queryset = PersonalToken.objects.none()  # schema only; get_queryset is per user

    def get_queryset(self):
        return selectors.personal_token_list(user=self.request.user)

    def create(self, request):
        serializer = s.PersonalTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, secret = services.personal_token_create(
            user=request.user, held_scopes=held_scopes(request), **serializer.validated_data
        )
        token.token = secret
        return Response(
            s.PersonalTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED
        )

    def perform_destroy(self, instance):
        services.credential_revoke(credential=instance)


@extend_schema(tags=["tenants"])
class TenantListCreateView(ApiView):
    """Tenants the caller belongs to; creating one makes the caller its owner."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.TenantSerializer(many=True)})
    def get(self, request):
        if isinstance(request.auth, ApiKey):
            tenants, roles = [request.auth.tenant], {}
        else:
            memberships = list(selectors.memberships_of_user(user=request.user))
            tenants = [m.tenant for m in memberships]
            roles = {m.tenant_id: m.role for m in memberships}
        data = s.TenantSerializer(tenants, many=True, context={"roles": roles}).data
        return Response(data)

    @extend_schema(request=s.TenantSerializer, responses={201: s.TenantSerializer})
    def post(self, request):
        if isinstance(request.auth, ApiKey):
            raise PermissionDenied("API keys cannot create tenants.")
        if isinstance(request.auth, PersonalToken) and not request.auth.has_scope(TENANTS_CREATE):
            raise PermissionDenied(f"This token lacks the `{TENANTS_CREATE}` scope.")
        serializer = s.TenantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tenant = services.tenant_create(owner=request.user, **serializer.validated_data)
        data = s.TenantSerializer(tenant, context={"roles": {tenant.pk: Role.OWNER}}).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["tenants"])
class TenantDetailView(TenantAPIView):
    """One tenant: any member reads it, the owner changes it."""

    scope_area = "tenant"
    write_role = Role.OWNER
    api_keys_read_only = True
    serializer_class = s.TenantUpdateSerializer

    def _data(self):
        roles = {self.tenant.pk: self.membership.role} if self.membership else {}
        return s.TenantUpdateSerializer(self.tenant, context={"roles": roles}).data

    def get(self, request, tenant):
        return Response(self._data())

    def patch(self, request, tenant):
        serializer = s.TenantUpdateSerializer(self.tenant, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.tenant_update(tenant=self.tenant, **serializer.validated_data)
        return Response(self._data())


@extend_schema_view(
    create=extend_schema(request=s.MemberCreateSerializer, responses={201: s.MemberSerializer}),
    partial_update=extend_schema(request=s.MemberUpdateSerializer),
)
@extend_schema(tags=["members"])
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    TenantViewSet,
):
    """The tenant's members: everyone reads, the owner adds, changes roles and removes."""

    model = Membership
    serializer_class = s.MemberSerializer
    scope_area = "tenant"
    write_role = Role.OWNER
    allow_api_keys = False
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering = "id"

    def safely_get_queryset(self, queryset):
        return queryset.select_related("user")

    def create(self, request, tenant):
        serializer = s.MemberCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_add(tenant=self.tenant, **serializer.validated_data)
        return Response(s.MemberSerializer(membership).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, tenant, pk=None):
        membership = self.get_object()  # another tenant's member is 404 before anything else
        serializer = s.MemberUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_change_role(
            membership=membership, role=serializer.validated_data["role"]
        )
        return Response(s.MemberSerializer(membership).data)

    def perform_destroy(self, instance):
        services.membership_remove(membership=instance)


@extend_schema_view(
    create=extend_schema(
        request=s.CredentialCreateSerializer, responses={201: s.ApiKeyCreatedSerializer}
    ),
    destroy=extend_schema(description="Revoke the key (it stays listed as revoked)."),
)
@extend_schema(tags=["api-keys"])
class ApiKeyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    TenantViewSet,
):
    """The tenant's API keys for partners (admins only); the secret is shown once."""

    model = ApiKey
    serializer_class = s.ApiKeySerializer
    secret_fields = ("key",)
    scope_area = "tenant"
    read_role = Role.ADMIN
    write_role = Role.ADMIN
    allow_api_keys = False

    def safely_get_queryset(self, queryset):
        return queryset.select_related("created_by")

    def create(self, request, tenant):
        serializer = s.CredentialCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        api_key, secret = services.api_key_create(
            tenant=self.tenant,
            created_by=request.user,
            held_scopes=held_scopes(request),
            **serializer.validated_data,
        )
        api_key.key = secret
        return Response(s.ApiKeyCreatedSerializer(api_key).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.ApiKeySerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, tenant, pk=None):
        """Revoke the key now; requests with it answer 401 from then on."""
        api_key = services.credential_revoke(credential=self.get_object())
        return Response(s.ApiKeySerializer(api_key).data)

    def perform_destroy(self, instance):
        services.credential_revoke(credential=instance)
