"""The support staff groups: `support` (view everything, and the least rights its admin
actions need) and `support-readonly` (view only). Re-running keeps them exact."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

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


def groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in global_apps.get_app_configs():  # permissions exist before post_migrate
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    views = list(Permission.objects.filter(codename__startswith="view_"))
    acting = [
        Permission.objects.get(content_type__app_label=app, codename=f"change_{model}")
        for app, model in ACTING_ON
    ] + [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in CUSTOM]
    readonly, _ = Group.objects.get_or_create(name="support-readonly")
    readonly.permissions.set(views)
    support, _ = Group.objects.get_or_create(name="support")
    support.permissions.set(views + acting)


def no_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["support", "support-readonly"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auditlog", "0017_add_actor_email"),
        ("core", "0003_staff_action"),
        ("accounts", "0003_currency_choices"),
        ("customers", "0006_email_opt_out"),
        ("referrals", "0004_bounds"),
        ("ugc", "0003_bounds"),
        ("segments", "0005_customerhealth_moves_to_customers"),
        ("metrics", "0004_alert_changes"),
        ("webhooks", "0002_delivery_customer"),
    ]

    operations = [migrations.RunPython(groups, no_groups)]
