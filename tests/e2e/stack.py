"""The production processes on this machine: gunicorn, a Celery worker and beat, started from
the project's own entry points with production settings, on a database and Redis databases of
their own. Their logs land in `build/e2e/`."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

from tests.app_role import create_role_sql

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ADMIN_DSN = os.environ.get("E2E_ADMIN_DSN", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "flywheel_e2e"
# web, worker and beat connect as this role, which the tenant floor holds (neither owner,
# superuser nor BYPASSRLS); migrations run as the owner, as in a deployment.
APP_ROLE = "flywheel_e2e_app"
REDIS = os.environ.get("E2E_REDIS", "redis://127.0.0.1:6379")
LOGS = ROOT / "build" / "e2e"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, interval: float = 0.5, what: str = "condition"):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def app_database_url(port: int | None = None) -> str:
    """The application role's URL of the e2e database (through `port`, say a proxy's)."""
    host = ADMIN_DSN.split("@", 1)[1].split("/", 1)[0]
    if port is not None:
        host = f"{host.split(':', 1)[0]}:{port}"
    return f"postgres://{APP_ROLE}@{host}/{DATABASE}"


class Stack:
    def __init__(self, name: str, **web_env: str):
        """`name`: its folder under build/e2e; `web_env`: variables for gunicorn only (a
        proxied DATABASE_URL, say)."""
        self.web_env = web_env
        self.logs = LOGS / name
        self.port = free_port()
        self.worker_metrics_port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database_url = ADMIN_DSN.rsplit("/", 1)[0] + f"/{DATABASE}"
        self.app_database_url = app_database_url()
        self.logs.mkdir(parents=True, exist_ok=True)
        self.mail_dir = self.logs / "mail"
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "DJANGO_SETTINGS_MODULE": "flywheel.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": self.app_database_url,
            "CELERY_BROKER_URL": f"{REDIS}/5",
            "CACHE_URL": f"rediscache://{REDIS.split('://', 1)[1]}/6",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # plain http on loopback: no TLS in front of this run
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "PUBLIC_BASE_URL": self.base,
            # django-environ drops one leading slash of the path
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            "WEBHOOKS_ALLOW_PRIVATE_URLS": "true",
            "WEBHOOK_TIMEOUT_SECONDS": "2",
            "LOG_FORMAT": "json",
            "ACCESS_LOG": "true",
            "WEB_CONCURRENCY": "2",
            "WORKER_CONCURRENCY": "2",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "CELERY_METRICS_PORT": str(self.worker_metrics_port),
            "CELERY_METRICS_ADDR": "127.0.0.1",
            # beat: KPIs every 5 s, health every 10 s (nightly in production)
            "KPI_DISPATCH_SECONDS": "5",
            "HEALTH_RECOMPUTE_SECONDS": "10",
            "CELERY_BEAT_SCHEDULE_FILENAME": str(self.logs / "celerybeat-schedule"),
            "STATIC_ROOT": str(self.logs / "static"),
            # a killed worker's task comes back within seconds, not an hour
            "CELERY_VISIBILITY_TIMEOUT": "20",
            "CELERY_TASK_SOFT_TIME_LIMIT": "12",
            "CELERY_TASK_TIME_LIMIT": "15",
            "THROTTLE_API_KEY_RATE": "100000/min",
            "THROTTLE_USER_RATE": "100000/min",
            "THROTTLE_ANON_RATE": "100000/min",
            "THROTTLE_REDIRECT_RATE": "100000/min",
            "THROTTLE_TENANT_RATE": "100000/min",
        }

    # -- set-up ----------------------------------------------------------------------------

    def prepare(self) -> None:
        """A new database, empty Redis databases, migrations, empty log and mail folders."""
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [DATABASE],
            )
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            conn.execute(f"CREATE DATABASE {DATABASE}")
            conn.execute(create_role_sql(APP_ROLE, login=True))
        import redis

        for db in (5, 6):
            redis.Redis.from_url(f"{REDIS}/{db}").flushdb()
        for path in self.logs.glob("*"):
            if path.is_file():
                path.unlink()
        self.mail_dir.mkdir(exist_ok=True)
        for path in self.mail_dir.glob("*"):
            path.unlink()
        for name in ("web", "worker"):
            metrics = self.logs / f"metrics-{name}"
            metrics.mkdir(exist_ok=True)
        owner = {**self.env, "DATABASE_URL": self.database_url, "DATABASE_APP_ROLE": APP_ROLE}
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=owner,
                check=True,
                capture_output=True,
                timeout=600,
            )

    @contextlib.contextmanager
    def running(self):
        """A fresh database, then web, worker and beat until the block ends."""
        self.prepare()
        try:
            self.start_web()
            self.start_worker()
            self.start_beat()
            yield self
        finally:
            self.stop()

    def _start(self, name: str, argv: list[str], **extra_env) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill reaches its children
        )
        self.processes[name] = process
        return process

    def start_web(self) -> None:
        self._start(
            "web",
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "flywheel.wsgi"],
            PROMETHEUS_MULTIPROC_DIR=str(self.logs / "metrics-web"),
            **self.web_env,
        )
        wait_for(lambda: self.ready(), 60, what="gunicorn's /readyz")

    def start_worker(self) -> None:
        self._start(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "flywheel",
                "worker",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
                "-n",
                f"e2e-{time.time_ns()}@%h",
            ],
            PROMETHEUS_MULTIPROC_DIR=str(self.logs / "metrics-worker"),
        )
        wait_for(lambda: self.worker_metrics() is not None, 60, what="the worker's metrics port")

    def start_beat(self) -> None:
        self._start("beat", [str(BIN / "celery"), "-A", "flywheel", "beat", "--loglevel=INFO"])

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM if name != "worker" else signal.SIGKILL)

    # -- looking in ------------------------------------------------------------------------

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base}/readyz", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def worker_metrics(self) -> str | None:
        """The worker's exposition (empty before its first task), None while it is down."""
        try:
            url = f"http://127.0.0.1:{self.worker_metrics_port}/metrics"
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            return None

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def sql(self, query: str, params=None) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def mails(self) -> list[str]:
        return [path.read_text(errors="replace") for path in sorted(self.mail_dir.glob("*"))]
