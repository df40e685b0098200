"""The KPI inputs the referrals app publishes (SQL fragments for metrics' snapshots)."""

from referrals.models import Referral


def referrers_qualified_sql() -> str:
    """A scalar subquery: distinct referrers with a referral qualified in [%(s)s, %(e)s)."""
    return (
        f"(SELECT COUNT(DISTINCT referrer_id) FROM {Referral._meta.db_table} "
        "WHERE tenant_id = %(tenant)s AND status = 'qualified' "
        "AND qualified_at >= %(s)s AND qualified_at < %(e)s)"
    )
