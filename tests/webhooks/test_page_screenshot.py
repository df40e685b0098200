"""The hosted UGC page in a real browser: headless Chromium (Debian's `chromium`, installed by
.ci/run) renders it on a phone and a desktop; the screenshots are kept under build/.

Without Chromium the test is skipped, unless REQUIRE_CHROMIUM is set (CI sets it)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.accounts.factories import TenantFactory
from tests.ugc.factories import UGCRequestFactory
from tests.webhooks import png

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BUILD = Path(__file__).resolve().parents[2] / "build"
BRAND = (0x0B, 0x6E, 0x4F)

pytestmark = pytest.mark.skipif(
    not CHROMIUM and not os.environ.get("REQUIRE_CHROMIUM"),
    reason="headless Chromium is not installed (apt-get install chromium)",
)


def _screenshot(url: str, path: Path, width: int, height: int) -> bytes:
    path.unlink(missing_ok=True)
    subprocess.run(
        [
            CHROMIUM or "chromium",
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--hide-scrollbars",
            f"--screenshot={path}",
            f"--window-size={width},{height}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "size", "language"),
    [("ugc-page-phone-en", (412, 915), "en"), ("ugc-page-desktop-de", (1280, 800), "de")],
)
def test_the_hosted_page_renders_in_headless_chromium(
    live_server, transactional_db, name, size, language
):
    # given an open testimonial request of a tenant with its colour and language
    tenant = TenantFactory(name="Acme Coffee", brand_color="#0b6e4f", language=language)
    request = UGCRequestFactory(
        tenant=tenant, kind="testimonial", prompt="How did Acme Coffee help your team?"
    )
    BUILD.mkdir(exist_ok=True)
    # when Chromium opens the page
    image = _screenshot(f"{live_server.url}/p/ugc/{request.token}", BUILD / f"{name}.png", *size)
    # then a picture of the page's size, in the tenant's colour, with text on it
    width, height, colours = png.read(image)
    assert (width, height) == size
    assert colours[BRAND] > 1000  # the brand bar and the send button
    assert len(colours) > 20  # anti-aliased text: a rendered page, not a blank one
