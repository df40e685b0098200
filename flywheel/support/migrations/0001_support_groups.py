"""The support staff groups: `support` (view everything, and the least rights its admin
actions need) and `support-readonly` (view only). Re-running keeps them exact."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from flywheel.support.groups import ensure_support_groups

def groups(apps, schema_editor):
    # The permissions exist only after post_migrate: make them now, from the historical
    # models (their app configs have no models module; create_permissions wants one).
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_support_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


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
