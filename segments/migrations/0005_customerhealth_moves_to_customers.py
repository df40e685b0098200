"""CustomerHealth now belongs to the customers app (its table is renamed there)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("segments", "0004_health_summary"),
        ("customers", "0004_customerhealth_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CustomerHealth")]
        ),
    ]
