"""The words customers read in emails and on the unsubscribe page, in English and German.

A small table rather than gettext catalogues: two languages, a few dozen strings, no compiled
files to keep in step (docs/decisions.md).
"""

from flywheel.core.copy import in_language

KINDS_EN = {
    "review": "a review",
    "testimonial": "a testimonial",
    "case_study": "a case study",
    "screenshot": "a screenshot",
    "video": "a short video",
    "expert_article": "an expert article",
}
KINDS_DE = {
    "review": "eine Bewertung",
    "testimonial": "ein Testimonial",
    "case_study": "eine Fallstudie",
    "screenshot": "einen Screenshot",
    "video": "ein kurzes Video",
    "expert_article": "einen Fachartikel",
}

TEXTS = {
    "en": {
        "kinds": KINDS_EN,
        "subject_ugc_request": "{tenant} would love to hear from you",
        "subject_ugc_reminder": "A reminder from {tenant}",
        "subject_referral_invitation": "Share {tenant} and both of you get a reward",
        "subject_reward_issued": "Your reward from {tenant} is here",
        "hello": "Hello",
        "ugc_request_intro": "you have been with {tenant} for a while. Would you share",
        "ugc_request_cta": "Share your experience",
        "ugc_reminder_intro": "a short reminder: {tenant} would still love",
        "due": "until",
        "invitation_intro": "thank you for being a fan of {tenant}. Here is your personal link:",
        "invitation_cta": "Open your referral link",
        "reward_intro": "your reward from {tenant} has been issued:",
        "unsubscribe": "Unsubscribe from these emails",
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_text": "You will no longer receive emails from {tenant}.",
        "unsubscribe_confirm": "Unsubscribe",
        "unsubscribed_title": "You are unsubscribed",
        "not_found_title": "Not found",
        "not_found_text": "This link does not exist or has ended.",
    },
    "de": {
        "kinds": KINDS_DE,
        "subject_ugc_request": "{tenant} freut sich auf Ihre Meinung",
        "subject_ugc_reminder": "Eine Erinnerung von {tenant}",
        "subject_referral_invitation": "Empfehlen Sie {tenant} und Sie beide erhalten eine Prämie",
        "subject_reward_issued": "Ihre Prämie von {tenant} ist da",
        "hello": "Hallo",
        "ugc_request_intro": "Sie sind schon eine Weile bei {tenant}. Würden Sie teilen:",
        "ugc_request_cta": "Erfahrung teilen",
        "ugc_reminder_intro": "eine kurze Erinnerung: {tenant} würde sich weiterhin freuen über",
        "due": "bis",
        "invitation_intro": "danke, dass Sie {tenant} schätzen. Hier ist Ihr persönlicher Link:",
        "invitation_cta": "Empfehlungslink öffnen",
        "reward_intro": "Ihre Prämie von {tenant} wurde ausgegeben:",
        "unsubscribe": "Von diesen E-Mails abmelden",
        "unsubscribe_title": "Abmelden",
        "unsubscribe_text": "Sie erhalten dann keine E-Mails mehr von {tenant}.",
        "unsubscribe_confirm": "Abmelden",
        "unsubscribed_title": "Sie sind abgemeldet",
        "not_found_title": "Nicht gefunden",
        "not_found_text": "Dieser Link existiert nicht oder ist abgelaufen.",
    },
}


def texts_for(tenant) -> dict:
    """The strings in the tenant's language, `{tenant}` filled in."""
    return in_language(TEXTS, tenant)
