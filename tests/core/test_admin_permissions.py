"""Every custom admin page checks the model's permission (issue 11, point 10)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

_STANDARD = ("_changelist", "_add", "_history", "_delete", "_change", "_autocomplete")


def _custom_pages():
    pages = []
    for model, model_admin in admin.site._registry.items():
        own = f"{model._meta.app_label}_{model._meta.model_name}"
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None)
            if not name or (name.startswith(own) and name.endswith(_STANDARD)):
                continue
            if pattern.pattern.converters:  # pages of one object: none are custom so far
                continue
            pages.append((model, f"admin:{name}"))
    return pages


def test_there_are_custom_admin_pages_to_check():
    assert "admin:metrics_kpi_charts" in {name for _, name in _custom_pages()}


@pytest.mark.parametrize(("model", "url_name"), _custom_pages())
def test_a_staff_user_without_the_view_permission_gets_403(client, model, url_name):
    # given a staff user with no permission at all
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    # when / then
    assert client.get(reverse(url_name)).status_code == 403
    # and with the model's view permission the page opens
    codename = f"view_{model._meta.model_name}"
    staff.user_permissions.add(
        Permission.objects.get(codename=codename, content_type__app_label=model._meta.app_label)
    )
    client.force_login(staff)
    assert client.get(reverse(url_name)).status_code == 200
