"""Factories of segments: scoring models, market segments, sizings, customer segments."""

import factory

from segments.calculators import DEFAULT_CRITERIA
from segments.models import CustomerSegment, MarketSegment, MarketSizing, ScoringModel
from tests.factories import TenantOwnedFactory

CRITERIA = [{"key": k, "label": label, "weight": str(w)} for k, label, w in DEFAULT_CRITERIA]


class ScoringModelFactory(TenantOwnedFactory):
    name = factory.Sequence(lambda n: f"Scoring {n}")
    criteria = CRITERIA

    class Meta:
        model = ScoringModel


class MarketSegmentFactory(TenantOwnedFactory):
    model = factory.SubFactory(ScoringModelFactory, tenant=factory.SelfAttribute("..tenant"))
    name = factory.Sequence(lambda n: f"Segment {n}")
    ratings = {c["key"]: 3 for c in CRITERIA}

    class Meta:
        model = MarketSegment


class MarketSizingFactory(TenantOwnedFactory):
    name = factory.Sequence(lambda n: f"Sizing {n}")
    market_customers = 1198
    average_arr = "15000.00"
    groups = [
        ["innovators", "2.5"],
        ["early_adopters", "13.5"],
        ["early_majority", "34"],
        ["late_majority", "34"],
        ["laggards", "16"],
    ]
    targeted_groups = ["innovators", "early_adopters", "early_majority"]
    market_shares = ["25", "50", "70"]

    class Meta:
        model = MarketSizing


class CustomerSegmentFactory(TenantOwnedFactory):
    name = factory.Sequence(lambda n: f"Saved segment {n}")
    filters = {"stage": ["customer"]}

    class Meta:
        model = CustomerSegment
