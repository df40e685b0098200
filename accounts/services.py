"""Write use-cases of accounts: registration, tenants, memberships, keys and tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts import keys
from accounts.models import ApiKey, Membership, PersonalToken, Tenant, User
from accounts.roles import Role
from accounts.scopes import ALL_SCOPES, TOKEN_SCOPES
from flywheel.core import events as domain_events
from flywheel.core.errors import (
    ApplicationError,
    ConflictError,
    ForbiddenError,
    InvalidFieldsError,
)
from flywheel.core.tenancy import tenant_scope


class EmailTakenError(ApplicationError):
    default_detail = "A user with this email exists."
    default_code = "email_taken"


class SlugTakenError(ApplicationError):
    default_detail = "This tenant slug is taken."
    default_code = "slug_taken"


class LastOwnerError(ConflictError):
    default_detail = "A tenant keeps at least one owner."
    default_code = "last_owner"


class UnknownScopeError(ApplicationError):
    default_code = "unknown_scope"


def user_register(*, email: str, password: str, name: str = "") -> User:
    """Create a user; the password must pass Django's validators (ValidationError otherwise)."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTakenError()
    try:
        validate_password(password, User(email=email, name=name))
    except DjangoValidationError as error:
        raise InvalidFieldsError({"password": error.messages}, code="weak_password") from error
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, name=name)
    except IntegrityError as exc:  # registered concurrently
        raise EmailTakenError() from exc


def _free_slug(name: str) -> str:
    base = slugify(name)[:50] or "tenant"
    taken = set(
        Tenant.objects.filter(slug__regex=rf"^{re.escape(base)}(-[0-9]+)?$").values_list(
            "slug", flat=True
        )
    )
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def tenant_create(*, owner: User, name: str, slug: str | None = None, **settings) -> Tenant:
    """Create a tenant with `owner` as its first owner. The slug is derived when not given.

    A derived slug is the name's, with `-2`, `-3`... when taken, also under concurrent
    creates (a lost race tries the next free one); a given slug that is taken is 400.
    Records `tenant.created` (other apps set up their defaults, e.g. UGC rules)."""
    if slug and Tenant.objects.filter(slug=slug).exists():
        raise SlugTakenError()
    for _attempt in range(20):
        try:
            with transaction.atomic():
                tenant = Tenant(name=name, slug=slug or _free_slug(name), **settings)
                tenant.full_clean(validate_unique=False)  # the database decides
                tenant.save()
                with tenant_scope(tenant):
                    Membership.objects.create(tenant=tenant, user=owner, role=Role.OWNER)
                    domain_events.record(
                        tenant, "tenant.created", {"tenant_id": tenant.pk, "slug": tenant.slug}
                    )
            return tenant
        except IntegrityError as exc:
            if slug:
                raise SlugTakenError() from exc
    raise ConflictError("Too many tenants are being created with this name; retry.")


def tenant_update(*, tenant: Tenant, **changes) -> Tenant:
    """Change a tenant's settings (validated)."""
    for field, value in changes.items():
        setattr(tenant, field, value)
    tenant.full_clean()
    tenant.save()
    return tenant


def membership_add(*, tenant: Tenant, email: str, role: str) -> Membership:
    """Give an existing user a role in `tenant` (ApplicationError if unknown or already in)."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ApplicationError("No user with this email.", code="unknown_user")
    with tenant_scope(tenant):
        if Membership.objects.filter(user=user).exists():
            raise ConflictError("This user is a member already.", code="already_member")
        try:
            with transaction.atomic():
                return Membership.objects.create(tenant=tenant, user=user, role=role)
        except IntegrityError as exc:  # added concurrently
            raise ConflictError("This user is a member already.", code="already_member") from exc


def _owners_left_without(membership: Membership) -> int:
    with tenant_scope(membership.tenant):
        return (
            Membership.objects.filter(role=Role.OWNER).exclude(pk=membership.pk).select_for_update()
        ).count()


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; the last owner cannot step down."""
    stepping_down = membership.role == Role.OWNER and role != Role.OWNER
    if stepping_down and _owners_left_without(membership) == 0:
        raise LastOwnerError()
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a member; the last owner cannot be removed."""
    if membership.role == Role.OWNER and _owners_left_without(membership) == 0:
        raise LastOwnerError()
    membership.delete()


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidFieldsError(
            {"expires_at": ["Must lie in the future."]}, code="expired_at_creation"
        )


class ScopeEscalationError(ForbiddenError):
    default_code = "scope_escalation"


def scopes_to_grant(
    *,
    requested: list[str] | None,
    held: Iterable[str] | None,
    grantable: tuple[str, ...] = ALL_SCOPES,
) -> list[str]:
    """The scopes a new credential gets: what was asked (default: every scope in `grantable`
    except `tenants:create`) limited to what the creating credential `held` (None: a session,
    which holds all). Asking for a scope the creator lacks is a 403: no credential ever makes
    one with more rights than its own."""
    held_set = set(TOKEN_SCOPES if held is None else held)
    if requested is None:
        return sorted(scope for scope in ALL_SCOPES if scope in held_set)
    unknown = sorted(set(requested) - set(grantable))
    if unknown:
        raise UnknownScopeError(f"Unknown scopes: {', '.join(unknown)}.")
    beyond = sorted(set(requested) - held_set)
    if beyond:
        raise ScopeEscalationError(
            f"Your credential lacks {', '.join(beyond)}; a new credential gets at most yours."
        )
    return sorted(set(requested))


def api_key_create(
    *,
    tenant: Tenant,
    name: str,
    created_by: User | None,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
    held_scopes: Iterable[str] | None = None,
) -> tuple[ApiKey, str]:
    """A new key for `tenant`; returns it with the plaintext secret, which is never stored.

    `held_scopes` are the creating credential's (None for a session): the key gets at most
    those (ScopeEscalationError otherwise). `expires_at` must lie in the future."""
    _check_expiry(expires_at)
    secret = keys.generate(keys.API_KEY_PREFIX)
    api_key = ApiKey.all_tenants.create(
        tenant=tenant,
        name=name,
        scopes=scopes_to_grant(requested=scopes, held=held_scopes),
        prefix=keys.visible_prefix(secret, keys.API_KEY_PREFIX),
        key_hash=keys.hash_secret(secret),
        created_by=created_by,
        expires_at=expires_at,
    )
    return api_key, secret


def personal_token_create(
    *,
    user: User,
    name: str,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
    held_scopes: Iterable[str] | None = None,
) -> tuple[PersonalToken, str]:
    """A new token acting as `user`; returns it with the plaintext secret (shown once).

    Scopes as for API keys (at most the creating token's), plus `tenants:create` when asked
    for by name."""
    _check_expiry(expires_at)
    secret = keys.generate(keys.PERSONAL_TOKEN_PREFIX)
    token = PersonalToken.objects.create(
        user=user,
        name=name,
        scopes=scopes_to_grant(requested=scopes, held=held_scopes, grantable=TOKEN_SCOPES),
        prefix=keys.visible_prefix(secret, keys.PERSONAL_TOKEN_PREFIX),
        key_hash=keys.hash_secret(secret),
        expires_at=expires_at,
    )
    return token, secret


def credential_revoke(*, credential: ApiKey | PersonalToken) -> ApiKey | PersonalToken:
    """Revoke a key or token (idempotent: the first revocation time is kept)."""
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])
    return credential
