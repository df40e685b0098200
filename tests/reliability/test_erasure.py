"""Erasure of a customer's personal data (issue 17, item 5): one customer is seeded through
the API into every app (the signup with its address and browser, a referral click, events
with free text, a UGC answer, emails, webhooks, the audit trail, a stored idempotent answer,
a staff view), erased by the API as a job, and then no column of any table holds its email,
name, external id, IP hash, browser or free text, while the aggregates keep their counts."""

import pytest
from django.db import connection

from accounts.roles import Role
from customers.models import Customer, Event, StageChange
from flywheel.core.tenancy import tenant_scope
from metrics.services.snapshots import snapshot_compute
from referrals.models import Referral, Reward
from tests.accounts.factories import UserFactory
from tests.conftest import client_for_user
from tests.webhooks.receiver import Receiver
from ugc.models import UGCRequest

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
EMAIL = "ada.lovelace.7731@example.com"
NAME = "Ada Lovelace-7731"
EXTERNAL_ID = "ada-ext-7731"
AGENT = "AdaBrowser/7731 (Analytical Engine)"
COMMENT = "my private remark 7731"
TESTIMONIAL = "Ada's own testimonial words 7731"


def _columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN "
            "('text', 'character varying', 'json', 'jsonb')"
        )
        return cursor.fetchall()


def _where_found(markers: list[str]) -> list[tuple[str, str, str]]:
    found = []
    with connection.cursor() as cursor:
        for table, column in _columns():
            for marker in markers:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',
                    [f"%{marker}%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column, marker))
    return found


def test_an_erased_customer_leaves_no_trace_and_the_aggregates_hold(
    tenant, member_client, client, django_capture_on_commit_callbacks
):
    admin, _ = member_client(Role.ADMIN)
    base = f"/api/v1/tenants/{tenant.slug}"

    def act(method, path, body=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(admin, method)(f"{base}/{path}", body or {}, format="json", **extra)
        assert response.status_code < 300, response.content
        return response.json()

    with Receiver() as receiver:
        act("post", "webhook-endpoints/", {"url": receiver.url, "event_types": []})
        program = act(
            "post",
            "referral-programs/",
            {
                "name": "Friends",
                "landing_url": "https://shop.example/join",
                "is_default": True,
                "referrer_reward_kind": "credit",
                "referrer_reward_amount": "20.00",
                "referee_reward_kind": "credit",
                "referee_reward_amount": "10.00",
                "qualification": "first_payment",
            },
        )
        bob = act("post", "customers/", {"external_id": "bob-1", "stage": "customer"})
        code = act("post", "referral-links/", {"customer": bob["id"], "program": program["id"]})[
            "code"
        ]
        # Ada clicks Bob's link, then signs up with his code, from the same address and browser
        assert (
            client.get(f"/r/{code}", REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT=AGENT).status_code
            == 302
        )
        ada = act(
            "post",
            "customers/",
            {
                "external_id": EXTERNAL_ID,
                "email": EMAIL,
                "name": NAME,
                "referral_code": code,
                "signup_ip": "203.0.113.77",
                "signup_user_agent": AGENT,
                "attributes": {"phone_note": "call after 7731"},
            },
            HTTP_IDEMPOTENCY_KEY="create-ada",
        )
        act("patch", f"customers/{ada['id']}/", {"stage": "customer", "name": NAME + " Jr"})
        act(
            "post",
            "events/bulk/",
            {
                "events": [
                    {
                        "customer": ada["id"],
                        "kind": "payment",
                        "value": "49.00",
                        "properties": {"status": "paid"},
                    },
                    {
                        "customer": ada["id"],
                        "kind": "custom",
                        "properties": {"name": "onboarding", "comment": COMMENT},
                    },
                    {"customer": ada["id"], "kind": "nps", "value": 10},
                ]
            },
        )
        act("post", "ugc-requests/", {"customer": ada["id"], "kind": "testimonial"})
        request = UGCRequest.all_tenants.get(customer_id=ada["id"])
        with django_capture_on_commit_callbacks(execute=True):
            answered = client.post(
                f"/api/v1/public/ugc/{request.token}",
                {"text": TESTIMONIAL, "rating": 5, "consent": True},
                content_type="application/json",
            )
        assert answered.status_code == 200, answered.content
        staff = UserFactory(is_staff=True, is_superuser=True)
        assert (
            client_for_user(staff).get(f"/admin/customers/customer/{ada['id']}/change/").status_code
            == 200
        )

        ip_hash = Customer.all_tenants.get(pk=ada["id"]).signup_ip_hash
        markers = [EMAIL, NAME, EXTERNAL_ID, ip_hash, AGENT, COMMENT, TESTIMONIAL, "call after"]
        seeded = _where_found(markers)
        assert len({table for table, _, _ in seeded}) >= 8, seeded  # it really is everywhere
        counts = {
            model.__name__: model.all_tenants.filter(tenant=tenant).count()
            for model in (Customer, Event, StageChange, Referral, Reward, UGCRequest)
        }
        with tenant_scope(tenant):
            kpis = snapshot_compute(tenant=tenant, granularity="month", day=ada_day(ada)).values

        job = act("post", f"customers/{ada['id']}/erase/")
        assert job["status"] == "queued"

    done = admin.get(f"{base}/customer-erasures/{job['id']}/").json()
    assert done["status"] == "done", done
    assert _where_found(markers) == []
    assert counts == {
        model.__name__: model.all_tenants.filter(tenant=tenant).count()
        for model in (Customer, Event, StageChange, Referral, Reward, UGCRequest)
    }
    with tenant_scope(tenant):
        again = snapshot_compute(tenant=tenant, granularity="month", day=ada_day(ada)).values
    assert again == kpis
    erased = admin.get(f"{base}/customers/{ada['id']}/").json()
    assert erased["email"] == "" and erased["name"] == "" and erased["external_id"] is None


def ada_day(ada):
    from datetime import datetime

    return datetime.fromisoformat(ada["created_at"]).date()
