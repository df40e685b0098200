"""Pure fraud and policy helpers: email normalisation, disposable domains, bot user agents."""

from __future__ import annotations

import re

# Providers that ignore dots in the local part and/or deliver `name+tag@` to `name@`.
_DOTLESS = frozenset({"gmail.com", "googlemail.com"})
_PLUS_TAGS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "yahoo.com",
        "proton.me",
        "protonmail.com",
        "fastmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "posteo.de",
    }
)
_ALIASES = {"googlemail.com": "gmail.com"}

DISPOSABLE_DOMAINS = frozenset(
    {
        "mailinator.com",
        "guerrillamail.com",
        "10minutemail.com",
        "tempmail.com",
        "temp-mail.org",
        "yopmail.com",
        "trashmail.com",
        "getnada.com",
        "sharklasers.com",
        "dispostable.com",
        "maildrop.cc",
        "throwawaymail.com",
        "fakeinbox.com",
        "mintemail.com",
        "mohmal.com",
        "emailondeck.com",
        "burnermail.io",
        "tempr.email",
        "discard.email",
        "spamgourmet.com",
    }
)

_BOT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|telegram|discord|"
    r"curl|wget|python-requests|httpclient|headless|lighthouse|pingdom|monitor",
    re.IGNORECASE,
)


def normalize_email(email: str) -> str:
    """Fold case, and dots and `+tags` where the provider ignores them."""
    email = (email or "").strip().lower()
    if "@" not in email:
        return email
    local, domain = email.rsplit("@", 1)
    domain = _ALIASES.get(domain, domain)
    if domain in _PLUS_TAGS or domain in _DOTLESS:
        local = local.split("+", 1)[0]
    if domain in _DOTLESS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def is_disposable(email: str) -> bool:
    domain = (email or "").rsplit("@", 1)[-1].strip().lower()
    return domain in DISPOSABLE_DOMAINS


def is_bot(user_agent: str) -> bool:
    """Known crawlers, link previewers and scripts (an empty agent counts as a bot)."""
    return not user_agent or bool(_BOT.search(user_agent))
