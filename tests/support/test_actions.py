"""Support actions: each asks for confirmation, changes state, and writes who, what, which
rows and which tenant to the staff audit trail; `support-readonly` changes nothing; a staff
user without the model's rights cannot run them (issue 15)."""

import pytest
from django.urls import reverse

from accounts.models import ApiKey
from flywheel.core.models import EventDelivery, StaffAction
from metrics.models import KpiJob
from referrals.models import Reward
from segments.models import HealthSummary
from tests.referrals.factories import RewardFactory
from ugc.models import UGCRequest
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def _act(client, model: str, action: str, ids, **options):
    app, name = model.split(".")
    url = reverse(f"admin:{app}_{name}_changelist")
    data = {"action": action, "_selected_action": ids, "confirmed": "yes", **options}
    return client.post(url, data)


def _state(seeded):
    return {
        "keys": sorted(ApiKey.all_tenants.filter(tenant=seeded).values_list("pk", "revoked_at")),
        "deliveries": sorted(
            WebhookDelivery.all_tenants.filter(tenant=seeded).values_list("pk", "status")
        ),
        "parked": sorted(
            EventDelivery.all_tenants.filter(tenant=seeded).values_list("pk", "status")
        ),
        "rewards": sorted(Reward.all_tenants.filter(tenant=seeded).values_list("pk", "status")),
        "ugc": sorted(UGCRequest.all_tenants.filter(tenant=seeded).values_list("pk", "status")),
        "jobs": KpiJob.all_tenants.filter(tenant=seeded).count(),
        "health": list(
            HealthSummary.all_tenants.filter(tenant=seeded).values_list("computed_at", flat=True)
        ),
        "audit": StaffAction.objects.count(),
    }


def _cases(seeded):
    key = ApiKey.all_tenants.filter(tenant=seeded).first()
    dead = WebhookDelivery.all_tenants.get(tenant=seeded, status="dead")
    parked = EventDelivery.all_tenants.get(tenant=seeded, status="parked")
    pending = RewardFactory(tenant=seeded)
    other = RewardFactory(tenant=seeded)
    submitted = UGCRequest.all_tenants.filter(tenant=seeded, status="submitted").first()
    return [
        ("accounts.apikey", "revoke", key.pk, {}),
        ("webhooks.webhookdelivery", "redeliver", dead.pk, {}),
        ("core.eventdelivery", "retry", parked.pk, {}),
        ("referrals.reward", "approve_rewards", pending.pk, {}),
        ("referrals.reward", "void_rewards", other.pk, {}),
        ("ugc.ugcrequest", "approve", submitted.pk, {}),
        (
            "accounts.tenant",
            "recompute_kpis",
            seeded.pk,
            {"granularity": "month", "since": "2026-06-01", "until": "2026-08-31"},
        ),
        ("accounts.tenant", "recompute_health", seeded.pk, {}),
    ]


def test_the_first_post_asks_for_confirmation_and_changes_nothing(seeded, support):
    key = ApiKey.all_tenants.filter(tenant=seeded).first()
    before = _state(seeded)
    page = support.post(
        reverse("admin:accounts_apikey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Revoke the selected credentials" in html and 'name="confirmed" value="yes"' in html
    assert key.prefix in html and "staff audit trail" in html
    assert _state(seeded) == before


def test_each_action_changes_state_and_writes_the_audit_trail(
    seeded, support, django_capture_on_commit_callbacks
):
    for model, action, pk, options in _cases(seeded):
        before = _state(seeded)
        # Sends run after commit; only the health recompute's task is run here (a redelivery
        # would go out to the network): the state it writes proves the action ran.
        with django_capture_on_commit_callbacks(execute=action == "recompute_health"):
            response = _act(support, model, action, [pk], **options)
        assert response.status_code == 302, (action, response.content[:500])
        after = _state(seeded)
        changed = {k for k in before if before[k] != after[k]} - {"audit"}
        assert changed, f"{action} changed nothing"
        entry = StaffAction.objects.order_by("-pk").first()
        assert after["audit"] == before["audit"] + 1
        assert (entry.action, entry.model, entry.object_ids) == (action, model, [pk])
        assert (entry.tenant_id, entry.tenant_slug) == (seeded.pk, "seeded")
        assert entry.user_id == support.user.pk and entry.user_label == str(support.user)
    assert StaffAction.objects.get(action="recompute_kpis").detail["since"] == "2026-06-01"
    assert KpiJob.all_tenants.get(tenant=seeded).total == 3


def test_a_kpi_range_is_checked_like_the_api(seeded, support):
    response = _act(
        support,
        "accounts.tenant",
        "recompute_kpis",
        [seeded.pk],
        granularity="day",
        since="2020-01-01",
        until="2026-01-01",
    )
    assert response.status_code == 200  # the confirmation again, with the error
    assert "periods per job" in response.content.decode()
    assert not KpiJob.all_tenants.filter(tenant=seeded).exists()
    assert not StaffAction.objects.exists()


def test_support_readonly_changes_nothing(seeded, readonly):
    before = _state(seeded)
    for model, action, pk, options in _cases(seeded):
        before = _state(seeded)
        response = _act(readonly, model, action, [pk], **options)
        assert response.status_code in (200, 302, 403)
        assert _state(seeded) == before, action
    key = ApiKey.all_tenants.filter(tenant=seeded).first()
    change = readonly.post(
        reverse("admin:accounts_apikey_change", args=[key.pk]), {"name": "renamed"}
    )
    assert change.status_code == 403
    assert ApiKey.all_tenants.get(pk=key.pk).name == key.name
    assert (
        readonly.get(reverse("admin:support_tenant_overview", args=[seeded.pk])).status_code == 200
    )


def test_support_cannot_edit_tenants_or_keys_by_hand(seeded, support):
    tenant_page = support.post(
        reverse("admin:accounts_tenant_change", args=[seeded.pk]), {"name": "Renamed"}
    )
    assert tenant_page.status_code == 403
    key = ApiKey.all_tenants.filter(tenant=seeded).first()
    page = support.get(reverse("admin:accounts_apikey_change", args=[key.pk])).content.decode()
    assert 'name="scopes"' not in page and 'name="name"' not in page  # read-only fields


def test_the_support_groups_have_the_least_rights():
    from django.contrib.auth.models import Group

    support = Group.objects.get(name="support").permissions
    changes = sorted(
        support.exclude(codename__startswith="view_").values_list("codename", flat=True)
    )
    assert changes == [
        "change_apikey",
        "change_eventdelivery",
        "change_personaltoken",
        "change_reward",
        "change_sentemail",
        "change_ugcrequest",
        "change_webhookdelivery",
        "change_webhookendpoint",
        "recompute_health",
        "recompute_kpis",
    ]
    readonly = Group.objects.get(name="support-readonly").permissions
    assert not readonly.exclude(codename__startswith="view_").exists()
    assert readonly.filter(codename="view_webhookdelivery").exists()


def test_staff_erase_a_customers_personal_data_from_the_customer_list(
    client, django_capture_on_commit_callbacks
):
    from customers.models import Customer, CustomerErasure
    from tests.accounts.factories import UserFactory
    from tests.customers.factories import CustomerFactory

    customer = CustomerFactory(email="forget.me@example.com", name="Forget Me")
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, "customers.customer", "erase_personal_data", [customer.pk])
    assert response.status_code == 302
    job = CustomerErasure.all_tenants.get(customer=customer)
    assert job.status == "done" and job.requested_by == f"staff:{staff.email}"
    erased = Customer.all_tenants.get(pk=customer.pk)
    assert erased.email == "" and erased.name == "" and erased.erased_at is not None
    trail = StaffAction.objects.get(action="erase_personal_data")
    assert trail.object_ids == [customer.pk] and trail.tenant_id == customer.tenant_id


def test_support_without_the_right_to_delete_customers_cannot_erase(support):
    from customers.models import CustomerErasure
    from tests.customers.factories import CustomerFactory

    customer = CustomerFactory(email="keep.me@example.com")
    _act(support, "customers.customer", "erase_personal_data", [customer.pk])
    assert not CustomerErasure.all_tenants.exists()
