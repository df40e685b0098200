"""Secrets are shown once and stored nowhere, idempotent replays included (issue 11, 3)."""

import pytest

from accounts.roles import Role
from tests.accounts.factories import MembershipFactory
from tests.conftest import client_for_user
from tests.secrets import columns_holding

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "field"), [("auth/tokens/", "token"), ("tenants/{slug}/api-keys/", "key")]
)
def test_an_idempotent_replay_answers_without_the_secret_and_nothing_stores_it(tenant, path, field):
    # given
    client = client_for_user(MembershipFactory(tenant=tenant, role=Role.OWNER).user)
    url = f"/api/v1/{path.format(slug=tenant.slug)}"
    # when
    first = client.post(url, {"name": "n"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    replay = client.post(url, {"name": "n"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # then
    secret = first.json()[field]
    assert first.status_code == 201 and secret.startswith("fw_")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()[field] is None
    assert replay.json()["id"] == first.json()["id"]
    assert columns_holding(secret) == []
    assert columns_holding(secret[20:]) == []  # not even the part after the visible prefix
