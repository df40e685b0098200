"""The domain events referrals emits (catalogue: flywheel.core.catalogue)."""

from rest_framework import serializers as f

from flywheel.core.catalogue import event_type
from referrals.models import RejectionReason, RewardKind, RewardSide, RewardStatus

REFERRAL = {
    "referral_id": f.IntegerField(),
    "program_id": f.IntegerField(),
    "referrer_id": f.IntegerField(),
    "referee_id": f.IntegerField(),
    "status": f.CharField(),
    "rejection_reason": f.ChoiceField(choices=RejectionReason.choices, allow_blank=True),
    "fraud_signals": f.ListField(child=f.CharField()),
}
REWARD = {
    "reward_id": f.IntegerField(),
    "referral_id": f.IntegerField(),
    "recipient_id": f.IntegerField(),
    "side": f.ChoiceField(choices=RewardSide.choices),
    "status": f.ChoiceField(choices=RewardStatus.choices),
    "amount": f.DecimalField(max_digits=12, decimal_places=2),
    "currency": f.CharField(),
    "void_reason": f.CharField(allow_blank=True),
}

event_type("referral.created", "A referee was attributed to a referrer's link.", **REFERRAL)
event_type("referral.rejected", "A referral was rejected, with its reason.", **REFERRAL)
event_type(
    "referral.qualified",
    "A referral met its program's rule; rewards were created.",
    referral_id=f.IntegerField(),
    referrer_id=f.IntegerField(),
    referee_id=f.IntegerField(),
    qualified_at=f.DateTimeField(),
)
event_type("referral.expired", "A pending referral ran out of time.", referral_id=f.IntegerField())
event_type(
    "referral.invited",
    "A happy customer was given a link to refer (promoter, approved content).",
    customer_id=f.IntegerField(),
    program_id=f.IntegerField(),
    link_id=f.IntegerField(),
    code=f.CharField(),
    url=f.URLField(),
    reason=f.CharField(),
    new_link=f.BooleanField(),
)
event_type(
    "reward.created",
    "A reward was created for one side of a qualified referral.",
    reward_id=f.IntegerField(),
    referral_id=f.IntegerField(),
    recipient_id=f.IntegerField(),
    side=f.ChoiceField(choices=RewardSide.choices),
    kind=f.ChoiceField(choices=RewardKind.choices),
    amount=f.DecimalField(max_digits=12, decimal_places=2),
    currency=f.CharField(),
    needs_manual_approval=f.BooleanField(),
)
for _status in ("approved", "issued", "voided"):
    event_type(f"reward.{_status}", f"A reward was {_status}.", **REWARD)
