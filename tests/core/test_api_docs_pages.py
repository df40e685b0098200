"""The API documentation pages load everything from our own origin (no Google Fonts)."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/redoc/", "/api/docs/"])
def test_docs_pages_fetch_nothing_from_another_origin(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "googleapis" not in page and "gstatic" not in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources, "the page loads its script"
    for source in sources:
        assert source.startswith("/"), f"{path} loads {source} from another origin"


def test_redoc_uses_the_system_fonts(client):
    page = client.get("/api/redoc/").content.decode()
    assert "system-ui" in page and "Redoc.init" in page
