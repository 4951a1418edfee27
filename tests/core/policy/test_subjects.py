"""Subject validation: a specific error per bad field, every error at once, extra fields kept."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conduct.core.policy import GATES, FieldError, PolicyPack, SubjectError, validate_subject

from .conftest import clean


def errors_for(gate: str, subject: Any) -> dict[str, str]:
    return {error.path: error.message for error in validate_subject(gate, subject)}


@pytest.mark.parametrize("gate", GATES)
def test_a_clean_subject_has_no_errors(gate: str) -> None:
    assert validate_subject(gate, clean(gate)) == []


def test_an_unknown_gate_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown gate 'sales'"):
        validate_subject("sales", {})


def test_the_subject_must_be_an_object() -> None:
    assert validate_subject("sales_deal", ["x"]) == [
        FieldError("", "the subject must be an object, got a list")
    ]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"reference": ""}, "reference", "must not be empty"),
        ({"reference": 12}, "reference", "must be a string, got a number"),
        ({"parties": []}, "parties", "must list at least 1 item"),
        ({"parties": "ACME"}, "parties", "must be a list, got a string"),
        (
            {"items": [{"sku": "A", "capabilities": [], "quantity": 0}]},
            "items[0].quantity",
            "must be at least 1, got 0",
        ),
        (
            {"items": [{"sku": "A", "capabilities": [], "quantity": 2.5}]},
            "items[0].quantity",
            "must be a whole number, got a number",
        ),
        (
            {"items": [{"sku": "A", "capabilities": [], "quantity": True}]},
            "items[0].quantity",
            "must be a whole number, got a boolean",
        ),
        (
            {"items": [{"sku": "A", "capabilities": [""], "quantity": 1}]},
            "items[0].capabilities[0]",
            "must be a capability name (non-empty string), got ''",
        ),
        (
            {"deployment": {"public_space": "yes", "camera_count": 3, "purpose": "x"}},
            "deployment.public_space",
            "must be true or false, got a string",
        ),
        (
            {"deployment": {"public_space": True, "camera_count": -1, "purpose": "x"}},
            "deployment.camera_count",
            "must be at least 0, got -1",
        ),
        (
            {"exporter_country": "DEU"},
            "exporter_country",
            "must be an ISO 3166-1 alpha-2 country code (two letters), got 'DEU'",
        ),
        ({"exporter_country": "XX"}, "exporter_country", "'XX' is not an ISO 3166-1 alpha-2 country code"),
        ({"value": -5}, "value", "must be at least 0, got -5"),
        ({"as_of": "28/11/2026"}, "as_of", "must be a date written YYYY-MM-DD, got '28/11/2026'"),
        ({"as_of": "2026-02-30"}, "as_of", "'2026-02-30' is not a real date"),
    ],
)
def test_sales_deal_field_errors(change: dict[str, Any], path: str, message: str) -> None:
    subject = clean("sales_deal")
    subject.update(change)
    assert errors_for("sales_deal", subject) == {path: message}


def test_party_errors_name_the_party_and_field() -> None:
    subject = clean("sales_deal")
    subject["parties"].append({"role": "buyer", "name": "B", "country": "gbr", "sector": "police"})
    assert errors_for("sales_deal", subject) == {
        "parties[1].role": (
            "'buyer' is not a valid party role; expected one of: customer, end_user, integrator, consignee, "
            "distributor, reseller, freight_forwarder, financier"
        ),
        "parties[1].country": "must be an ISO 3166-1 alpha-2 country code (two letters), got 'gbr'",
        "parties[1].sector": (
            "'police' is not a valid sector; expected one of: commercial, retail, residential, education, "
            "healthcare, transport, utilities, critical_infrastructure, government_civil, law_enforcement, "
            "public_security, military, intelligence, detention"
        ),
    }


def test_missing_required_fields_are_each_reported() -> None:
    assert errors_for("sales_deal", {"parties": [{"role": "customer"}]}) == {
        "reference": "is required",
        "items": "is required",
        "parties[0].name": "is required",
        "parties[0].country": "is required",
        "parties[0].sector": "is required",
    }


@pytest.mark.parametrize(
    ("gate", "path", "value", "message"),
    [
        (
            "app_launch",
            ("assessments", "dpia"),
            "done",
            "'done' is not a valid DPIA status; expected one of: approved, pending, rejected, none",
        ),
        (
            "app_launch",
            ("assessments", "security_test"),
            "ok",
            "'ok' is not a valid security test status; expected one of: passed, failed, none",
        ),
        ("app_launch", ("privacy_policy",), None, "must be true or false, got null"),
        ("app_launch", ("app", "markets"), [], "must list at least 1 item"),
        ("app_launch", ("data_transfers",), [{"country": "US", "mechanism": "dpa"}], None),
        ("supplier_onboarding", ("categories",), ["toys"], None),
        ("supplier_onboarding", ("certificates",), [{"standard": "SA8000"}], None),
        ("supplier_onboarding", ("saq_completed",), "true", "must be true or false, got a string"),
        ("product_release", ("security", "open_vulnerabilities"), [{"id": "CVE-1", "cvss": 11}], None),
        (
            "product_release",
            ("security", "support_period_end"),
            "soon",
            "must be a date written YYYY-MM-DD, got 'soon'",
        ),
        ("product_release", ("firmware",), "5.7.1", "must be an object, got a string"),
    ],
)
def test_field_errors_of_the_other_gates(
    gate: str, path: tuple[str, ...], value: Any, message: str | None
) -> None:
    subject = clean(gate)
    target = subject
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    errors = errors_for(gate, subject)
    expected = {
        ("app_launch", "data_transfers"): {
            "data_transfers[0].mechanism": (
                "'dpa' is not a valid transfer mechanism; expected one of: adequacy, scc, bcr, consent, none"
            )
        },
        ("supplier_onboarding", "categories"): {
            "categories[0]": (
                "'toys' is not a valid supplier category; expected one of: electronics_assembly, pcb, "
                "semiconductors, plastics, metals, chemicals, packaging, logistics, software, services, "
                "raw_materials, textiles"
            )
        },
        ("supplier_onboarding", "certificates"): {"certificates[0].valid_until": "is required"},
        ("product_release", "open_vulnerabilities"): {
            "security.open_vulnerabilities[0].cvss": "must be at least 0 and at most 10, got 11"
        },
    }.get((gate, path[-1]), {".".join(path): message})
    assert errors == expected


def test_country_codes_are_upper_cased_and_xk_is_accepted(pack: PolicyPack) -> None:
    subject = clean("sales_deal")
    subject["parties"][0]["country"] = "xk"
    decision = pack.evaluate("sales_deal", subject)
    assert decision.facts["parties"][0]["country"] == "XK"


def test_yaml_and_python_dates_are_accepted() -> None:
    subject = clean("supplier_onboarding")
    subject["as_of"] = date(2026, 11, 28)
    subject["certificates"][0]["valid_until"] = date(2027, 1, 1)
    assert validate_subject("supplier_onboarding", subject) == []


def test_extra_fields_are_allowed_kept_and_readable_by_rules(tmp_path) -> None:
    from conduct.core.policy import load_pack

    (tmp_path / "crm.yaml").write_text(
        "rules:\n"
        "  - id: crm.key_account\n    title: Key account\n    gates: [sales_deal]\n"
        "    when: has(subject.crm) && subject.crm.tier == 'key'\n    outcome: review\n    severity: low\n"
        "    message: 'Key account {subject.crm.account_id} since {subject.crm.since}'\n"
        "    cites: [urn:conduct:ungp:UNGP-17]\n",
        encoding="utf-8",
    )
    subject = clean("sales_deal")
    subject["crm"] = {"tier": "key", "account_id": "A-17", "since": date(2020, 5, 1)}
    subject["parties"][0]["vat_number"] = "GB123"
    assert validate_subject("sales_deal", subject) == []
    decision = load_pack(tmp_path).evaluate("sales_deal", subject)
    assert decision.reasons[0].message == "Key account A-17 since 2020-05-01"
    assert decision.facts["parties"][0]["name"] == "Northwind Retail Ltd"
    del subject["crm"]
    assert load_pack(tmp_path).evaluate("sales_deal", subject).outcome == "allow"


def test_extra_fields_must_be_json_values() -> None:
    subject = clean("sales_deal")
    subject["blob"] = {"when": object()}
    assert errors_for("sales_deal", subject) == {"blob.when": "must be a JSON value, got object"}


def test_evaluate_raises_subject_error_listing_every_field(pack: PolicyPack) -> None:
    subject = clean("product_release")
    subject["security"]["signed_firmware"] = "yes"
    subject["product"] = {"name": "X"}
    with pytest.raises(SubjectError) as caught:
        pack.evaluate("product_release", subject)
    assert caught.value.gate == "product_release"
    assert [error.path for error in caught.value.errors] == [
        "product.model",
        "product.type",
        "security.signed_firmware",
    ]
    assert "product.model: is required" in str(caught.value)


def test_validation_does_not_change_the_callers_subject(pack: PolicyPack) -> None:
    subject = clean("sales_deal")
    subject["parties"][0]["country"] = "gb"
    before = repr(subject)
    pack.evaluate("sales_deal", subject)
    assert repr(subject) == before


def test_numbers_beyond_64_bits_are_refused() -> None:
    subject = clean("sales_deal")
    subject["items"][0]["quantity"] = 2**63
    subject["erp_id"] = -(2**70)
    assert errors_for("sales_deal", subject) == {
        "items[0].quantity": "is too large",
        "erp_id": "is too large",
    }
