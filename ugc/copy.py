"""The words of the hosted UGC page, in English and German (see webhooks/copy.py for mail)."""

from flywheel.core.copy import in_language

TEXTS = {
    "en": {
        "kinds": {
            "review": "A review",
            "testimonial": "A testimonial",
            "case_study": "A case study",
            "screenshot": "A screenshot",
            "video": "A short video",
            "expert_article": "An expert article",
        },
        "due": "until",
        "date_format": "F j, Y",
        "not_found_title": "Not found",
        "not_found_text": "This link does not exist or has ended.",
        "page_title": "Your experience with {tenant}",
        "text": "Your words",
        "rating": "Rating",
        "media_url": "Link to a picture or video (optional)",
        "consent": "{tenant} may publish my contribution",
        "submit": "Send",
        "decline": "No, thank you",
        "thanks_title": "Thank you!",
        "thanks_submitted": "Your contribution has reached {tenant}.",
        "thanks_declined": "We will not ask you again for this.",
        "expired_title": "This request has expired",
        "expired_text": "It is no longer possible to answer it.",
        "answered_title": "Already answered",
        "answered_text": "This request has been answered already. Thank you!",
        "required": "Please write a few words, or decline.",
    },
    "de": {
        "kinds": {
            "review": "Eine Bewertung",
            "testimonial": "Ein Testimonial",
            "case_study": "Eine Fallstudie",
            "screenshot": "Ein Screenshot",
            "video": "Ein kurzes Video",
            "expert_article": "Ein Fachartikel",
        },
        "due": "bis",
        "date_format": "j. F Y",
        "not_found_title": "Nicht gefunden",
        "not_found_text": "Dieser Link existiert nicht oder ist abgelaufen.",
        "page_title": "Ihre Erfahrung mit {tenant}",
        "text": "Ihre Worte",
        "rating": "Bewertung",
        "media_url": "Link zu einem Bild oder Video (optional)",
        "consent": "{tenant} darf meinen Beitrag veröffentlichen",
        "submit": "Senden",
        "decline": "Nein, danke",
        "thanks_title": "Vielen Dank!",
        "thanks_submitted": "Ihr Beitrag ist bei {tenant} angekommen.",
        "thanks_declined": "Wir fragen Sie dazu nicht noch einmal.",
        "expired_title": "Diese Anfrage ist abgelaufen",
        "expired_text": "Sie kann nicht mehr beantwortet werden.",
        "answered_title": "Bereits beantwortet",
        "answered_text": "Diese Anfrage wurde schon beantwortet. Vielen Dank!",
        "required": "Bitte schreiben Sie ein paar Worte oder lehnen Sie ab.",
    },
}


def texts_for(tenant) -> dict:
    """The strings in the tenant's language, `{tenant}` filled in."""
    return in_language(TEXTS, tenant)
