"""Factory base: tenant-owned rows are created through `all_tenants`, sharing one tenant."""

import factory
from factory.django import DjangoModelFactory


class TenantOwnedFactory(DjangoModelFactory):
    """Creates through `all_tenants`, so factories work with or without a tenant in scope."""

    tenant = factory.SubFactory("tests.accounts.factories.TenantFactory")

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.all_tenants
