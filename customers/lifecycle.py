"""The customer lifecycle: stages, their flywheel phase, channels, and the stage-change rule.

Pure rules with no database: which timestamps a stage change sets and which changes are valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models

# Timestamps sent by clients may run this far ahead of our clock.
CLOCK_SKEW = timedelta(minutes=5)


class Stage(models.TextChoices):
    LEAD = "lead", "Lead"
    QUALIFIED_LEAD = "qualified_lead", "Qualified lead"
    OPPORTUNITY = "opportunity", "Opportunity"
    CUSTOMER = "customer", "Customer"
    ADVOCATE = "advocate", "Advocate"
    CHURNED = "churned", "Churned"


class Phase(models.TextChoices):
    ATTRACT = "attract", "Attract"
    ENGAGE = "engage", "Engage"
    DELIGHT = "delight", "Delight"
    NONE = "none", "None (friction)"


class Channel(models.TextChoices):
    ORGANIC = "organic", "Organic"
    REFERRAL = "referral", "Referral"
    PAID = "paid", "Paid"
    SOCIAL = "social", "Social"
    PARTNER = "partner", "Partner"
    DIRECT = "direct", "Direct"
    OTHER = "other", "Other"


PHASE_OF_STAGE = {
    Stage.LEAD: Phase.ATTRACT,
    Stage.QUALIFIED_LEAD: Phase.ATTRACT,
    Stage.OPPORTUNITY: Phase.ENGAGE,
    Stage.CUSTOMER: Phase.DELIGHT,
    Stage.ADVOCATE: Phase.DELIGHT,
    Stage.CHURNED: Phase.NONE,
}
PAYING_STAGES = frozenset({Stage.CUSTOMER, Stage.ADVOCATE})


def stages_of_phase(phase: str) -> list[str]:
    return [stage for stage, p in PHASE_OF_STAGE.items() if p == phase]


@dataclass(frozen=True)
class StageTimestamps:
    became_customer_at: datetime | None
    churned_at: datetime | None


class StageRuleError(ValueError):
    """A stage change or a historical timestamp breaks the lifecycle rules."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def apply_stage_change(
    *,
    to_stage: str,
    at: datetime,
    now: datetime,
    created_at: datetime,
    became_customer_at: datetime | None,
    churned_at: datetime | None,
) -> StageTimestamps:
    """The customer's timestamps after entering `to_stage` at `at` (StageRuleError if invalid).

    `became_customer_at` is set the first time a paying stage is entered; `churned_at` when
    `churned` is entered and cleared when the customer comes back.
    """
    if at > now + CLOCK_SKEW:
        raise StageRuleError("changed_at", "A stage change cannot be in the future.")
    if at < created_at:
        raise StageRuleError("changed_at", "A stage change cannot precede the record's creation.")
    if to_stage in PAYING_STAGES:
        return StageTimestamps(became_customer_at or at, None)
    if to_stage == Stage.CHURNED:
        if became_customer_at is not None and at < became_customer_at:
            raise StageRuleError("changed_at", "Churn cannot precede becoming a customer.")
        return StageTimestamps(became_customer_at, at)
    return StageTimestamps(became_customer_at, None)


def validate_history(
    *,
    now: datetime,
    created_at: datetime,
    became_customer_at: datetime | None,
    churned_at: datetime | None,
) -> None:
    """Imported timestamps are consistent: none in the future, in lifecycle order."""
    for field, value in (
        ("created_at", created_at),
        ("became_customer_at", became_customer_at),
        ("churned_at", churned_at),
    ):
        if value is not None and value > now + CLOCK_SKEW:
            raise StageRuleError(field, "Cannot be in the future.")
    if became_customer_at is not None and became_customer_at < created_at:
        raise StageRuleError("became_customer_at", "Cannot precede created_at.")
    if (
        churned_at is not None
        and became_customer_at is not None
        and churned_at < became_customer_at
    ):
        raise StageRuleError("churned_at", "Churn cannot precede becoming a customer.")
    if churned_at is not None and churned_at < created_at:
        raise StageRuleError("churned_at", "Cannot precede created_at.")
