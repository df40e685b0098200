"""Secret credentials: generation, checksum and keyed hashing of API keys and personal tokens.

A secret looks like `fw_live_<30 random base62><6 base62 CRC32 checksum>` (API keys) or
`fw_pat_...` (personal tokens). The checksum lets a mistyped or made-up secret be refused
without a database query; only an HMAC-SHA256 of the secret under a server pepper is stored.
See docs/decisions.md ("API keys written by hand").
"""

import hashlib
import hmac
import secrets
import zlib

from django.conf import settings

API_KEY_PREFIX = "fw_live_"
PERSONAL_TOKEN_PREFIX = "fw_pat_"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_RANDOM_LENGTH = 30  # ~178 bits
_CHECKSUM_LENGTH = 6
VISIBLE_LENGTH = 12  # characters after the type prefix shown as the key's `prefix`


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, rest = divmod(number, 62)
        digits.append(_ALPHABET[rest])
    return "".join(reversed(digits))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), _CHECKSUM_LENGTH)


def generate(type_prefix: str) -> str:
    """A new random secret with its type prefix and checksum."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_LENGTH))
    return f"{type_prefix}{body}{_checksum(body)}"


def is_well_formed(secret: str, type_prefix: str) -> bool:
    """Prefix, length, alphabet and checksum are right (no database needed)."""
    if not secret.startswith(type_prefix):
        return False
    rest = secret[len(type_prefix) :]
    if len(rest) != _RANDOM_LENGTH + _CHECKSUM_LENGTH or any(c not in _ALPHABET for c in rest):
        return False
    body, checksum = rest[:_RANDOM_LENGTH], rest[_RANDOM_LENGTH:]
    return hmac.compare_digest(checksum, _checksum(body))


def hash_secret(secret: str) -> str:
    """The stored form: hex HMAC-SHA256 under the server pepper (fast, keyed, one-way)."""
    pepper = settings.API_KEY_PEPPER.encode()
    return hmac.new(pepper, secret.encode(), hashlib.sha256).hexdigest()


def visible_prefix(secret: str, type_prefix: str) -> str:
    """What lists show to tell keys apart, e.g. `fw_live_AbC123xYz9Qw`."""
    return secret[: len(type_prefix) + VISIBLE_LENGTH]
