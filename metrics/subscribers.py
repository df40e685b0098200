"""Domain-event subscribers of metrics."""

from flywheel.core.subscribers import subscriber
from flywheel.core.tenancy import require_current_tenant
from metrics.services.alerts import thresholds_ensure_defaults


@subscriber("metrics.default_thresholds", on="tenant.created")
def default_thresholds(events) -> None:
    """A tenant starts with the default KPI alert thresholds."""
    thresholds_ensure_defaults(tenant=require_current_tenant())
