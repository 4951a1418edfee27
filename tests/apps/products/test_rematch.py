"""Background re-matching: new vulnerability data or a new SBOM re-matches the released releases; a newly
found KEV entry or CVSS >= 9.0 tells the product's business-unit liaisons and the compliance officers once
per release and CVE; CVSS 7, draft releases and issues a VEX analysis settled tell nobody."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.notifications.models import Notification
from conduct.apps.products import services
from conduct.apps.products.models import ReleaseFindingSeen
from conduct.apps.products.services.rematch import releases_rematch
from conduct.apps.products.tasks import rematch_releases
from tests.factories.accounts import LiaisonFactory
from tests.factories.products import BusinessUnitFactory, ComponentFactory, ProductFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


def cve(cve_id: str, product: str, below: str, cvss: float | None) -> tuple[str, str]:
    cna: dict[str, Any] = {
        "affected": [
            {
                "vendor": product,
                "product": product,
                "versions": [{"version": "0", "lessThan": below, "status": "affected"}],
            }
        ]
    }
    if cvss is not None:
        cna["metrics"] = [{"cvssV3_1": {"baseScore": cvss}}]
    return f"{cve_id}.json", json.dumps(
        {"dataType": "CVE_RECORD", "cveMetadata": {"cveId": cve_id}, "containers": {"cna": cna}}
    )


def kev(cve_id: str, product: str) -> tuple[str, str]:
    row = {"cveID": cve_id, "vendorProject": product, "product": product, "dateAdded": "2026-01-01"}
    return "kev.json", json.dumps({"catalogVersion": "t", "vulnerabilities": [row]})


@pytest.fixture
def world() -> Any:
    """A released release and a draft release of one product, each with a `rmlib` 1.0 component; the
    business unit has a liaison."""
    unit = BusinessUnitFactory()
    liaison = LiaisonFactory(org_unit=unit).user
    product = ProductFactory(business_unit=unit)
    released = ReleaseFactory(product=product, version="1.0", status="released")
    draft = ReleaseFactory(product=product, version="2.0-rc1", status="draft")
    for release in (released, draft):
        ComponentFactory(release=release, name="rmlib", version="1.0")
    return type("World", (), {"liaison": liaison, "released": released, "draft": draft, "product": product})


def alerts(user: Any, text: str) -> int:
    return Notification.objects.filter(user=user, text__contains=text).count()


def test_a_new_cvss_9_issue_on_a_released_release_alerts_the_liaison_and_officers_once(world, cast):
    services.vulns_load(actor=CLI, documents=[cve("CVE-2099-9001", "rmlib", "1.1", 9.8)])
    summary = rematch_releases.call()
    assert f"{world.product.model} 1.0 CVE-2099-9001" in summary["alerted"]
    for user in (world.liaison, cast("officer")):
        assert alerts(user, "CVE-2099-9001") == 1
    seen = ReleaseFindingSeen.objects.get(release=world.released, cve="CVE-2099-9001")
    assert seen.alerted_at is not None and seen.cvss == 9.8
    assert not ReleaseFindingSeen.objects.filter(release=world.draft).exists()  # drafts are not re-matched
    entry = LedgerEntry.objects.filter(action="release.rematch", object_id=str(world.released.pk)).get()
    assert entry.summary["new"] == ["CVE-2099-9001"] and entry.summary["alerted"] == ["CVE-2099-9001"]
    rematch_releases.call()
    releases_rematch(actor=CLI, release_ids=[world.released.pk])
    assert alerts(world.liaison, "CVE-2099-9001") == 1  # idempotent: once per release and CVE


def test_a_kev_entry_alerts_and_a_cvss_7_issue_is_recorded_but_tells_nobody(world):
    services.vulns_load(
        actor=CLI,
        documents=[cve("CVE-2099-9002", "rmlib", "1.1", 7.5), cve("CVE-2099-9003", "rmlib", "1.1", None)],
    )
    releases_rematch(actor=CLI)
    assert alerts(world.liaison, "CVE-2099-9002") == 0
    assert alerts(world.liaison, "CVE-2099-9003") == 0
    assert set(ReleaseFindingSeen.objects.filter(release=world.released).values_list("cve", flat=True)) == {
        "CVE-2099-9002",
        "CVE-2099-9003",
    }
    services.vulns_load(actor=CLI, documents=[kev("CVE-2099-9003", "rmlib")])  # now known exploited
    releases_rematch(actor=CLI)
    assert alerts(world.liaison, "CVE-2099-9003") == 1
    assert "KEV" in Notification.objects.filter(user=world.liaison, text__contains="CVE-2099-9003").get().text
    assert alerts(world.liaison, "CVE-2099-9002") == 0


def test_a_draft_release_alerts_nobody_until_it_is_released(world):
    services.vulns_load(
        actor=CLI, documents=[kev("CVE-2099-9004", "rmlib"), cve("CVE-2099-9004", "rmlib", "9", 5.0)]
    )
    world.released.components.all().delete()
    releases_rematch(actor=CLI)
    assert alerts(world.liaison, "CVE-2099-9004") == 0
    world.draft.status = "released"
    world.draft.save()
    releases_rematch(actor=CLI, release_ids=[world.draft.pk])
    assert alerts(world.liaison, "CVE-2099-9004") == 1


def test_an_issue_a_vex_analysis_settled_alerts_nobody(world, cast):
    services.vex_record(
        actor=cast("admin"),
        release=world.released,
        cve="CVE-2099-9005",
        state="not_affected",
        justification="code_not_reachable",
    )
    services.vulns_load(actor=CLI, documents=[cve("CVE-2099-9005", "rmlib", "1.1", 10.0)])
    releases_rematch(actor=CLI)
    assert alerts(world.liaison, "CVE-2099-9005") == 0
    assert ReleaseFindingSeen.objects.filter(release=world.released, cve="CVE-2099-9005").exists()


def test_a_load_and_an_sbom_import_enqueue_the_rematch_after_the_commit(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.vulns_load(actor=CLI, documents=[cve("CVE-2099-9006", "rmlib", "1.1", 9.1)])
    assert callbacks  # the immediate backend of the tests ran the task in the callback
    assert alerts(world.liaison, "CVE-2099-9006") == 1
    sbom = json.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "components": [{"type": "library", "name": "rmlib", "version": "1.0"}],
        }
    )
    services.vulns_load(actor=CLI, documents=[cve("CVE-2099-9007", "rmlib", "1.1", 9.9)])  # no callbacks run
    with django_capture_on_commit_callbacks(execute=True):
        services.sbom_import(actor=CLI, model=world.product.model, version="1.0", text=sbom)
    assert alerts(world.liaison, "CVE-2099-9007") == 1
    assert alerts(world.liaison, "CVE-2099-9006") == 1


def test_vulns_match_still_answers_without_a_worker(world):
    from io import StringIO

    from django.core.management import call_command

    services.vulns_load(actor=CLI, documents=[cve("CVE-2099-9008", "rmlib", "1.1", 9.8)])
    out = StringIO()
    call_command("vulns_match", world.product.model, "1.0", "--json", stdout=out)
    assert json.loads(out.getvalue())["findings"][0]["cve"] == "CVE-2099-9008"
    assert not ReleaseFindingSeen.objects.filter(cve="CVE-2099-9008").exists()  # no worker ran
    out = StringIO()
    call_command("vulns_rematch", stdout=out)
    assert "CVE-2099-9008" in out.getvalue()
