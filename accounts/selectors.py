"""Read queries of accounts."""

from django.db.models import QuerySet

from accounts.models import Membership, PersonalToken, Tenant, User


def tenant_list_for_user(*, user: User) -> QuerySet[Tenant]:
    """Active tenants the user is a member of."""
    return Tenant.objects.filter(
        active=True, pk__in=Membership.all_tenants.filter(user=user).values("tenant_id")
    )


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    """The user's memberships with their tenants (all tenants: it is the user's own list)."""
    return Membership.all_tenants.filter(user=user, tenant__active=True).select_related("tenant")


def personal_token_list(*, user: User) -> QuerySet[PersonalToken]:
    return PersonalToken.objects.filter(user=user).order_by("-id")
