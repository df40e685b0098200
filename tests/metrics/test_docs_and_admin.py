"""docs/kpis.md follows the registry; the admin draws a chart per KPI."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from metrics.charts import line_chart
from metrics.registry import KPIS, render_markdown
from tests.accounts.factories import TenantFactory, UserFactory
from tests.metrics.factories import KpiAlertFactory, KpiSnapshotFactory


def test_docs_kpis_md_is_the_rendered_registry():
    text = (Path(settings.BASE_DIR) / "docs" / "kpis.md").read_text()
    assert text == render_markdown(), "run: python manage.py kpis_doc --write"
    for kpi in KPIS:
        assert f"`{kpi.key}`" in text


def test_a_line_chart_plots_the_points_and_breaks_at_nulls():
    # given
    points = [
        (date(2026, m, 1), v) for m, v in ((7, 1.0), (8, 2.0), (9, None), (10, 4.0), (11, 3.0))
    ]
    # when
    svg = line_chart("Churn <rate>", points)
    # then
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<circle") == 4
    assert svg.count("<polyline") == 2  # July-August, then October-November
    assert "Churn &lt;rate&gt;" in svg
    assert "no values" in line_chart("Empty", [(date(2026, 1, 1), None)])
    running = line_chart("Churn", points, running_last=True)
    assert running.count('fill="white"') == 1 and "2026-11-01: 3 (running, partial)" in running
    assert "stroke-dasharray" in running and ">partial</text>" in running
    assert running.count("<polyline") == 1  # the running month is not part of the line


def test_chart_labels_fit_and_follow_the_theme():
    from metrics.charts import compact

    points = [(date(2026, m, 1), v) for m, v in ((9, 1_048_023.0), (10, 998_000.0))]
    title = "Monthly recurring revenue at the end of the period (money, up is good)"
    svg = line_chart(title, points)
    assert compact(1_048_023) == "1.05M" and compact(48_230) == "48.2k" and compact(0.25) == "0.25"
    assert ">1.05M</text>" in svg and "048,023" not in svg.replace("1,048,023", "")
    assert svg.count('font-weight="600"') == 2  # the long title wraps onto two lines
    assert "#000" not in svg and 'fill="currentColor"' in svg  # text takes the page's colour


@pytest.mark.django_db
def test_the_admin_charts_every_kpi_of_the_chosen_tenant(client):
    # given
    staff = UserFactory(is_staff=True, is_superuser=True)
    tenant = TenantFactory(name="Chart GmbH")
    for month, churn in ((8, 0.1), (9, 0.2), (10, 0.15)):
        KpiSnapshotFactory(
            tenant=tenant, period_start=date(2026, month, 1), values={"churn_rate": churn}
        )
    KpiAlertFactory(tenant=tenant)
    client.force_login(staff)
    # when
    page = client.get(
        "/admin/metrics/kpisnapshot/charts/", {"tenant": tenant.pk, "granularity": "month"}
    )
    # then
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("<figure") == len(KPIS)
    assert body.count("<polyline") >= 1
    assert 'data-kpi="churn_rate"' in body
    assert "2026-10-01: 0.15" in body
    assert client.get("/admin/metrics/kpisnapshot/").status_code == 200
    assert client.get("/admin/metrics/kpialert/").status_code == 200
    assert "KPI charts" in client.get("/admin/metrics/kpisnapshot/").content.decode()


def test_charts_start_at_the_tenants_first_data():
    from datetime import date

    from metrics.charts import since_first_data

    rows = [
        (date(2026, 1, 1), {"new_leads": 0}, True, {"new_leads": 0, "acquisition_spend": None}),
        (date(2026, 2, 1), {"new_leads": 0}, True, {"new_leads": 0, "revenue": 0.0}),
        (date(2026, 3, 1), {"new_leads": 3}, True, {"new_leads": 3}),
        (date(2026, 4, 1), {"new_leads": 0}, False, {"new_leads": 0}),
    ]
    assert [row[0].month for row in since_first_data(rows)] == [3, 4]
    assert since_first_data(rows[:2]) == []


@pytest.mark.django_db
def test_the_charts_page_shows_no_tenant_until_one_is_chosen(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    first = TenantFactory(name="Aardvark AG")
    KpiSnapshotFactory(tenant=first, period_start=date(2026, 9, 1), values={"churn_rate": 0.1})
    page = client.get("/admin/metrics/kpisnapshot/charts/").content.decode()
    assert "<figure" not in page and "Choose a tenant" in page
