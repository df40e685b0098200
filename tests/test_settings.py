"""Settings invariants: Celery time limits sit inside the broker's visibility timeout."""

from django.conf import settings


def test_task_time_limits_are_below_the_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < visibility


def test_tasks_are_acknowledged_late_and_requeued_when_a_worker_dies():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_TASK_SERIALIZER == "json"


def test_production_settings_refuse_the_dev_secret(monkeypatch):
    import importlib
    import sys

    import pytest
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("SECRET_KEY", raising=False)
    sys.modules.pop("flywheel.settings.production", None)
    with pytest.raises(ImproperlyConfigured):
        importlib.import_module("flywheel.settings.production")


def test_every_workload_route_names_a_registered_task():
    from flywheel.celery import app

    app.loader.import_default_modules()
    assert set(settings.WORKLOAD_ROUTES) <= set(app.tasks)
    queues = {route["queue"] for route in settings.WORKLOAD_ROUTES.values()}
    assert queues == {"events", "webhooks", "emails", "kpis", "health"}


def test_split_queues_route_tasks_sent_by_name():
    from celery import Celery

    app = Celery("probe", set_as_current=False)
    app.conf.task_routes = settings.WORKLOAD_ROUTES
    route = app.amqp.router.route({}, "webhooks.tasks.webhook_delivery_send_task")
    assert route["queue"].name == "webhooks"
    assert app.amqp.router.route({}, "ugc.tasks.ugc_requests_remind_all_task")["queue"].name == (
        "celery"
    )
