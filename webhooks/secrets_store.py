"""Signing secrets at rest: encrypted with Fernet (AES-128-CBC + HMAC) under a server key.

A webhook secret must be known to sign, so unlike API keys it cannot be kept as a hash; it is
stored encrypted, so a database dump alone does not reveal it. The key comes from
`WEBHOOK_SECRETS_KEY` (a Fernet key), else is derived from `SECRET_KEY`.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet
from django.conf import settings


def _fernet() -> Fernet:
    key = settings.WEBHOOK_SECRETS_KEY
    if not key:
        digest = hashlib.sha256(f"webhook-secrets:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode())


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode()).decode()
