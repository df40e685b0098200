"""The support staff groups: `support` sees everything and has the least rights its admin
actions need; `support-readonly` sees everything and changes nothing.

Written by the app's migration and again after every `migrate` (post_migrate), so the groups
follow new models and survive a database flush."""

from __future__ import annotations

# (app label, model) whose admin actions support staff run, besides viewing everything.
ACTING_ON = [
    ("accounts", "apikey"),  # revoke
    ("accounts", "personaltoken"),  # revoke
    ("core", "eventdelivery"),  # retry parked subscribers
    ("webhooks", "webhookdelivery"),  # redeliver
    ("webhooks", "webhookendpoint"),  # send a test, re-enable
    ("webhooks", "sentemail"),  # send failed emails again
    ("referrals", "reward"),  # approve, void
    ("ugc", "ugcrequest"),  # moderate
]
CUSTOM = [("core", "recompute_kpis"), ("core", "recompute_health")]


def ensure_support_groups(group_model, permission_model) -> None:
    """Create or correct both groups from the permissions that exist now."""
    views = list(permission_model.objects.filter(codename__startswith="view_"))
    wanted = [(app, f"change_{model}") for app, model in ACTING_ON] + CUSTOM
    acting = [
        permission
        for app, codename in wanted
        for permission in permission_model.objects.filter(
            content_type__app_label=app, codename=codename
        )
    ]
    readonly, _ = group_model.objects.get_or_create(name="support-readonly")
    readonly.permissions.set(views)
    support, _ = group_model.objects.get_or_create(name="support")
    support.permissions.set(views + acting)


def after_migrate(sender, **kwargs) -> None:
    """post_migrate is sent once per app with models, in INSTALLED_APPS order; by the last
    one's signal every app's permissions exist."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label == with_models[-1].label:
        from django.contrib.auth.management import create_permissions

        # This handler may run before auth's for the same app: its permissions come first.
        create_permissions(sender, verbosity=0, using=kwargs.get("using", "default"))
        ensure_support_groups(Group, Permission)
