"""The moved CustomerHealth table takes the customers app's name."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0004_customerhealth_moves_here"),
        ("segments", "0005_customerhealth_moves_to_customers"),
    ]

    operations = [
        migrations.AlterModelTable(name="customerhealth", table=None),
    ]
