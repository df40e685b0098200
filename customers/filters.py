"""The customer filter set: the one definition used by the customers list and saved segments."""

import django_filters as filters
from django.db.models import Q

from customers.lifecycle import Channel, Phase, Stage, stages_of_phase
from customers.models import Customer, Event, EventKind, HealthBand
from customers.selectors import NPS_CATEGORIES, customers_with_tags
from flywheel.core import filters as core_filters


class CustomerFilterSet(core_filters.FilterSet):
    """Stage, phase, channel, health band, NPS category, tags, MRR range and dates."""

    stage = core_filters.ChoicesFilter(choices=Stage.choices)
    phase = filters.ChoiceFilter(choices=Phase.choices, method="filter_phase")
    acquisition_channel = core_filters.ChoicesFilter(choices=Channel.choices)
    health_band = core_filters.ChoicesFilter(field_name="health__band", choices=HealthBand.choices)
    nps_category = filters.ChoiceFilter(
        choices=[(key, key) for key in NPS_CATEGORIES], method="filter_nps_category"
    )
    tags = filters.CharFilter(method="filter_tags", help_text="Comma-separated; all must match.")
    mrr_min = filters.NumberFilter(field_name="mrr", lookup_expr="gte")
    mrr_max = filters.NumberFilter(field_name="mrr", lookup_expr="lte")
    created_after = core_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = core_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    became_customer_after = core_filters.IsoDateTimeFilter(
        field_name="became_customer_at", lookup_expr="gte"
    )
    became_customer_before = core_filters.IsoDateTimeFilter(
        field_name="became_customer_at", lookup_expr="lt"
    )
    external_id = filters.CharFilter()
    email = filters.CharFilter(lookup_expr="iexact")
    referred_by = core_filters.IdFilter(field_name="referred_by_id")

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_phase(self, queryset, name, value):
        return queryset.filter(stage__in=stages_of_phase(value))

    def filter_nps_category(self, queryset, name, value):
        return queryset.filter(Q(**NPS_CATEGORIES[value]))

    def filter_tags(self, queryset, name, value):
        tags = [tag.strip() for tag in value.split(",") if tag.strip()]
        return customers_with_tags(queryset, tags)


class EventFilterSet(core_filters.FilterSet):
    """Events by kind, customer and time range."""

    kind = core_filters.ChoicesFilter(choices=EventKind.choices)
    customer = core_filters.IdFilter(field_name="customer_id")
    customer_external_id = filters.CharFilter(field_name="customer__external_id")
    occurred_after = core_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = core_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = Event
        fields: list[str] = []
