"""Fan-out of periodic work: one small task per active tenant."""

from collections.abc import Callable

from django.apps import apps


def _tenants():
    """The accounts app's Tenant model, named not imported (the core imports no app)."""
    return apps.get_model("accounts", "Tenant")


def for_each_active_tenant(task) -> int:
    """Enqueue `task.delay(tenant_id)` for every active tenant; returns how many."""
    ids = list(_tenants().objects.filter(active=True).values_list("pk", flat=True))
    for tenant_id in ids:
        task.delay(tenant_id)
    return len(ids)


def run_in_tenant(tenant_id: int, func: Callable, **kwargs):
    """Run `func(tenant=..., **kwargs)` inside the tenant's scope; None if it is gone."""
    from flywheel.core.tenancy import tenant_scope

    tenant = _tenants().objects.filter(pk=tenant_id, active=True).first()
    if tenant is None:
        return None
    with tenant_scope(tenant):
        return func(tenant=tenant, **kwargs)
