"""Existing tenants get the default rules (new ones get them through `tenant.created`)."""

from django.db import migrations

DEFAULTS = (
    ("milestone", "case_study", None),
    ("positive_support", "review", 4),
    ("feature_usage", "screenshot", 10),
    ("community_activity", "expert_article", 5),
    ("promoter", "testimonial", 9),
)


def add_defaults(apps, schema_editor):
    Tenant = apps.get_model("accounts", "Tenant")
    UGCRule = apps.get_model("ugc", "UGCRule")
    for tenant in Tenant.objects.all():
        have = set(UGCRule.objects.filter(tenant=tenant).values_list("trigger", flat=True))
        UGCRule.objects.bulk_create([
            UGCRule(tenant=tenant, trigger=trigger, request_kind=kind, threshold=threshold)
            for trigger, kind, threshold in DEFAULTS if trigger not in have
        ])


class Migration(migrations.Migration):
    dependencies = [("ugc", "0001_initial"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
