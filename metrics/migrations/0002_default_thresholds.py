"""Existing tenants get the default KPI alert thresholds (new ones through `tenant.created`)."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = (("churn_rate", "relative", Decimal("20")), ("nps", "absolute", Decimal("10")))


def add_defaults(apps, schema_editor):
    Tenant = apps.get_model("accounts", "Tenant")
    KpiThreshold = apps.get_model("metrics", "KpiThreshold")
    with_thresholds = set(KpiThreshold.objects.values_list("tenant_id", flat=True))
    KpiThreshold.objects.bulk_create(
        [
            KpiThreshold(tenant=tenant, kpi=kpi, mode=mode, threshold=threshold)
            for tenant in Tenant.objects.exclude(pk__in=with_thresholds)
            for kpi, mode, threshold in DEFAULTS
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
