"""Demo referral history: the seeded referred customers get their links and referrals.

The customers generator marks referred customers (`referred_by`) without the referral
records behind them; this adds a default program, one link per referrer and one referral per
referee, qualified through the real service (rewards, advocates) when the referee became a
customer.
"""

from __future__ import annotations

from decimal import Decimal

from customers.models import Customer
from referrals.models import Referral, ReferralProgram, RewardKind
from referrals.services.links import referral_link_create
from referrals.services.qualification import referral_qualify


def referrals_seed(*, tenant) -> dict[str, int]:
    """Create the demo program, links and referrals; returns counts (idempotent per referee)."""
    program = ReferralProgram.objects.filter(is_default=True).first()
    if program is None:
        program = ReferralProgram.objects.create(
            tenant=tenant,
            name="Refer a friend",
            landing_url="https://example.com/welcome",
            is_default=True,
            referrer_reward_kind=RewardKind.CREDIT,
            referrer_reward_amount=Decimal(20),
            referee_reward_kind=RewardKind.DISCOUNT_PERCENT,
            referee_reward_amount=Decimal(10),
        )
    done = set(Referral.objects.values_list("referee_id", flat=True))
    referees = (
        Customer.objects.filter(referred_by__isnull=False)
        .exclude(pk__in=done)
        .select_related("referred_by")
        .order_by("created_at")
    )
    created = qualified = 0
    for referee in referees:
        link, _ = referral_link_create(tenant=tenant, program=program, referrer=referee.referred_by)
        referral = Referral.objects.create(
            tenant=tenant,
            program=program,
            link=link,
            referrer=referee.referred_by,
            referee=referee,
            attributed_at=referee.created_at,
        )
        created += 1
        if referee.became_customer_at is not None:
            qualified += referral_qualify(referral=referral, at=referee.became_customer_at)
    return {"referrals": created, "qualified": qualified}
