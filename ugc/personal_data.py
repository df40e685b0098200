"""Personal data ugc holds about a customer: the content it was asked for and gave."""

from flywheel.core.personal_data import section
from ugc.models import UGCRequest


@section("ugc_requests")
def ugc_requests(customer) -> list[dict]:
    return list(
        UGCRequest.objects.filter(customer=customer)
        .order_by("created_at", "pk")
        .values(
            "id",
            "kind",
            "trigger",
            "status",
            "prompt",
            "text",
            "rating",
            "media_url",
            "consent",
            "submitted_at",
            "moderation_note",
            "decided_at",
            "published_url",
            "published_at",
            "created_at",
        )
    )
