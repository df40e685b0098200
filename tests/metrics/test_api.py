"""The KPI API: definitions, snapshots and CSV, latest, flywheel, jobs, cohorts, spend,
thresholds and alerts."""

import csv
import io
from datetime import date

import pytest

from accounts.roles import Role
from metrics.models import KpiJob, KpiSnapshot
from metrics.registry import KPIS
from tests.conftest import client_for_user
from tests.metrics.factories import KpiAlertFactory, KpiSnapshotFactory

from .hand_built import build_october


def _url(tenant, path: str) -> str:
    return f"/api/v1/tenants/{tenant.slug}/{path}"


@pytest.fixture
def viewer(tenant, member_client):
    return member_client(Role.VIEWER)[0]


@pytest.mark.django_db
def test_definitions_list_every_kpi_of_the_registry(tenant, viewer):
    # when
    response = viewer.get(_url(tenant, "kpis/definitions/"))
    # then
    assert response.status_code == 200
    assert [d["key"] for d in response.json()] == [k.key for k in KPIS]
    churn = next(d for d in response.json() if d["key"] == "churn_rate")
    assert churn == {
        "key": "churn_rate",
        "name": "Churn rate",
        "phase": "overall",
        "unit": "ratio",
        "good": "down",
        "formula": "churned_customers / customers_start",
    }


@pytest.mark.django_db
def test_snapshots_filter_by_granularity_and_dates_and_choose_kpis(tenant, viewer):
    # given
    for month in (8, 9, 10):
        KpiSnapshotFactory(tenant=tenant, period_start=date(2026, month, 1))
    KpiSnapshotFactory(tenant=tenant, granularity="week", period_start=date(2026, 9, 7))
    # when
    response = viewer.get(
        _url(tenant, "kpis/snapshots/"),
        {"granularity": "month", "since": "2026-09-01", "kpis": "churn_rate"},
    )
    # then
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["period_start"] for r in rows] == ["2026-10-01", "2026-09-01"]
    assert rows[0]["values"] == {"churn_rate": 0.125}


@pytest.mark.django_db
def test_unknown_kpis_and_granularities_are_400(tenant, viewer):
    assert viewer.get(_url(tenant, "kpis/snapshots/"), {"kpis": "magic"}).status_code == 400
    assert viewer.get(_url(tenant, "kpis/snapshots/"), {"granularity": "y"}).status_code == 400
    assert viewer.get(_url(tenant, "kpis/flywheel/"), {"granularity": "y"}).status_code == 400
    assert viewer.get(_url(tenant, "kpis/cohorts/"), {"by": "plan"}).status_code == 400
    assert viewer.get(_url(tenant, "kpis/cohorts/"), {"period": "soon"}).status_code == 400


@pytest.mark.django_db
def test_the_csv_export_has_a_row_per_snapshot_and_a_column_per_kpi(tenant, viewer):
    # given
    KpiSnapshotFactory(tenant=tenant, period_start=date(2026, 9, 1), values={"new_leads": 3})
    KpiSnapshotFactory(tenant=tenant, period_start=date(2026, 10, 1), values={"new_leads": 7})
    # when
    response = viewer.get(_url(tenant, "kpis/snapshots/export/"), {"kpis": "new_leads,cac"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["granularity", "period_start", "period_end", "complete", "new_leads", "cac"]
    assert rows[1][:2] == ["month", "2026-09-01"] and rows[1][4:] == ["3", ""]
    assert rows[2][4] == "7"
    assert {row[3] for row in rows[1:]} == {"true"}  # as in the JSON, not Python's True


@pytest.mark.django_db
def test_latest_gives_the_newest_period_of_each_granularity(tenant, viewer):
    # given
    KpiSnapshotFactory(tenant=tenant, period_start=date(2026, 9, 1))
    KpiSnapshotFactory(tenant=tenant, period_start=date(2026, 10, 1))
    # when
    body = viewer.get(_url(tenant, "kpis/latest/")).json()
    # then
    assert body["month"]["period_start"] == "2026-10-01"
    assert body["day"] is None and body["week"] is None and body["quarter"] is None


@pytest.mark.django_db
def test_the_flywheel_groups_kpis_by_phase_with_trend_and_assessment(tenant, viewer):
    # given: churn went up (bad), new leads went up (good), NPS unchanged
    KpiSnapshotFactory(
        tenant=tenant,
        period_start=date(2026, 9, 1),
        values={"churn_rate": 0.1, "new_leads": 5, "nps": 30},
    )
    KpiSnapshotFactory(
        tenant=tenant,
        period_start=date(2026, 10, 1),
        values={"churn_rate": 0.2, "new_leads": 9, "nps": 30},
    )
    # when
    body = viewer.get(_url(tenant, "kpis/flywheel/")).json()
    # then
    assert body["period_start"] == "2026-10-01"
    assert body["previous_period_start"] == "2026-09-01"
    by_key = {
        k["key"]: k for phase in ("attract", "engage", "delight", "overall") for k in body[phase]
    }
    assert {k["key"] for k in body["attract"]} >= {"new_leads", "cac", "organic_growth_rate"}
    assert by_key["churn_rate"]["trend"] == "up" and by_key["churn_rate"]["assessment"] == "bad"
    assert by_key["new_leads"]["change"] == 4 and by_key["new_leads"]["assessment"] == "good"
    assert isinstance(by_key["new_leads"]["value"], int)  # counts stay whole numbers
    assert by_key["nps"]["trend"] == "flat"
    assert by_key["cac"]["value"] is None and by_key["cac"]["trend"] is None


@pytest.mark.django_db
def test_the_flywheel_can_show_the_newest_closed_period(tenant, viewer):
    # given: October complete, November running
    KpiSnapshotFactory(tenant=tenant, period_start=date(2026, 10, 1))
    KpiSnapshotFactory(tenant=tenant, period_start=date(2026, 11, 1), complete=False)
    # when
    running = viewer.get(_url(tenant, "kpis/flywheel/")).json()
    closed = viewer.get(_url(tenant, "kpis/flywheel/"), {"closed": "true"}).json()
    # then
    assert (running["period_start"], running["complete"]) == ("2026-11-01", False)
    assert (closed["period_start"], closed["complete"]) == ("2026-10-01", True)
    assert viewer.get(_url(tenant, "kpis/flywheel/"), {"closed": "maybe"}).status_code == 400


@pytest.mark.django_db
def test_compute_queues_a_job_that_admins_can_poll(
    tenant, member_client, django_capture_on_commit_callbacks
):
    # given
    admin, _ = member_client(Role.ADMIN)
    member, _ = member_client(Role.MEMBER)
    body = {"granularity": "month", "since": "2026-08-01", "until": "2026-10-31"}
    # when
    assert member.post(_url(tenant, "kpis/compute/"), body, format="json").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(_url(tenant, "kpis/compute/"), body, format="json")
    # then
    assert response.status_code == 202
    job = admin.get(_url(tenant, f"kpis/jobs/{response.json()['id']}/")).json()
    assert (job["status"], job["done"], job["total"]) == ("done", 3, 3)
    assert KpiSnapshot.all_tenants.filter(tenant=tenant).count() == 3


@pytest.mark.django_db
def test_compute_refuses_a_backwards_or_too_long_range(tenant, member_client):
    admin, _ = member_client(Role.ADMIN)
    backwards = {"granularity": "month", "since": "2026-10-01", "until": "2026-09-01"}
    too_long = {"granularity": "day", "since": "2020-01-01", "until": "2026-10-01"}
    assert admin.post(_url(tenant, "kpis/compute/"), backwards, format="json").status_code == 400
    response = admin.post(_url(tenant, "kpis/compute/"), too_long, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["since"]
    assert not KpiJob.all_tenants.exists()


@pytest.mark.django_db
def test_cohorts_by_channel_show_referred_customers_against_the_others():
    # given: the hand-built October
    tenant, _ = build_october()
    from tests.accounts.factories import MembershipFactory

    viewer = client_for_user(MembershipFactory(tenant=tenant, role=Role.VIEWER).user)
    # when
    body = viewer.get(
        _url(tenant, "kpis/cohorts/"),
        {"by": "acquisition_channel", "granularity": "month", "period": "2026-10-15"},
    ).json()
    # then
    cohorts = {c["channel"]: c for c in body["cohorts"]}
    assert (body["period_start"], body["period_end"]) == ("2026-10-01", "2026-11-01")
    # referral: C1, C2 at the start (none churned), N1 new; MRR 300 -> 270; paid 350
    assert cohorts["referral"]["customers_end"] == 3
    assert cohorts["referral"]["churn_rate"] == 0.0
    assert cohorts["referral"]["nrr"] == 0.9  # (150 + 120) / (100 + 200)
    assert cohorts["referral"]["avg_health_score"] == 70.0  # C1 80, C2 60, N1 70
    assert cohorts["referral"]["clv"] is None  # no churn
    assert cohorts["referral"]["revenue"] == 350.0
    # paid: C5, C6, C7 at the start; C7 and X1 churned; N3, N4 new; MRR 260 -> 190 of the three
    assert cohorts["paid"]["churn_rate"] == round(2 / 3, 4)
    assert cohorts["paid"]["nrr"] == round(190 / 260, 4)
    assert cohorts["paid"]["customers_end"] == 4
    # clv = (mrr_end 270 / 4 customers x 0.8) / (2/3) = 81.0
    assert cohorts["paid"]["clv"] == 81.0
    assert cohorts["paid"]["revenue"] == 40.0


@pytest.mark.django_db
def test_acquisition_spend_is_validated_and_admin_only(tenant, member_client):
    admin, _ = member_client(Role.ADMIN)
    member, _ = member_client(Role.MEMBER)
    good = {
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "channel": "paid",
        "amount": "620.00",
    }
    url = _url(tenant, "acquisition-spend/")
    assert member.post(url, good, format="json").status_code == 403
    assert admin.post(url, good, format="json").status_code == 201
    backwards = {**good, "period_end": "2026-09-30"}
    errors = admin.post(url, backwards, format="json").json()["errors"]
    assert [e["field"] for e in errors] == ["period_end"]
    assert admin.post(url, {**good, "amount": "-1"}, format="json").status_code == 400
    assert admin.post(url, {**good, "channel": "tv"}, format="json").status_code == 400
    assert len(member.get(url).json()["results"]) == 1


@pytest.mark.django_db
def test_thresholds_name_a_kpi_once_with_a_positive_threshold(tenant, member_client):
    admin, _ = member_client(Role.ADMIN)
    url = _url(tenant, "kpi-thresholds/")
    body = {"kpi": "cac", "mode": "relative", "threshold": "15"}
    assert admin.post(url, body, format="json").status_code == 201
    assert admin.post(url, body, format="json").status_code == 400  # once per KPI
    assert admin.post(url, {**body, "kpi": "magic"}, format="json").status_code == 400
    assert (
        admin.post(url, {**body, "kpi": "nps", "threshold": "0"}, format="json").status_code == 400
    )
    assert admin.post(url, {**body, "kpi": "nps", "mode": "wild"}, format="json").status_code == 400


@pytest.mark.django_db
def test_alerts_are_listed_and_acknowledged_once(tenant, member_client):
    # given
    member, membership = member_client(Role.MEMBER)
    alert = KpiAlertFactory(tenant=tenant)
    KpiAlertFactory(tenant=tenant, kpi="nps", mode="absolute")
    url = _url(tenant, "kpi-alerts/")
    # when
    first = member.post(f"{url}{alert.pk}/acknowledge/")
    second = member.post(f"{url}{alert.pk}/acknowledge/")
    # then
    assert first.status_code == 200
    assert first.json()["acknowledged_at"] == second.json()["acknowledged_at"]
    assert first.json()["acknowledged_by"] == membership.user.email
    open_ones = member.get(url, {"acknowledged": "false"}).json()["results"]
    assert [a["kpi"] for a in open_ones] == ["nps"]


@pytest.mark.django_db
def test_cohorts_are_served_from_the_snapshot_until_it_is_recomputed(
    django_assert_max_num_queries,
):
    # given: the hand-built October, its cohorts computed on request, then its snapshot
    from datetime import UTC, datetime

    from flywheel.core.tenancy import tenant_scope
    from metrics.periods import period_of
    from metrics.selectors.cohorts import cohorts_by_channel, cohorts_served
    from metrics.services.snapshots import snapshot_compute
    from tests.customers.factories import CustomerFactory

    tenant, _ = build_october()
    now = datetime(2026, 11, 20, tzinfo=UTC)
    with tenant_scope(tenant):
        october = period_of("month", date(2026, 10, 1), tenant.timezone)
        computed = cohorts_by_channel(tenant=tenant, period=october, now=now)
        snapshot = snapshot_compute(tenant=tenant, granularity="month", day=october.start, now=now)
        # when: served (the snapshot and the health summary: no statement over customers)
        with django_assert_max_num_queries(2):
            served, as_of = cohorts_served(tenant=tenant, period=october, now=now)
        CustomerFactory(
            tenant=tenant,
            acquisition_channel="paid",
            stage="customer",
            became_customer_at=datetime(2026, 10, 9, tzinfo=UTC),
        )
        stale, _ = cohorts_served(tenant=tenant, period=october, now=now)
        later = datetime(2026, 11, 21, tzinfo=UTC)
        snapshot_compute(tenant=tenant, granularity="month", day=october.start, now=later)
        after, _ = cohorts_served(tenant=tenant, period=october, now=later)
    # then: the same figures as computed on request, as of the period's end
    assert served == computed and as_of == snapshot.as_of == october.ends_at
    channels = snapshot.channel_inputs
    for field in ("customers_end", "churned_customers", "mrr_end", "revenue"):
        total = sum(numbers.get(field, 0) for numbers in channels.values())
        assert total == snapshot.inputs[field]  # the channels add up to the snapshot's sums
    assert stale == served  # until the snapshot is recomputed
    by_channel = {c["channel"]: c for c in after}
    assert (
        by_channel["paid"]["customers_end"]
        == {c["channel"]: c for c in served}["paid"]["customers_end"] + 1
    )


@pytest.mark.django_db
def test_cohorts_of_a_period_without_snapshot_are_computed_then_cached(
    django_assert_max_num_queries,
):
    from datetime import UTC, datetime

    from flywheel.core.tenancy import tenant_scope
    from metrics.periods import period_of
    from metrics.selectors.cohorts import cohorts_by_channel, cohorts_served

    tenant, _ = build_october()
    now = datetime(2026, 11, 20, tzinfo=UTC)
    with tenant_scope(tenant):
        october = period_of("month", date(2026, 10, 1), tenant.timezone)
        first, as_of = cohorts_served(tenant=tenant, period=october, now=now)
        with django_assert_max_num_queries(1):  # the look for a snapshot only
            again, _ = cohorts_served(tenant=tenant, period=october, now=now)
        assert first == again == cohorts_by_channel(tenant=tenant, period=october, now=now)
    assert as_of == october.ends_at
