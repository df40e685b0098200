"""Factories of referrals: programs, links, clicks, referrals and rewards in one tenant."""

from datetime import timedelta

import factory
from django.utils import timezone

from referrals.codes import new_code
from referrals.models import Click, Referral, ReferralLink, ReferralProgram, Reward
from tests.customers.factories import CustomerFactory
from tests.factories import TenantOwnedFactory

_SAME_TENANT = factory.SelfAttribute("..tenant")


class ReferralProgramFactory(TenantOwnedFactory):
    name = factory.Sequence(lambda n: f"Program {n}")
    landing_url = "https://shop.example.com/welcome?utm_source=referral"
    referrer_reward_kind = "credit"
    referrer_reward_amount = "20.00"
    referee_reward_kind = "discount_percent"
    referee_reward_amount = "10.00"
    qualification = "first_payment"
    holding_days = 14

    class Meta:
        model = ReferralProgram


class ReferralLinkFactory(TenantOwnedFactory):
    program = factory.SubFactory(ReferralProgramFactory, tenant=_SAME_TENANT)
    referrer = factory.SubFactory(CustomerFactory, tenant=_SAME_TENANT, stage="customer")
    code = factory.LazyFunction(new_code)

    class Meta:
        model = ReferralLink


class ClickFactory(TenantOwnedFactory):
    link = factory.SubFactory(ReferralLinkFactory, tenant=_SAME_TENANT)
    visitor_id = factory.Sequence(lambda n: f"visitor-{n}")

    class Meta:
        model = Click


class ReferralFactory(TenantOwnedFactory):
    link = factory.SubFactory(ReferralLinkFactory, tenant=_SAME_TENANT)
    program = factory.SelfAttribute("link.program")
    referrer = factory.SelfAttribute("link.referrer")
    referee = factory.SubFactory(CustomerFactory, tenant=_SAME_TENANT)

    class Meta:
        model = Referral


class RewardFactory(TenantOwnedFactory):
    referral = factory.SubFactory(ReferralFactory, tenant=_SAME_TENANT, status="qualified")
    recipient = factory.SelfAttribute("referral.referrer")
    side = "referrer"
    kind = "credit"
    amount = "20.00"
    currency = "EUR"
    approve_after = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))

    class Meta:
        model = Reward
