"""Tenant scoping: the current tenant in a context variable and the models that obey it.

Every tenant-owned model inherits `TenantOwnedModel`. Its default manager `objects` filters by
the current tenant and *fails closed*: a queryset built with no tenant in scope raises
`TenantScopeError` when it is evaluated (and matches nothing if used as a subquery). The
explicit `all_tenants` manager exists for the admin, authentication look-ups by globally unique
secrets, and cross-tenant dispatchers; every use of it carries a comment saying why.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.signals import class_prepared

if TYPE_CHECKING:
    from accounts.models import Tenant

_current_tenant: ContextVar[Tenant | None] = ContextVar("flywheel_current_tenant", default=None)


class TenantScopeError(RuntimeError):
    """A tenant-owned queryset was evaluated with no tenant in scope."""


def get_current_tenant() -> Tenant | None:
    """The tenant in scope, or None."""
    return _current_tenant.get()


def require_current_tenant() -> Tenant:
    """The tenant in scope; TenantScopeError outside a scope (services and subscribers read
    their tenant here rather than trusting a passed id)."""
    tenant = _current_tenant.get()
    if tenant is None:
        raise TenantScopeError("No tenant in scope.")
    return tenant


def set_current_tenant(tenant: Tenant | None):
    """Set the tenant in scope; returns the token for `reset_current_tenant`."""
    return _current_tenant.set(tenant)


def reset_current_tenant(token) -> None:
    _current_tenant.reset(token)


@contextlib.contextmanager
def tenant_scope(tenant: Tenant) -> Iterator[Tenant]:
    """Run the block with `tenant` in scope (views, tasks, commands, tests)."""
    token = _current_tenant.set(tenant)
    try:
        yield tenant
    finally:
        _current_tenant.reset(token)


class TenantQuerySet(models.QuerySet):
    """A queryset that knows whether it was built inside a tenant scope."""

    _unscoped = False

    def for_tenant(self, tenant: Tenant) -> TenantQuerySet:
        """Rows of `tenant` only (explicit form, also valid on `all_tenants`)."""
        return self.filter(tenant=tenant)

    def _clone(self):
        clone = super()._clone()
        clone._unscoped = self._unscoped
        return clone

    def _guard(self) -> None:
        if self._unscoped:
            raise TenantScopeError(
                f"{self.model.__name__}.objects used with no tenant in scope; "
                "enter tenant_scope(tenant) or use all_tenants with a reason."
            )

    # Every path that runs SQL goes through one of these.
    def _fetch_all(self):
        self._guard()
        return super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._guard()
        return super().iterator(*args, **kwargs)

    def count(self):
        self._guard()
        return super().count()

    def exists(self):
        self._guard()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._guard()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()

    def _raw_delete(self, using):
        self._guard()
        return super()._raw_delete(using)

    def in_bulk(self, *args, **kwargs):
        self._guard()
        return super().in_bulk(*args, **kwargs)

    def explain(self, *args, **kwargs):
        self._guard()
        return super().explain(*args, **kwargs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager of tenant-owned models: scoped to the current tenant, failing closed."""

    def get_queryset(self) -> TenantQuerySet:
        queryset = super().get_queryset()
        tenant = get_current_tenant()
        if tenant is None:
            unscoped = queryset.none()
            unscoped._unscoped = True
            return unscoped
        return queryset.filter(tenant=tenant)


class AllTenantsManager(models.Manager.from_queryset(TenantQuerySet)):
    """WARNING: sees every tenant's rows. For admin, migrations and cross-tenant dispatchers."""


class TenantOwnedModel(models.Model):
    """Base of every tenant-owned table: a non-null tenant and the scoped managers."""

    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()
    all_tenants = AllTenantsManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.tenant_id is None:
            tenant = get_current_tenant()
            if tenant is None:
                raise TenantScopeError(f"{type(self).__name__} saved with no tenant.")
            self.tenant = tenant
        super().save(*args, **kwargs)

    def get_additional_data(self) -> dict:
        """What auditlog stores beside each change: the tenant, so changes filter by tenant."""
        return {"tenant_id": self.tenant_id}


def _use_unscoped_base_manager(sender, **kwargs) -> None:
    """Every concrete tenant-owned model gets `all_tenants` as its base manager.

    Django uses the base manager by primary key only (saving, related-object access,
    deletion), where a tenant filter adds nothing but would raise outside a scope. Without
    this, a model whose first base is another abstract model inherits `objects` (scoped) as
    its base manager.
    """
    if issubclass(sender, TenantOwnedModel) and not sender._meta.abstract:
        sender._meta.base_manager_name = "all_tenants"
        sender._meta.__dict__.pop("base_manager", None)


class_prepared.connect(_use_unscoped_base_manager)
