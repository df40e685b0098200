"""Factories of accounts: users, tenants, memberships, API keys and personal tokens."""

import factory
from factory.django import DjangoModelFactory

from accounts import keys
from accounts.models import ApiKey, Membership, PersonalToken, Tenant, User
from accounts.roles import Role
from accounts.scopes import ALL_SCOPES
from tests.factories import TenantOwnedFactory

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = User


class TenantFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Tenant {n}")
    slug = factory.Sequence(lambda n: f"tenant-{n}")

    class Meta:
        model = Tenant


class MembershipFactory(TenantOwnedFactory):
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER

    class Meta:
        model = Membership


class _CredentialFactoryMixin:
    """Sets the hash and prefix from a fresh secret, kept on the object as `.secret`."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        secret = keys.generate(cls.type_prefix)
        kwargs.setdefault("key_hash", keys.hash_secret(secret))
        kwargs.setdefault("prefix", keys.visible_prefix(secret, cls.type_prefix))
        obj = super()._create(model_class, *args, **kwargs)
        obj.secret = secret
        return obj


class ApiKeyFactory(_CredentialFactoryMixin, TenantOwnedFactory):
    type_prefix = keys.API_KEY_PREFIX
    name = factory.Sequence(lambda n: f"key {n}")
    scopes = list(ALL_SCOPES)

    class Meta:
        model = ApiKey
        exclude = ("type_prefix",)


class PersonalTokenFactory(_CredentialFactoryMixin, DjangoModelFactory):
    type_prefix = keys.PERSONAL_TOKEN_PREFIX
    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"token {n}")
    scopes = list(ALL_SCOPES)

    class Meta:
        model = PersonalToken
        exclude = ("type_prefix",)
