"""Accounts data: users (email login), tenants, memberships, API keys and personal tokens."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from accounts.choices import validate_currency
from accounts.roles import Role
from flywheel.core.tenancy import TenantOwnedModel
from flywheel.core.validators import WEB_URL

LAST_USED_RESOLUTION = timedelta(minutes=1)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("A user needs an email.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email; belongs to tenants through memberships."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May log in to the admin site.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"Unknown time zone {value!r}.", code="invalid_timezone")


class Tenant(models.Model):
    """A business running its flywheel here; everything tenant-owned points at one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    currency = models.CharField(
        max_length=3,
        default="EUR",
        validators=[validate_currency],
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    gross_margin = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    language = models.CharField(
        max_length=2,
        choices=[("en", "English"), ("de", "Deutsch")],
        default="en",
        help_text="Of the emails and hosted pages its customers see.",
    )
    brand_color = models.CharField(
        max_length=7,
        default="#2f6feb",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour like #2f6feb.")],
        help_text="Accent colour of the hosted pages and emails.",
    )
    logo_url = models.URLField(max_length=500, blank=True, default="", validators=[WEB_URL])
    frontend_base_url = models.URLField(
        max_length=500,
        blank=True,
        default="",
        validators=[WEB_URL],
        help_text="Where the tenant's own frontend answers UGC requests: the token is appended. "
        "Empty: our hosted page /p/ugc/{token}.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    def get_additional_data(self) -> dict:
        """Beside each audited change of the tenant: its id, as for its rows."""
        return {"tenant_id": self.pk}


class Membership(TenantOwnedModel):
    """A user's role in one tenant."""

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user"),
        ]
        indexes = [models.Index(fields=["user", "tenant"], name="membership_user_tenant")]

    def __str__(self) -> str:
        return f"{self.user} in {self.tenant} as {self.role}"


class CredentialMixin(models.Model):
    """What API keys and personal tokens share: a hashed secret, scopes and a life cycle."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=32, help_text="Visible start of the secret.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def needs_last_used_write(self, now) -> bool:
        """True at most once a minute, so authentication rarely writes."""
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION


class ApiKey(CredentialMixin, TenantOwnedModel):
    """A partner integration's key for one tenant, limited by its scopes."""

    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["tenant", "-created_at"], name="apikey_tenant_created")]

    @property
    def idempotency_owner(self) -> str:
        """Idempotency keys are per API key (a key acts for itself, not for a person)."""
        return f"api_key:{self.pk}"


class PersonalToken(CredentialMixin):
    """A user's token for third-party frontends; acts as the user, limited by its scopes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="token_user_created")]
