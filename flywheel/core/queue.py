"""Sending delivery tasks to the broker without failing the caller.

Tasks are looked up by name in the Celery app's registry (filled by autodiscovery), so the
event and delivery modules need not import the task module that imports them.
"""

from __future__ import annotations

import logging
import time

from celery import current_app

logger = logging.getLogger(__name__)

DELIVER_TASK = "flywheel.core.tasks.domain_event_deliver_task"
# After a failed send, the process stops trying for this long: a request that records events
# for four subscribers must not wait for four connection timeouts while the broker is down.
PAUSE_AFTER_FAILURE_SECONDS = 30.0
_paused_until = 0.0


def task(name: str):
    """The registered task `name`; the apps' task modules are imported on first need (a web
    process has not run Celery's autodiscovery, which a worker does at start)."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def send_delivery(subscriber: str, event_ids: list[int], *, countdown: int | None = None) -> bool:
    """Enqueue one delivery; False (logged, not raised) when the broker cannot take it: the
    events stay pending in the outbox and the sweeper delivers them later."""
    global _paused_until
    if time.monotonic() < _paused_until:
        logger.info("Broker paused after a failure; %s left to the sweeper.", subscriber)
        return False
    try:
        task(DELIVER_TASK).apply_async((subscriber, event_ids), countdown=countdown)
    except Exception:  # the broker is down or refuses: nothing is lost
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
        logger.warning(
            "Could not enqueue %s for %d domain events; the sweeper will deliver them.",
            subscriber,
            len(event_ids),
            exc_info=True,
        )
        return False
    return True


def resume() -> None:
    """Try the broker again at the next send (tests; the sweeper calls it before its run)."""
    global _paused_until
    _paused_until = 0.0


def send(task_name: str, args: list, *, countdown: int | None = None) -> bool:
    """Enqueue the registered task `task_name` (by name: no import of the task module); False,
    logged, when the broker cannot take it."""
    try:
        task(task_name).apply_async(args, countdown=countdown)
    except Exception:  # the broker is down: the caller's data is stored; a sweeper retries
        logger.warning("Could not enqueue %s.", task_name, exc_info=True)
        return False
    return True


def send_deliveries(batches: dict[str, list[int]]) -> int:
    """One delivery task per subscriber; returns how many were enqueued."""
    return sum(send_delivery(name, ids) for name, ids in batches.items())
