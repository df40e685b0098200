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
