"""`Idempotency-Key` on POST: a replay within 24 h returns the first response.

A view's `secret_fields` (e.g. `key` of a new API key) are stored as null and so answered as
null on a replay: plaintext secrets are shown once and kept nowhere.

The first request inserts a pending record (unique per credential and key) before it runs, so
two concurrent requests with one key cannot both execute: the second gets 409. A different
body (or path) under a used key is refused with 422. Only successful (2xx) responses are kept;
a failed attempt releases the key so the client can retry.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from flywheel.core.errors import ConflictError, UnprocessableError
from flywheel.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class IdempotentReplay(Exception):
    """Raised to short-circuit a view with the stored response."""

    def __init__(self, record: IdempotencyRecord):
        self.record = record


def _owner(request) -> str | None:
    """Whose key space: a credential that acts for itself (an API key names its
    `idempotency_owner`), else the user."""
    owner = getattr(request.auth, "idempotency_owner", None)
    if owner:
        return owner
    if request.user and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return None


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.get_full_path().encode())
    digest.update(request._request.body)
    return digest.hexdigest()


def begin(request) -> IdempotencyRecord | None:
    """Claim the request's key, or raise a replay / 409 / 422. None when no key applies."""
    key = request.headers.get(HEADER)
    owner = _owner(request)
    if request.method != "POST" or not key or owner is None:
        return None
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: [f"At most {MAX_KEY_LENGTH} characters."]})
    fingerprint = _fingerprint(request)
    expired_before = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_TTL_SECONDS)
    IdempotencyRecord.objects.filter(owner=owner, key=key, created_at__lt=expired_before).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(owner=owner, key=key, fingerprint=fingerprint)
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
    if record is None:  # released by the first request in between: let the client retry
        raise ConflictError("A request with this Idempotency-Key was just released; retry.")
    if record.fingerprint != fingerprint:
        raise UnprocessableError(
            "This Idempotency-Key was used with another request body.",
            code="idempotency_key_reused",
        )
    if record.status_code is None:
        raise ConflictError(
            "A request with this Idempotency-Key is still in progress.",
            code="idempotency_in_progress",
        )
    raise IdempotentReplay(record)


def redact(body, secret_fields: tuple[str, ...]):
    """`body` with each secret field set to null: what a replay answers instead."""
    if isinstance(body, dict):
        return {key: (None if key in secret_fields else value) for key, value in body.items()}
    return body


def complete(
    record: IdempotencyRecord, response: Response, *, secret_fields: tuple[str, ...] = ()
) -> None:
    """Keep a successful response for replays; release the key otherwise.

    Secrets shown once (a new API key, token or signing secret) are never stored: the kept
    body has them as null, so a replay answers the same resource without the secret.
    """
    if 200 <= response.status_code < 300:
        body = redact(json.loads(response.rendered_content or b"null"), secret_fields)
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code, response_body=body
        )
        record.status_code = response.status_code
    else:
        release(record)


def release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, status_code__isnull=True).delete()


def replay_response(record: IdempotencyRecord) -> Response:
    return Response(
        record.response_body, status=record.status_code, headers={"Idempotent-Replayed": "true"}
    )


def purge_expired() -> int:
    """Delete records past the 24 h window; returns how many."""
    expired_before = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_TTL_SECONDS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=expired_before).delete()
    return deleted
