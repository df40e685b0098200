"""Customer health for a whole tenant: one aggregate query, the formula, set-based writes.

The formula lives once, in `segments.calculators.health` (exact decimals, tested against
hand-worked figures); SQL only aggregates each customer's events. Many customers share the
same inputs, so the formula is memoised on them. New values are upserted into the narrow
`CustomerHealth` table in one statement, only for customers whose health changed; band
changes go to the history, alerts that start or end to the alert records, both with domain
events.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from customers.models import Customer, CustomerHealth, Event
from flywheel.core import events as domain_events
from flywheel.core.locks import lock_tenant_job
from flywheel.core.observability.metrics import HEALTH_CUSTOMERS, HEALTH_RECOMPUTES
from flywheel.core.sql import (
    adapt_time,
    bulk_load,
    bulk_upsert,
    json_text,
    run_scoped,
    scoped_params,
)
from flywheel.core.tenancy import require_current_tenant
from segments.calculators import Health, HealthInputs, HealthSettings, health
from segments.models import (
    HealthAlert,
    HealthChange,
    HealthModel,
    HealthSummary,
)

DEFAULT_WEIGHTS = {
    "login_frequency": "25",
    "feature_usage": "30",
    "support_tickets": "20",
    "payment_history": "25",
}
NO_EVENTS = HealthInputs(0, 0, 0, 0, 0)


def health_model_get(*, tenant) -> HealthModel:
    """The tenant's health model, created with DOMAIN's defaults on first use."""
    # get_or_create: two first uses at once make one model (the loser reads the winner's).
    model, _ = HealthModel.objects.get_or_create(
        tenant=tenant, defaults={"weights": dict(DEFAULT_WEIGHTS)}
    )
    return model


def settings_of(model: HealthModel) -> HealthSettings:
    return HealthSettings(
        weights={k: Decimal(str(v)) for k, v in model.weights.items()},
        key_features=tuple(model.key_features),
        target_logins_per_week=Decimal(model.target_logins_per_week),
        ticket_threshold=model.ticket_threshold,
        green_threshold=Decimal(model.green_threshold),
        yellow_threshold=Decimal(model.yellow_threshold),
    )


def _aggregate_sql(
    *, as_of: datetime, key_features: list[str], customer_ids: list[int] | None = None
) -> tuple[str, dict]:
    """The per-customer aggregate over the 90-day window: `customer_id` then the counts, for
    the tenant in scope (`%(tenant)s`)."""
    feature, status = json_text("e.properties", "feature"), json_text("e.properties", "status")
    params: dict = {
        "since28": adapt_time(as_of - timedelta(days=28)),
        "since30": adapt_time(as_of - timedelta(days=30)),
        "since90": adapt_time(as_of - timedelta(days=90)),
        "as_of": adapt_time(as_of),
    }
    if key_features:
        names = []
        for index, key in enumerate(key_features):
            params[f"feature{index}"] = key
            names.append(f"%(feature{index})s")
        features_sql = (
            "COUNT(DISTINCT CASE WHEN e.kind = 'feature_used' AND e.occurred_at >= %(since30)s "
            f"AND {feature} IN ({', '.join(names)}) THEN {feature} END)"
        )
    else:
        features_sql = "0"
    where_customers = ""
    if customer_ids is not None:
        where_customers = "AND e.customer_id IN (" + _id_list(customer_ids, params) + ")"
    sql = (
        "SELECT e.customer_id, "
        "SUM(CASE WHEN e.kind = 'login' AND e.occurred_at >= %(since28)s THEN 1 ELSE 0 END) "
        f"AS logins, {features_sql} AS features, "
        "SUM(CASE WHEN e.kind = 'support_ticket' AND e.occurred_at >= %(since30)s "
        f"AND {status} = 'opened' THEN 1 ELSE 0 END) AS tickets, "
        "SUM(CASE WHEN e.kind = 'payment' THEN 1 ELSE 0 END) AS payments, "
        f"SUM(CASE WHEN e.kind = 'payment' AND {status} = 'paid' THEN 1 ELSE 0 END) AS paid "
        f"FROM {Event._meta.db_table} e "
        "WHERE e.tenant_id = %(tenant)s AND e.occurred_at >= %(since90)s "
        "AND e.occurred_at < %(as_of)s "
        "AND e.kind IN ('login', 'feature_used', 'support_ticket', 'payment') "
        f"{where_customers} GROUP BY e.customer_id"
    )
    return sql, params


def _id_list(ids: list[int], params: dict) -> str:
    """Named placeholders for `ids`, added to `params`."""
    names = []
    for index, pk in enumerate(ids):
        params[f"id{index}"] = pk
        names.append(f"%(id{index})s")
    return ", ".join(names)


def health_inputs(*, as_of: datetime, customer_ids: list[int] | None = None) -> dict:
    """customer id -> the counts the formula needs, for the scope's customers with events in
    the last 90 days."""
    key_features = health_model_get(tenant=require_current_tenant()).key_features
    sql, params = _aggregate_sql(as_of=as_of, key_features=key_features, customer_ids=customer_ids)
    return {
        row[0]: HealthInputs(*(int(v or 0) for v in row[1:])) for row in run_scoped(sql, params)
    }


def _candidates(
    *,
    as_of: datetime,
    base: Health,
    key_features: list[str],
    customer_ids: list[int] | None,
) -> Iterator[tuple[int, Decimal | None, str, list, datetime | None, HealthInputs]]:
    """The customers whose health may change: those with events in the window (with their
    counts) and those without whose stored health is not the no-events result.

    One statement: the aggregate joined to the customers. Customers without events all get
    the same result, so most of a large tenant is settled in SQL and never reaches Python.
    """
    aggregate, params = _aggregate_sql(
        as_of=as_of, key_features=key_features, customer_ids=customer_ids
    )
    alerts_sql = (
        "CAST(%(base_alerts)s AS jsonb)"
        if connection.vendor == "postgresql"
        else ("%(base_alerts)s")
    )
    params.update(
        base_score=base.score, base_band=base.band, base_alerts=json.dumps(list(base.alerts))
    )
    where_ids = ""
    if customer_ids is not None:
        where_ids = "AND c.id IN (" + _id_list(customer_ids, params) + ") "
    sql = (
        "SELECT c.id, h.score, h.band, h.alerts, h.band_since, "
        "a.logins, a.features, a.tickets, a.payments, a.paid "
        f"FROM {Customer._meta.db_table} c "
        f"LEFT JOIN {CustomerHealth._meta.db_table} h "
        "ON h.customer_id = c.id AND h.tenant_id = %(tenant)s "
        f"LEFT JOIN ({aggregate}) a ON a.customer_id = c.id "
        f"WHERE c.tenant_id = %(tenant)s {where_ids}AND (a.customer_id IS NOT NULL OR CASE "
        f"WHEN h.score = %(base_score)s AND h.band = %(base_band)s AND h.alerts = {alerts_sql} "
        "THEN 0 ELSE 1 END = 1)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, scoped_params(params))
        while chunk := cursor.fetchmany(20000):
            for pk, score, band, stored, since, *counts in chunk:
                if isinstance(score, float | int):
                    score = Decimal(str(score))
                if isinstance(stored, str):
                    stored = json.loads(stored)
                band, stored = band or "", stored or []
                inputs = (
                    NO_EVENTS if counts[0] is None else HealthInputs(*(int(v or 0) for v in counts))
                )
                yield pk, score, band, stored, since, inputs


def _as_json(result: Health) -> tuple[dict, list]:
    return ({k: float(v) for k, v in result.components.items()}, list(result.alerts))


@transaction.atomic
def health_recompute(
    *, tenant, as_of: datetime | None = None, customer_ids: list[int] | None = None
) -> dict[str, int]:
    """Recompute health for all the tenant's customers (or the given ones) as of `as_of`.

    Writes score, band, components and alerts where they changed; records a `HealthChange`
    and `customer.health_changed` when the band changes from one band to another (a first
    band only sets `band_since`), and a `HealthAlert` and `customer.health_alert` when an
    alert starts (ending it when it no longer applies). Alerts found at a customer's first
    scoring are emitted too (`first_scoring: true`; a new customer who starts red needs the
    playbook most) unless the tenant's health model switches that off for imports. A full
    recompute also writes the day's `HealthSummary`. Idempotent for one `as_of`. Returns
    counts.
    """
    as_of = as_of or timezone.now()
    # One run per tenant at a time: an overlapping one waits, then finds nothing changed.
    lock_tenant_job("health", tenant.pk)
    model = health_model_get(tenant=tenant)
    settings = settings_of(model)
    compute = lru_cache(maxsize=65536)(lambda inputs: (r := health(inputs, settings), *_as_json(r)))
    base = compute(NO_EVENTS)[0]
    batch, totals = _Batch(first_scoring_alerts=model.first_scoring_alerts), Counter()
    # On PostgreSQL (whose client cursor has the whole result already) the writes go out every
    # FLUSH_ROWS changed customers, so the pending rows stay bounded; SQLite steps through its
    # result lazily, so it writes once at the end (its tenants are small).
    batches = connection.vendor == "postgresql"
    for pk, score, band, alerts, since, inputs in _candidates(
        as_of=as_of,
        base=base,
        key_features=model.key_features,
        customer_ids=customer_ids,
    ):
        result, components, new_alerts = compute(inputs)
        if score == result.score and band == result.band and alerts == new_alerts:
            continue
        batch.add(tenant, as_of, pk, band, alerts, since, result, components, new_alerts)
        if batches and len(batch.rows) >= FLUSH_ROWS:
            totals.update(_flush(tenant, as_of, batch))
            batch = _Batch(first_scoring_alerts=model.first_scoring_alerts)
    totals.update(_flush(tenant, as_of, batch))
    if customer_ids is None:
        HealthModel.objects.filter(pk=model.pk).update(computed_at=as_of)
        health_summary_write(tenant=tenant, as_of=as_of)
    HEALTH_RECOMPUTES.labels("all" if customer_ids is None else "some").inc()
    HEALTH_CUSTOMERS.inc(totals["customers"])
    return {
        key: totals[key] for key in ("customers", "band_changes", "alerts_started", "alerts_ended")
    }


FLUSH_ROWS = 100_000


@dataclass
class _Batch:
    """Changed customers not written yet: health rows, history, alerts, events."""

    first_scoring_alerts: bool = True
    rows: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    started: list = field(default_factory=list)
    ended: list = field(default_factory=list)
    events: list = field(default_factory=list)
    alert_events: list = field(default_factory=list)

    def add(self, tenant, as_of, pk, band, alerts, since, result, components, new_alerts):
        if band != result.band:
            since = as_of
        self.rows.append(
            {
                "customer_id": pk,
                "tenant_id": tenant.pk,
                "score": result.score,
                "band": result.band,
                "components": components,
                "alerts": new_alerts,
                "band_since": since,
                "computed_at": as_of,
            }
        )
        if band and band != result.band:  # a first band is a start, not a change
            self.changes.append(
                {
                    "tenant_id": tenant.pk,
                    "customer_id": pk,
                    "from_band": band,
                    "to_band": result.band,
                    "score": result.score,
                    "changed_at": as_of,
                }
            )
            self.events.append(
                {
                    "customer_id": pk,
                    "from": band,
                    "to": result.band,
                    "score": str(result.score),
                    "components": components,
                }
            )
        for kind in sorted(set(new_alerts) - set(alerts)):
            self.started.append(
                {"tenant_id": tenant.pk, "customer_id": pk, "kind": kind, "started_at": as_of}
            )
            if band or self.first_scoring_alerts:
                self.alert_events.append(
                    {
                        "customer_id": pk,
                        "alert": kind,
                        "band": result.band,
                        "score": str(result.score),
                        "components": components,
                        "first_scoring": not band,
                    }
                )
        for kind in set(alerts) - set(new_alerts):
            self.ended.append((pk, kind))


def _flush(tenant, as_of: datetime, batch: _Batch) -> dict[str, int]:
    """Write a batch: one upsert of health rows, history, alerts started and ended, events."""
    bulk_upsert(
        CustomerHealth,
        batch.rows,
        conflict=["customer"],
        update=["score", "band", "components", "alerts", "band_since", "computed_at"],
    )
    bulk_load(HealthChange, batch.changes)
    bulk_load(HealthAlert, batch.started)
    for kind in {kind for _, kind in batch.ended}:
        ids = [pk for pk, k in batch.ended if k == kind]
        for start in range(0, len(ids), 5000):
            HealthAlert.objects.filter(
                kind=kind, customer_id__in=ids[start : start + 5000], ended_at__isnull=True
            ).update(ended_at=as_of)
    domain_events.record_many(tenant, "customer.health_changed", batch.events)
    domain_events.record_many(tenant, "customer.health_alert", batch.alert_events)
    return {
        "customers": len(batch.rows),
        "band_changes": len(batch.changes),
        "alerts_started": len(batch.started),
        "alerts_ended": len(batch.ended),
    }


def health_summary_write(*, tenant, as_of: datetime) -> HealthSummary:
    """Store the tenant's health as it stands (the day of `as_of` in UTC; a later recompute on
    the same day replaces it): average and band counts over the active customers, per
    acquisition channel too. One grouped statement over the customers and their health."""
    sql = (
        "SELECT c.acquisition_channel, COUNT(*), SUM(h.score), "
        "SUM(CASE WHEN h.band = 'green' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN h.band = 'yellow' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN h.band = 'red' THEN 1 ELSE 0 END) "
        f"FROM {Customer._meta.db_table} c "
        f"JOIN {CustomerHealth._meta.db_table} h "
        "ON h.customer_id = c.id AND h.tenant_id = %(tenant)s "
        "WHERE c.tenant_id = %(tenant)s AND c.stage IN ('customer', 'advocate') "
        "GROUP BY c.acquisition_channel"
    )
    rows = run_scoped(sql)
    total = Counter()
    by_channel = {}
    for channel, count, score_sum, green, yellow, red in rows:
        score_sum = Decimal(str(score_sum or 0))
        by_channel[channel] = [str(score_sum), count]
        total.update(
            {"customers": count, "green": green or 0, "yellow": yellow or 0, "red": red or 0}
        )
        total["score_sum"] += score_sum
    summary, _ = HealthSummary.objects.update_or_create(
        tenant=tenant,
        day=as_of.astimezone(UTC).date(),
        defaults={
            "computed_at": as_of,
            "customers": total["customers"],
            "score_sum": total["score_sum"],
            "green": total["green"],
            "yellow": total["yellow"],
            "red": total["red"],
            "by_channel": by_channel,
        },
    )
    return summary
