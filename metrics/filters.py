"""Filters of the KPI lists."""

from django_filters import rest_framework as filters

from flywheel.core import filters as core_filters
from metrics.models import Granularity, KpiAlert, KpiSnapshot


class KpiSnapshotFilterSet(core_filters.FilterSet):
    granularity = filters.ChoiceFilter(choices=Granularity.choices)
    since = core_filters.DateFilter(
        field_name="period_start", lookup_expr="gte", help_text="Periods starting on or after."
    )
    until = core_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", help_text="Periods starting on or before."
    )
    complete = filters.BooleanFilter()

    class Meta:
        model = KpiSnapshot
        fields: list[str] = []


class KpiAlertFilterSet(core_filters.FilterSet):
    kpi = filters.CharFilter()
    granularity = filters.ChoiceFilter(choices=Granularity.choices)
    acknowledged = filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = KpiAlert
        fields: list[str] = []
