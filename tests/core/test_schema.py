"""The OpenAPI schema generates with no warnings and documents the conventions."""

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn makes any warning or error a non-zero exit (SystemExit)
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").read_text().startswith("openapi:")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_declares_session_api_key_and_token_schemes(schema):
    schemes = schema["components"]["securitySchemes"]
    assert {"cookieAuth", "ApiKeyAuth", "PersonalTokenAuth"} <= set(schemes)


def test_every_operation_documents_problem_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for code in ("400", "401", "403", "404", "429"):
                assert code in responses, (method, path, code)
            content = responses["404"]["content"]
            assert "application/problem+json" in content, (method, path)


def test_docs_pages_are_served_without_a_cdn(client):
    for url in ("/api/docs/", "/api/redoc/"):
        page = client.get(url).content.decode()
        assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page
        assert "/static/drf_spectacular_sidecar/" in page
