"""Tenant scoping: the current tenant in a context variable and the models that obey it.

Every tenant-owned model inherits `TenantOwnedModel`. Its default manager `objects` filters by
the current tenant and *fails closed*: a queryset built with no tenant in scope raises
`TenantScopeError` when it is evaluated (and matches nothing if used as a subquery). The
explicit `all_tenants` manager exists for the admin, authentication look-ups by globally unique
secrets, and cross-tenant dispatchers; every use of it carries a comment saying why.

This module is also the one place that tells the database the scope: on PostgreSQL every
statement runs with the tenant (and the cross-tenant mark of `all_tenants` and `cross_tenant()`)
set for its transaction, and row-level security under every tenant table lets through only
those rows (`flywheel.core.rowsecurity`). A query that forgets its tenant filter still sees one
tenant's rows, or none.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.functions import Cast
from django.db.models.signals import class_prepared

from flywheel.core.loading import FastLoadModel

if TYPE_CHECKING:
    from accounts.models import Tenant

_current_tenant: ContextVar[Tenant | None] = ContextVar("flywheel_current_tenant", default=None)
_cross_tenant: ContextVar[bool] = ContextVar("flywheel_cross_tenant", default=False)


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
def _scope(tenant: Tenant | None, cross: bool) -> Iterator[None]:
    """Both parts of the scope for the block, restored after it."""
    tenant_token = _current_tenant.set(tenant)
    cross_token = _cross_tenant.set(cross)
    try:
        yield
    finally:
        _cross_tenant.reset(cross_token)
        _current_tenant.reset(tenant_token)


@contextlib.contextmanager
def tenant_scope(tenant: Tenant) -> Iterator[Tenant]:
    """Run the block with `tenant` in scope (views, tasks, commands, tests); inside a
    `cross_tenant()` block it narrows the database's view to this tenant again."""
    with _scope(tenant, False):
        yield tenant


def cross_tenant() -> contextlib.AbstractContextManager[None]:
    """The explicit path for work over every tenant's rows: the database lets the block's
    statements see all tenants (dispatchers, sweepers, look-ups by globally unique secrets,
    the support admin, migrations). `all_tenants` querysets run in it by themselves."""
    return _scope(_current_tenant.get(), True)


def unscoped() -> contextlib.AbstractContextManager[None]:
    """A fresh start: no tenant and no cross-tenant mark (each request and task begins so,
    whatever the caller's context held)."""
    return _scope(None, False)


def database_scope() -> tuple[int | None, bool]:
    """What the database is told before a statement: the tenant id in scope and whether the
    statement may cross tenants."""
    tenant = _current_tenant.get()
    return (tenant.pk if tenant is not None else None), _cross_tenant.get()


class TenantQuerySet(models.QuerySet):
    """A queryset that knows whether it was built inside a tenant scope."""

    _unscoped = False
    _crosses = False  # built by `all_tenants`: its statements run in `cross_tenant()`

    def for_tenant(self, tenant: Tenant) -> TenantQuerySet:
        """Rows of `tenant` only (explicit form, also valid on `all_tenants`)."""
        return self.filter(tenant=tenant)

    def _clone(self):
        clone = super()._clone()
        clone._unscoped = self._unscoped
        clone._crosses = self._crosses
        return clone

    def _guard(self) -> contextlib.AbstractContextManager:
        """Refuse an unscoped `objects` queryset; the context its SQL runs in."""
        if self._unscoped:
            raise TenantScopeError(
                f"{self.model.__name__}.objects used with no tenant in scope; "
                "enter tenant_scope(tenant) or use all_tenants with a reason."
            )
        return self._floor()

    def _floor(self) -> contextlib.AbstractContextManager:
        return cross_tenant() if self._crosses else contextlib.nullcontext()

    # Writes of new rows: an `all_tenants` queryset writes across tenants too; a scoped one
    # is checked by `save()` and the floor.
    def create(self, **kwargs):
        with self._floor():
            return super().create(**kwargs)

    def bulk_create(self, *args, **kwargs):
        with self._floor():
            return super().bulk_create(*args, **kwargs)

    def get_or_create(self, *args, **kwargs):
        with self._floor():
            return super().get_or_create(*args, **kwargs)

    def update_or_create(self, *args, **kwargs):
        with self._floor():
            return super().update_or_create(*args, **kwargs)

    # Every path that runs SQL goes through one of these.
    def _fetch_all(self):
        with self._guard():
            return super()._fetch_all()

    def iterator(self, *args, **kwargs):
        floor = self._guard()
        rows = super().iterator(*args, **kwargs)
        if not self._crosses:
            return rows
        return self._crossing(rows, floor)

    @staticmethod
    def _crossing(rows, floor):
        with floor:
            yield from rows

    def count(self):
        with self._guard():
            return super().count()

    def exists(self):
        with self._guard():
            return super().exists()

    def aggregate(self, *args, **kwargs):
        with self._guard():
            return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        with self._guard():
            return super().update(**kwargs)

    def delete(self):
        with self._guard():
            return super().delete()

    def _raw_delete(self, using):
        with self._guard():
            return super()._raw_delete(using)

    def in_bulk(self, *args, **kwargs):
        with self._guard():
            return super().in_bulk(*args, **kwargs)

    def explain(self, *args, **kwargs):
        with self._guard():
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
    """WARNING: sees every tenant's rows. For admin, migrations and cross-tenant dispatchers;
    its statements run in `cross_tenant()`, so the database lets them through too."""

    def get_queryset(self) -> TenantQuerySet:
        queryset = super().get_queryset()
        queryset._crosses = True
        return queryset


class RowManager(models.Manager):
    """The base manager of tenant-owned models: rows by primary key (saving, related objects,
    deletion) with no tenant filter in Python and no cross-tenant mark; the database's floor
    shows the tenant in scope only."""


class TenantOwnedModel(FastLoadModel):
    """Base of every tenant-owned table: a non-null tenant and the scoped managers; rows load
    without Django's generic `__init__` where that gives the same instance (core.loading)."""

    # No index of its own: every tenant table gets `(tenant_id, (id::float8))` instead
    # (class_prepared below), which serves the foreign key as well and orders its lists.
    tenant = models.ForeignKey(
        "accounts.Tenant", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    objects = TenantManager()
    all_tenants = AllTenantsManager()
    rows = RowManager()

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


def _prepare_tenant_model(sender, **kwargs) -> None:
    """Every concrete tenant-owned model gets `rows` as its base manager, and its index.

    Django uses the base manager by primary key only (saving, related-object access,
    deletion), where a tenant filter adds nothing but would raise outside a scope. Without
    this, a model whose first base is another abstract model inherits `objects` (scoped) as
    its base manager. `rows` does not cross tenants: on PostgreSQL the floor still applies.
    """
    if issubclass(sender, TenantOwnedModel) and not sender._meta.abstract:
        sender._meta.base_manager_name = "rows"
        sender._meta.__dict__.pop("base_manager", None)
        _index_tenant_rows_by_id(sender)


ID_ORDER = "id_order"  # the annotation tenant lists order by instead of `id`


def id_order():
    """`id::float8`: the order of every tenant list by id (same rows, same order, exact below
    2**53), served by each tenant table's `(tenant_id, (id::float8))` index only."""
    return Cast("id", output_field=models.FloatField())


def _index_tenant_rows_by_id(model) -> None:
    """`(tenant_id, (id::float8))` on every tenant table keyed by `id` (else `(tenant_id,
    <pk>)`): it serves the tenant foreign key, and a tenant's list ordered by `id_order()`
    reads only that tenant's rows, in order, whatever other tenants hold.

    Why not `(tenant_id, id)`: the primary key also yields `ORDER BY id`, and PostgreSQL,
    taking a tenant's rows as spread evenly over the ids, often prefers it for a deep cursor
    page and reads every other tenant's rows below the cursor. Nothing else yields
    `ORDER BY id::float8`. The cast is LEAKPROOF, so under row-level security the cursor's
    `id::float8 < p` is still an index condition for the application role (`id * -1` is not).
    """
    meta = model._meta
    digest = hashlib.md5(meta.db_table.encode()).hexdigest()[:6]
    if meta.pk.name == "id":
        index = models.Index(
            models.F("tenant"), id_order(), name=f"{meta.db_table[:18]}_{digest}_ord"
        )
    else:
        index = models.Index(
            fields=["tenant", meta.pk.name], name=f"{meta.db_table[:18]}_{digest}_key"
        )
    if any(existing.name == index.name for existing in meta.indexes):
        return
    meta.indexes = [*meta.indexes, index]
    # migrations read the indexes of models whose Meta declared some
    meta.original_attrs.setdefault("indexes", meta.indexes)


class_prepared.connect(_prepare_tenant_model)
