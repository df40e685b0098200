"""Log records with the request id (and task) attached; JSON lines in production.

`logging_config` builds the LOGGING setting: `json` writes one object a line (time, level,
logger, message, request_id, task, and whatever `extra=` a call passes), `text` the
classic format for the demo and tests.
"""

import logging

from flywheel.core.observability.context import current_request_id, task_var


class RequestIdFilter(logging.Filter):
    """Put the current request id (and Celery task, inside a worker) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        task = task_var.get()
        if task and not hasattr(record, "task"):
            record.task, record.task_id = task
        return True


JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(fmt: str, level: str) -> dict:
    if fmt not in ("json", "text"):
        raise ValueError(f"LOG_FORMAT is json or text, not {fmt!r}")
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
        if fmt == "json"
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "flywheel.core.observability.logs.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.request": {"level": "ERROR"},
            # One line a request, written by the observability middleware when ACCESS_LOG is on.
            "flywheel.access": {"level": "INFO"},
            # gunicorn turns propagation off for its loggers; its lines go through ours.
            "gunicorn.error": {"level": level, "propagate": True},
        },
    }
