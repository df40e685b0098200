"""The client address is REMOTE_ADDR unless a trusted proxy names it (issue 11, point 4)."""

import pytest
from django.test import RequestFactory

from flywheel.core.client_ip import client_ip

factory = RequestFactory()


def _ip(remote, forwarded=None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client_ip(factory.get("/", REMOTE_ADDR=remote, **extra))


def test_x_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert _ip("203.0.113.5", "1.2.3.4") == "203.0.113.5"


def test_a_trusted_proxy_names_the_client_and_the_client_cannot_prepend_one(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # the client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address
    assert _ip("10.0.0.2", "1.2.3.4, 198.51.100.7") == "198.51.100.7"
    assert _ip("10.0.0.2", "198.51.100.7, 10.0.0.9") == "198.51.100.7"


def test_an_untrusted_sender_of_x_forwarded_for_is_itself_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _ip("203.0.113.5", "1.2.3.4") == "203.0.113.5"


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_escape_the_anonymous_limit(client, settings):
    settings.TRUSTED_PROXIES = []
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "3/min"}
    answers = [
        client.get("/api/v1/public/ugc/no-such-token", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert answers[3]["Retry-After"]
