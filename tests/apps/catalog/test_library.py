"""The framework library through the CLI: load validates (file and line) and records its version in the
ledger; list and show; a gate rule citing a URN the library does not have is rejected."""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.management import call_command

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.catalog.models import LibraryVersion
from conduct.datafiles import data_path

pytestmark = pytest.mark.django_db


def test_frameworks_load_validates_every_framework_and_records_the_version_once(capsys):
    LibraryVersion.objects.all().delete()
    call_command("frameworks_load")
    out = capsys.readouterr().out
    assert out.startswith("OK: 14 frameworks, 279 requirements")
    version = LibraryVersion.objects.get()
    assert version.frameworks == 14 and version.requirements == 279
    assert {c["slug"] for c in version.contents} >= {"ungp", "sa8000", "ungp_reporting_framework"}
    entry = LedgerEntry.objects.filter(action="frameworks.load").last()
    assert entry.summary["version"] == version.version
    call_command("frameworks_load")
    assert "already recorded" in capsys.readouterr().out
    assert LibraryVersion.objects.count() == 1


def test_a_broken_library_is_refused_with_file_and_line_and_records_nothing(tmp_path, capsys):
    library = tmp_path / "frameworks"
    shutil.copytree(data_path("frameworks"), library)
    path = library / "uk_psti.yaml"
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index('  - urn: "urn:conduct:uk_psti:PSTI-S2"') + 1
    path.write_text(
        text.replace('"urn:conduct:uk_psti:PSTI-S2"', '"urn:conduct:uk_psti:PSTI S2"'), encoding="utf-8"
    )
    before = (LibraryVersion.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(SystemExit) as exit_info:
        call_command("frameworks_load", "--path", str(library))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"uk_psti.yaml:{line}:" in err
    assert "not valid" in err
    assert (LibraryVersion.objects.count(), LedgerEntry.objects.count()) == before


def test_frameworks_list_and_show(capsys):
    call_command("frameworks_list", "--json")
    listed = json.loads(capsys.readouterr().out)
    assert len(listed["frameworks"]) == 14
    call_command("frameworks_show", "urn:conduct:ungp:UNGP-17", "--json")
    shown = json.loads(capsys.readouterr().out)
    assert shown["title"] and shown["framework"] == "ungp"
    assert any(m["urn"].startswith("urn:conduct:eu_csddd:") for m in shown["mappings"])
    call_command("frameworks_show", "sa8000")
    assert "urn:conduct:sa8000:SA8000-9.10" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        call_command("frameworks_show", "urn:conduct:ungp:UNGP-99")
    assert exit_info.value.code == 1


def test_a_gate_rule_citing_an_unknown_urn_is_rejected(tmp_path, capsys):
    pack = tmp_path / "pack"
    shutil.copytree(data_path("policies", "default"), pack)
    rules = pack / "supplier_onboarding.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            "urn:conduct:us_uflpa:UFLPA-5", "urn:conduct:us_uflpa:UFLPA-55", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("policy_validate", str(pack))
    assert exit_info.value.code == 1
    assert "urn:conduct:us_uflpa:UFLPA-55" in capsys.readouterr().err
