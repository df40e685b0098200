"""The KPI inputs the customers app publishes: aggregate SQL over customers, their stage
history and their events, for one tenant and one period `[s, e)`.

Each builder returns `(sql, params)`; the statements name `%(tenant)s`, which
`flywheel.core.sql.run_scoped` binds to the tenant in scope. `by_channel=True` groups the
customer-based ones by acquisition channel (cohorts). metrics composes these into a snapshot
and reads the customers app through nothing else (import-linter contract `metrics`).
"""

from __future__ import annotations

from datetime import datetime

from customers.lifecycle import Channel
from customers.models import Customer, Event, StageChange
from flywheel.core.sql import adapt_time, days_between, json_text

CHANNELS = Channel
ORGANIC_CHANNELS = ("referral", "organic")


PAYING = "('customer', 'advocate')"


# Every join to the customers names the tenant too: the customer rows are then read through
# the tenant's index, not by a scan of every tenant's customers (a 100,000-customer tenant's
# stage statement read all 2.9M customers of the bench database: 3.5 s -> see benchmarks.md).
SAME_TENANT = "c.tenant_id = %(tenant)s"


def _grouping(by_channel: bool) -> tuple[str, str]:
    return (
        ("c.acquisition_channel, ", " GROUP BY c.acquisition_channel") if by_channel else ("", "")
    )


CUSTOMER_FIELDS = ("new_leads", "new_customers", "new_customers_organic")


def customers_sql(s: datetime, e: datetime, *, by_channel=False):
    """One pass over the tenant's customers: records created and first purchases in [s, e).

    `became_customer_at` is the first entry into a paying stage and is never cleared, so it
    is history already; everything about being active is read from the stage history."""
    p = {"s": adapt_time(s), "e": adapt_time(e)}
    select, group = _grouping(by_channel)
    organic = ", ".join(f"'{c}'" for c in ORGANIC_CHANNELS)
    sql = (
        f"SELECT {select}"
        "SUM(CASE WHEN c.created_at >= %(s)s AND c.created_at < %(e)s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.became_customer_at >= %(s)s AND c.became_customer_at < %(e)s "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.became_customer_at >= %(s)s AND c.became_customer_at < %(e)s "
        f"AND c.acquisition_channel IN ({organic}) THEN 1 ELSE 0 END) "
        f"FROM {Customer._meta.db_table} c "
        f"WHERE c.tenant_id = %(tenant)s{group}"
    )
    return sql, p


STAGE_FIELDS = (
    "customers_start",
    "customers_end",
    "churned_customers",
    "reactivated_customers",
    "active_with_login",
)


def _stage_bounds(stages: str) -> str:
    """Per customer with history before `e`: the stage at `s` and at `e` (the latest change
    before each), entries into `churned` from a paying stage in [s, e), whether the customer
    returned from `churned` to a paying stage in [s, e), and whether it had paid before `s`.

    One window over the history before `e`, partitioned by customer and by "before s", as the
    MRR statement does with subscriptions."""
    before = "CASE WHEN sc.changed_at < %(s)s THEN 1 ELSE 0 END"
    ranked = (
        f"SELECT sc.customer_id, sc.from_stage, sc.to_stage, {before} AS before_s, "
        f"ROW_NUMBER() OVER (PARTITION BY sc.customer_id, {before} "
        "ORDER BY sc.changed_at DESC, sc.id DESC) AS rn "
        f"FROM {stages} sc WHERE sc.tenant_id = %(tenant)s AND sc.changed_at < %(e)s"
    )
    return (
        "SELECT customer_id, "
        "MAX(CASE WHEN before_s = 1 AND rn = 1 THEN to_stage END) AS stage_s, "
        "COALESCE(MAX(CASE WHEN before_s = 0 AND rn = 1 THEN to_stage END), "
        "MAX(CASE WHEN before_s = 1 AND rn = 1 THEN to_stage END)) AS stage_e, "
        f"SUM(CASE WHEN before_s = 0 AND to_stage = 'churned' AND from_stage IN {PAYING} "
        "THEN 1 ELSE 0 END) AS churn_entries, "
        f"MAX(CASE WHEN before_s = 0 AND from_stage = 'churned' AND to_stage IN {PAYING} "
        "THEN 1 ELSE 0 END) AS returned, "
        f"MAX(CASE WHEN before_s = 1 AND to_stage IN {PAYING} THEN 1 ELSE 0 END) AS paid_before "
        f"FROM ({ranked}) r GROUP BY customer_id"
    )


def stages_sql(s: datetime, e: datetime, *, by_channel=False):
    """Who was active at the start and at the end, churn entries and reactivations, all from
    the stage history (DOMAIN 7: a customer who churned and came back was not active between,
    and nothing after `e` is read, so a closed period's figures never change); and how many
    customers active at the end logged in during the period."""
    p = {"s": adapt_time(s), "e": adapt_time(e)}
    select, group = _grouping(by_channel)
    join = (
        f" JOIN {Customer._meta.db_table} c ON c.id = b.customer_id AND {SAME_TENANT}"
        if by_channel
        else ""
    )
    logins = (
        f"SELECT DISTINCT ev.customer_id FROM {Event._meta.db_table} ev "
        "WHERE ev.tenant_id = %(tenant)s AND ev.kind = 'login' "
        "AND ev.occurred_at >= %(s)s AND ev.occurred_at < %(e)s"
    )
    sql = (
        f"SELECT {select}"
        f"SUM(CASE WHEN b.stage_s IN {PAYING} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN b.stage_e IN {PAYING} THEN 1 ELSE 0 END), "
        "SUM(b.churn_entries), "
        "SUM(CASE WHEN b.returned = 1 AND b.paid_before = 1 THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN b.stage_e IN {PAYING} AND l.customer_id IS NOT NULL THEN 1 ELSE 0 END) "
        f"FROM ({_stage_bounds(StageChange._meta.db_table)}) b "
        f"LEFT JOIN ({logins}) l ON l.customer_id = b.customer_id{join}{group}"
    )
    return sql, p


EVENT_FIELDS = ("revenue", "referred_revenue")


def period_events_sql(s: datetime, e: datetime, *, by_channel=False):
    """One pass over the period's paid payments: revenue and revenue from referred customers."""
    p = {"s": adapt_time(s), "e": adapt_time(e)}
    select, group = _grouping(by_channel)
    status = json_text("ev.properties", "status")
    sql = (
        f"SELECT {select}"
        "SUM(ev.value), "
        "SUM(CASE WHEN c.acquisition_channel = 'referral' THEN ev.value ELSE 0 END) "
        f"FROM {Event._meta.db_table} ev "
        f"JOIN {Customer._meta.db_table} c ON c.id = ev.customer_id AND {SAME_TENANT} "
        f"WHERE ev.tenant_id = %(tenant)s AND ev.kind = 'payment' AND {status} = 'paid' "
        f"AND ev.occurred_at >= %(s)s AND ev.occurred_at < %(e)s{group}"
    )
    return sql, p


NPS_FIELDS = ("nps_promoters", "nps_detractors", "nps_respondents")


def nps_sql(s: datetime, e: datetime):
    """Each customer's latest NPS answer in the period, counted by category."""
    p = {"s": adapt_time(s), "e": adapt_time(e)}
    sql = (
        "SELECT SUM(CASE WHEN v >= 9 THEN 1 ELSE 0 END), SUM(CASE WHEN v <= 6 THEN 1 ELSE 0 END), "
        "COUNT(*) FROM (SELECT ev.value AS v, ROW_NUMBER() OVER (PARTITION BY ev.customer_id "
        "ORDER BY ev.occurred_at DESC, ev.id DESC) AS rn "
        f"FROM {Event._meta.db_table} ev WHERE ev.tenant_id = %(tenant)s AND ev.kind = 'nps' "
        "AND ev.occurred_at >= %(s)s AND ev.occurred_at < %(e)s) latest WHERE rn = 1"
    )
    return sql, p


TTV_FIELDS = ("ttv_days_sum", "ttv_customers")


def time_to_value_sql(s: datetime, e: datetime):
    """Days from becoming a customer to the first milestone, for first milestones in [s, e)."""
    p = {"s": adapt_time(s), "e": adapt_time(e)}
    days = days_between("m.first_at", "c.became_customer_at")
    sql = (
        f"SELECT SUM({days}), COUNT(*) FROM ("
        "SELECT ev.customer_id, MIN(ev.occurred_at) AS first_at "
        f"FROM {Event._meta.db_table} ev WHERE ev.tenant_id = %(tenant)s "
        "AND ev.kind = 'milestone' AND ev.occurred_at < %(e)s GROUP BY ev.customer_id) m "
        f"JOIN {Customer._meta.db_table} c ON c.id = m.customer_id AND {SAME_TENANT} "
        "WHERE m.first_at >= %(s)s AND c.became_customer_at IS NOT NULL"
    )
    return sql, p


MRR_FIELDS = (
    "mrr_start",
    "mrr_end",
    "new_mrr",
    "reactivation_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
    "retained_base_mrr",
    "retained_end_mrr",
    "retained_capped_mrr",
)


def mrr_sql(s: datetime, e: datetime, *, by_channel=False):
    """MRR at start and end per customer (latest `subscription` before each), then movements.

    One window over the subscription events before `e`, partitioned by customer and by
    "before s": row 1 of the "before" part is the MRR at the start; row 1 of the "in period"
    part, else the start, is the MRR at the end. From 0 to more: `new` for customers new in
    the period, `reactivation` for customers who came back from `churned` in it (as ChartMogul
    separates them), expansion for anyone else (e.g. a free plan upgraded); so
    end - start = new + reactivation + expansion - contraction - churned.
    """
    p = {"s": adapt_time(s), "e": adapt_time(e)}
    before = "CASE WHEN ev.occurred_at < %(s)s THEN 1 ELSE 0 END"
    ranked = (
        f"SELECT ev.customer_id, ev.value, {before} AS before_start, "
        f"ROW_NUMBER() OVER (PARTITION BY ev.customer_id, {before} "
        "ORDER BY ev.occurred_at DESC, ev.id DESC) AS rn "
        f"FROM {Event._meta.db_table} ev WHERE ev.tenant_id = %(tenant)s "
        "AND ev.kind = 'subscription' AND ev.occurred_at < %(e)s"
    )
    per_customer = (
        "SELECT customer_id, "
        "COALESCE(MAX(CASE WHEN before_start = 1 AND rn = 1 THEN value END), 0) AS m_start, "
        "COALESCE(MAX(CASE WHEN before_start = 0 AND rn = 1 THEN value END), "
        "MAX(CASE WHEN before_start = 1 AND rn = 1 THEN value END), 0) AS m_end "
        f"FROM ({ranked}) r GROUP BY customer_id"
    )
    returned = (
        f"SELECT DISTINCT sc.customer_id FROM {StageChange._meta.db_table} sc "
        "WHERE sc.tenant_id = %(tenant)s AND sc.from_stage = 'churned' "
        f"AND sc.to_stage IN {PAYING} AND sc.changed_at >= %(s)s AND sc.changed_at < %(e)s"
    )
    new = "(c.became_customer_at >= %(s)s AND c.became_customer_at < %(e)s)"
    back = "(r.customer_id IS NOT NULL AND c.became_customer_at < %(s)s)"
    select, group = _grouping(by_channel)
    sql = (
        f"SELECT {select}SUM(m.m_start), SUM(m.m_end), "
        f"SUM(CASE WHEN m.m_start = 0 AND m.m_end > 0 AND {new} THEN m.m_end ELSE 0 END), "
        f"SUM(CASE WHEN m.m_start = 0 AND m.m_end > 0 AND NOT {new} AND {back} "
        "THEN m.m_end ELSE 0 END), "
        "SUM(CASE WHEN m.m_end > m.m_start AND NOT (m.m_start = 0 AND "
        f"({new} OR {back})) THEN m.m_end - m.m_start ELSE 0 END), "
        "SUM(CASE WHEN m.m_end > 0 AND m.m_end < m.m_start THEN m.m_start - m.m_end ELSE 0 END), "
        "SUM(CASE WHEN m.m_start > 0 AND m.m_end = 0 THEN m.m_start ELSE 0 END), "
        "SUM(CASE WHEN m.m_start > 0 THEN m.m_start ELSE 0 END), "
        "SUM(CASE WHEN m.m_start > 0 THEN m.m_end ELSE 0 END), "
        "SUM(CASE WHEN m.m_start > 0 AND m.m_end < m.m_start THEN m.m_end "
        "WHEN m.m_start > 0 THEN m.m_start ELSE 0 END) "
        f"FROM ({per_customer}) m JOIN {Customer._meta.db_table} c "
        f"ON c.id = m.customer_id AND {SAME_TENANT} "
        f"LEFT JOIN ({returned}) r ON r.customer_id = m.customer_id{group}"
    )
    return sql, p


def qualified_leads_sql(lo: str, hi: str) -> str:
    """A scalar subquery: distinct customers that entered `qualified_lead` in [lo, hi)
    (`lo`/`hi` are parameter placeholders such as `%(s)s`)."""
    return (
        f"(SELECT COUNT(DISTINCT customer_id) FROM {StageChange._meta.db_table} "
        "WHERE tenant_id = %(tenant)s AND to_stage = 'qualified_lead' "
        f"AND changed_at >= {lo} AND changed_at < {hi})"
    )
