"""Every custom admin page checks the model's permission (issue 11, point 10)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.accounts.factories import TenantFactory, UserFactory

pytestmark = pytest.mark.django_db

_STANDARD = ("_changelist", "_add", "_history", "_delete", "_change", "_autocomplete")
# Pages of one object are given a tenant: the only such custom page is the tenant overview.


def _custom_pages():
    pages = []
    for model, model_admin in admin.site._registry.items():
        own = f"{model._meta.app_label}_{model._meta.model_name}"
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None)
            if not name or (name.startswith(own) and name.endswith(_STANDARD)):
                continue
            if name == "auth_user_password_change":  # Django's own, for the change right
                continue
            pages.append((model, f"admin:{name}", tuple(pattern.pattern.converters)))
    return pages


def test_there_are_custom_admin_pages_to_check():
    names = {name for _, name, _ in _custom_pages()}
    assert {
        "admin:metrics_kpi_charts",
        "admin:support_tenant_overview",
        "admin:support_search",
    } <= names


@pytest.mark.parametrize(("model", "url_name", "kwargs"), _custom_pages())
def test_a_staff_user_without_the_view_permission_gets_403(client, model, url_name, kwargs):
    # given a staff user with no permission at all (and a row for pages of one object)
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    url = reverse(url_name, kwargs={k: TenantFactory().pk for k in kwargs})
    # when / then
    assert client.get(url).status_code == 403
    # and with the model's view permission the page opens
    codename = f"view_{model._meta.model_name}"
    staff.user_permissions.add(
        Permission.objects.get(codename=codename, content_type__app_label=model._meta.app_label)
    )
    client.force_login(staff)
    assert client.get(url).status_code == 200
