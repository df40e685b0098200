"""UGC requests (asking customers for reviews, testimonials, ...) and the rules that ask."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from flywheel.core.tenancy import TenantOwnedModel
from flywheel.core.validators import DAYS, WEB_URL


class UGCKind(models.TextChoices):
    REVIEW = "review", "Review"
    TESTIMONIAL = "testimonial", "Testimonial"
    CASE_STUDY = "case_study", "Case study"
    SCREENSHOT = "screenshot", "Screenshot"
    VIDEO = "video", "Video"
    EXPERT_ARTICLE = "expert_article", "Expert article"


class UGCTrigger(models.TextChoices):
    MILESTONE = "milestone", "Milestone reached"
    POSITIVE_SUPPORT = "positive_support", "Support ticket closed happily"
    FEATURE_USAGE = "feature_usage", "Feature used often"
    COMMUNITY_ACTIVITY = "community_activity", "Active in the community"
    PROMOTER = "promoter", "NPS promoter"
    MANUAL = "manual", "Created by hand"


class UGCStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    REMINDED = "reminded", "Reminded"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PUBLISHED = "published", "Published"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"


OPEN_STATUSES = (UGCStatus.REQUESTED, UGCStatus.REMINDED)


class UGCRule(TenantOwnedModel):
    """When to ask: a trigger, its threshold and window, the kind asked for, and timing."""

    trigger = models.CharField(max_length=24, choices=UGCTrigger.choices)
    request_kind = models.CharField(max_length=20, choices=UGCKind.choices)
    threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Promoter: min NPS; positive support: min csat; feature usage and community: "
        "min count in the window. Unused for milestones.",
    )
    window_days = models.PositiveIntegerField(default=30, validators=[MinValueValidator(1), *DAYS])
    cooldown_days = models.PositiveIntegerField(default=30, validators=DAYS)
    reminder_days = models.PositiveIntegerField(default=3, validators=[MinValueValidator(1), *DAYS])
    expiry_days = models.PositiveIntegerField(default=14, validators=[MinValueValidator(1), *DAYS])
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "trigger"], name="ugcrule_one_per_trigger"),
        ]

    def __str__(self) -> str:
        return f"{self.trigger} -> {self.request_kind}"


class UGCRequest(TenantOwnedModel):
    """A request for content from one customer, answered through its public token."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="ugc_requests"
    )
    kind = models.CharField(max_length=20, choices=UGCKind.choices)
    trigger = models.CharField(max_length=24, choices=UGCTrigger.choices)
    rule = models.ForeignKey(UGCRule, on_delete=models.SET_NULL, null=True, blank=True)
    source_event = models.ForeignKey(
        "customers.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=UGCStatus.choices, default=UGCStatus.REQUESTED)
    channel = models.CharField(max_length=20, default="webhook")
    token = models.CharField(max_length=64, unique=True)
    prompt = models.TextField()
    due_at = models.DateTimeField()
    remind_at = models.DateTimeField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField(blank=True, default="")
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    media_url = models.URLField(max_length=500, blank=True, default="", validators=[WEB_URL])
    consent = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.TextField(blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    published_url = models.URLField(max_length=500, blank=True, default="", validators=[WEB_URL])
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "customer", "kind"],
                condition=Q(status__in=["requested", "reminded"]),
                name="ugcrequest_one_open_per_kind",
            ),
            models.UniqueConstraint(
                fields=["tenant", "source_event", "rule"],
                condition=Q(source_event__isnull=False),
                name="ugcrequest_once_per_event_rule",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "created_at"], name="ugc_status"),
            models.Index(fields=["tenant", "customer", "created_at"], name="ugc_customer"),
            models.Index(fields=["tenant", "status", "due_at"], name="ugc_due"),
            models.Index(fields=["tenant", "status", "remind_at"], name="ugc_remind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} from {self.customer_id} ({self.status})"
