"""The single LedgerHead row that writers lock to append to the chain."""

from django.db import migrations

GENESIS_HASH = "0" * 64


def create_head(apps, schema_editor):
    LedgerHead = apps.get_model("audit", "LedgerHead")
    LedgerHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})


def remove_head(apps, schema_editor):
    apps.get_model("audit", "LedgerHead").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_head, remove_head)]
