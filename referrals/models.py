"""Referral programs, links, clicks, referrals and rewards (DOMAIN section 4)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from flywheel.core.tenancy import TenantOwnedModel
from flywheel.core.validators import DAYS, WEB_URL


class RewardKind(models.TextChoices):
    CREDIT = "credit", "Credit"
    DISCOUNT_PERCENT = "discount_percent", "Discount (percent)"
    DISCOUNT_FIXED = "discount_fixed", "Discount (fixed)"
    CASH = "cash", "Cash"
    POINTS = "points", "Points"
    CUSTOM = "custom", "Custom"


class Qualification(models.TextChoices):
    SIGNUP = "signup", "Signup"
    FIRST_PAYMENT = "first_payment", "First payment"
    CUSTOMER = "customer", "Becomes a customer"


class ReferralProgram(TenantOwnedModel):
    """A double-sided referral program of a tenant; rewards are in the tenant's currency."""

    name = models.CharField(max_length=200)
    landing_url = models.URLField(max_length=500, validators=[WEB_URL])
    active = models.BooleanField(default=True)
    is_default = models.BooleanField(
        default=False, help_text="Promoters are invited to this program automatically."
    )
    referrer_reward_kind = models.CharField(max_length=20, choices=RewardKind.choices)
    referrer_reward_amount = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    referee_reward_kind = models.CharField(max_length=20, choices=RewardKind.choices)
    referee_reward_amount = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    qualification = models.CharField(
        max_length=20, choices=Qualification.choices, default=Qualification.FIRST_PAYMENT
    )
    min_payment_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    attribution_window_days = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1), *DAYS]
    )
    max_rewards_per_referrer = models.PositiveIntegerField(null=True, blank=True)
    holding_days = models.PositiveIntegerField(default=14, validators=DAYS)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], condition=Q(is_default=True), name="program_one_default"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "active"], name="program_tenant_active")]

    def __str__(self) -> str:
        return self.name


class ReferralLink(TenantOwnedModel):
    """A referrer's personal link into one program; `code` is globally unique."""

    program = models.ForeignKey(ReferralProgram, on_delete=models.CASCADE, related_name="links")
    referrer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="referral_links"
    )
    code = models.CharField(max_length=32, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "referrer", "program"],
                condition=Q(active=True),
                name="link_one_active_per_program",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "referrer", "program"], name="link_tenant_referrer"),
        ]

    def __str__(self) -> str:
        return self.code


class Click(TenantOwnedModel):
    """A visit of `/r/<code>`; bots and repeat visitors within 24 h are stored, not counted."""

    link = models.ForeignKey(ReferralLink, on_delete=models.CASCADE, related_name="clicks")
    occurred_at = models.DateTimeField(default=timezone.now)
    ip_hash = models.CharField(max_length=64, blank=True, default="")
    user_agent = models.CharField(max_length=512, blank=True, default="")
    visitor_id = models.CharField(max_length=64)
    counted = models.BooleanField(default=True)
    reason = models.CharField(max_length=20, blank=True, default="", help_text="bot or repeat")

    class Meta:
        indexes = [
            models.Index(fields=["link", "visitor_id", "occurred_at"], name="click_link_visitor"),
            models.Index(fields=["link", "ip_hash", "occurred_at"], name="click_link_address"),
            models.Index(fields=["tenant", "occurred_at"], name="click_tenant_time"),
        ]


class ReferralStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    QUALIFIED = "qualified", "Qualified"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


class RejectionReason(models.TextChoices):
    SELF_REFERRAL = "self_referral", "Self referral"
    EXISTING_CUSTOMER = "existing_customer", "Existing customer"
    DUPLICATE = "duplicate", "Duplicate"
    WINDOW_EXPIRED = "window_expired", "Attribution window expired"
    CAP_REACHED = "cap_reached", "Reward cap reached"
    PROGRAM_INACTIVE = "program_inactive", "Program inactive"


class Referral(TenantOwnedModel):
    """A referee tied to a referrer's link; a referee has at most one live referral."""

    program = models.ForeignKey(ReferralProgram, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(
        ReferralLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    referrer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="referrals_made"
    )
    referee = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="referrals_received"
    )
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    rejection_reason = models.CharField(
        max_length=20, choices=RejectionReason.choices, blank=True, default=""
    )
    fraud_signals = models.JSONField(default=list, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    attributed_at = models.DateTimeField(default=timezone.now)
    qualified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Rejected or expired.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "referee"],
                condition=Q(status__in=["pending", "qualified"]),
                name="referral_one_live_per_referee",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "attributed_at"], name="referral_status"),
            models.Index(fields=["tenant", "referrer", "status"], name="referral_referrer"),
            models.Index(fields=["tenant", "referee"], name="referral_referee"),
            models.Index(fields=["tenant", "qualified_at"], name="referral_qualified"),
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} -> {self.referee_id} ({self.status})"


class RewardSide(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    REFEREE = "referee", "Referee"


class RewardStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    ISSUED = "issued", "Issued"
    VOIDED = "voided", "Voided"


class Reward(TenantOwnedModel):
    """One side's reward of a qualified referral; exactly one per referral and side."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="rewards")
    recipient = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="rewards"
    )
    side = models.CharField(max_length=10, choices=RewardSide.choices)
    kind = models.CharField(max_length=20, choices=RewardKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=10, choices=RewardStatus.choices, default=RewardStatus.PENDING
    )
    needs_manual_approval = models.BooleanField(default=False)
    approve_after = models.DateTimeField()
    void_reason = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "side"], name="reward_one_per_side"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "approve_after"], name="reward_due"),
            models.Index(fields=["tenant", "recipient"], name="reward_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.amount} {self.currency} ({self.status})"
