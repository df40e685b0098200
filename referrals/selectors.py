"""Read queries of referrals: links with their counters, computed set-based."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from referrals.models import Click, Referral, ReferralLink, ReferralStatus


def _count(queryset) -> Coalesce:
    counted = queryset.filter(link=OuterRef("pk")).order_by().values("link")
    return Coalesce(
        Subquery(counted.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def links_with_stats(queryset: QuerySet[ReferralLink]) -> QuerySet[ReferralLink]:
    """Links with `clicks_count` (counted clicks), `referrals_count` and `qualified_count`.

    The caller scopes `queryset` (the API by tenant, the admin across tenants).
    """
    # all_tenants: each subquery is correlated to one link row of the outer, scoped query.
    return queryset.annotate(
        clicks_count=_count(Click.all_tenants.filter(counted=True)),
        referrals_count=_count(Referral.all_tenants.all()),
        qualified_count=_count(Referral.all_tenants.filter(status=ReferralStatus.QUALIFIED)),
    )
