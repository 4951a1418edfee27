"""Ownership and control relations: loading FtM and CSV files (all or nothing), the OFAC 50 % rule over them
as the gates' screener reports it, suppliers' parent companies, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from conduct.apps.accounts.actors import CLI, SYSTEM
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Invalid
from conduct.apps.screening.handlers import register_suppliers
from conduct.apps.screening.models import Alert, AlertStatus, EntityRelation
from conduct.apps.screening.ownership import party_ownership
from conduct.apps.screening.services import list_load, party_register, policy_screener
from conduct.apps.screening.services.relations import relations_load
from conduct.core.policy import DEFAULT_PACK_DIR, ScreenedName, load_pack
from conduct.events.suppliers import SuppliersChanged
from tests.apps.screening.conftest import write_list
from tests.factories.screening import OrgUnitFactory, ScreenedPartyFactory, UserFactory

pytestmark = pytest.mark.django_db

LISTED = {
    "OWN-1": "OWN-1,Ivan Ownerov Listedsky,,person,RU,TEST-OWN,\n",
    "OWN-2": "OWN-2,Petr Holdovich Blockedov,,person,RU,TEST-OWN,\n",
}
HEADER = "owner_id,owned_id,share,relation,source\n"


@pytest.fixture
def listed(tmp_path: Path) -> None:
    list_load(
        actor=CLI, path=write_list(tmp_path, LISTED, "owners.csv"), name="owners_list", kind="sanctions"
    )


def _csv(tmp_path: Path, body: str, name: str = "rel.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _ownership(name: str):  # noqa: ANN202 - an OwnershipFact or None
    return policy_screener().ownership_many([ScreenedName("parties[0]", "customer", name)])[0]


def test_a_party_owned_through_a_blocked_holding_is_blocked_at_the_gate(tmp_path, listed):
    ScreenedPartyFactory(reference="customer:B", name="Bravo Ownership Holdings")
    ScreenedPartyFactory(reference="customer:C", name="Charlie Ownership Trading")
    relations_load(
        actor=CLI,
        path=_csv(
            tmp_path, "OWN-1,customer:B,60,ownership,registry\ncustomer:B,customer:C,90,ownership,registry\n"
        ),
    )
    fact = _ownership("Charlie Ownership Trading")
    assert fact is not None and fact.status == "blocked" and fact.blocked_share == 90
    assert fact.text() == (
        "Bravo Ownership Holdings 90 % (blocked: owned by Ivan Ownerov Listedsky 60 % (listed))"
    )
    subject = {
        "reference": "D-OWN-1",
        "parties": [
            {"role": "customer", "name": "Charlie Ownership Trading", "country": "AE", "sector": "commercial"}
        ],
        "items": [{"sku": "CAM-2MP", "capabilities": ["motion_detection"], "quantity": 2}],
    }
    decision = load_pack(DEFAULT_PACK_DIR).evaluate("sales_deal", subject, screener=policy_screener())
    assert decision.outcome == "deny"
    assert "sales.party.owned_by_blocked_persons" in decision.fired
    message = next(r.message for r in decision.reasons if r.rule == "sales.party.owned_by_blocked_persons")
    assert "owned 90 % in aggregate" in message and "Ivan Ownerov Listedsky 60 %" in message


def test_a_40_percent_blocked_owner_blocks_neither_holding_nor_subsidiary(tmp_path, listed):
    ScreenedPartyFactory(reference="customer:B4", name="Bravo Minority Holdings")
    ScreenedPartyFactory(reference="customer:C4", name="Charlie Minority Trading")
    relations_load(actor=CLI, path=_csv(tmp_path, "OWN-1,customer:B4,40,,\ncustomer:B4,customer:C4,100,,\n"))
    assert _ownership("Bravo Minority Holdings").status == "clear"
    assert _ownership("Charlie Minority Trading").status == "clear"


def test_two_owners_at_25_percent_block_and_the_party_page_lists_them(tmp_path, listed):
    party = ScreenedPartyFactory(reference="customer:J", name="Joint Venture Optics")
    relations_load(
        actor=CLI,
        path=_csv(tmp_path, "owners_list:OWN-1,customer:J,25,ownership,x\nOWN-2,customer:J,25%,,x\n"),
    )
    found = party_ownership(party)
    assert found.finding.status == "blocked" and found.finding.blocked_share == 50
    assert {r.owner_ref for r in found.owners} == {"owners_list:OWN-1", "OWN-2"}
    assert found.names["OWN-2"] == "Petr Holdovich Blockedov"  # the CSV gave ids; names come from the list


def test_a_bad_csv_names_row_and_column_and_stores_nothing(tmp_path, listed):
    path = _csv(
        tmp_path,
        "OWN-1,customer:X,60,ownership,a\nOWN-2,customer:X,150,ownership,a\n,customer:Y,,control,a\n",
    )
    with pytest.raises(Invalid) as caught:
        relations_load(actor=CLI, path=path)
    assert set(caught.value.fields) == {"row 3.share", "row 4.owner_id"}
    assert not EntityRelation.objects.exists()


def test_ftm_ownership_and_directorship_entities_load_with_names(tmp_path, listed):
    lines = [
        {"id": "co-1", "schema": "Company", "properties": {"name": ["Delta Lens Manufacturing"]}},
        {
            "id": "own-1",
            "schema": "Ownership",
            "datasets": ["test_registry"],
            "properties": {
                "owner": ["OWN-1"],
                "asset": ["co-1"],
                "percentage": ["50.0"],
                "startDate": ["2024-03-01"],
            },
        },
        {"id": "co-2", "schema": "Company", "properties": {"name": ["Echo Camera Distribution"]}},
        {
            "id": "dir-1",
            "schema": "Directorship",
            "properties": {"director": [{"id": "OWN-2", "schema": "Person"}], "organization": ["co-2"]},
        },
    ]
    path = tmp_path / "rel.ftm.json"
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    loaded = relations_load(actor=CLI, path=path, format="ftm")
    assert (loaded.created, loaded.source_names) == (2, ("ftm", "test_registry"))
    owned = EntityRelation.objects.get(owned_ref="co-1")
    assert (owned.share, owned.as_of, owned.owned_name, owned.source) == (
        50.0,
        "2024-03-01",
        "Delta Lens Manufacturing",
        "test_registry",
    )
    assert _ownership("DELTA LENS MANUFACTURING").status == "blocked"  # found by name: exactly 50 % blocks
    fact = _ownership("Echo Camera Distribution")
    assert fact.status == "review" and fact.owners[0].relation == "directorship"
    entry = LedgerEntry.objects.filter(action="screening.relations_load").latest("seq")
    assert entry.summary["created"] == 2
    assert relations_load(actor=CLI, path=path, format="ftm").unchanged == 2


def test_a_malformed_ftm_line_is_reported_by_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        '{"id": "o", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"]}}\nnot json\n'
    )
    with pytest.raises(Invalid) as caught:
        relations_load(actor=CLI, path=path, format="ftm")
    assert list(caught.value.fields) == ["line 2"]


def test_suppliers_parent_companies_are_control_relations(tmp_path, listed):
    unit = OrgUnitFactory()
    parent = SimpleNamespace(
        pk=9_100_001,
        name="Parent Optics Group",
        aliases=[],
        country="GB",
        org_unit=unit,
        parent_company_id=None,
    )
    child = SimpleNamespace(
        pk=9_100_002,
        name="Child Optics Ltd",
        aliases=[],
        country="GB",
        org_unit=unit,
        parent_company_id=9_100_001,
    )
    actor = UserFactory(role="compliance_officer")
    register_suppliers(SuppliersChanged(actor=actor, suppliers=(parent, child), reason="import"))
    rel = EntityRelation.objects.get(source="suppliers")
    assert (rel.owner_ref, rel.owned_ref, rel.relation, rel.owner_name) == (
        "supplier:9100001",
        "supplier:9100002",
        "control",
        "Parent Optics Group",
    )
    child.parent_company_id = None
    register_suppliers(SuppliersChanged(actor=actor, suppliers=(child,), reason="update", screen=False))
    assert not EntityRelation.objects.filter(source="suppliers").exists()


def test_the_cli_loads_and_reports_a_bad_file_on_one_line(tmp_path, cli, listed):
    ok = cli("screening_relations_load", str(_csv(tmp_path, "OWN-1,customer:Z,55,ownership,cli\n")))
    assert ok.code == 0 and "1 new" in ok.out
    bad = cli("screening_relations_load", str(_csv(tmp_path, "OWN-1,customer:Z,x,ownership,cli\n", "b.csv")))
    assert bad.code == 1 and "row 2.share" in bad.err and bad.err.count("\n") <= 1


def test_the_party_page_shows_owners_shares_and_the_rule(client, tmp_path, listed):
    party = ScreenedPartyFactory(reference="customer:PG", name="Page Owned Optics")
    relations_load(actor=CLI, path=_csv(tmp_path, "OWN-1,customer:PG,55,ownership,registry\n"))
    officer = UserFactory(role="compliance_officer", home_unit=party.org_unit)
    client.force_login(officer)
    page = client.get(f"/screening/parties/{party.pk}/").content.decode()
    assert "Blocked under the OFAC 50 % rule: owned 55 %" in page
    assert "Ivan Ownerov Listedsky" in page and "55 %" in page


def test_the_alert_page_says_which_owners_and_shares_block_the_party(client, tmp_path, listed):
    """An alert on a party that the 50 % rule also blocks shows the finding, the blocked owners and their
    shares; an alert on a party no relation names does not show the section."""
    unit = OrgUnitFactory()
    party, _ = party_register(
        actor=SYSTEM,
        reference="customer:AL-1",
        kind="customer",
        name="Petr Holdovich Blockedov",
        entity_type="person",
        org_unit=unit,
    )
    relations_load(actor=CLI, path=_csv(tmp_path, "OWN-1,customer:AL-1,55,ownership,registry\n"))
    alert = Alert.objects.get(party=party, status=AlertStatus.OPEN)
    client.force_login(UserFactory(role="compliance_officer", home_unit=unit))
    page = client.get(f"/screening/alerts/{alert.pk}/").content.decode()
    assert "Blocked under the OFAC 50 % rule: owned 55 %" in page
    assert "Ivan Ownerov Listedsky" in page and "55 %" in page
    EntityRelation.objects.all().delete()
    page = client.get(f"/screening/alerts/{alert.pk}/").content.decode()
    assert "Blocked under the OFAC 50 % rule" not in page and "Ownership and control" not in page
