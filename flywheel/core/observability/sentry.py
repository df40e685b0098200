"""Optional error tracking: Sentry when `SENTRY_DSN` is set, with the request id as a tag.

Personal data stays out (`send_default_pii=False`): reports carry the route, the stack and
the request id, so support can find the request's log lines.
"""

from flywheel.core.observability.context import current_request_id


def _tag_request_id(event: dict, hint: dict) -> dict:
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry(
    dsn: str, *, environment: str, release: str, traces_sample_rate: float, **options
) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=_tag_request_id,
        **options,
    )
