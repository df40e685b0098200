"""View bases: every API view gets the conventions; tenant views get scoping, once, here.

`TenantViewSet` / `TenantAPIView` resolve `{tenant}` from the URL and the credential, answer
404 for a tenant the caller does not belong to, check role and scope, and put the tenant in
scope for the whole request, so the models' default managers filter by it. Subclasses may
not override `get_queryset` (checked when the class is created and by a test over every
route); they narrow the already-scoped queryset in `safely_get_queryset`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework import exceptions, generics, mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiKey, Membership, PersonalToken, Tenant
from accounts.roles import Role
from flywheel.core import idempotency
from flywheel.core.permissions import HasTenantAccess
from flywheel.core.tenancy import TenantOwnedModel, reset_current_tenant, set_current_tenant


class ApiViewMixin:
    """Conventions of every authenticated API view: idempotent POSTs, cleanup on exit.

    `secret_fields`: response fields holding a secret shown once; an idempotent replay
    answers them as null (they are never stored).
    """

    _idempotency_record = None
    secret_fields: tuple[str, ...] = ()

    def initial(self, request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self._idempotency_record = idempotency.begin(request)

    def handle_exception(self, exc: Exception):
        if isinstance(exc, idempotency.IdempotentReplay):
            return idempotency.replay_response(exc.record)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args: Any, **kwargs: Any):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._idempotency_record is not None:
            idempotency.complete(
                self._idempotency_record, response, secret_fields=self.secret_fields
            )
            self._idempotency_record = None
        return response

    def dispatch(self, request, *args: Any, **kwargs: Any):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            if self._idempotency_record is not None:  # an unhandled error: free the key
                idempotency.release(self._idempotency_record)


class ApiView(ApiViewMixin, APIView):
    """Base of tenant-less API views (auth, the tenant list)."""


def resolve_tenant(request, slug: str) -> tuple[Tenant, Membership | None]:
    """The active tenant `slug` if the caller belongs to it, else 404 (never 403)."""
    if isinstance(request.auth, ApiKey):
        tenant = request.auth.tenant  # loaded with the key
        if tenant.slug != slug or not tenant.active:
            raise exceptions.NotFound()
        return tenant, None
    # all_tenants: no tenant is in scope yet; this query decides which one will be.
    membership = (
        Membership.all_tenants.select_related("tenant")
        .filter(user=request.user, tenant__slug=slug, tenant__active=True)
        .first()
    )
    if membership is None:
        raise exceptions.NotFound()
    return membership.tenant, membership


class TenantScopedMixin(ApiViewMixin):
    """Tenant resolution, role/scope permissions and the tenant scope for one request.

    Class attributes: `scope_area` (API key scope area, required), `read_role` and
    `write_role` (defaults viewer / member), `action_roles` (per-action overrides),
    `allow_api_keys` (False for endpoints only people may use), `api_keys_read_only`.
    """

    scope_area: str = ""
    read_role: str = Role.VIEWER
    write_role: str = Role.MEMBER
    action_roles: dict[str, str] = {}
    allow_api_keys: bool = True
    api_keys_read_only: bool = False

    permission_classes = [IsAuthenticated, HasTenantAccess]
    tenant: Tenant
    membership: Membership | None = None
    _tenant_token = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__ and not cls.__dict__.get("_defines_scoping", False):
            raise ImproperlyConfigured(
                f"{cls.__name__} overrides get_queryset; narrow the scoped queryset in "
                "safely_get_queryset instead."
            )

    def required_role(self) -> str:
        action = getattr(self, "action", None)
        if action in self.action_roles:
            return self.action_roles[action]
        return (
            self.read_role
            if self.request.method in ("GET", "HEAD", "OPTIONS")
            else (self.write_role)
        )

    def check_permissions(self, request) -> None:
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        self.tenant, self.membership = resolve_tenant(request, self.kwargs["tenant"])
        self._tenant_token = set_current_tenant(self.tenant)
        super().check_permissions(request)

    def dispatch(self, request, *args: Any, **kwargs: Any):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            if self._tenant_token is not None:
                reset_current_tenant(self._tenant_token)
                self._tenant_token = None

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["tenant"] = getattr(self, "tenant", None)
        return context

    def require_scope(self, area: str, *, write: bool) -> None:
        """403 unless the request's key or token also holds `area`'s scope: for a request
        that reaches into a second area (e.g. events that create customers)."""
        from accounts.scopes import scope_for

        credential = self.request.auth
        scope = scope_for(area, write=write)
        if isinstance(credential, (ApiKey, PersonalToken)) and not credential.has_scope(scope):
            raise exceptions.PermissionDenied(f"This also needs the `{scope}` scope.")


class TenantGenericMixin(TenantScopedMixin):
    """The final `get_queryset`: the model's scoped manager, then `safely_get_queryset`."""

    model: type[TenantOwnedModel] | None = None
    _defines_scoping = True  # the one class allowed to define get_queryset

    def get_queryset(self):
        if self.model is None or not issubclass(self.model, TenantOwnedModel):
            raise ImproperlyConfigured(f"{type(self).__name__}.model must be tenant-owned.")
        return self.safely_get_queryset(self.model.objects.all())

    def safely_get_queryset(self, queryset):
        """Narrow or annotate the tenant-scoped queryset (select_related, filters)."""
        return queryset


class TenantViewSet(TenantGenericMixin, viewsets.GenericViewSet):
    """Base of every viewset under `/api/v1/tenants/{tenant}/`."""


class TenantAPIView(TenantScopedMixin, generics.GenericAPIView):
    """Base of non-model views under `/api/v1/tenants/{tenant}/` (reports, the tenant)."""


class _AnswerAsStored:
    def answer(self, instance):
        """The representation a following GET returns: the object read back through the
        view's queryset (annotations, related rows) with a fresh serializer context (e.g.
        ranks that depend on the other rows)."""
        stored = self.get_queryset().get(pk=instance.pk)
        return self.get_serializer(stored).data


class CreateModelMixin(_AnswerAsStored, mixins.CreateModelMixin):
    """Create, then answer the stored object as GET shows it (201)."""

    def create(self, request, *args: Any, **kwargs: Any):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = self.answer(serializer.instance)
        return Response(
            data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data)
        )


class UpdateModelMixin(_AnswerAsStored, mixins.UpdateModelMixin):
    """PUT and PATCH, then answer the stored object as GET shows it."""

    def update(self, request, *args: Any, **kwargs: Any):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(self.answer(serializer.instance))


# The mixins of a full CRUD resource and of a read-only one, for `class X(*CRUD, TenantViewSet)`.
CRUD = (
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    CreateModelMixin,
    UpdateModelMixin,
    mixins.DestroyModelMixin,
)
READ_ONLY = (mixins.ListModelMixin, mixins.RetrieveModelMixin)
