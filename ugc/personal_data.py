"""Personal data ugc holds about a customer: the content it was asked for and gave."""

from flywheel.core.personal_data import eraser, fields, markers, scrub_rows, section
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


@markers("ugc")
def ugc_markers(customer) -> list[str]:
    rows = UGCRequest.objects.filter(customer=customer).values_list(
        "text", "media_url", "moderation_note", "published_url"
    )
    return [text for row in rows for text in row]


@eraser("ugc")
def erase_ugc(customer, markers: list[str]) -> int:
    """The content and notes go; kind, status, rating and dates stay (UGC KPIs)."""
    changed = UGCRequest.objects.filter(customer=customer).update(
        text="", media_url="", moderation_note="", published_url=""
    )
    return changed + scrub_rows(UGCRequest.objects.filter(customer=customer), ["prompt"], markers)


fields("ugc.UGCRule", none=("trigger", "request_kind"))
fields(
    "ugc.UGCRequest",
    customer=("text", "media_url", "moderation_note", "published_url"),
    copies=("prompt",),
    none=("kind", "trigger", "status", "channel", "token"),
)
