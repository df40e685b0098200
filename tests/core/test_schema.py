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


def _schemas(node, path="#"):
    """Every schema object below `node`, with a readable path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _schemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _schemas(value, f"{path}/{index}")


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_the_schema_is_openapi_3_1_without_nullable(schema):
    assert schema["openapi"] == "3.1.0"
    assert [p for p, node in _schemas(schema) if "nullable" in node] == []


def test_every_property_has_a_type(schema):
    untyped = [
        f"{name}.{prop}"
        for name, component in schema["components"]["schemas"].items()
        for prop, spec in component.get("properties", {}).items()
        if not {"type", "$ref", "oneOf", "allOf", "anyOf"} & set(spec)
    ]
    assert untyped == []


def test_bearer_credentials_are_alternatives_not_required_together(schema):
    for path, method, operation in _operations(schema):
        for requirement in operation.get("security", []):
            assert len(requirement) <= 1, (method, path, requirement)


def test_every_authenticated_post_documents_the_idempotency_key(schema):
    for path, method, operation in _operations(schema):
        public = {} in operation.get("security", [{}])  # login, register, the public page
        if method != "post" or public:
            continue
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path


def test_every_429_documents_retry_after(schema):
    for path, method, operation in _operations(schema):
        assert "Retry-After" in operation["responses"]["429"].get("headers", {}), (method, path)


def test_answers_that_are_no_page_are_not_documented_as_one(schema):
    ranking = schema["paths"]["/api/v1/tenants/{tenant}/market-segments/ranking/"]["get"]
    body = ranking["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    assert {p["name"] for p in ranking["parameters"]} == {"model", "tenant"}
    recompute = schema["paths"]["/api/v1/tenants/{tenant}/health-model/recompute/"]["post"]
    assert "content" in recompute["responses"]["202"]


def test_snapshot_inputs_may_be_null_as_answered(schema):
    # a period without recorded spend or health summary answers null inputs (issue 12)
    inputs = schema["components"]["schemas"]["KpiSnapshot"]["properties"]["inputs"]
    assert "null" in inputs["additionalProperties"]["type"]
