"""Who may do what: viewers read, members write, admins manage keys, owners manage members."""

import pytest

from accounts.models import Membership
from accounts.roles import Role
from tests.accounts.factories import ApiKeyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role,can_write_customers,can_manage_keys,can_manage_members,can_edit_tenant",
    [
        (Role.VIEWER, False, False, False, False),
        (Role.MEMBER, True, False, False, False),
        (Role.ADMIN, True, True, False, False),
        (Role.OWNER, True, True, True, True),
    ],
)
def test_role_matrix(
    tenant,
    member_client,
    role,
    can_write_customers,
    can_manage_keys,
    can_manage_members,
    can_edit_tenant,
):
    # given
    client, _ = member_client(role)
    base = f"/api/v1/tenants/{tenant.slug}"
    newcomer = UserFactory()
    # when
    customer = client.post(f"{base}/customers/", {"external_id": f"c-{role}"}, format="json")
    key = client.post(f"{base}/api-keys/", {"name": "k"}, format="json")
    member = client.post(
        f"{base}/members/", {"email": newcomer.email, "role": "viewer"}, format="json"
    )
    tenant_edit = client.patch(f"{base}/", {"name": "Renamed"}, format="json")
    # then
    assert (customer.status_code == 201) is can_write_customers, customer.content
    assert (key.status_code == 201) is can_manage_keys, key.content
    assert (member.status_code == 201) is can_manage_members, member.content
    assert (tenant_edit.status_code == 200) is can_edit_tenant, tenant_edit.content
    for response, allowed in (
        (customer, can_write_customers),
        (key, can_manage_keys),
        (member, can_manage_members),
        (tenant_edit, can_edit_tenant),
    ):
        if not allowed:
            assert response.status_code == 403


def test_everyone_in_the_tenant_reads_it_and_its_members(tenant, member_client):
    client, _ = member_client(Role.VIEWER)
    assert client.get(f"/api/v1/tenants/{tenant.slug}/").status_code == 200
    assert client.get(f"/api/v1/tenants/{tenant.slug}/members/").status_code == 200


def test_api_keys_cannot_manage_keys_or_members(tenant):
    from tests.conftest import client_for_key

    client = client_for_key(ApiKeyFactory(tenant=tenant).secret)
    assert client.get(f"/api/v1/tenants/{tenant.slug}/api-keys/").status_code == 403
    assert client.get(f"/api/v1/tenants/{tenant.slug}/members/").status_code == 403


def test_the_last_owner_cannot_step_down_or_leave(tenant, member_client):
    # given
    client, owner = member_client(Role.OWNER)
    url = f"/api/v1/tenants/{tenant.slug}/members/{owner.pk}/"
    # when
    demote = client.patch(url, {"role": "admin"}, format="json")
    leave = client.delete(url)
    # then
    assert demote.status_code == 409 and leave.status_code == 409
    assert Membership.all_tenants.get(pk=owner.pk).role == "owner"


def test_an_owner_changes_roles_and_removes_members(tenant, member_client):
    client, _ = member_client(Role.OWNER)
    other = MembershipFactory(tenant=tenant, role=Role.MEMBER)
    url = f"/api/v1/tenants/{tenant.slug}/members/{other.pk}/"
    assert client.patch(url, {"role": "admin"}, format="json").json()["role"] == "admin"
    assert client.delete(url).status_code == 204
    assert not Membership.all_tenants.filter(pk=other.pk).exists()


def test_adding_an_unknown_or_existing_member(tenant, member_client):
    client, owner = member_client(Role.OWNER)
    url = f"/api/v1/tenants/{tenant.slug}/members/"
    unknown = client.post(url, {"email": "nobody@example.com"}, format="json")
    again = client.post(url, {"email": owner.user.email}, format="json")
    assert unknown.status_code == 400 and again.status_code == 409


def test_creating_a_tenant_makes_me_owner_and_derives_the_slug(api_client):
    api_client.force_login(UserFactory())
    created = api_client.post("/api/v1/tenants/", {"name": "Acme Coffee GmbH"}, format="json")
    taken = api_client.post(
        "/api/v1/tenants/", {"name": "X", "slug": "acme-coffee-gmbh"}, format="json"
    )
    mine = api_client.get("/api/v1/tenants/").json()
    assert created.status_code == 201 and created.json()["slug"] == "acme-coffee-gmbh"
    assert created.json()["role"] == "owner"
    assert taken.status_code == 400
    assert [t["slug"] for t in mine] == ["acme-coffee-gmbh"]


def test_invalid_currency_or_timezone_is_400(tenant, owner_client):
    url = f"/api/v1/tenants/{tenant.slug}/"
    assert owner_client.patch(url, {"currency": "euro"}, format="json").status_code == 400
    assert owner_client.patch(url, {"timezone": "Mars/Base"}, format="json").status_code == 400
