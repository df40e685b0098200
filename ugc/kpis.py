"""The KPI inputs the UGC app publishes (SQL fragments for metrics' snapshots)."""

from ugc.models import UGCRequest


def ugc_counted_sql(column: str) -> str:
    """A scalar subquery: UGC requests whose `column` (`submitted_at`, `published_at`) falls
    in [%(s)s, %(e)s)."""
    if column not in ("submitted_at", "published_at"):
        raise ValueError(column)
    return (
        f"(SELECT COUNT(*) FROM {UGCRequest._meta.db_table} WHERE tenant_id = %(tenant)s "
        f"AND {column} >= %(s)s AND {column} < %(e)s)"
    )
