"""`Authorization: Bearer <secret>`: tenant API keys (`fw_live_`), personal tokens (`fw_pat_`)."""

from __future__ import annotations

import hmac

from django.utils import timezone
from rest_framework import authentication, exceptions

from accounts import keys
from accounts.models import ApiKey, PersonalToken


class ApiKeyPrincipal:
    """`request.user` for a request made with a tenant API key (not a person)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.pk = None

    def __str__(self) -> str:
        return f"api key {self.api_key.prefix}"


def _touch(manager, credential, now) -> None:
    """Record use at most once a minute: one UPDATE when due, no query otherwise."""
    if credential.needs_last_used_write(now):
        manager.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now


def _check(credential, secret: str) -> None:
    if credential is None or not hmac.compare_digest(credential.key_hash, keys.hash_secret(secret)):
        raise exceptions.AuthenticationFailed("Invalid credential.", code="invalid_credential")
    if credential.revoked_at is not None:
        raise exceptions.AuthenticationFailed("This credential was revoked.", code="revoked")
    if credential.expires_at is not None and credential.expires_at <= timezone.now():
        raise exceptions.AuthenticationFailed("This credential has expired.", code="expired")


def authenticate_api_key(secret: str) -> ApiKey:
    """The active key for `secret`, or AuthenticationFailed (malformed ones with no query)."""
    if not keys.is_well_formed(secret, keys.API_KEY_PREFIX):
        raise exceptions.AuthenticationFailed("Malformed API key.", code="malformed_credential")
    # all_tenants: the key itself decides the tenant; its hash is globally unique.
    api_key = (
        ApiKey.all_tenants.select_related("tenant")
        .filter(key_hash=keys.hash_secret(secret))
        .first()
    )
    _check(api_key, secret)
    _touch(ApiKey.all_tenants, api_key, timezone.now())  # same reason as above
    return api_key


def authenticate_personal_token(secret: str) -> PersonalToken:
    """The active token for `secret`, or AuthenticationFailed."""
    if not keys.is_well_formed(secret, keys.PERSONAL_TOKEN_PREFIX):
        raise exceptions.AuthenticationFailed("Malformed token.", code="malformed_credential")
    token = (
        PersonalToken.objects.select_related("user")
        .filter(key_hash=keys.hash_secret(secret))
        .first()
    )
    _check(token, secret)
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed("This user is inactive.", code="inactive_user")
    _touch(PersonalToken.objects, token, timezone.now())
    return token


class BearerAuthentication(authentication.BaseAuthentication):
    """Bearer secrets: an API key acts for its tenant, a personal token as its user."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.") from exc
        if secret.startswith(keys.API_KEY_PREFIX):
            api_key = authenticate_api_key(secret)
            return ApiKeyPrincipal(api_key), api_key
        if secret.startswith(keys.PERSONAL_TOKEN_PREFIX):
            token = authenticate_personal_token(secret)
            return token.user, token
        raise exceptions.AuthenticationFailed(
            "Unknown credential type.", code="malformed_credential"
        )

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="flywheel"'
