"""Production settings refuse unsafe secrets and a missing host list; probes answer any Host
over plain http while everything else keeps the host check and the HTTPS redirect."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from flywheel.settings.guards import entropy_bits, fernet_key_problem, secret_problem

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "deploy" / ".env.example"


def example_values() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def production_env(tmp_path, **overrides) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="flywheel.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        CELERY_BROKER_URL="memory://",
        CACHE_URL="locmemcache://probe",
        ALLOWED_HOSTS="api.example.com",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


SETUP = "import django; django.setup(); print('ok')"


@pytest.mark.parametrize(
    "name",
    ["SECRET_KEY", "API_KEY_PEPPER", "WEBHOOK_SECRETS_KEY", "METRICS_TOKEN"],
    ids=str.lower,
)
def test_the_placeholders_of_env_example_are_refused(tmp_path, name):
    value = example_values()[name]
    result = run(SETUP, production_env(tmp_path, **{name: value}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr


@pytest.mark.parametrize(
    "value",
    [
        "dev-insecure-flywheel-secret-key-change-me",
        "short-but-random-" + secrets.token_hex(8),
        "a" * 64,
        "abababababababababababababababababababababababababababab",
        "django-insecure-" + secrets.token_urlsafe(50),
    ],
    ids=["dev-default", "short", "one-character", "two-characters", "django-insecure"],
)
def test_weak_secret_keys_are_refused(tmp_path, value):
    result = run(SETUP, production_env(tmp_path, SECRET_KEY=value))
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_a_missing_allowed_hosts_is_refused(tmp_path):
    result = run(SETUP, production_env(tmp_path, ALLOWED_HOSTS=None))
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr


def test_a_random_configuration_starts(tmp_path):
    env = production_env(tmp_path, WEBHOOK_SECRETS_KEY=Fernet.generate_key().decode())
    result = run(SETUP, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_guards_judge_secrets_by_length_and_spread():
    assert secret_problem("K", secrets.token_urlsafe(50)) is None
    assert entropy_bits("a" * 64) == 0
    assert "characters" in secret_problem("K", "x" * 10)
    assert fernet_key_problem("F", Fernet.generate_key().decode()) is None
    assert "32 bytes" in fernet_key_problem("F", "bm90LWEta2V5")


PROBES = """
import django, json
django.setup()
from django.core.management import call_command
from django.test import Client
client = Client()
answers = {}
for host in ("localhost:8000", "web:8000", "10.0.0.7:8000"):
    for path in ("/healthz", "/readyz", "/metrics"):
        response = client.get(path, HTTP_HOST=host, REMOTE_ADDR="127.0.0.1")
        answers[f"{host}{path}"] = response.status_code
answers["public-http"] = client.get("/api/v1/auth/csrf", HTTP_HOST="api.example.com").status_code
answers["public-http-location"] = client.get(
    "/api/v1/auth/csrf", HTTP_HOST="api.example.com"
).get("Location")
answers["unknown-host-https"] = client.get(
    "/api/v1/auth/csrf", HTTP_HOST="web:8000", secure=True
).status_code
answers["public-https"] = client.get(
    "/api/v1/auth/csrf", HTTP_HOST="api.example.com", secure=True
).status_code
print(json.dumps(answers))
"""


def test_probes_answer_any_host_over_http_and_the_rest_keeps_https_and_the_host_check(
    tmp_path,
):
    result = run(PROBES, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    for host in ("localhost:8000", "web:8000", "10.0.0.7:8000"):
        assert answers[f"{host}/healthz"] == 200
        assert answers[f"{host}/readyz"] == 200
        assert answers[f"{host}/metrics"] == 200  # from 127.0.0.1, an allowed network
    assert answers["public-http"] == 301
    assert answers["public-http-location"] == "https://api.example.com/api/v1/auth/csrf"
    assert answers["unknown-host-https"] == 400
    assert answers["public-https"] == 200


READS = re.compile(
    r'env(?:\.(?:int|bool|list|float|db|cache|email_url))?\(\s*"([A-Z_]+)"'
    r'|environ\.get\(\s*"([A-Z_]+)"'
)


def test_every_variable_the_code_reads_is_in_env_example():
    sources = [
        *(ROOT / "flywheel" / "settings").glob("*.py"),
        ROOT / "deploy" / "gunicorn.conf.py",
        *(ROOT / "flywheel" / "core" / "observability").glob("*.py"),
    ]
    read = {
        name
        for path in sources
        for match in READS.finditer(path.read_text())
        for name in match.groups()
        if name
    }
    missing = read - set(example_values())
    assert {"SECRET_KEY", "METRICS_TOKEN", "WEB_CONCURRENCY"} <= read
    assert not missing, f"not in deploy/.env.example: {sorted(missing)}"
