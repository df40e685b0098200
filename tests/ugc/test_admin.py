"""Support staff moderate submitted content in the admin."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.ugc.factories import UGCRequestFactory
from ugc.models import UGCRequest

pytestmark = pytest.mark.django_db


def test_the_queue_shows_submitted_content_and_moderates_it(client):
    # given
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    submitted = UGCRequestFactory(status="submitted", text="Great product")
    UGCRequestFactory(status="requested")
    url = reverse("admin:ugc_ugcrequest_changelist")
    # when
    page = client.get(url)
    client.post(url, {"action": "approve", "confirmed": "yes", "_selected_action": [submitted.pk]})
    # then
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    assert UGCRequest.all_tenants.get(pk=submitted.pk).status == "approved"
    assert client.get(reverse("admin:ugc_ugcrule_changelist")).status_code == 200
