"""The demo's referral history: a referral per referred customer, qualified for customers."""

from datetime import UTC, datetime

import pytest

from customers.demo_data import seed_tenant
from customers.models import Customer
from flywheel.core.tenancy import tenant_scope
from referrals.demo import referrals_seed
from referrals.models import Referral, Reward
from tests.accounts.factories import TenantFactory


@pytest.mark.django_db
def test_every_referred_demo_customer_gets_its_referral_once():
    # given
    tenant = TenantFactory()
    seed_tenant(
        tenant=tenant, customers=300, days=180, seed=7, now=datetime(2026, 11, 1, tzinfo=UTC)
    )
    with tenant_scope(tenant):
        referred = Customer.objects.filter(referred_by__isnull=False)
        # when
        counts = referrals_seed(tenant=tenant)
        again = referrals_seed(tenant=tenant)
        # then
        assert counts["referrals"] == referred.count() > 0
        assert again == {"referrals": 0, "qualified": 0}
        qualified = Referral.objects.filter(status="qualified")
        assert qualified.count() == counts["qualified"] > 0
        assert set(qualified.values_list("referee_id", flat=True)) == set(
            referred.filter(became_customer_at__isnull=False).values_list("pk", flat=True)
        ) - set(Referral.objects.exclude(status="qualified").values_list("referee_id", flat=True))
        assert Reward.objects.count() == 2 * counts["qualified"]
        for referral in qualified.select_related("referee"):
            assert referral.qualified_at == referral.referee.became_customer_at
