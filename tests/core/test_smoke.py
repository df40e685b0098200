"""The factories and fixtures work together (a guard for the rest of the suite)."""

from accounts.roles import Role


def test_owner_reads_own_tenant(tenant, member_client):
    # given
    client, _ = member_client(Role.OWNER)
    # when
    response = client.get(f"/api/v1/tenants/{tenant.slug}/")
    # then
    assert response.status_code == 200
    assert response.json()["slug"] == tenant.slug
    assert response.json()["role"] == "owner"
