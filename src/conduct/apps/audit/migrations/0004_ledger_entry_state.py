"""Ledger entries carry the state hash of the object they changed (reconciliation with the records)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_ledger_entry_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="state",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
