"""The default automation rules (seed 001's table) and the prompts shown to customers."""

from ugc.models import UGCKind, UGCTrigger

DEFAULT_RULES = (
    {"trigger": UGCTrigger.MILESTONE, "request_kind": UGCKind.CASE_STUDY, "threshold": None},
    {"trigger": UGCTrigger.POSITIVE_SUPPORT, "request_kind": UGCKind.REVIEW, "threshold": 4},
    {"trigger": UGCTrigger.FEATURE_USAGE, "request_kind": UGCKind.SCREENSHOT, "threshold": 10},
    {
        "trigger": UGCTrigger.COMMUNITY_ACTIVITY,
        "request_kind": UGCKind.EXPERT_ARTICLE,
        "threshold": 5,
    },
    {"trigger": UGCTrigger.PROMOTER, "request_kind": UGCKind.TESTIMONIAL, "threshold": 9},
)

PROMPTS = {
    UGCKind.REVIEW: "How was your experience with us? A short review helps others decide.",
    UGCKind.TESTIMONIAL: "You recommend us - would you share a sentence or two we may quote?",
    UGCKind.CASE_STUDY: "Congratulations on your milestone! Would you tell us how you got there?",
    UGCKind.SCREENSHOT: "You use this feature a lot. Would you share a screenshot of your setup?",
    UGCKind.VIDEO: "Would you record a short video of how you work with us?",
    UGCKind.EXPERT_ARTICLE: "You help many people in our community. Would you write an article?",
}
