"""Personal data referrals holds about a customer: links, referrals on either side, rewards.

Another person's data stays out: a referral shows the other side by id only.
"""

from django.db.models import Q

from flywheel.core.personal_data import eraser, fields, scrub_rows, section
from referrals.models import Click, Referral, ReferralLink, Reward


@section("referral_links")
def referral_links(customer) -> list[dict]:
    return list(
        ReferralLink.objects.filter(referrer=customer)
        .order_by("created_at", "pk")
        .values("code", "program_id", "active", "created_at")
    )


@section("referrals")
def referrals(customer) -> list[dict]:
    rows = (
        Referral.objects.filter(Q(referrer=customer) | Q(referee=customer))
        .order_by("attributed_at", "pk")
        .values(
            "id",
            "referrer_id",
            "referee_id",
            "status",
            "rejection_reason",
            "fraud_signals",
            "clicked_at",
            "attributed_at",
            "qualified_at",
            "closed_at",
        )
    )
    return [
        {**row, "role": "referrer" if row["referrer_id"] == customer.pk else "referee"}
        for row in rows
    ]


@section("rewards")
def rewards(customer) -> list[dict]:
    return list(
        Reward.objects.filter(recipient=customer)
        .order_by("created_at", "pk")
        .values(
            "id",
            "referral_id",
            "side",
            "kind",
            "amount",
            "currency",
            "status",
            "void_reason",
            "created_at",
            "approved_at",
            "issued_at",
            "voided_at",
        )
    )


@eraser("referrals")
def erase_referrals(customer, markers: list[str]) -> int:
    """Fraud signals name addresses and agents; the clicks from the customer's own address
    (the signup's IP hash) lose theirs. Links, referrals and rewards stay for the KPIs."""
    changed = Referral.objects.filter(Q(referrer=customer) | Q(referee=customer)).update(
        fraud_signals=[]
    )
    if customer.signup_ip_hash:
        changed += Click.objects.filter(ip_hash=customer.signup_ip_hash).update(
            ip_hash="", user_agent=""
        )
    changed += scrub_rows(Click.objects.filter(link__referrer=customer), ["user_agent"], markers)
    return changed


fields(
    "referrals.ReferralProgram",
    none=("name", "landing_url", "referrer_reward_kind", "referee_reward_kind", "qualification"),
)
fields("referrals.ReferralLink", none=("code",))
fields("referrals.Click", customer=("ip_hash", "user_agent"), none=("visitor_id", "reason"))
fields("referrals.Referral", customer=("fraud_signals",), none=("status", "rejection_reason"))
fields("referrals.Reward", none=("side", "kind", "currency", "status", "void_reason"))
