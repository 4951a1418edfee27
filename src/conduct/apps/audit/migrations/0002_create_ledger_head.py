"""The single LedgerHead row that writers lock to append to the chain."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

GENESIS_HASH = "0" * 64


def create_head(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    LedgerHead = apps.get_model("audit", "LedgerHead")
    LedgerHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})


def remove_head(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("audit", "LedgerHead").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_head, remove_head)]
