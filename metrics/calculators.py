"""DOMAIN section 7's formulas over a snapshot's input counts: exact decimals, null on /0.

Pure functions: the SQL gathers the inputs (`metrics.queries`), this turns them into KPIs.
"""

from __future__ import annotations

from decimal import Decimal

from metrics.registry import KPIS, rounded


def ratio(numerator, denominator) -> Decimal | None:
    """numerator / denominator, or None when either is unknown or the denominator is 0."""
    if numerator is None or denominator is None or Decimal(denominator) == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def product(*factors) -> Decimal | None:
    if any(f is None for f in factors):
        return None
    result = Decimal(1)
    for factor in factors:
        result *= Decimal(factor)
    return result


def retention_values(d: dict, *, gross_margin: Decimal) -> dict[str, Decimal | None]:
    """The KPIs of keeping customers, from the customer and MRR sums (snapshots and cohorts)."""
    churn_rate = ratio(d["churned_customers"], d["customers_start"])
    arpa = ratio(d["mrr_end"], d["customers_end"])
    return {
        "avg_health_score": ratio(d.get("health_sum"), d.get("health_count")),
        "churn_rate": churn_rate,
        "arpa": arpa,
        "nrr": ratio(d["retained_end_mrr"], d["retained_base_mrr"]),
        "grr": ratio(d["retained_capped_mrr"], d["retained_base_mrr"]),
        "clv": ratio(product(arpa, gross_margin), churn_rate),
    }


def kpi_values(i: dict, *, gross_margin: Decimal) -> dict[str, float | int | None]:
    """Every KPI of the registry from the inputs `i`, rounded per unit."""
    d = {k: Decimal(str(v)) if v is not None else None for k, v in i.items()}
    v: dict[str, Decimal | None] = {
        key: d[key]
        for key in (
            "new_leads",
            "qualified_leads",
            "new_customers",
            "reactivated_customers",
            "customers_start",
            "customers_end",
            "churned_customers",
            "revenue",
            "mrr_end",
            "new_mrr",
            "reactivation_mrr",
            "expansion_mrr",
            "contraction_mrr",
            "churned_mrr",
            "ugc_submitted",
            "ugc_published",
        )
    }
    v |= retention_values(d, gross_margin=gross_margin)
    spend = d["acquisition_spend"]
    v["lead_velocity_rate"] = ratio(
        d["qualified_leads"] - d["qualified_leads_previous"], d["qualified_leads_previous"]
    )
    v["lead_to_customer_rate"] = ratio(d["new_customers"], d["new_leads"])
    v["organic_growth_rate"] = ratio(d["new_customers_organic"], d["new_customers"])
    v["cac"] = ratio(spend, d["new_customers"])
    v["cost_per_lead"] = ratio(spend, d["new_leads"])
    v["time_to_value_days"] = ratio(d["ttv_days_sum"], d["ttv_customers"])
    v["active_usage_rate"] = ratio(d["active_with_login"], d["customers_end"])
    nps = ratio(d["nps_promoters"] - d["nps_detractors"], d["nps_respondents"])
    v["nps"] = None if nps is None else 100 * nps
    v["referral_rate"] = ratio(d["referrers_qualified"], d["customers_end"])
    v["customer_generated_revenue_share"] = ratio(d["referred_revenue"], d["revenue"])
    retained = d["customers_end"] - d["new_customers"] - d["reactivated_customers"]
    v["retention_rate"] = ratio(retained, d["customers_start"])
    margin_per_account = product(v["arpa"], gross_margin)
    v["cac_payback_months"] = ratio(v["cac"], margin_per_account)
    v["flywheel_velocity"] = ratio(
        product(v["organic_growth_rate"], v["clv"], v["referral_rate"]), v["cac"]
    )
    return {kpi.key: rounded(kpi.key, v[kpi.key]) for kpi in KPIS}
