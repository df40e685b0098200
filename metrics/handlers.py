"""Domain-event handlers of metrics (idempotent)."""

from flywheel.core import events
from flywheel.core.tenancy import get_current_tenant
from metrics.alerts import thresholds_ensure_defaults


@events.handler("tenant.created")
def on_tenant_created(event) -> None:
    """A tenant starts with the default KPI alert thresholds."""
    thresholds_ensure_defaults(tenant=get_current_tenant())
