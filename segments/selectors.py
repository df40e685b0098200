"""Read queries of segments: saved customer segments, evaluated with the customers' filters."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from customers.filters import CustomerFilterSet
from customers.models import Customer
from segments.calculators import rank, segment_score
from segments.models import CustomerSegment, HealthSummary, MarketSegment, ScoringModel

SEARCH_FIELDS = ("email", "name", "external_id")


def _query_dict(filters: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in filters.items():
        values = value if isinstance(value, list) else [value]
        data.setlist(key, [str(v).lower() if isinstance(v, bool) else str(v) for v in values])
    return data


def _filterset(filters: dict) -> CustomerFilterSet:
    data = _query_dict({k: v for k, v in filters.items() if k != "search"})
    return CustomerFilterSet(data=data, queryset=Customer.objects.all())


MAX_FILTER_VALUES = 50
MAX_FILTER_TEXT = 256


def _bound(value) -> str | None:
    """Why a filter value is not a scalar or a short list of them, else None."""
    values = value if isinstance(value, list) else [value]
    if len(values) > MAX_FILTER_VALUES:
        return f"At most {MAX_FILTER_VALUES} values."
    for item in values:
        if isinstance(item, (dict, list)):
            return "A text, number or boolean, or a list of them."
        if isinstance(item, str) and len(item) > MAX_FILTER_TEXT:
            return f"At most {MAX_FILTER_TEXT} characters."
    return None


def health_summary_at(*, moment) -> HealthSummary | None:
    """The tenant's latest health summary written before `moment` (None before the first)."""
    return HealthSummary.objects.filter(computed_at__lt=moment).order_by("-computed_at").first()


def customer_segment_problem(filters) -> dict | None:
    """Field errors of a saved filter (unknown keys, invalid values), or None."""
    if not isinstance(filters, dict):
        return {"filters": ["A JSON object of customer filters."]}
    allowed = set(CustomerFilterSet.base_filters) | {"search"}
    unknown = sorted(set(filters) - allowed)
    if unknown:
        return {key: ["Unknown filter."] for key in unknown}
    badly_sized = {key: [message] for key, value in filters.items() if (message := _bound(value))}
    if badly_sized:
        return badly_sized
    filterset = _filterset(filters)
    if not filterset.is_valid():
        return {key: [str(e) for e in errors] for key, errors in filterset.errors.items()}
    return None


def customer_segment_members(*, segment: CustomerSegment) -> QuerySet[Customer]:
    """The segment's current members: exactly what the customers list returns for its filters."""
    queryset = _filterset(segment.filters).qs
    search = segment.filters.get("search")
    if search:
        condition = Q()
        for name in SEARCH_FIELDS:
            condition |= Q(**{f"{name}__icontains": search})
        queryset = queryset.filter(condition)
    return queryset


def customer_segment_counts(segments: list[CustomerSegment]) -> dict[int, int]:
    """segment id -> member count, for a page of segments in one query."""
    if not segments:
        return {}
    counts = Customer.objects.aggregate(
        **{
            f"s{s.pk}": Count(
                "pk", filter=Q(pk__in=customer_segment_members(segment=s).values("pk"))
            )
            for s in segments
        }
    )
    return {s.pk: counts[f"s{s.pk}"] for s in segments}


def segments_ranked(*, model: ScoringModel) -> list[tuple[MarketSegment, Decimal, int]]:
    """The model's segments with score and rank (score descending, ties by name)."""
    # all_tenants: the scoring model fixes the tenant (this also serves the admin).
    segments = list(MarketSegment.all_tenants.filter(model=model))
    by_name = {s.name: s for s in segments}
    scored = [(s.name, segment_score(model.weights, s.ratings)) for s in segments]
    return [(by_name[name], score, position) for name, score, position in rank(scored)]


def scores_for(segments) -> dict[int, tuple[Decimal, int]]:
    """segment id -> (score, rank) within its model, for the given segments' models."""
    result: dict[int, tuple[Decimal, int]] = {}
    for model in {s.model for s in segments}:
        for segment, score, position in segments_ranked(model=model):
            result[segment.pk] = (score, position)
    return result
