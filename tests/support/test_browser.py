"""The support admin in a real browser (issue 15): headless Chromium (Debian's `chromium`,
driven by Playwright) logs in as the demo's staff user, finds the demo tenant with the
search box, opens its overview and checks that the charts are drawn and legible in the light
and the dark theme; the screenshots are kept under build/.

Skipped without Chromium or Playwright, unless REQUIRE_CHROMIUM is set (CI sets it)."""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BUILD = Path(__file__).resolve().parents[2] / "build"
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None

pytestmark = pytest.mark.skipif(
    (not CHROMIUM or sync_playwright is None) and not os.environ.get("REQUIRE_CHROMIUM"),
    reason="needs chromium (apt-get install chromium) and playwright (the dev extra)",
)


def _luminance(css_colour: str) -> float:
    """Relative luminance (0 black .. 1 white) of `rgb(r, g, b)`."""
    r, g, b = (int(part) / 255 for part in css_colour[4:-1].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.fixture
def demo(transactional_db):
    call_command("demo", "--no-serve", stdout=io.StringIO())


def test_staff_open_the_demo_tenants_overview_in_light_and_dark(live_server, demo):
    from accounts.models import Tenant
    from flywheel.demo.management.commands.demo import DEMO_EMAIL, DEMO_PASSWORD

    tenant = Tenant.objects.get(slug="demo")
    BUILD.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        # log in through the admin's form
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("input[name=username]", DEMO_EMAIL)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_selector("#site-name")
        # find the tenant with the header's search box, open its overview
        page.fill("input[name=q]", "demo")
        page.press("input[name=q]", "Enter")
        page.click("text=Demo GmbH (demo)")
        page.wait_for_selector("#fw-overview")
        assert page.url.endswith(f"/admin/accounts/tenant/{tenant.pk}/overview/")

        shades = {}
        for theme in ("light", "dark"):
            page.emulate_media(color_scheme=theme)
            charts = page.locator(".fw-charts figure svg")
            assert charts.count() == 6
            for index in range(charts.count()):
                chart = charts.nth(index)
                assert chart.is_visible()
                assert chart.locator("polyline, circle").count() > 0, f"chart {index} is empty"
            text = page.evaluate(
                "getComputedStyle(document.querySelector('.fw-charts figure')).color"
            )
            card = page.evaluate(
                "getComputedStyle(document.querySelector('.fw-card')).backgroundColor"
            )
            shades[theme] = (_luminance(text), _luminance(card))
            page.screenshot(path=str(BUILD / f"admin-overview-{theme}.png"), full_page=True)
        browser.close()
    # dark text on a light card, light text on a dark card: legible in both themes
    light_text, light_card = shades["light"]
    dark_text, dark_card = shades["dark"]
    assert light_card - light_text > 0.5 and dark_text - dark_card > 0.5, shades
    for theme in ("light", "dark"):
        assert (BUILD / f"admin-overview-{theme}.png").stat().st_size > 20_000
