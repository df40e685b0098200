"""Factories of metrics: snapshots, spend, thresholds, alerts, jobs."""

from datetime import date

import factory
from django.utils import timezone

from metrics.models import AcquisitionSpend, KpiAlert, KpiJob, KpiSnapshot, KpiThreshold
from tests.factories import TenantOwnedFactory


class KpiSnapshotFactory(TenantOwnedFactory):
    granularity = "month"
    period_start = date(2026, 10, 1)
    period_end = date(2026, 11, 1)
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyFunction(timezone.now)
    as_of = factory.LazyFunction(timezone.now)
    complete = True
    values = factory.LazyFunction(lambda: {"new_leads": 7, "churn_rate": 0.125})
    inputs = factory.LazyFunction(lambda: {"new_leads": 7})

    class Meta:
        model = KpiSnapshot


class AcquisitionSpendFactory(TenantOwnedFactory):
    period_start = date(2026, 10, 1)
    period_end = date(2026, 10, 31)
    channel = "paid"
    amount = "620.00"
    note = "Search campaign October"

    class Meta:
        model = AcquisitionSpend


class KpiThresholdFactory(TenantOwnedFactory):
    kpi = "churn_rate"
    mode = "relative"
    threshold = "20"

    class Meta:
        model = KpiThreshold


class KpiAlertFactory(TenantOwnedFactory):
    kpi = "churn_rate"
    granularity = "month"
    period_start = date(2026, 10, 1)
    previous_value = 0.1
    value = 0.2
    change = 100.0
    mode = "relative"
    threshold = "20"

    class Meta:
        model = KpiAlert


class KpiJobFactory(TenantOwnedFactory):
    granularity = "month"
    since = date(2026, 1, 1)
    until = date(2026, 10, 31)
    requested_by = "support-person@example.org"

    class Meta:
        model = KpiJob
