"""The public redirect: counted clicks, bots and repeat visitors, unknown codes, speed."""

import pytest

from referrals import redirect
from referrals.models import Click
from referrals.redirect import with_ref
from tests.referrals.factories import ReferralLinkFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/131.0"
pytestmark = pytest.mark.django_db


def _clicks(link):
    return list(Click.all_tenants.filter(link=link).order_by("id").values_list("counted", "reason"))


def test_known_bots_are_stored_but_not_counted(client):
    link = ReferralLinkFactory()
    response = client.get(f"/r/{link.code}", HTTP_USER_AGENT="Slackbot-LinkExpanding 1.0")
    assert response.status_code == 302
    assert _clicks(link) == [(False, "bot")]


def test_the_same_visitor_within_24_hours_is_counted_once(client):
    # given
    link = ReferralLinkFactory()
    # when: twice from one browser (the visitor cookie), once from another address
    client.get(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.1")
    client.get(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.1")
    client.cookies.clear()
    client.get(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.2")
    # then
    assert _clicks(link) == [(True, ""), (False, "repeat"), (True, "")]


def test_the_ip_is_stored_only_as_a_hash(client):
    link = ReferralLinkFactory()
    client.get(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.77")
    click = Click.all_tenants.get(link=link)
    assert "198.51.100.77" not in click.ip_hash and len(click.ip_hash) == 64


@pytest.mark.parametrize("code", ["doesnotexist", "inactive"])
def test_unknown_or_inactive_codes_answer_a_404_page(client, code):
    link = ReferralLinkFactory(active=False)
    response = client.get(f"/r/{link.code if code == 'inactive' else code}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_redirect_runs_one_read_and_one_insert(client, monkeypatch):
    # given
    link = ReferralLinkFactory()
    statements = []
    real = redirect._execute

    def spy(sql, params, **kwargs):
        statements.append(sql.split()[0].upper())
        return real(sql, params, **kwargs)

    monkeypatch.setattr(redirect, "_execute", spy)
    # when
    response = client.get(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER)
    # then
    assert response.status_code == 302
    assert statements == ["SELECT", "WITH"]
    assert Click.all_tenants.filter(link=link).count() == 1


def test_ref_is_added_and_an_existing_ref_replaced():
    assert with_ref("https://a.example/x?y=1&ref=old#top", "NEW") == (
        "https://a.example/x?y=1&ref=NEW#top"
    )


def test_a_fresh_visitor_cookie_per_request_does_not_inflate_clicks(client):
    # given a script that sends a new fw_vid cookie with every request
    link = ReferralLinkFactory()
    # when
    for n in range(5):
        client.cookies.clear()
        client.cookies[redirect.VISITOR_COOKIE] = f"forged-{n}"
        client.get(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.9")
    # then only the first click counts: same address and user agent within 24 h
    assert [counted for counted, _ in _clicks(link)] == [True, False, False, False, False]


def test_head_answers_like_get_without_counting_a_click(client):
    link = ReferralLinkFactory()
    head = client.head(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER)
    get = client.get(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER)
    assert head.status_code == get.status_code == 302
    assert head["Location"] == get["Location"]
    assert _clicks(link) == [(True, "")]


def test_the_redirect_is_rate_limited_per_address(client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "redirect": "3/min"}
    link = ReferralLinkFactory()
    answers = [
        client.get(f"/r/{link.code}", REMOTE_ADDR="198.51.100.3").status_code for _ in range(4)
    ]
    other = client.get(f"/r/{link.code}", REMOTE_ADDR="198.51.100.4")
    assert answers[:3] == [302, 302, 302] and answers[3] == 429
    assert other.status_code == 302
    assert Click.all_tenants.filter(link=link).count() == 4
