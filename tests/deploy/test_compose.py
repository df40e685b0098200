"""deploy/docker-compose.yml: every long-running service has a health check and a restart
policy, starts only after what it needs is healthy (or migrated), and migrate runs once.
`docker-compose config` validates the file against the Compose schema in CI (.ci/run)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
LONG_RUNNING = ("db", "redis", "web", "worker", "beat")


def test_long_running_services_have_health_checks_and_restart_policies():
    for name in LONG_RUNNING:
        service = SERVICES[name]
        assert service["healthcheck"]["test"], name
        assert service["restart"] == "unless-stopped", name


def test_migrate_runs_once_after_the_database_is_healthy():
    migrate = SERVICES["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_app_waits_for_migrations_and_healthy_stores():
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert "migrate" not in " ".join(SERVICES[name]["command"]), name


def test_web_probes_readiness_over_plain_http_and_sizes_by_web_concurrency():
    web = SERVICES["web"]
    assert "http://127.0.0.1:8000/readyz" in " ".join(web["healthcheck"]["test"])
    assert "WEB_CONCURRENCY" in web["environment"]
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    assert "WEB_CONCURRENCY" in gunicorn and "cpu_count" not in gunicorn.replace(
        "`os.cpu_count()`", ""
    )


def test_beat_keeps_its_schedule_on_a_volume_it_owns():
    beat = SERVICES["beat"]
    assert beat["volumes"] == ["beat:/var/lib/flywheel/beat"]
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "CELERY_BEAT_SCHEDULE_FILENAME=/var/lib/flywheel/beat/celerybeat-schedule" in dockerfile
    assert "chown -R flywheel:flywheel /var/lib/flywheel" in dockerfile
    assert dockerfile.index("USER flywheel") > dockerfile.index("collectstatic")


def test_migrate_connects_as_the_owner_and_the_app_as_the_floors_role():
    assert SERVICES["migrate"]["environment"]["DATABASE_URL"].startswith("${DATABASE_OWNER_URL")
    for name in ("web", "worker", "beat"):
        assert "DATABASE_URL" not in (SERVICES[name].get("environment") or {}), name
    env = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy" / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert env["DATABASE_URL"].startswith(f"postgres://{env['DATABASE_APP_ROLE']}:")
    assert env["DATABASE_OWNER_URL"].startswith("postgres://flywheel:")
    script = (ROOT / "deploy" / "postgres" / "app-role.sh").read_text()
    assert f"CREATE ROLE {env['DATABASE_APP_ROLE']} LOGIN NOSUPERUSER NOBYPASSRLS" in script
    assert "./postgres/app-role.sh:/docker-entrypoint-initdb.d/" in str(SERVICES["db"]["volumes"])
