"""Checks the production settings run on their secrets before anything starts.

A secret that is a known placeholder (the demo's, `.env.example`'s), short, or made of few
distinct characters is refused: every signed cookie, API key hash and webhook secret at rest
hangs on it.
"""

import base64
import binascii
import math
from collections import Counter

# The values shipped in this repository; each is public, so none may sign anything.
KNOWN_PLACEHOLDERS = frozenset(
    {
        "dev-insecure-flywheel-secret-key-change-me",
        "change-me-to-64-random-characters",
        "another-64-random-characters",
        "change-me-to-a-fernet-key",
    }
)
PLACEHOLDER_WORDS = ("change-me", "changeme", "replace-me", "placeholder", "django-insecure")
MIN_LENGTH = 50
# Shannon entropy of the characters, in bits per character, times the length: 50 random
# characters from `secrets.token_urlsafe` carry about 280 bits; "a" * 64 carries none.
MIN_ENTROPY_BITS = 200


def entropy_bits(value: str) -> float:
    """The Shannon entropy of `value`'s character distribution times its length."""
    if not value:
        return 0.0
    counts = Counter(value)
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return per_char * len(value)


def secret_problem(name: str, value: str) -> str | None:
    """Why `value` cannot serve as the secret `name` in production, or None."""
    advice = (
        f"Set {name} to a random value, "
        "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
    lowered = value.lower()
    if value in KNOWN_PLACEHOLDERS or any(word in lowered for word in PLACEHOLDER_WORDS):
        return f"{name} is a published placeholder. {advice}"
    if len(value) < MIN_LENGTH:
        return f"{name} has {len(value)} characters; at least {MIN_LENGTH} are needed. {advice}"
    if entropy_bits(value) < MIN_ENTROPY_BITS:
        return f"{name} repeats too few characters to be random. {advice}"
    return None


def fernet_key_problem(name: str, value: str) -> str | None:
    """Why `value` is not a usable Fernet key (url-safe base64 of 32 random bytes), or None."""
    advice = (
        f"Set {name} to python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())', or leave it empty to derive it from SECRET_KEY."
    )
    if value in KNOWN_PLACEHOLDERS or any(word in value.lower() for word in PLACEHOLDER_WORDS):
        return f"{name} is a published placeholder. {advice}"
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        return f"{name} is not url-safe base64 of 32 bytes. {advice}"
    if len(set(raw)) < 16:
        return f"{name} repeats too few bytes to be random. {advice}"
    return None
