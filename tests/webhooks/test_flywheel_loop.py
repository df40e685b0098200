"""Issue 14's "done when", through the public surfaces: a partner's endpoint receives every
listed event type signed and sees each attempt; a promoter gets the testimonial email, answers
on the hosted page, and after approval gets a referral invitation whose link works."""

import json
import re
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from customers.models import Customer
from flywheel.core.tenancy import tenant_scope
from metrics.services.alerts import alerts_evaluate, thresholds_ensure_defaults
from segments.services.health import health_model_get
from tests.metrics.factories import KpiSnapshotFactory
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_webhooks import documented_verify
from ugc.services.automation import ugc_rules_ensure_defaults

pytestmark = pytest.mark.django_db
LISTED = {
    "customer.created",
    "referral.qualified",
    "reward.created",
    "ugc_request.created",
    "ugc_request.submitted",
    "customer.health_changed",
    "customer.health_alert",
    "kpi.alert",
}
SITE = "http://127.0.0.1:8000"


def _link_in(text: str, marker: str) -> str:
    return next(word for word in text.split() if marker in word).replace(SITE, "")


def test_the_loop_closes_for_a_partner_and_a_promoter(
    tenant, member_client, client, django_capture_on_commit_callbacks
):
    now = timezone.now()
    verify = documented_verify()
    admin, _ = member_client(Role.ADMIN)
    base = f"/api/v1/tenants/{tenant.slug}"

    def act(method, path, body=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(admin, method)(f"{base}/{path}", body or {}, format="json")
        assert response.status_code < 300, response.content
        return response.json()

    with Receiver() as receiver, tenant_scope(tenant):
        # given a partner's endpoint for the listed types, the default rules and a program
        endpoint = act(
            "post", "webhook-endpoints/", {"url": receiver.url, "event_types": sorted(LISTED)}
        )
        ugc_rules_ensure_defaults(tenant=tenant)
        act(
            "post",
            "referral-programs/",
            {
                "name": "Friends",
                "landing_url": "https://acme.test/join",
                "is_default": True,
                "referrer_reward_kind": "credit",
                "referrer_reward_amount": "20.00",
                "referee_reward_kind": "discount_percent",
                "referee_reward_amount": "10.00",
                "qualification": "first_payment",
            },
        )
        # a promoter: a paying customer who answers NPS 10
        ada = act(
            "post",
            "customers/",
            {"external_id": "ada", "email": "ada@example.com", "name": "Ada", "stage": "customer"},
        )
        act("post", "events/", {"customer": ada["id"], "kind": "nps", "value": 10})

        # then the testimonial email links to the hosted page
        (asked,) = [m for m in mail.outbox if "/p/ugc/" in m.body]
        form = _link_in(asked.body, "/p/ugc/")
        # when Ada answers there with consent
        assert client.get(form).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            thanks = client.post(
                form, {"text": "Great!", "rating": "5", "consent": "1", "action": "submit"}
            )
        assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()
        # and the tenant approves it
        (request,) = act("get", "ugc-requests/?status=submitted")["results"]
        before = len(mail.outbox)
        act("post", f"ugc-requests/{request['id']}/approve/", {"note": "lovely"})
        (invitation,) = [m for m in mail.outbox[before:] if "/r/" in m.body]
        # then Ada gets her invitation, and its link leads to the landing page with her code
        referral_link = _link_in(invitation.body, "/r/")
        code = referral_link.rsplit("/", 1)[1]
        landing = client.get(referral_link)
        assert landing.status_code == 302 and landing["Location"].startswith("https://acme.test")

        # a friend signs up with the code and pays: the referral qualifies, rewards are made
        act("post", "customers/", {"external_id": "bob", "referral_code": code})
        paid = {"kind": "payment", "value": "49.00", "properties": {"status": "paid"}}
        act("post", "events/bulk/", {"events": [{"customer_external_id": "bob", **paid}]})

        # health: a first scoring raises alerts; then Ada's use turns her band green
        model = health_model_get(tenant=tenant)
        model.key_features = ["reports"]
        model.save()
        act("post", "health-model/recompute/")
        ada_events = [
            {"customer_external_id": "ada", "kind": "login", "occurred_at": _ago(now, hours)}
            for hours in range(1, 21)
        ] + [
            {"customer_external_id": "ada", "kind": "feature_used", "properties": {"feature": f}}
            for f in ["reports"]
        ]
        act("post", "events/bulk/", {"events": ada_events})
        act("post", "health-model/recompute/")

        # a KPI that worsens beyond its threshold
        thresholds_ensure_defaults(tenant=tenant)
        KpiSnapshotFactory(tenant=tenant, period_start=date(2026, 9, 1), values={"churn_rate": 0.1})
        october = KpiSnapshotFactory(
            tenant=tenant,
            period_start=date(2026, 10, 1),
            values={"churn_rate": 0.2},
            ends_at=datetime(2026, 11, 1, tzinfo=now.tzinfo),
        )
        with django_capture_on_commit_callbacks(execute=True):
            alerts_evaluate(tenant=tenant, snapshot=october)

    # then the partner got every listed type, each signed with its secret
    received = [(r, json.loads(r["body"])) for r in receiver.requests]
    assert {body["type"] for _, body in received} == LISTED
    for request, _ in received:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert verify(endpoint["secret"], headers, request["body"])
    changed = [b["data"] for _, b in received if b["type"] == "customer.health_changed"]
    ada_pk = Customer.all_tenants.get(external_id="ada").pk
    assert any(d["customer_id"] == ada_pk and d["to"] == "green" for d in changed)
    # and sees every attempt in the API, one per message, all succeeded
    attempts = act("get", f"webhook-endpoints/{endpoint['id']}/deliveries/?page_size=200")
    assert len(attempts["results"]) == len(received)
    assert {(d["status"], d["attempts"], d["last_status_code"]) for d in attempts["results"]} == {
        ("succeeded", 1, 200)
    }
    assert not re.search(r"whsec_", json.dumps(attempts))


def _ago(now, hours: int) -> str:
    return (now - timedelta(hours=hours)).isoformat()
