"""The request id of the work at hand: set per request, carried into the tasks it enqueues.

A request keeps the id its caller sent in `X-Request-ID` when it is a short token of safe
characters, else gets a new one; every log line, task and error report of that request
carries it, and the response returns it in the same header.
"""

import contextvars
import re
import uuid

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "request_id"
_SAFE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)

# (task name, task id) inside a Celery task, for the log lines it writes.
task_var: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "task", default=None
)


def current_request_id() -> str | None:
    return request_id_var.get()


def request_id_from(header_value: str | None) -> str:
    """The caller's id when it is safe to log and echo, else a fresh one."""
    if header_value and _SAFE.match(header_value):
        return header_value
    return uuid.uuid4().hex
