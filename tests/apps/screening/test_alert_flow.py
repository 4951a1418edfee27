"""From a list reload to a reviewed decision: a stored party's match becomes an alert; a dismissal is
remembered per party and entry until the entry changes in a new version; a confirmation blocks the gates; a
reload re-screens only what changed, as a background task; removed entries close their alerts. Everything is
ledgered."""

from __future__ import annotations

import pytest

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Conflict, Forbidden, Invalid, NotFound
from conduct.apps.gates.services import gate_evaluate
from conduct.apps.governance.models import Case
from conduct.apps.screening import services
from conduct.apps.screening.models import Alert, AlertStatus, ScreenedParty, WatchList
from conduct.apps.screening.selectors import alert_get

from .conftest import FLOW_ROWS

pytestmark = pytest.mark.django_db

PARTY = (
    "Tian Kun Optical Trade Company"  # a potential match (0.87) for T-1, Tiankun Optical Trading Company Ltd
)


def deal(name: str = PARTY, country: str = "CN") -> dict:
    return {
        "reference": "D-FLOW",
        "as_of": "2026-11-28",
        "parties": [{"role": "customer", "name": name, "country": country, "sector": "commercial"}],
        "items": [{"sku": "CAM-2MP", "capabilities": ["motion_detection"], "quantity": 40}],
    }


def screening_rules(decision) -> set[str]:
    return {r.rule for r in decision.reasons if "list_match" in r.rule}


@pytest.fixture
def uk(db):
    return OrgUnit.objects.get(code="br-uk")


@pytest.fixture
def unit(db):
    """hq-compliance: the unit the demo analyst is scoped to."""
    return OrgUnit.objects.get(code="hq-compliance")


@pytest.fixture
def party(unit):
    return services.party_upsert(
        actor=SYSTEM,
        reference="customer:FLOW-1",
        kind="customer",
        name=PARTY,
        country="CN",
        entity_type="organization",
        org_unit=unit,
    )


def flow_alert(party: ScreenedParty) -> Alert:
    return Alert.objects.get(party=party, watch_list__name="t_flow", source_id="T-1")


def test_the_whole_flow_from_a_reload_to_a_decision_the_gate_follows(cli, flow_csv, party, officer, analyst):
    # the party is stored before the list exists: loading the list screens it in the background (delta)
    assert not Alert.objects.filter(party=party, watch_list__name="t_flow").exists()
    assert cli("lists_load", str(flow_csv()), "--name", "t_flow", "--kind", "sanctions").code == 0
    alert = flow_alert(party)
    assert (alert.status, alert.strength, alert.entry_version.number) == ("open", "potential", 1)
    assert 0.8 <= alert.score < 0.95 and alert.explanation["parts"]
    assert LedgerEntry.objects.filter(action="screening.alert_open", object_id=str(alert.pk)).exists()
    assert screening_rules(gate_evaluate(gate="sales_deal", subject=deal())) == {
        "sales.party.potential_list_match"
    }

    # dismissed: the gate no longer sees the match for this party
    services.alert_review(
        actor=analyst, alert=alert, decision="dismiss", reason="Different company: Chengdu, not Hefei"
    )
    assert gate_evaluate(gate="sales_deal", subject=deal()).outcome == "allow"

    # a reload that leaves T-1 as it was keeps the dismissal
    other_changed = FLOW_ROWS["T-2"].replace("Borealis Optics", "Borealis Optic Systems")
    assert cli("lists_load", str(flow_csv(**{"T-2": other_changed})), "--name", "t_flow").code == 0
    alert.refresh_from_db()
    assert alert.status == "dismissed" and alert.entry_version.number == 1

    # a reload that changes T-1 reopens it, with the reason in the history and the ledger
    amended = FLOW_ROWS["T-1"].replace("first listed 2024", "amended: new address in Hefei")
    assert (
        cli("lists_load", str(flow_csv(**{"T-1": amended, "T-2": other_changed})), "--name", "t_flow").code
        == 0
    )
    alert.refresh_from_db()
    assert alert.status == "open" and alert.entry_version.number == 3
    reopened = alert.reviews.get(action="reopened")
    assert reopened.from_status == "dismissed" and "entry changed in t_flow version 3" in reopened.reason
    assert LedgerEntry.objects.filter(action="screening.alert_reopen", object_id=str(alert.pk)).exists()
    assert screening_rules(gate_evaluate(gate="sales_deal", subject=deal())) == {
        "sales.party.potential_list_match"
    }

    # confirmed: a true match, so the gate denies (through the screening module's policy screener)
    before = LedgerEntry.objects.count()
    services.alert_review(actor=officer, alert=alert, decision="confirm", reason="Same registration number")
    assert LedgerEntry.objects.filter(action="screening.alert_confirm", object_id=str(alert.pk)).count() == 1
    assert LedgerEntry.objects.count() == before + 1
    decision = gate_evaluate(gate="sales_deal", subject=deal())
    assert decision.outcome == "deny" and screening_rules(decision) == {"sales.party.strong_list_match"}
    hits = services.policy_screener().screen(PARTY, country="CN")
    assert [(h.entry_id, h.score, h.list_kind) for h in hits if h.entry_id == "T-1"] == [
        ("T-1", 1.0, "sanctions")
    ]
    assert [r.action for r in alert.reviews.order_by("at", "id")] == [
        "opened",
        "dismissed",
        "reopened",
        "confirmed",
    ]

    # what other apps read
    summary = services.screening_summary_for("customer:FLOW-1")
    assert summary["confirmed"] == ["sanctions"] and summary["screened"] is True
    assert [m["entry_id"] for m in services.party_confirmed_matches("customer:FLOW-1")] == ["T-1"]


def test_a_dismissal_reopens_when_the_party_changes_too(cli, flow_csv, party, unit, analyst):
    cli("lists_load", str(flow_csv()), "--name", "t_flow")
    alert = flow_alert(party)
    services.alert_review(actor=analyst, alert=alert, decision="dismiss", reason="Not them")
    services.party_upsert(
        actor=SYSTEM,
        reference="customer:FLOW-1",
        kind="customer",
        name=PARTY,
        country="CN",
        entity_type="organization",
        org_unit=unit,
    )  # nothing changed: still dismissed
    alert.refresh_from_db()
    assert alert.status == "dismissed"
    services.party_upsert(
        actor=SYSTEM,
        reference="customer:FLOW-1",
        kind="customer",
        name=PARTY,
        country="CN",
        aliases=["Tiankun Optical"],
        entity_type="organization",
        org_unit=unit,
    )
    alert.refresh_from_db()
    assert alert.status == "open" and "party's screened details changed" in alert.reviews.last().reason


def test_a_reload_only_screens_what_changed_and_closes_alerts_of_removed_entries(cli, flow_csv, party, uk):
    cli("lists_load", str(flow_csv()), "--name", "t_flow")
    sidorov = services.party_upsert(
        actor=SYSTEM,
        reference="end_user:FLOW-2",
        kind="end_user",
        name="Ivan Sidorov",
        country="RU",
        entity_type="person",
        org_unit=uk,
    )
    assert Alert.objects.get(party=sidorov, source_id="T-3").status == "open"
    new_entry = "T-4,Tian Kun Optical Trade Co,,organization,CN,TEST-PROG,\n"
    assert cli("lists_load", str(flow_csv(**{"T-3": None, "T-4": new_entry})), "--name", "t_flow").code == 0
    assert Alert.objects.get(party=sidorov, source_id="T-3").status == "closed"
    assert (
        "entry removed from t_flow in version 2" in Alert.objects.get(party=sidorov, source_id="T-3").reason
    )
    assert Alert.objects.get(party=party, source_id="T-4").status == "open"  # the added entry was screened
    delta = LedgerEntry.objects.filter(action="screening.delta_screen").order_by("-seq").first()
    assert delta.summary["entries_screened"] == 1 and delta.summary["entries_removed"] == 1
    assert delta.summary["opened"] == 1 and delta.summary["closed"] == 1
    watch_list = WatchList.objects.get(name="t_flow")
    assert watch_list.screened_version_id == watch_list.current_version.pk
    # running the task again finds nothing new
    assert services.delta_screen(watch_list_id=watch_list.pk)["skipped"]


def test_an_open_alert_closes_when_the_party_no_longer_matches(cli, flow_csv, party, unit):
    cli("lists_load", str(flow_csv()), "--name", "t_flow")
    alert = flow_alert(party)
    services.party_upsert(
        actor=SYSTEM,
        reference="customer:FLOW-1",
        kind="customer",
        name="Quite Another Name Ltd",
        country="CN",
        entity_type="organization",
        org_unit=unit,
    )
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.reason == "no longer matches"


def test_review_rules(cli, flow_csv, uk, analyst, auditor, liaison_uk, officer):
    cli("lists_load", str(flow_csv()), "--name", "t_flow")
    party = services.party_upsert(
        actor=SYSTEM, reference="customer:FLOW-UK", kind="customer", name=PARTY, country="CN", org_unit=uk
    )
    alert = flow_alert(party)
    with pytest.raises(Forbidden):
        services.alert_review(actor=auditor, alert=alert, decision="confirm")
    with pytest.raises(Forbidden):
        services.alert_review(actor=liaison_uk, alert=alert, decision="confirm")
    with pytest.raises(Invalid) as missing:
        services.alert_review(actor=officer, alert=alert, decision="dismiss", reason="  ")
    assert "reason" in missing.value.fields
    with pytest.raises(Invalid) as unknown:
        services.alert_review(actor=officer, alert=alert, decision="shrug")
    assert "decision" in unknown.value.fields
    # the analyst holds the permission but not the UK branch
    with pytest.raises(Forbidden):
        services.alert_review(actor=analyst, alert=alert, decision="confirm")
    with pytest.raises(NotFound):
        alert_get(actor=analyst, alert_id=alert.pk)
    services.alert_review(actor=officer, alert=alert, decision="confirm")
    with pytest.raises(Conflict):
        services.alert_review(actor=officer, alert=alert, decision="confirm")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CONFIRMED and alert.reviewed_by == officer


def test_escalating_opens_a_case_for_the_compliance_officers(cli, flow_csv, party, officer):
    cli("lists_load", str(flow_csv()), "--name", "t_flow")
    alert = services.alert_review(
        actor=officer,
        alert=flow_alert(party),
        decision="escalate",
        reason="The customer disputes it; needs legal's view",
    )
    case = Case.objects.get(pk=alert.case_id)
    assert case.source == "screening_alert" and case.subject_ref == f"alert {alert.pk}"
    assert alert.status == "open" and PARTY in case.title
    with pytest.raises(Conflict):
        services.alert_review(actor=officer, alert=alert, decision="escalate", reason="again")


def test_party_input_is_checked_field_by_field(uk):
    with pytest.raises(Invalid) as bad:
        services.party_upsert(
            actor=SYSTEM,
            reference="",
            kind="martian",
            name="  ",
            country="Atlantis",
            entity_type="spaceship",
            birth_date="someday",
            org_unit=uk,
        )
    assert set(bad.value.fields) == {"reference", "kind", "name", "country", "entity_type", "birth_date"}
    assert not ScreenedParty.objects.filter(name="").exists()


def test_the_demo_suppliers_are_screened_through_the_suppliers_port(db):
    from conduct.apps.suppliers import screening_port
    from conduct.apps.suppliers.models import Supplier

    acme = Supplier.objects.get(external_id="ACME-001")
    assert screening_port.available()
    found = screening_port.screening_for([acme.pk])
    assert found[acme.pk].confirmed == frozenset() and found[acme.pk].open_alerts == 0
    prospect = services.screening_summary_for("prospect:PR-118")
    assert prospect["open_alerts"] == 1 and prospect["alerts"][0]["list_kind"] == "forced_labour"
    assert services.screening_summary_for("nothing:0") == {
        "reference": "nothing:0",
        "screened": False,
        "last_screened_at": None,
        "confirmed": [],
        "open_alerts": 0,
        "dismissed": 0,
        "alerts": [],
    }


def test_a_subject_s_names_are_screened_together_as_each_alone(cli, flow_csv, party, uk, officer):
    """One statement reads the reviews of all a subject's names; each name's hits are what screening it alone
    gives: a confirmation counts for its own name only, a dismissal hides the entry for its own name only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conduct.core.policy import ScreenedName

    cli("lists_load", str(flow_csv()), "--name", "t_flow")
    sidorov = services.party_upsert(
        actor=SYSTEM,
        reference="end_user:FLOW-2",
        kind="end_user",
        name="Ivan Sidorov",
        country="RU",
        entity_type="person",
        org_unit=uk,
    )
    services.alert_review(
        actor=officer, alert=flow_alert(party), decision="confirm", reason="Same registration"
    )
    services.alert_review(
        actor=officer,
        alert=Alert.objects.get(party=sidorov, source_id="T-3"),
        decision="dismiss",
        reason="Different date of birth",
    )
    names = [
        ScreenedName("parties[0]", "customer", PARTY, "CN", "organization"),
        ScreenedName("parties[1]", "end_user", "Ivan  Sidorov", "RU", "person"),
        ScreenedName("parties[2]", "integrator", "Ivan Sidorov", "GB", "person"),  # not the stored party
        ScreenedName("parties[3]", "consignee", "   ", None, None),
        ScreenedName("parties[4]", "end_user", PARTY, "CN", "organization"),
    ]
    screener = services.policy_screener()
    with CaptureQueriesContext(connection) as queries:
        together = screener.screen_many(names)
    assert sum("screening_screenedparty" in q["sql"] for q in queries.captured_queries) == 1
    alone = [screener.screen(n.name, entity_type=n.entity_type, country=n.country) for n in names]
    assert together == alone
    entries = [{(h.entry_id, h.score) for h in hits if h.entry_id in ("T-1", "T-3")} for hits in together]
    assert entries[0] == entries[4] == {("T-1", 1.0)}  # confirmed: a certain hit
    assert entries[1] == set()  # dismissed for the stored Ivan Sidorov in RU
    assert {entry for entry, _ in entries[2]} == {"T-3"}  # another Ivan Sidorov, in GB: the match stands
    assert together[3] == ()


def test_a_subject_with_hundreds_of_names_is_screened_in_batches(cli, flow_csv, party, officer):
    from conduct.apps.screening.services.gates import REVIEWS_BATCH
    from conduct.core.policy import ScreenedName

    cli("lists_load", str(flow_csv()), "--name", "t_flow")
    services.alert_review(
        actor=officer, alert=flow_alert(party), decision="confirm", reason="Same registration"
    )
    names = [
        ScreenedName(f"parties[{i}]", "end_user", f"Holder {i} Ltd", "GB", "organization") for i in range(600)
    ]
    names.append(
        ScreenedName("parties[600]", "customer", PARTY, "CN", "organization")
    )  # past SQLite's 500 terms
    hits = services.policy_screener().screen_many(names)
    assert len(hits) == 601 > 5 * REVIEWS_BATCH
    assert [(h.entry_id, h.score) for h in hits[600] if h.entry_id == "T-1"] == [("T-1", 1.0)]
