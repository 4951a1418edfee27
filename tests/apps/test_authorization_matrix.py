"""Every role against every page and API operation that exists: a leak anywhere fails here.

The expected tables below (API for django-ninja operations, PAGES for Django routes) are the authorization
contract: per (method, path) the roles allowed, the success code, and what everyone else gets. They are
checked against what the URL resolver and the API actually serve, so a new endpoint without an entry fails,
and so does an entry for an endpoint that has gone. Roles are played by the demo cast (one user per role).
Portal users get 403 on internal pages (not a redirect); object-level scoping answers 404.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conduct.apps.accounts.actors import SYSTEM

ROLE_CAST = {
    "admin": "admin",
    "compliance_officer": "officer",
    "liaison": "liaison_uk",
    "committee_member": "ethics_chair",
    "analyst": "analyst",
    "auditor": "auditor",
    "supplier": "supplier_acme",
    "customer": "customer_metro",
    "support_engineer": "support_eng",
    "customer_approver": "approver_metro",
    "grievance_officer": "grievance_officer",
    "product_security": "prodsec",
    "investigator": "investigator",
}
ROLES = tuple(ROLE_CAST)
PORTAL = frozenset({"supplier", "customer", "customer_approver"})
EVERYONE = frozenset(ROLES)
# The compliance staff: support engineers are company users who work only in device access, grievance
# officers only in grievances, product-security engineers only in the product register.
INTERNAL = EVERYONE - PORTAL - {"support_engineer", "grievance_officer", "product_security"}
ORG_CHANGE = frozenset({"admin", "compliance_officer"})
LEDGER_READ = frozenset({"admin", "compliance_officer", "auditor"})
USERS_READ = LEDGER_READ
ADMIN = frozenset({"admin"})
# br-uk (the unit the object-level entries use) is visible to global readers and to anyone scoped to hq or
# br-uk.
SEES_BR_UK = frozenset({"admin", "compliance_officer", "liaison", "committee_member", "auditor"})

EMPTY = "empty"  # a denied role gets 200 with an empty page of items (the list is scoped, not refused)


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    ok: int = 200
    denied: int | str = 403
    body: Callable[[Any], Any] | None = field(default=None, compare=False)
    # denied roles answered differently from `denied` (e.g. 403 by role before a 404 by object scope)
    denied_as: tuple[tuple[str, int], ...] = ()

    def refusal(self, role: str) -> int | str:
        return dict(self.denied_as).get(role, self.denied)


GATE_DECIDE = frozenset({"admin", "compliance_officer", "liaison", "analyst"})
INVESTIGATOR_READ = frozenset({"admin", "compliance_officer"})
EVIDENCE_EXPORT = frozenset({"admin", "compliance_officer", "investigator"})


def _subject(gate: str = "sales_deal") -> dict[str, Any]:
    from conduct.datafiles import data_path

    return json.loads(data_path("examples", "subjects", f"{gate}.json").read_text(encoding="utf-8"))


def _unit_pk(code: str) -> int:
    from conduct.apps.accounts.models import OrgUnit

    return OrgUnit.objects.get(code=code).pk


# Suppliers (the demo's Acme, owned by hq-procurement and linked to supplier_acme's portal organisation):
# staff read within their units (liaison_uk and the analyst are not scoped to procurement: 404); the supplier
# reads and works its own records; internal-only reads (risk, graph, screening, staff pages) refuse portal
# users with 403.
SUPPLIER_READERS = INTERNAL | {"supplier"}
SEES_ACME = frozenset({"admin", "compliance_officer", "committee_member", "auditor", "supplier"})
SEES_ACME_STAFF = SEES_ACME - {"supplier"}
ACME_MANAGERS = ORG_CHANGE  # liaisons hold the permission but not the unit: 404
ACME_WORKERS = ACME_MANAGERS | {"supplier"}  # certificates and corrective actions: the supplier too
SUPPLIER_MANAGERS = frozenset({"admin", "compliance_officer", "liaison"})


def _acme() -> Any:
    from conduct.apps.suppliers.models import Supplier

    return Supplier.objects.get(external_id="ACME-001")


def _acme_questionnaire(status: str) -> Any:
    """Put Acme's questionnaire in `status` (inside the request's savepoint) so the operation can run."""
    from conduct.apps.suppliers.models import QuestionnaireResponse

    QuestionnaireResponse.objects.filter(supplier=_acme()).update(status=status)


def _pdf_b64() -> str:
    import base64

    return base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()


def _upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def _acme_state(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Acme Electronics Assembly Ltd.",
        "country": "VN",
        "region": "Bac Ninh",
        "categories": ["pcb"],
        "org_unit": _unit_pk("hq-procurement"),
        "status": _acme().status,
        **fields,
    }


def _on_acme(allowed: frozenset[str], ok: int = 200, **kw: Any) -> Rule:
    """An operation on one of Acme's records: other units' staff get 404, roles without the permission 403."""
    return Rule(
        allowed, ok=ok, denied=403, denied_as=tuple((r, 404) for r in ("liaison",) if r not in allowed), **kw
    )


def _read_acme(allowed: frozenset[str] = SEES_ACME) -> Rule:
    refused = {
        "customer",
        "customer_approver",
        "support_engineer",
        "grievance_officer",
        "product_security",
    } | ({"supplier"} - allowed)
    return Rule(allowed, denied=404, denied_as=tuple((r, 403) for r in sorted(refused)))


SUPPLIER_API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/suppliers"): Rule(SUPPLIER_READERS),
    ("POST", "/api/v1/suppliers"): Rule(
        SUPPLIER_MANAGERS,
        ok=201,
        body=lambda actor: {
            "name": "Matrix Supplier",
            "country": "VN",
            "categories": ["pcb"],
            "org_unit": "br-uk",
        },
    ),
    ("GET", "/api/v1/suppliers/export"): Rule(SUPPLIER_READERS),
    ("POST", "/api/v1/suppliers/import"): Rule(
        ORG_CHANGE,
        body=lambda actor: {
            "files": [
                {"name": "matrix.csv", "content": "external_id,name,country\nMX-1,Matrix Import Co,VN\n"}
            ]
        },
    ),
    ("POST", "/api/v1/suppliers/risk/recompute"): Rule(ORG_CHANGE, ok=202),
    ("GET", "/api/v1/suppliers/{supplier_id}"): _read_acme(),
    ("PATCH", "/api/v1/suppliers/{supplier_id}"): _on_acme(
        ACME_MANAGERS, body=lambda actor: {"region": "Bac Ninh"}
    ),
    ("POST", "/api/v1/suppliers/{supplier_id}/onboard"): _on_acme(ACME_MANAGERS),
    ("GET", "/api/v1/suppliers/{supplier_id}/risk"): _read_acme(SEES_ACME_STAFF),
    ("GET", "/api/v1/suppliers/{supplier_id}/graph"): _read_acme(SEES_ACME_STAFF),
    ("GET", "/api/v1/suppliers/{supplier_id}/screening"): _read_acme(SEES_ACME_STAFF),
    ("POST", "/api/v1/suppliers/{supplier_id}/sites"): _on_acme(
        ACME_MANAGERS, ok=201, body=lambda actor: {"name": "Matrix site", "country": "VN"}
    ),
    ("PATCH", "/api/v1/supplier-sites/{site_id}"): _on_acme(
        ACME_MANAGERS, body=lambda actor: {"headcount": 1250}
    ),
    ("DELETE", "/api/v1/supplier-sites/{site_id}"): _on_acme(ACME_MANAGERS),
    ("POST", "/api/v1/suppliers/{supplier_id}/contacts"): _on_acme(
        ACME_MANAGERS, ok=201, body=lambda actor: {"name": "Matrix contact"}
    ),
    ("DELETE", "/api/v1/supplier-contacts/{contact_id}"): _on_acme(ACME_MANAGERS),
    ("POST", "/api/v1/suppliers/{supplier_id}/sub-suppliers"): _on_acme(
        ACME_MANAGERS, ok=201, body=lambda actor: {"supplier": "PKG-007"}
    ),
    ("DELETE", "/api/v1/suppliers/{supplier_id}/sub-suppliers/{sub_id}"): _on_acme(ACME_MANAGERS),
    ("GET", "/api/v1/certificates"): Rule(SUPPLIER_READERS),
    ("GET", "/api/v1/certificates/export"): Rule(SUPPLIER_READERS),
    ("POST", "/api/v1/suppliers/{supplier_id}/certificates"): _on_acme(
        ACME_WORKERS,
        ok=201,
        body=lambda actor: {"standard": "ISO 45001", "number": "MATRIX-1", "valid_until": "2030-01-01"},
    ),
    ("GET", "/api/v1/certificates/{certificate_id}"): _read_acme(),
    ("PATCH", "/api/v1/certificates/{certificate_id}"): _on_acme(
        ACME_WORKERS, body=lambda actor: {"issuer": "SGS VN"}
    ),
    ("POST", "/api/v1/certificates/{certificate_id}/withdraw"): _on_acme(
        ACME_MANAGERS, body=lambda actor: {"reason": "Matrix"}
    ),
    ("POST", "/api/v1/certificates/{certificate_id}/file"): _on_acme(
        ACME_WORKERS, body=lambda actor: {"filename": "c.pdf", "content_base64": _pdf_b64()}
    ),
    ("GET", "/api/v1/certificates/{certificate_id}/file"): _read_acme(),
    ("GET", "/api/v1/audits"): Rule(SUPPLIER_READERS),
    ("GET", "/api/v1/audits/export"): Rule(SUPPLIER_READERS),
    ("POST", "/api/v1/suppliers/{supplier_id}/audits"): _on_acme(
        ACME_MANAGERS,
        ok=201,
        body=lambda actor: {"kind": "social", "date": "2025-01-15", "auditor": "Matrix Audits"},
    ),
    ("GET", "/api/v1/audits/{audit_id}"): _read_acme(),
    ("POST", "/api/v1/audits/{audit_id}/findings"): _on_acme(
        ACME_MANAGERS,
        ok=201,
        body=lambda actor: {
            "severity": "minor",
            "requirement": "urn:conduct:sa8000:SA8000-3.c",
            "description": "Matrix",
        },
    ),
    ("POST", "/api/v1/findings/{finding_id}/corrective-action"): _on_acme(
        ACME_MANAGERS,
        ok=201,
        body=lambda actor: {"action": "Fix it", "owner": "Operations", "due_date": "2027-01-31"},
    ),
    ("GET", "/api/v1/corrective-actions"): Rule(SUPPLIER_READERS),
    ("GET", "/api/v1/corrective-actions/export"): Rule(SUPPLIER_READERS),
    ("GET", "/api/v1/corrective-actions/{action_id}"): _read_acme(),
    ("PATCH", "/api/v1/corrective-actions/{action_id}"): _on_acme(
        ACME_WORKERS, body=lambda actor: {"root_cause": "Matrix root cause"}
    ),
    ("POST", "/api/v1/corrective-actions/{action_id}/evidence"): _on_acme(
        ACME_WORKERS, body=lambda actor: {"filename": "e.pdf", "content_base64": _pdf_b64()}
    ),
    ("GET", "/api/v1/questionnaires/templates"): Rule(SUPPLIER_READERS),
    ("GET", "/api/v1/questionnaires/templates/{template_key}"): Rule(SUPPLIER_READERS),
    ("GET", "/api/v1/questionnaire-responses"): Rule(SUPPLIER_READERS),
    ("GET", "/api/v1/questionnaire-responses/export"): Rule(SUPPLIER_READERS),
    ("POST", "/api/v1/suppliers/{supplier_id}/questionnaires"): _on_acme(
        ACME_MANAGERS,
        ok=201,
        body=lambda actor: _acme_questionnaire("accepted") or {"template": "sa8000-iso-basics"},
    ),
    ("GET", "/api/v1/questionnaire-responses/{response_id}"): _read_acme(),
    # answering is the supplier's alone: staff who can see the questionnaire get 403, others 404
    ("PATCH", "/api/v1/questionnaire-responses/{response_id}"): Rule(
        frozenset({"supplier"}),
        denied_as=(("liaison", 404), ("analyst", 404)),
        body=lambda actor: {"answers": {"min_hiring_age": 18}},
    ),
    ("POST", "/api/v1/questionnaire-responses/{response_id}/review"): _on_acme(
        ACME_MANAGERS, body=lambda actor: _acme_questionnaire("submitted") or {"decision": "accept"}
    ),
}

SUPPLIER_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "suppliers/"): Rule(INTERNAL),
    ("GET", "suppliers/new"): Rule(SUPPLIER_MANAGERS),
    ("POST", "suppliers/new"): Rule(
        SUPPLIER_MANAGERS,
        ok=302,
        body=lambda actor: {
            "name": "Matrix Page Supplier",
            "country": "VN",
            "org_unit": _unit_pk("br-uk"),
            "categories": ["pcb"],
        },
    ),
    ("GET", "suppliers/import/"): Rule(ORG_CHANGE),
    ("POST", "suppliers/import/"): Rule(
        ORG_CHANGE,
        body=lambda actor: {
            "files": [_upload("matrix.csv", b"external_id,name,country\nMX-2,Matrix Page Import,VN\n")]
        },
    ),
    ("GET", "suppliers/import/templates/<str:kind>"): Rule(INTERNAL),
    ("POST", "suppliers/risk/recompute"): Rule(ORG_CHANGE, ok=302),
    ("GET", "suppliers/certificates/"): Rule(INTERNAL),
    ("GET", "suppliers/certificates/<int:certificate_id>/file"): _read_acme(),
    ("POST", "suppliers/certificates/<int:certificate_id>/withdraw"): _on_acme(
        ACME_MANAGERS, ok=302, body=lambda actor: {"reason": "Matrix"}
    ),
    ("GET", "suppliers/sites/<int:site_id>/edit"): _on_acme(ACME_MANAGERS),
    ("POST", "suppliers/sites/<int:site_id>/edit"): _on_acme(
        ACME_MANAGERS,
        ok=302,
        body=lambda actor: {
            "name": "Bac Ninh plant",
            "country": "VN",
            "region": "Bac Ninh",
            "headcount": 1250,
        },
    ),
    ("POST", "suppliers/sites/<int:site_id>/remove"): _on_acme(ACME_MANAGERS, ok=302),
    ("POST", "suppliers/contacts/<int:contact_id>/remove"): _on_acme(ACME_MANAGERS, ok=302),
    ("GET", "suppliers/audits/"): Rule(INTERNAL),
    ("GET", "suppliers/audits/<int:audit_id>/"): _read_acme(SEES_ACME_STAFF),
    ("POST", "suppliers/audits/<int:audit_id>/"): _on_acme(
        ACME_MANAGERS,
        ok=302,
        body=lambda actor: {
            "severity": "minor",
            "requirement": "urn:conduct:sa8000:SA8000-3.c",
            "description": "Matrix",
        },
    ),
    ("POST", "suppliers/findings/<int:finding_id>/action"): _on_acme(
        ACME_MANAGERS,
        ok=302,
        body=lambda actor: {"cap-action": "Fix it", "cap-owner": "Operations", "cap-due_date": "2027-01-31"},
    ),
    ("GET", "suppliers/actions/"): Rule(INTERNAL),
    ("GET", "suppliers/actions/<int:action_id>/"): _read_acme(SEES_ACME_STAFF),
    ("POST", "suppliers/actions/<int:action_id>/"): _on_acme(
        ACME_MANAGERS, ok=302, body=lambda actor: {"root_cause": "Matrix"}
    ),
    ("GET", "suppliers/questionnaires/"): Rule(INTERNAL),
    ("GET", "suppliers/questionnaires/<int:response_id>/"): _read_acme(SEES_ACME_STAFF),
    ("POST", "suppliers/questionnaires/<int:response_id>/"): _on_acme(
        ACME_MANAGERS, ok=302, body=lambda actor: _acme_questionnaire("submitted") or {"decision": "accept"}
    ),
    ("GET", "suppliers/<int:supplier_id>/"): _read_acme(SEES_ACME_STAFF),
    ("GET", "suppliers/<int:supplier_id>/edit"): _on_acme(ACME_MANAGERS),
    ("POST", "suppliers/<int:supplier_id>/edit"): _on_acme(
        ACME_MANAGERS, ok=302, body=lambda actor: _acme_state()
    ),
    ("POST", "suppliers/<int:supplier_id>/onboard"): _on_acme(ACME_MANAGERS, ok=302),
    ("POST", "suppliers/<int:supplier_id>/sites"): _on_acme(
        ACME_MANAGERS, ok=302, body=lambda actor: {"site-name": "Matrix site", "site-country": "VN"}
    ),
    ("POST", "suppliers/<int:supplier_id>/contacts"): _on_acme(
        ACME_MANAGERS, ok=302, body=lambda actor: {"contact-name": "Matrix contact"}
    ),
    ("POST", "suppliers/<int:supplier_id>/sub-suppliers"): _on_acme(
        ACME_MANAGERS, ok=302, body=lambda actor: {"sub_supplier": "PKG-007"}
    ),
    ("POST", "suppliers/<int:supplier_id>/sub-suppliers/<int:sub_id>/remove"): _on_acme(
        ACME_MANAGERS, ok=302
    ),
    ("POST", "suppliers/<int:supplier_id>/certificates"): _on_acme(
        ACME_MANAGERS,
        ok=302,
        body=lambda actor: {
            "cert-standard": "ISO 45001",
            "cert-number": "MATRIX-P1",
            "cert-valid_until": "2030-01-01",
        },
    ),
    ("POST", "suppliers/<int:supplier_id>/audits"): _on_acme(
        ACME_MANAGERS,
        ok=302,
        body=lambda actor: {
            "audit-kind": "social",
            "audit-date": "2025-01-15",
            "audit-auditor": "Matrix Audits",
        },
    ),
    ("POST", "suppliers/<int:supplier_id>/questionnaires"): _on_acme(
        ACME_MANAGERS,
        ok=302,
        body=lambda actor: _acme_questionnaire("accepted") or {"template": "sa8000-iso-basics"},
    ),
    # the supplier portal: the supplier's own records only
    ("GET", "suppliers/portal/questionnaires/<int:response_id>/"): Rule(frozenset({"supplier"})),
    ("POST", "suppliers/portal/questionnaires/<int:response_id>/"): Rule(
        frozenset({"supplier"}), ok=302, body=lambda actor: {"action": "save", "q_min_hiring_age": "18"}
    ),
    ("GET", "suppliers/portal/certificates/new"): Rule(frozenset({"supplier"})),
    ("POST", "suppliers/portal/certificates/new"): Rule(
        frozenset({"supplier"}),
        ok=302,
        body=lambda actor: {"standard": "ISO 45001", "number": "MATRIX-PORTAL", "valid_until": "2030-01-01"},
    ),
    ("GET", "suppliers/portal/actions/<int:action_id>/"): Rule(frozenset({"supplier"})),
    ("POST", "suppliers/portal/actions/<int:action_id>/"): Rule(
        frozenset({"supplier"}), ok=302, body=lambda actor: {"root_cause": "Matrix"}
    ),
}

# Frameworks, controls, assessments (catalog) and the risk register and transparency reports (reports).
PROGRAMME = ORG_CHANGE
ASSESS = frozenset({"admin", "compliance_officer", "liaison"})
RISK_LINK = frozenset({"admin", "compliance_officer", "liaison", "analyst"})
# Roles refused by their role before any object is looked up: portal users and the single-module staff.
PORTAL_403 = (
    ("supplier", 403),
    ("customer", 403),
    ("customer_approver", 403),
    ("support_engineer", 403),
    ("grievance_officer", 403),
    ("product_security", 403),
)


def _decision_on_br_uk() -> int:
    """A gate decision row on br-uk, written directly (no ledger entry), for bodies that link to one."""
    from datetime import date

    from conduct.apps.accounts.models import OrgUnit
    from conduct.apps.gates.models import GateDecision

    return GateDecision.objects.create(
        gate="sales_deal",
        subject={},
        outcome="allow",
        result={},
        policy_version="matrix",
        as_of=date(2026, 1, 1),
        org_unit=OrgUnit.objects.get(code="br-uk"),
        actor_label="matrix",
        request_hash="0" * 64,
    ).pk


CATALOG_API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/frameworks"): Rule(INTERNAL),
    ("GET", "/api/v1/frameworks/{framework_slug}"): Rule(INTERNAL),
    ("GET", "/api/v1/frameworks/{framework_slug}/oscal"): Rule(INTERNAL),
    ("GET", "/api/v1/requirements"): Rule(INTERNAL),
    ("GET", "/api/v1/requirements/{urn}"): Rule(INTERNAL),
    ("GET", "/api/v1/coverage"): Rule(INTERNAL),
    ("GET", "/api/v1/controls"): Rule(INTERNAL),
    ("POST", "/api/v1/controls"): Rule(
        PROGRAMME,
        ok=201,
        body=lambda actor: {
            "code": "matrix-control",
            "title": "Matrix control",
            "dimension": "labour",
            "org_unit": "hq-hr",
            "requirements": ["urn:conduct:sa8000:SA8000-7.a"],
        },
    ),
    ("GET", "/api/v1/controls/{control_code}"): Rule(INTERNAL),
    ("PATCH", "/api/v1/controls/{control_code}"): Rule(PROGRAMME, body=lambda actor: {"title": "Renamed"}),
    ("GET", "/api/v1/assessments"): Rule(INTERNAL),
    ("POST", "/api/v1/assessments"): Rule(
        ASSESS,
        ok=201,
        body=lambda actor: {"framework": "de_lksg", "scope_kind": "org_unit", "org_unit": "br-uk"},
    ),
    # an assessment of br-uk against the UNGP, with UNGP-11 recorded
    ("GET", "/api/v1/assessments/{assessment_id}"): Rule(SEES_BR_UK, denied=404, denied_as=PORTAL_403),
    ("PUT", "/api/v1/assessments/{assessment_id}/results/{urn}"): Rule(
        ASSESS, body=lambda actor: {"status": "met"}
    ),
    ("POST", "/api/v1/assessments/{assessment_id}/results/{urn}/evidence"): Rule(
        ASSESS, ok=201, body=lambda actor: {"kind": "link", "url": "https://example.org/evidence"}
    ),
    ("POST", "/api/v1/assessments/{assessment_id}/complete"): Rule(ASSESS),
    ("GET", "/api/v1/assessments/{assessment_id}/oscal"): Rule(SEES_BR_UK, denied=404, denied_as=PORTAL_403),
    ("GET", "/api/v1/risks"): Rule(INTERNAL),
    ("POST", "/api/v1/risks"): Rule(
        PROGRAMME,
        ok=201,
        body=lambda actor: {
            "code": "matrix-risk",
            "title": "Matrix risk",
            "dimension": "labour",
            "rights": ["privacy"],
            "people_affected": "Staff",
            "org_unit": "hq",
            "scale": 2,
            "scope": 2,
            "irremediability": 2,
            "likelihood": 2,
        },
    ),
    ("GET", "/api/v1/risks/heatmap"): Rule(INTERNAL),
    # misuse-mass-surveillance: owned by hq, scoped to hq-sales (above br-uk) and bu-analytics
    ("GET", "/api/v1/risks/{risk_code}"): Rule(SEES_BR_UK, denied=404, denied_as=PORTAL_403),
    ("PATCH", "/api/v1/risks/{risk_code}"): Rule(PROGRAMME, body=lambda actor: {"likelihood": 4}),
    ("POST", "/api/v1/risks/{risk_code}/links"): Rule(
        RISK_LINK - {"analyst"},
        ok=201,
        denied_as=(("analyst", 404),),
        body=lambda actor: {"kind": "gate_decision", "id": _decision_on_br_uk()},
    ),
    ("GET", "/api/v1/reports"): Rule(INTERNAL),
    ("POST", "/api/v1/reports"): Rule(
        PROGRAMME, ok=202, body=lambda actor: {"year": 2000}
    ),  # builds (quickly: empty)
    ("GET", "/api/v1/reports/{report_id}"): Rule(INTERNAL),
    ("GET", "/api/v1/reports/{report_id}/manifest"): Rule(INTERNAL),
}

CATALOG_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "catalog/"): Rule(INTERNAL),
    ("GET", "catalog/frameworks/<str:framework_slug>/"): Rule(INTERNAL),
    ("GET", "catalog/frameworks/<str:framework_slug>/oscal.json"): Rule(INTERNAL),
    ("GET", "catalog/requirements/<str:urn>/"): Rule(INTERNAL),
    ("GET", "catalog/controls/"): Rule(INTERNAL),
    ("POST", "catalog/controls/"): Rule(
        PROGRAMME,
        ok=302,
        body=lambda actor: {
            "code": "matrix-page-control",
            "title": "Matrix",
            "dimension": "labour",
            "org_unit": _unit_pk("hq-hr"),
        },
    ),
    ("GET", "catalog/controls/<str:control_code>/"): Rule(INTERNAL),
    ("POST", "catalog/controls/<str:control_code>/"): Rule(
        PROGRAMME, ok=302, body=lambda actor: {"title": "Renamed"}
    ),
    ("GET", "catalog/assessments/"): Rule(INTERNAL),
    ("POST", "catalog/assessments/"): Rule(
        ASSESS,
        ok=302,
        body=lambda actor: {"framework": "de_lksg", "scope_kind": "org_unit", "org_unit": _unit_pk("br-uk")},
    ),
    ("GET", "catalog/assessments/<int:assessment_id>/"): Rule(SEES_BR_UK, denied=404, denied_as=PORTAL_403),
    ("POST", "catalog/assessments/<int:assessment_id>/results"): Rule(
        ASSESS, ok=302, body=lambda actor: {"urn": "urn:conduct:ungp:UNGP-12", "status": "met"}
    ),
    ("POST", "catalog/assessments/<int:assessment_id>/evidence"): Rule(
        ASSESS,
        ok=302,
        body=lambda actor: {"urn": "urn:conduct:ungp:UNGP-11", "kind": "link", "url": "https://example.org"},
    ),
    ("POST", "catalog/assessments/<int:assessment_id>/complete"): Rule(ASSESS, ok=302),
    ("GET", "catalog/assessments/<int:assessment_id>/oscal.json"): Rule(
        SEES_BR_UK, denied=404, denied_as=PORTAL_403
    ),
    ("GET", "catalog/coverage/"): Rule(INTERNAL),
    ("GET", "reports/"): Rule(INTERNAL),
    ("POST", "reports/build"): Rule(
        PROGRAMME, ok=302, body=lambda actor: {"year": "1999"}
    ),  # refused: no build
    ("GET", "reports/<int:report_id>/"): Rule(INTERNAL),
    ("GET", "reports/<int:report_id>/files/<path:file_name>"): Rule(INTERNAL),
    ("GET", "risks/"): Rule(INTERNAL),
    ("POST", "risks/"): Rule(
        PROGRAMME,
        ok=302,
        body=lambda actor: {
            "code": "matrix-page-risk",
            "org_unit": _unit_pk("hq"),
            "title": "Matrix",
            "dimension": "labour",
            "rights": ["privacy"],
            "people_affected": "Staff",
            "scale": "2",
            "scope": "2",
            "irremediability": "2",
            "likelihood": "2",
        },
    ),
    ("GET", "risks/<str:risk_code>/"): Rule(SEES_BR_UK, denied=404, denied_as=PORTAL_403),
    ("POST", "risks/<str:risk_code>/"): Rule(
        PROGRAMME,
        ok=302,
        denied_as=(("analyst", 404),),
        body=lambda actor: {
            "title": "Misuse",
            "dimension": "product",
            "rights": ["privacy"],
            "people_affected": "All",
            "scale": "5",
            "scope": "5",
            "irremediability": "4",
            "likelihood": "3",
            "residual_likelihood": "2",
        },
    ),
    ("POST", "risks/<str:risk_code>/links"): Rule(
        RISK_LINK - {"analyst"},
        ok=302,
        denied_as=(("analyst", 404),),
        body=lambda actor: {"kind": "gate_decision", "id": str(_decision_on_br_uk())},
    ),
}


def _catalog_param(name: str) -> int | str | None:
    """Demo records for the catalog's and the reports' path parameters."""
    if name == "framework_slug":
        return "ungp"
    if name == "urn":
        return "urn:conduct:ungp:UNGP-11"
    if name == "control_code":
        return "gate-sales-end-use"
    if name == "risk_code":
        return "misuse-mass-surveillance"
    if name == "assessment_id":
        from conduct.apps.accounts.models import OrgUnit
        from conduct.apps.catalog.services import assessment_create, result_record

        assessment = assessment_create(
            actor=SYSTEM, framework="ungp", scope_kind="org_unit", org_unit=OrgUnit.objects.get(code="br-uk")
        )
        result_record(actor=SYSTEM, assessment=assessment, urn="urn:conduct:ungp:UNGP-11", status="met")
        return assessment.pk
    if name == "report_id":  # a published report's row, its folder holding just a manifest
        import tempfile
        from pathlib import Path

        from conduct.apps.reports.models import Report

        folder = Path(tempfile.mkdtemp(prefix="matrix-report-"))
        (folder / "manifest.json").write_text("{}\n")
        return Report.objects.create(year=2000, state="published", requested_by="system", path=str(folder)).pk
    if name == "file_name":
        return "manifest.json"
    return None


# Screening (data/demo/organisation.yaml `screening:`): the alert and the party used are the UK customer near
# a BIS Denied Persons entry (br-uk). Reviewers are admins, officers and analysts (the analyst is not scoped
# to br-uk: 404 on the alert; 403 registering a br-uk party); auditors and committee members read only; portal
# users get 403. The list used is the internal blocklist, a generic CSV, so an uploaded CSV is its next
# version.
SCREENING_SEARCH = frozenset({"admin", "compliance_officer", "liaison", "committee_member", "analyst"})
SCREENING_REVIEW = frozenset({"admin", "compliance_officer"})
SCREENING_PARTIES = frozenset({"admin", "compliance_officer", "liaison"})
LIST_LOADERS = ORG_CHANGE
MATRIX_LIST = b"id,name\nMX-1,Matrix Listed Trading Ltd\n"
MATRIX_RELATIONS = b"owner_id,owned_id,share,relation,source\nMX-1,customer:CRM-4471,10,ownership,matrix\n"


def _screening_read() -> Rule:
    return Rule(SEES_BR_UK, denied=404, denied_as=PORTAL_403)


SCREENING_API: dict[tuple[str, str], Rule] = {
    ("POST", "/api/v1/screening/search"): Rule(
        SCREENING_SEARCH,
        body=lambda actor: {"name": "Drayworth Electronics Ltd", "type": "organization", "country": "GB"},
    ),
    ("GET", "/api/v1/screening/lists"): Rule(INTERNAL),
    ("GET", "/api/v1/screening/lists/{list_name}"): Rule(INTERNAL),
    ("POST", "/api/v1/screening/lists/{list_name}/versions"): Rule(
        LIST_LOADERS,
        ok=201,
        body=lambda actor: {
            "filename": "matrix.csv",
            "content_base64": base64.b64encode(MATRIX_LIST).decode(),
        },
    ),
    ("GET", "/api/v1/screening/parties"): Rule(INTERNAL),
    # the analyst may register parties, but not for br-uk: as for gates, a unit it cannot see is invalid input
    # (422)
    ("POST", "/api/v1/screening/parties"): Rule(
        SCREENING_PARTIES,
        ok=201,
        denied_as=(("analyst", 422),),
        body=lambda actor: {
            "reference": "customer:MATRIX-1",
            "kind": "customer",
            "name": "Matrix Customer Ltd",
            "country": "GB",
            "org_unit": "br-uk",
        },
    ),
    ("GET", "/api/v1/screening/parties/{party_id}"): _screening_read(),
    ("GET", "/api/v1/screening/alerts"): Rule(INTERNAL),
    ("GET", "/api/v1/screening/alerts/{alert_id}"): _screening_read(),
    ("POST", "/api/v1/screening/alerts/{alert_id}/review"): Rule(
        SCREENING_REVIEW,
        denied_as=(("analyst", 404),),
        body=lambda actor: {"decision": "dismiss", "reason": "Matrix"},
    ),
    ("POST", "/api/v1/screening/batch"): Rule(
        SCREENING_SEARCH, body=lambda actor: {"names": [{"id": "1", "name": "Drayworth Electronics Ltd"}]}
    ),
    ("GET", "/api/v1/screening/sources"): Rule(INTERNAL),
    ("POST", "/api/v1/screening/sources"): Rule(
        LIST_LOADERS,
        ok=201,
        body=lambda actor: {
            "name": "matrix_new_source",
            "url": "https://lists.example.org/matrix.csv",
            "format": "generic_csv",
            "kind": "custom",
        },
    ),
    # the source's path does not exist: the fetch answers 200 with status "failed"
    ("POST", "/api/v1/screening/sources/{source_name}/fetch"): Rule(LIST_LOADERS),
    ("POST", "/api/v1/screening/relations"): Rule(
        LIST_LOADERS,
        body=lambda actor: {"format": "csv", "content_base64": base64.b64encode(MATRIX_RELATIONS).decode()},
    ),
    ("GET", "/api/v1/screening/parties/{party_id}/ownership"): _screening_read(),
}

SCREENING_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "screening/"): Rule(INTERNAL),
    ("GET", "screening/alerts/<int:alert_id>/"): _screening_read(),
    ("POST", "screening/alerts/<int:alert_id>/review"): Rule(
        SCREENING_REVIEW,
        ok=302,
        denied_as=(("analyst", 404),),
        body=lambda actor: {"decision": "dismiss", "reason": "Matrix"},
    ),
    ("GET", "screening/lists/"): Rule(INTERNAL),
    ("POST", "screening/lists/"): Rule(
        LIST_LOADERS,
        ok=302,
        body=lambda actor: {"file": _upload("matrix.csv", MATRIX_LIST), "list": "internal_blocklist"},
    ),
    ("GET", "screening/lists/<slug:list_name>/"): Rule(INTERNAL),
    ("GET", "screening/search/"): Rule(SCREENING_SEARCH),
    ("GET", "screening/parties/"): Rule(INTERNAL),
    ("GET", "screening/parties/<int:party_id>/"): _screening_read(),
    ("GET", "screening/sources/"): Rule(INTERNAL),
    ("POST", "screening/sources/"): Rule(
        LIST_LOADERS,
        ok=302,
        body=lambda actor: {
            "name": "matrix_page_source",
            "url": "https://lists.example.org/matrix.csv",
            "format": "generic_csv",
            "kind": "custom",
            "interval_hours": "24",
        },
    ),
    # the source's path does not exist: the fetch fails, says so, and goes back to the page
    ("POST", "screening/sources/<slug:source_name>/fetch"): Rule(LIST_LOADERS, ok=302),
    ("POST", "screening/relations/"): Rule(
        LIST_LOADERS,
        ok=302,
        body=lambda actor: {"format": "csv", "file": _upload("relations.csv", MATRIX_RELATIONS)},
    ),
}


def _screening_param(name: str) -> int | str | None:
    from conduct.apps.screening.models import Alert, ScreenedParty

    if name == "alert_id":
        return Alert.objects.get(party__reference="customer:CRM-4471", status="open").pk
    if name == "party_id":
        return ScreenedParty.objects.get(reference="customer:CRM-4471").pk
    if name == "list_name":
        return "internal_blocklist"
    if name == "source_name":
        from conduct.apps.screening.models import ListSource

        source, _ = ListSource.objects.get_or_create(
            name="matrix_source",
            defaults={"url": "/nonexistent/matrix.csv", "format": "generic_csv", "kind": "custom"},
        )
        return source.name
    return None


# Governance (the fixtures of tests/apps/governance/conftest.py): the case is the UK branch's gate review
# referred to the Technical Ethics Committee; ethics_chair chairs it and officer is its non-voting secretary.
# The analyst is scoped to the Compliance Department, so the case and the br-uk recommendation are outside
# their view (404, after the role check); portal users get 403. Officers and the committee's chair or
# secretary manage a case; everyone internal but the auditor takes part in it; only voting members vote, and
# only members declare conflicts.
CASE_MANAGERS = frozenset({"admin", "compliance_officer", "committee_member"})
CASE_WORKERS = CASE_MANAGERS | {"liaison"}
REC_WORKERS = frozenset(
    {"admin", "compliance_officer", "liaison"}
)  # liaison_uk: the br-uk item is routed to them
ANALYST_404 = (("analyst", 404),)
FAR_FUTURE = "2099-01-01"


def _on_case(allowed: frozenset[str], ok: int = 200, **kw: Any) -> Rule:
    """An operation on the committee's case: the analyst passes the role check but cannot see the case
    (404)."""
    return Rule(allowed, ok=ok, denied=403, denied_as=ANALYST_404, **kw)


def _sees_case() -> Rule:
    return Rule(SEES_BR_UK, denied=404, denied_as=PORTAL_403)


def _tec_case() -> Any:
    """The governance tests' `tec_case`: opened by the first path parameter that needs it (inside the
    request's savepoint) and found again by the next (a document of the case)."""
    from conduct.apps.accounts.models import User
    from conduct.apps.governance.models import Case
    from tests.apps.governance.conftest import TEC_DEAL, refer_to_tec, tec_case_of

    found = Case.objects.filter(
        subject_ref=TEC_DEAL["reference"], committee__slug="technical-ethics"
    ).order_by("-pk")
    return found.first() or tec_case_of(refer_to_tec(User.objects.get(username="officer")))


def _tec_case_decided() -> None:
    """Record a decision on the case directly (no ledger entry), so that there is one to read."""
    from conduct.apps.governance.models import Case, CaseDecision

    case = _tec_case()
    if not case.decisions.filter(round=case.round).exists():
        CaseDecision.objects.create(
            case=case,
            round=case.round,
            outcome="reject",
            method="committee_vote",
            rationale="Matrix",
            decided_by="matrix",
        )
        Case.objects.filter(pk=case.pk).update(status="decided")


GOVERNANCE_API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/committees"): Rule(INTERNAL),
    ("POST", "/api/v1/committees"): Rule(
        ORG_CHANGE,
        ok=201,
        body=lambda actor: {"slug": "matrix-board", "name": "Matrix", "mandate": "advises"},
    ),
    ("GET", "/api/v1/committees/{committee_id}"): Rule(INTERNAL),
    ("PATCH", "/api/v1/committees/{committee_id}"): Rule(
        ORG_CHANGE, body=lambda actor: {"description": "Matrix"}
    ),
    ("POST", "/api/v1/committees/{committee_id}/members"): Rule(
        ORG_CHANGE, ok=201, body=lambda actor: {"user": "analyst"}
    ),
    ("PATCH", "/api/v1/committees/{committee_id}/members/{member_id}"): Rule(
        ORG_CHANGE, body=lambda actor: {"role": "member"}
    ),
    ("GET", "/api/v1/cases"): Rule(INTERNAL),
    ("POST", "/api/v1/cases"): Rule(
        ORG_CHANGE,
        ok=201,
        body=lambda actor: {
            "title": "Matrix case",
            "dimension": "labour",
            "queue": "compliance-officers",
            "org_unit": "br-uk",
        },
    ),
    ("GET", "/api/v1/cases/{case_id}"): _sees_case(),
    ("PATCH", "/api/v1/cases/{case_id}"): _on_case(
        CASE_MANAGERS, body=lambda actor: {"description": "Matrix"}
    ),
    ("POST", "/api/v1/cases/{case_id}/status"): _on_case(
        CASE_MANAGERS, body=lambda actor: {"status": "under_review"}
    ),
    ("GET", "/api/v1/cases/{case_id}/votes"): _sees_case(),
    ("POST", "/api/v1/cases/{case_id}/votes"): _on_case(
        frozenset({"committee_member"}),
        ok=201,
        body=lambda actor: {"choice": "approve", "rationale": "Matrix"},
    ),
    # the body hook runs once the path is filled: it gives the case a decision to read
    ("GET", "/api/v1/cases/{case_id}/decision"): Rule(
        SEES_BR_UK, denied=404, denied_as=PORTAL_403, body=lambda actor: _tec_case_decided()
    ),
    # a committee's case is decided by its vote: nobody decides it alone (the officer, who may decide, gets
    # 409)
    ("POST", "/api/v1/cases/{case_id}/decision"): Rule(
        frozenset(),
        denied_as=(("compliance_officer", 409), *ANALYST_404),
        body=lambda actor: {"outcome": "reject", "rationale": "Matrix"},
    ),
    ("POST", "/api/v1/cases/{case_id}/conflicts"): _on_case(
        frozenset({"compliance_officer", "committee_member"}), ok=201, body=lambda actor: {"reason": "Matrix"}
    ),
    ("GET", "/api/v1/cases/{case_id}/comments"): _sees_case(),
    ("POST", "/api/v1/cases/{case_id}/comments"): _on_case(
        CASE_WORKERS, ok=201, body=lambda actor: {"body": "Matrix"}
    ),
    ("GET", "/api/v1/cases/{case_id}/documents"): _sees_case(),
    ("POST", "/api/v1/cases/{case_id}/documents"): _on_case(
        CASE_WORKERS, ok=201, body=lambda actor: {"filename": "a.txt", "content_base64": "aGk="}
    ),
    ("GET", "/api/v1/recommendations"): Rule(INTERNAL),
    ("POST", "/api/v1/recommendations"): Rule(
        ORG_CHANGE,
        ok=201,
        body=lambda actor: {"title": "Matrix", "org_unit": "br-uk", "due_date": FAR_FUTURE},
    ),
    ("GET", "/api/v1/recommendations/{recommendation_id}"): _sees_case(),
    # the committee member and the analyst may not update items at all (403 by role before any scope)
    ("PATCH", "/api/v1/recommendations/{recommendation_id}"): Rule(
        REC_WORKERS, body=lambda actor: {"status": "in_progress"}
    ),
    ("GET", "/api/v1/liaison-network"): Rule(INTERNAL),
    # every role's own inbox
    ("GET", "/api/v1/notifications"): Rule(EVERYONE),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Rule(EVERYONE),
    ("POST", "/api/v1/notifications/clear"): Rule(EVERYONE),
}

GOVERNANCE_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "governance/committees/"): Rule(INTERNAL),
    ("POST", "governance/committees/new"): Rule(
        ORG_CHANGE, ok=302, body=lambda actor: {"slug": "matrix-page", "name": "Matrix", "mandate": "advises"}
    ),
    ("GET", "governance/committees/<int:committee_id>/"): Rule(INTERNAL),
    ("POST", "governance/committees/<int:committee_id>/rule"): Rule(
        ORG_CHANGE, ok=302, body=lambda actor: {"quorum_ratio": "0.5", "majority": "simple"}
    ),
    ("POST", "governance/committees/<int:committee_id>/members"): Rule(
        ORG_CHANGE, ok=302, body=lambda actor: {"username": "analyst", "role": "member"}
    ),
    ("GET", "governance/cases/"): Rule(INTERNAL),
    ("GET", "governance/cases/new"): Rule(ORG_CHANGE),
    ("POST", "governance/cases/new"): Rule(
        ORG_CHANGE,
        ok=302,
        body=lambda actor: {
            "title": "Matrix case",
            "dimension": "labour",
            "queue": "compliance-officers",
            "due_days": "14",
        },
    ),
    ("GET", "governance/cases/<int:case_id>/"): _sees_case(),
    ("POST", "governance/cases/<int:case_id>/vote"): _on_case(
        frozenset({"committee_member"}),
        ok=302,
        body=lambda actor: {"choice": "approve", "rationale": "Matrix"},
    ),
    ("POST", "governance/cases/<int:case_id>/decide"): Rule(
        frozenset(),
        denied_as=(("compliance_officer", 409), *ANALYST_404),
        body=lambda actor: {"outcome": "reject", "rationale": "Matrix"},
    ),
    ("POST", "governance/cases/<int:case_id>/conflict"): _on_case(
        frozenset({"compliance_officer", "committee_member"}), ok=302, body=lambda actor: {"reason": "Matrix"}
    ),
    ("POST", "governance/cases/<int:case_id>/comments"): _on_case(
        CASE_WORKERS, ok=302, body=lambda actor: {"body": "Matrix"}
    ),
    ("POST", "governance/cases/<int:case_id>/documents"): _on_case(
        CASE_WORKERS, ok=302, body=lambda actor: {"kind": "evidence", "file": _upload("n.txt", b"notes")}
    ),
    ("GET", "governance/cases/<int:case_id>/documents/<int:document_id>"): _sees_case(),
    ("POST", "governance/cases/<int:case_id>/status"): _on_case(
        CASE_MANAGERS, ok=302, body=lambda actor: {"status": "under_review"}
    ),
    ("POST", "governance/cases/<int:case_id>/edit"): _on_case(
        CASE_MANAGERS, ok=302, body=lambda actor: {"rights": ["privacy"]}
    ),
    ("GET", "governance/recommendations/"): Rule(INTERNAL),
    ("POST", "governance/recommendations/new"): Rule(
        ORG_CHANGE,
        ok=302,
        body=lambda actor: {
            "title": "Matrix",
            "org_unit": _unit_pk("br-uk"),
            "due_date": FAR_FUTURE,
            "kind": "task",
            "source": "officer",
        },
    ),
    ("POST", "governance/recommendations/escalate"): Rule(ORG_CHANGE, ok=302),
    ("GET", "governance/recommendations/<int:recommendation_id>/"): _sees_case(),
    ("POST", "governance/recommendations/<int:recommendation_id>/update"): Rule(
        REC_WORKERS, ok=302, body=lambda actor: {"status": "in_progress"}
    ),
    ("GET", "governance/liaison-network/"): Rule(INTERNAL),
    ("GET", "governance/notifications/"): Rule(EVERYONE),
    ("POST", "governance/notifications/<int:notification_id>/read"): Rule(EVERYONE, ok=302),
    ("POST", "governance/notifications/clear"): Rule(EVERYONE, ok=302),
}


def _governance_param(name: str, actor: Any) -> int | None:
    """The committee's case and its records for the governance operations' path parameters."""
    from conduct.apps.accounts.models import User
    from conduct.apps.governance.models import Committee, CommitteeMember

    officer = User.objects.get(username="officer")
    if name == "case_id":
        return _tec_case().pk
    if name == "document_id":  # a document of that case
        from conduct.apps.governance.services import case_document_add

        case = _tec_case()
        found = case.documents.first()
        return (found or case_document_add(actor=officer, case=case, filename="m.txt", content=b"hello")).pk
    if name == "committee_id":
        return Committee.objects.get(slug="technical-ethics").pk
    if name == "member_id":
        return CommitteeMember.objects.get(
            committee__slug="technical-ethics", user__username="ethics_member"
        ).pk
    if name == "recommendation_id":  # an item for br-uk, routed to its liaison (liaison_uk)
        from django.utils import timezone

        from conduct.apps.accounts.models import OrgUnit
        from conduct.apps.governance.services import recommendation_create

        return recommendation_create(
            actor=officer,
            title="Matrix item",
            org_unit=OrgUnit.objects.get(code="br-uk"),
            due_date=timezone.localdate(),
        ).pk
    if name == "notification_id":  # the actor's own
        from conduct.apps.notifications.services import notify

        return notify(
            users=[actor], kind="assignment", text="Matrix", link="/governance/cases/", email=False
        )[0].pk
    return None


# Device access (data/demo/organisation.yaml `access:`): Metro Transit's devices, the demo's approved
# request's grant (requested by support_eng), and a fresh pending request of support_eng for NV-CAM-0002
# (written directly). Staff, the auditor, support engineers and Metro's portal users read; only support
# engineers request; only Metro's approver answers (nobody at the company approves); staff and the approver
# revoke; staff register devices and report events. Portal users land on their transparency page from access/
# (302).
ACCESS_READERS = frozenset(
    {"admin", "compliance_officer", "auditor", "support_engineer", "customer", "customer_approver"}
)
ACCESS_REVOKERS = ORG_CHANGE | {"customer_approver"}
ENGINEER = frozenset({"support_engineer"})
APPROVER = frozenset({"customer_approver"})
DEVICE_CSV = "serial,model,firmware,customer,site,installer\nMATRIX-DEV-2,M,1,Metro Transit Authority,,\n"


def _demo_grant() -> Any:
    from conduct.apps.access.models import Grant

    return Grant.objects.filter(device__serial="NV-CAM-0001", revoked_at__isnull=True).order_by("pk").first()


def _covered_event(actor: Any) -> dict[str, Any]:
    """An access inside the demo grant's window and scope: authorised, so no incident case is needed."""
    grant = _demo_grant()
    return {
        "device": "NV-CAM-0001",
        "grant_id": grant.grant_id,
        "actor": "support:matrix",
        "scope": grant.scopes[0],
        "started_at": grant.not_before.isoformat(),
        "ended_at": grant.not_before.isoformat(),
    }


ACCESS_API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/devices"): Rule(ACCESS_READERS),
    ("POST", "/api/v1/devices"): Rule(
        ORG_CHANGE,
        ok=201,
        body=lambda actor: {"serial": "MATRIX-DEV-1", "customer": "Metro Transit Authority"},
    ),
    ("POST", "/api/v1/devices/import"): Rule(ORG_CHANGE, body=lambda actor: {"content": DEVICE_CSV}),
    ("GET", "/api/v1/devices/{device_id}"): Rule(ACCESS_READERS),
    ("GET", "/api/v1/access-requests"): Rule(ACCESS_READERS),
    ("POST", "/api/v1/access-requests"): Rule(
        ENGINEER,
        ok=201,
        body=lambda actor: {"devices": ["NV-CAM-0002"], "scopes": ["read_logs"], "reason": "Matrix"},
    ),
    ("GET", "/api/v1/access-requests/{request_id}"): Rule(ACCESS_READERS),
    ("POST", "/api/v1/access-requests/{request_id}/approve"): Rule(APPROVER, body=lambda actor: {"hours": 1}),
    ("POST", "/api/v1/access-requests/{request_id}/deny"): Rule(
        APPROVER, body=lambda actor: {"comment": "Matrix"}
    ),
    ("GET", "/api/v1/grants"): Rule(ACCESS_READERS),
    ("GET", "/api/v1/grants/revocations"): Rule(ACCESS_READERS),
    ("GET", "/api/v1/grants/{grant_id}"): Rule(ACCESS_READERS),
    ("POST", "/api/v1/grants/{grant_id}/revoke"): Rule(
        ACCESS_REVOKERS, body=lambda actor: {"comment": "Matrix"}
    ),
    ("GET", "/api/v1/access-events"): Rule(ACCESS_READERS),
    ("POST", "/api/v1/access-events"): Rule(ORG_CHANGE, ok=201, body=_covered_event),
}

ACCESS_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "access/"): Rule(
        ACCESS_READERS - PORTAL, denied_as=(("customer", 302), ("customer_approver", 302))
    ),
    ("POST", "access/devices/import"): Rule(
        ORG_CHANGE, ok=302, body=lambda actor: {"file": _upload("devices.csv", DEVICE_CSV.encode())}
    ),
    ("GET", "access/requests/new"): Rule(ENGINEER),
    ("POST", "access/requests/new"): Rule(
        ENGINEER,
        ok=302,
        body=lambda actor: {
            "devices": "NV-CAM-0002",
            "scopes": ["read_logs"],
            "hours": "4",
            "reason": "Matrix",
        },
    ),
    ("GET", "access/requests/<int:request_id>/"): Rule(ACCESS_READERS),
    ("POST", "access/requests/<int:request_id>/approve"): Rule(
        APPROVER, ok=302, body=lambda actor: {"hours": "1"}
    ),
    ("POST", "access/requests/<int:request_id>/deny"): Rule(
        APPROVER, ok=302, body=lambda actor: {"comment": "M"}
    ),
    ("POST", "access/grants/<str:grant_id>/revoke"): Rule(ACCESS_REVOKERS, ok=302),
    ("GET", "access/portal/"): Rule(ACCESS_READERS),
    ("GET", "access/portal/export.csv"): Rule(ACCESS_READERS),
}


# Own operations (data/demo/organisation.yaml `workforce:`): the Shenzhen plant (br-shenzhen) is the object of
# the per-site entries, so liaison_uk (br-uk) gets 404 there; the London office (br-uk) is in the working-time
# file, so she may check it. Staff and the auditor read; staff change; liaisons import and record safety.
WF_READERS = frozenset({"admin", "compliance_officer", "liaison", "auditor"})
WF_SITE_READERS = WF_READERS - {"liaison"}
WF_CSV = (
    "site,worker_ref,week_start,regular_hours,overtime_hours,rest_days\nuk-office,M-1,2026-01-05,40,2,2\n"
)


def _on_own_site(allowed: frozenset[str], ok: int = 200, **kw: Any) -> Rule:
    """An operation on the Shenzhen plant: liaison_uk gets 404 (not her unit), roles without a read 403."""
    return Rule(allowed, ok=ok, denied=403, denied_as=(("liaison", 404),), **kw)


WORKFORCE_API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/workforce/sites"): Rule(WF_READERS),
    ("POST", "/api/v1/workforce/sites"): Rule(
        ORG_CHANGE,
        ok=201,
        body=lambda actor: {
            "code": "m-site",
            "name": "M",
            "kind": "office",
            "org_unit": "br-uk",
            "country": "GB",
        },
    ),
    ("GET", "/api/v1/workforce/sites/{own_site_id}"): _on_own_site(WF_SITE_READERS),
    ("PATCH", "/api/v1/workforce/sites/{own_site_id}"): _on_own_site(
        ORG_CHANGE, body=lambda actor: {"headcount": 1900}
    ),
    ("POST", "/api/v1/workforce/sites/{own_site_id}/certificates"): _on_own_site(
        ORG_CHANGE,
        ok=201,
        body=lambda actor: {"standard": "ISO 14001", "number": "M-1", "valid_until": "2030-01-01"},
    ),
    ("POST", "/api/v1/workforce/sites/{own_site_id}/audits"): _on_own_site(
        ORG_CHANGE, ok=201, body=lambda actor: {"kind": "social", "date": "2026-01-05", "auditor": "M"}
    ),
    ("GET", "/api/v1/workforce/sites/{own_site_id}/hours"): _on_own_site(WF_SITE_READERS),
    ("POST", "/api/v1/workforce/hours/import"): Rule(
        frozenset({"admin", "compliance_officer", "liaison"}), body=lambda actor: {"content": WF_CSV}
    ),
    ("GET", "/api/v1/workforce/incidents"): Rule(WF_READERS),
    ("POST", "/api/v1/workforce/sites/{own_site_id}/incidents"): _on_own_site(
        ORG_CHANGE,
        ok=201,
        body=lambda actor: {
            "kind": "injury",
            "severity": "medical",
            "date": "2026-01-05",
            "description": "M",
        },
    ),
    ("POST", "/api/v1/workforce/sites/{own_site_id}/hours-worked"): _on_own_site(
        ORG_CHANGE, body=lambda actor: {"month": "2026-01", "hours": 1000}
    ),
    ("GET", "/api/v1/workforce/rates"): Rule(WF_READERS),
    ("PATCH", "/api/v1/workforce/corrective-actions/{own_action_id}"): _on_own_site(
        ORG_CHANGE, body=lambda actor: {"root_cause": "M"}
    ),
}

WORKFORCE_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "workforce/"): Rule(WF_READERS),
    ("POST", "workforce/sites/new"): Rule(
        ORG_CHANGE,
        ok=302,
        body=lambda actor: {
            "code": "m-site",
            "name": "M",
            "kind": "office",
            "org_unit": "br-uk",
            "country": "GB",
        },
    ),
    ("POST", "workforce/hours/import"): Rule(
        frozenset({"admin", "compliance_officer", "liaison"}),
        body=lambda actor: {"file": _upload("hours.csv", WF_CSV.encode())},
    ),
    ("GET", "workforce/sites/<int:own_site_id>/"): _on_own_site(WF_SITE_READERS),
    ("POST", "workforce/sites/<int:own_site_id>/incidents"): _on_own_site(
        ORG_CHANGE,
        ok=302,
        body=lambda actor: {
            "kind": "injury",
            "severity": "medical",
            "date": "2026-01-05",
            "description": "M",
        },
    ),
    ("POST", "workforce/sites/<int:own_site_id>/hours-worked"): _on_own_site(
        ORG_CHANGE, ok=302, body=lambda actor: {"month": "2026-01", "hours": "1000"}
    ),
}


# Policies, attestation and training (the demo's published human-rights policy, its campaign for the
# liaisons of hq-sales' subtree, the liaisons' course). Every internal user reads policies and campaigns; a
# version in review (`version_id`, written directly) is for staff only (404 to other readers); only a person
# the policy is assigned to acknowledges it (the analyst, again: idempotent); staff write, review, approve and
# remind.
POLICY_READERS = EVERYONE - PORTAL
PORTAL_REFUSED = tuple((r, 403) for r in sorted(PORTAL))


def _staff_only(ok: int = 200, **kw: Any) -> Rule:
    return Rule(ORG_CHANGE, ok=ok, denied=404, denied_as=PORTAL_REFUSED, **kw)


def _published_version() -> int:
    from conduct.apps.workforce.models import PolicyVersion

    return PolicyVersion.objects.get(policy__key="human-rights-policy", status="published").pk


POLICY_API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/policies"): Rule(POLICY_READERS),
    ("POST", "/api/v1/policies"): Rule(
        ORG_CHANGE,
        ok=201,
        body=lambda actor: {
            "key": "m-policy",
            "title": "M",
            "org_unit": "hq",
            "body": "# M",
            "next_review": "2030-01-01",
        },
    ),
    ("POST", "/api/v1/policies/{policy_key}/versions"): Rule(
        ORG_CHANGE, ok=201, body=lambda actor: {"body": "# M2", "next_review": "2030-01-01"}
    ),
    ("GET", "/api/v1/policy-versions/{version_id}"): _staff_only(),
    # the version is in review already: staff pass the permission check and get the service's 409
    ("POST", "/api/v1/policy-versions/{version_id}/submit"): Rule(ORG_CHANGE, ok=409),
    ("POST", "/api/v1/policy-versions/{version_id}/approve"): Rule(ORG_CHANGE),
    ("POST", "/api/v1/attestation-campaigns"): Rule(
        ORG_CHANGE,
        ok=201,
        body=lambda actor: {
            "version": _published_version(),
            "roles": ["liaison"],
            "units": ["br-uk"],
            "due_date": "2030-01-01",
        },
    ),
    ("GET", "/api/v1/attestation-campaigns/{campaign_id}"): Rule(POLICY_READERS),
    ("POST", "/api/v1/attestation-campaigns/{campaign_id}/acknowledge"): Rule(
        frozenset({"analyst"}), denied=404, denied_as=(*PORTAL_REFUSED, ("auditor", 403))
    ),
    ("POST", "/api/v1/attestation-campaigns/{campaign_id}/remind"): Rule(ORG_CHANGE),
    ("GET", "/api/v1/training/courses"): Rule(WF_READERS),
    ("POST", "/api/v1/training/courses"): Rule(
        ORG_CHANGE, ok=201, body=lambda actor: {"code": "m-course", "title": "M", "roles": ["liaison"]}
    ),
    ("POST", "/api/v1/training/completions/import"): Rule(
        ORG_CHANGE,
        body=lambda actor: {
            "content": "course,username,completed_on\nhr-due-diligence,liaison_ae,2026-01-05\n"
        },
    ),
}

POLICY_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "workforce/policies/"): Rule(POLICY_READERS),
    ("GET", "workforce/policies/versions/<int:version_id>/"): _staff_only(),
    ("GET", "workforce/policies/versions/<int:version_id>/pdf"): _staff_only(),
    ("GET", "workforce/campaigns/<int:campaign_id>/"): Rule(POLICY_READERS),
    ("POST", "workforce/campaigns/<int:campaign_id>/acknowledge"): Rule(
        frozenset({"analyst"}), ok=302, denied=404, denied_as=(*PORTAL_REFUSED, ("auditor", 403))
    ),
    ("POST", "workforce/campaigns/<int:campaign_id>/remind"): Rule(ORG_CHANGE, ok=302),
}


# Training assignments and entered completions (the demo's liaison course, assigned to every liaison), the
# scheduled reminders, and an own site's findings and corrective actions worked from their pages: the plant's
# corrective action is open, so a review is the service's 409 for staff; liaison_uk records her own training.
TRAINING_RECORDERS = ORG_CHANGE | {"liaison"}
TRAINING_API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/training/assignments"): Rule(WF_READERS),
    ("POST", "/api/v1/training/assignments"): Rule(
        ORG_CHANGE,
        ok=201,
        body=lambda actor: {
            "course": "hr-due-diligence",
            "rule": "role",
            "roles": ["liaison"],
            "due_date": "2099-01-01",
        },
    ),
    ("GET", "/api/v1/training/assignments/{training_assignment_id}"): Rule(WF_READERS),
    ("GET", "/api/v1/training/mine"): Rule(POLICY_READERS),
    ("POST", "/api/v1/training/completions"): Rule(
        TRAINING_RECORDERS,
        ok=201,
        body=lambda actor: {
            "course": "hr-due-diligence",
            "user": "liaison_uk",
            "completed_on": "2026-01-05",
        },
    ),
    ("POST", "/api/v1/workforce/reminders/run"): Rule(ORG_CHANGE),
    ("GET", "/api/v1/workforce/sites/{own_site_id}/findings/{own_finding_id}"): _on_own_site(WF_SITE_READERS),
    (
        "POST",
        "/api/v1/workforce/sites/{own_site_id}/findings/{own_finding_id}/corrective-action",
    ): _on_own_site(
        ORG_CHANGE, ok=201, body=lambda actor: {"action": "M", "owner": "M", "due_date": "2099-01-01"}
    ),
    ("GET", "/api/v1/workforce/corrective-actions/{own_action_id}"): _on_own_site(WF_SITE_READERS),
    ("POST", "/api/v1/workforce/corrective-actions/{own_action_id}/evidence"): _on_own_site(
        ORG_CHANGE, body=lambda actor: {"filename": "e.pdf", "content_base64": _pdf_b64()}
    ),
    ("POST", "/api/v1/workforce/corrective-actions/{own_action_id}/submit"): _on_own_site(
        ORG_CHANGE, body=lambda actor: {"note": "M"}
    ),
    ("POST", "/api/v1/workforce/corrective-actions/{own_action_id}/review"): _on_own_site(
        ORG_CHANGE, ok=409, body=lambda actor: {"decision": "verify"}
    ),
}

TRAINING_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "workforce/training/"): Rule(POLICY_READERS),
    ("POST", "workforce/training/assignments/new"): Rule(
        ORG_CHANGE,
        ok=302,
        body=lambda actor: {
            "course": "hr-due-diligence",
            "rule": "role",
            "roles": "liaison",
            "due_date": "2099-01-01",
        },
    ),
    ("POST", "workforce/training/completions/new"): Rule(
        TRAINING_RECORDERS,
        ok=302,
        body=lambda actor: {
            "course": "hr-due-diligence",
            "user": "liaison_uk",
            "completed_on": "2026-01-05",
        },
    ),
    ("GET", "workforce/sites/<int:own_site_id>/findings/<int:own_finding_id>/"): _on_own_site(
        WF_SITE_READERS
    ),
    ("POST", "workforce/sites/<int:own_site_id>/findings/<int:own_finding_id>/"): _on_own_site(
        ORG_CHANGE, ok=302, body=lambda actor: {"action": "M", "owner": "M", "due_date": "2099-01-01"}
    ),
    ("GET", "workforce/corrective-actions/<int:own_action_id>/"): _on_own_site(WF_SITE_READERS),
    ("POST", "workforce/corrective-actions/<int:own_action_id>/evidence"): _on_own_site(
        ORG_CHANGE, ok=302, body=lambda actor: {"file": _upload("e.pdf", b"%PDF-1.4\n%m\n")}
    ),
    ("POST", "workforce/corrective-actions/<int:own_action_id>/submit"): _on_own_site(
        ORG_CHANGE, ok=302, body=lambda actor: {"note": "M"}
    ),
    ("POST", "workforce/corrective-actions/<int:own_action_id>/review"): _on_own_site(
        ORG_CHANGE, ok=302, body=lambda actor: {"decision": "verify"}
    ),
}


def _own_finding() -> int:
    """A finding of the Shenzhen plant without its corrective action yet (written directly, once)."""
    from conduct.apps.suppliers.models import Finding, SupplierAudit

    found = Finding.objects.filter(own_site__code="sz-plant", action__isnull=True).first()
    if found is None:
        audit = SupplierAudit.objects.filter(own_site__code="sz-plant").first()
        found = Finding.objects.create(
            audit=audit, own_site_id=audit.own_site_id, severity="minor", requirement="M", description="M"
        )
    return found.pk


def _workforce_param(name: str) -> int | str | None:
    from conduct.apps.workforce.models import AttestationCampaign, OwnSite, PolicyVersion

    if name == "own_site_id":
        return OwnSite.objects.get(code="sz-plant").pk
    if name == "policy_key":
        return "human-rights-policy"
    if name == "own_action_id":
        from conduct.apps.suppliers.models import CorrectiveAction

        return CorrectiveAction.objects.filter(own_site__code="sz-plant").order_by("pk").first().pk
    if name == "version_id":  # a version in review submitted by someone else (written directly)
        published = PolicyVersion.objects.get(pk=_published_version())
        version, _ = PolicyVersion.objects.get_or_create(
            policy=published.policy,
            number=99,
            defaults={
                "body": "# In review",
                "status": "in_review",
                "next_review": published.next_review,
                "submitted_by": "user:0:someone-else",
            },
        )
        return version.pk
    if name == "campaign_id":
        return AttestationCampaign.objects.get(version__policy__key="human-rights-policy").pk
    if name == "own_finding_id":
        return _own_finding()
    if name == "training_assignment_id":
        from conduct.apps.workforce.models import TrainingAssignment

        return TrainingAssignment.objects.filter(course__code="hr-due-diligence").order_by("pk").first().pk
    return None


# The product register (data/demo/organisation.yaml `products:`): the demo's products belong to bu-video,
# which staff scoped to hq (or to all units) see; liaison_uk and the analyst are scoped elsewhere (404).
# Keepers (admin, officers, product security) write; VEX is product security's (and the administrator's).
PRODUCT_READERS = INTERNAL | {"product_security"}
PRODUCT_KEEPERS = frozenset({"admin", "compliance_officer", "product_security"})
VEX_RECORDERS = frozenset({"admin", "product_security"})
SEES_BU_VIDEO = frozenset({"admin", "compliance_officer", "committee_member", "auditor", "product_security"})
NOT_SCOPED_TO_BU_VIDEO = (("liaison", 404), ("analyst", 404))
PRODUCT_CSV = (
    "model,name,type,business_unit,capabilities\nMX-CAM-1,Matrix camera,ip_camera,bu-video,motion_detection\n"
)
MATRIX_SBOM = json.dumps(
    {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "components": [{"type": "library", "name": "zlib", "version": "1.3.1"}],
    }
)
MATRIX_CVE = {
    "name": "cve.json",
    "content": json.dumps(
        {
            "dataType": "CVE_RECORD",
            "dataVersion": "5.1",
            "cveMetadata": {"cveId": "CVE-2099-0001", "state": "PUBLISHED"},
            "containers": {
                "cna": {
                    "descriptions": [{"lang": "en", "value": "zlib before 1.0.1 matrix"}],
                    "affected": [
                        {
                            "vendor": "zlib",
                            "product": "zlib",
                            "versions": [{"version": "0", "lessThan": "1.0.1", "status": "affected"}],
                        }
                    ],
                }
            },
        }
    ),
}


def _keeper(**extra: Any) -> Rule:
    """A write on a bu-video product or release: keepers succeed; readers who see it but may not write get
    403; staff scoped elsewhere 404 (the product is out of their sight); portal users and support engineers
    403."""
    return Rule(PRODUCT_KEEPERS, denied_as=NOT_SCOPED_TO_BU_VIDEO, **extra)


PRODUCTS_API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/products"): Rule(PRODUCT_READERS),
    ("POST", "/api/v1/products"): Rule(
        PRODUCT_KEEPERS,
        ok=201,
        body=lambda actor: {"model": "MX-CAM-2", "name": "M", "type": "nvr", "business_unit": "bu-video"},
    ),
    ("POST", "/api/v1/products/import"): Rule(PRODUCT_KEEPERS, body=lambda actor: {"content": PRODUCT_CSV}),
    ("GET", "/api/v1/products/{product_id}"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("GET", "/api/v1/products/{product_id}/releases"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("POST", "/api/v1/products/{product_id}/releases"): _keeper(
        ok=201, body=lambda actor: {"version": "9.0.0"}
    ),
    ("GET", "/api/v1/releases/{release_id}"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("PUT", "/api/v1/releases/{release_id}"): _keeper(body=lambda actor: {"status": "released"}),
    ("GET", "/api/v1/releases/{release_id}/findings"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("GET", "/api/v1/releases/{release_id}/vex"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("POST", "/api/v1/releases/{release_id}/vex"): Rule(
        VEX_RECORDERS,
        denied_as=NOT_SCOPED_TO_BU_VIDEO,
        body=lambda actor: {"cve": "CVE-2023-4911", "state": "under_investigation"},
    ),
    ("POST", "/api/v1/sboms"): Rule(
        PRODUCT_KEEPERS,
        ok=201,
        body=lambda actor: {"model": "NV-DOME-4K", "version": "9.0.1", "content": MATRIX_SBOM},
    ),
    ("GET", "/api/v1/vulnerabilities"): Rule(PRODUCT_READERS),
    ("POST", "/api/v1/vulnerabilities/load"): Rule(
        PRODUCT_KEEPERS, body=lambda actor: {"documents": [MATRIX_CVE]}
    ),
}

PRODUCTS_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "products/"): Rule(PRODUCT_READERS),
    ("POST", "products/import"): Rule(
        PRODUCT_KEEPERS, ok=302, body=lambda actor: {"file": _upload("p.csv", PRODUCT_CSV.encode())}
    ),
    ("GET", "products/<int:product_id>/"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("POST", "products/<int:product_id>/sbom"): _keeper(
        ok=302, body=lambda actor: {"version": "9.0.2", "file": _upload("s.json", MATRIX_SBOM.encode())}
    ),
    ("GET", "products/releases/<int:release_id>/"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("POST", "products/releases/<int:release_id>/status"): _keeper(
        ok=302, body=lambda actor: {"status": "released"}
    ),
    ("POST", "products/releases/<int:release_id>/vex"): Rule(
        VEX_RECORDERS,
        ok=302,
        denied_as=NOT_SCOPED_TO_BU_VIDEO,
        body=lambda actor: {"cve": "CVE-2023-4911", "state": "under_investigation"},
    ),
    ("GET", "products/releases/<int:release_id>/vex.json"): Rule(
        SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO
    ),
    ("GET", "products/vulnerabilities/"): Rule(PRODUCT_READERS),
    ("POST", "products/vulnerabilities/load"): Rule(
        PRODUCT_KEEPERS,
        ok=302,
        body=lambda actor: {"files": _upload("cve.json", MATRIX_CVE["content"].encode())},
    ),
}


# Coordinated vulnerability disclosure: the triage team (admin, officers, product security) reads and moves
# the reports on, auditors read them; the public intake answers everyone without a login.
VULN_TRIAGE = frozenset({"admin", "compliance_officer", "product_security"})
VULN_READERS = VULN_TRIAGE | {"auditor"}


def _demo_vuln_report() -> Any:
    from conduct.apps.products.models import VulnerabilityReport

    return VulnerabilityReport.objects.filter(state="received").order_by("pk").first()


def _vuln_reference() -> str:
    return str(_demo_vuln_report().reference)


DISCLOSURE_API: dict[tuple[str, str], Rule] = {
    ("POST", "/api/v1/public/vulnerability-reports"): Rule(
        EVERYONE,
        ok=201,
        body=lambda actor: {"product": "NV-DOME-4K", "summary": "Matrix", "details": "Matrix"},
    ),
    ("POST", "/api/v1/public/vulnerability-reports/status"): Rule(
        EVERYONE, body=lambda actor: {"reference": _vuln_reference()}
    ),
    ("GET", "/api/v1/vulnerability-reports"): Rule(VULN_READERS),
    ("GET", "/api/v1/vulnerability-reports/{vuln_report_id}"): Rule(VULN_READERS),
    ("POST", "/api/v1/vulnerability-reports/{vuln_report_id}/transition"): Rule(
        VULN_TRIAGE, body=lambda actor: {"to": "acknowledged", "note": "Matrix"}
    ),
    ("POST", "/api/v1/vulnerability-reports/{vuln_report_id}/notes"): Rule(
        VULN_TRIAGE, ok=201, body=lambda actor: {"body": "Matrix"}
    ),
    ("GET", "/api/v1/vulnerability-reports/{vuln_report_id}/attachments/{vuln_file_id}"): Rule(VULN_READERS),
}

DISCLOSURE_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "security/"): Rule(EVERYONE),
    ("GET", "security/report/"): Rule(EVERYONE),
    ("POST", "security/report/"): Rule(
        EVERYONE, body=lambda actor: {"product": "NV-DOME-4K", "summary": "Matrix", "details": "Matrix"}
    ),
    ("GET", "security/report/status"): Rule(EVERYONE),
    ("POST", "security/report/status"): Rule(EVERYONE, body=lambda actor: {"reference": _vuln_reference()}),
    ("GET", "products/vulnerability-reports/"): Rule(VULN_READERS),
    ("GET", "products/vulnerability-reports/<int:vuln_report_id>/"): Rule(VULN_READERS),
    ("POST", "products/vulnerability-reports/<int:vuln_report_id>/transition"): Rule(
        VULN_TRIAGE, ok=302, body=lambda actor: {"to": "acknowledged", "note": "Matrix"}
    ),
    ("POST", "products/vulnerability-reports/<int:vuln_report_id>/note"): Rule(
        VULN_TRIAGE, ok=302, body=lambda actor: {"body": "Matrix"}
    ),
    ("GET", "products/vulnerability-reports/<int:vuln_report_id>/attachments/<int:vuln_file_id>"): Rule(
        VULN_READERS
    ),
}
SECURITY_PAGES = ("security/", "security/report/", "security/report/status")


def _disclosure_param(name: str) -> int | None:
    from conduct.apps.products.models import VulnReportAttachment

    if name == "vuln_report_id":
        return int(_demo_vuln_report().pk)
    if name == "vuln_file_id":
        report = _demo_vuln_report()
        found = VulnReportAttachment.objects.filter(report=report).first()
        if found is None:
            found = VulnReportAttachment.objects.create(
                report=report, name="poc.txt", size=4, sha256="0" * 64, content=b"poc\n"
            )
        return int(found.pk)
    return None


# Advisories, assessments, PSTI, the customer portal: an advisory path names a fresh draft for NV-NVR-32 3.9.0
# (drafted by the system, so any keeper may publish it); the public pages name the demo's published advisory.
# Drafting and assessing are product security's (and the administrator's); publishing is every keeper's;
# customers (and their approvers) read their own products.
CUSTOMERS = frozenset({"customer", "customer_approver"})


def _nvr_release_id() -> int:
    from conduct.apps.products.models import Release

    return Release.objects.get(product__model="NV-NVR-32", version="3.9.0").pk


def _advisory_body(actor: Any) -> dict[str, Any]:
    return {
        "title": "Matrix advisory",
        "summary": "Matrix",
        "vulnerabilities": [{"cve": "CVE-2023-4911", "cvss": 7.8, "vector": ""}],
        "affected": [_nvr_release_id()],
        "fixed": [],
        "remediation": "",
        "revision": "",
    }


def _advisory_form(actor: Any) -> dict[str, Any]:
    return {
        "title": "Matrix",
        "summary": "Matrix",
        "vulnerabilities": "CVE-2023-4911 7.8",
        "affected": _nvr_release_id(),
    }


def _assessed(body: dict[str, Any]) -> dict[str, Any]:
    """5.1-1 assessed for NV-NVR-32 3.9.0, written directly (no ledger entry), so evidence can be attached."""
    from conduct.apps.products.models import ReleaseAssessmentItem

    ReleaseAssessmentItem.objects.get_or_create(
        release_id=_nvr_release_id(),
        urn="urn:conduct:etsi_en_303_645:5.1-1",
        defaults={"state": "met", "assessed_by": "matrix"},
    )
    return body


ADVISORIES_API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/advisories"): Rule(PRODUCT_READERS),
    ("POST", "/api/v1/advisories"): Rule(
        VEX_RECORDERS, ok=201, denied_as=NOT_SCOPED_TO_BU_VIDEO, body=_advisory_body
    ),
    ("POST", "/api/v1/advisories/from-release"): Rule(
        VEX_RECORDERS,
        ok=201,
        denied_as=NOT_SCOPED_TO_BU_VIDEO,
        body=lambda actor: {"release_id": _nvr_release_id()},
    ),
    ("GET", "/api/v1/advisories/{advisory_id}"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("PUT", "/api/v1/advisories/{advisory_id}"): Rule(
        VEX_RECORDERS, denied_as=NOT_SCOPED_TO_BU_VIDEO, body=_advisory_body
    ),
    ("POST", "/api/v1/advisories/{advisory_id}/publish"): _keeper(),
    ("GET", "/api/v1/advisories/{advisory_id}/csaf"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("GET", "/api/v1/public/advisories"): Rule(EVERYONE),
    ("GET", "/api/v1/public/advisories/{public_id}"): Rule(EVERYONE),
    ("GET", "/api/v1/portal/products"): Rule(CUSTOMERS),
    ("GET", "/api/v1/releases/{release_id}/assessment"): Rule(
        SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO
    ),
    ("PUT", "/api/v1/releases/{release_id}/assessment"): Rule(
        VEX_RECORDERS,
        denied_as=NOT_SCOPED_TO_BU_VIDEO,
        body=lambda actor: {"items": [{"provision": "5.1-1", "state": "met", "note": ""}]},
    ),
    ("POST", "/api/v1/releases/{release_id}/assessment/evidence"): Rule(
        VEX_RECORDERS,
        ok=201,
        denied_as=NOT_SCOPED_TO_BU_VIDEO,
        body=lambda actor: _assessed({"provision": "5.1-1", "filename": "e.pdf", "content": _pdf_b64()}),
    ),
    ("GET", "/api/v1/products/{product_id}/psti-statement"): Rule(
        SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO
    ),
}

ADVISORIES_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "products/advisories/"): Rule(PRODUCT_READERS),
    ("POST", "products/advisories/new"): Rule(
        VEX_RECORDERS, ok=302, denied_as=NOT_SCOPED_TO_BU_VIDEO, body=_advisory_form
    ),
    ("GET", "products/advisories/<str:advisory_id>/"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("POST", "products/advisories/<str:advisory_id>/edit"): Rule(
        VEX_RECORDERS, ok=302, denied_as=NOT_SCOPED_TO_BU_VIDEO, body=_advisory_form
    ),
    ("POST", "products/advisories/<str:advisory_id>/publish"): _keeper(ok=302),
    ("POST", "products/releases/<int:release_id>/advisory"): Rule(
        VEX_RECORDERS, ok=302, denied_as=NOT_SCOPED_TO_BU_VIDEO
    ),
    ("GET", "products/releases/<int:release_id>/assessment"): Rule(
        SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO
    ),
    ("POST", "products/releases/<int:release_id>/assessment"): Rule(
        VEX_RECORDERS, ok=302, denied_as=NOT_SCOPED_TO_BU_VIDEO, body=lambda actor: {"state-5.1-1": "met"}
    ),
    ("POST", "products/releases/<int:release_id>/assessment/evidence"): Rule(
        VEX_RECORDERS,
        ok=302,
        denied_as=NOT_SCOPED_TO_BU_VIDEO,
        body=lambda actor: _assessed({"provision": "5.1-1", "file": _upload("e.txt", b"evidence")}),
    ),
    ("GET", "products/<int:product_id>/psti"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("GET", "products/<int:product_id>/psti.pdf"): Rule(SEES_BU_VIDEO, denied_as=NOT_SCOPED_TO_BU_VIDEO),
    ("GET", "products/portal/"): Rule(CUSTOMERS),
    ("GET", "security/advisories/"): Rule(EVERYONE),
    ("GET", "security/advisories/<str:public_id>/"): Rule(EVERYONE),
    ("GET", "security/advisories/<str:public_id>.json"): Rule(EVERYONE),
}


def _products_param(name: str) -> int | str | None:
    from conduct.apps.products.models import Product, Release

    if name == "product_id":
        return Product.objects.get(model="NV-NVR-32").pk
    if name == "release_id":
        return Release.objects.get(product__model="NV-NVR-32", version="3.9.0").pk
    if name == "advisory_id":  # a fresh draft, drafted by the system
        from conduct.apps.products.services.advisories import AdvisorySpec, advisory_draft

        release = Release.objects.get(pk=_nvr_release_id())
        spec = AdvisorySpec("Matrix", "Matrix", ({"cve": "CVE-2023-4911"},), (release,))
        return advisory_draft(actor=SYSTEM, spec=spec).advisory_id
    if name == "public_id":
        from conduct.apps.products.models import Advisory

        return Advisory.objects.filter(status="published").order_by("pk").first().advisory_id
    return None


def _access_param(name: str) -> int | str | None:
    from datetime import timedelta

    from django.utils import timezone

    from conduct.apps.access.models import AccessRequest, Device
    from conduct.apps.accounts.models import User

    if name == "device_id":
        return Device.objects.get(serial="NV-CAM-0001").pk
    if name == "grant_id":
        return _demo_grant().grant_id
    if name == "request_id":  # a pending request of support_eng, written directly (no ledger entry)
        device = Device.objects.get(serial="NV-CAM-0002")
        request = AccessRequest.objects.create(
            requested_by=User.objects.get(username="support_eng"),
            customer=device.customer,
            scopes=["read_logs"],
            hours=4,
            reason="Matrix",
            answer_by=timezone.now() + timedelta(hours=12),
        )
        request.devices.set([device])
        return request.pk
    return None


# Grievances (data/demo/organisation.yaml `grievances:`): only the grievance officer reads and handles the
# demo's reports (everyone else, administrators and auditors included, gets 403); the public intake (API and
# /report/ pages) answers everyone the same, with no login and no cookie.
OFFICER = frozenset({"grievance_officer"})


def _demo_grievance() -> Any:
    """The demo's Chinese report (still received): the officer's operations act on it."""
    from conduct.apps.grievances.models import Grievance

    return Grievance.objects.filter(language="zh-hans").order_by("pk").first()


def _investigating(body: dict[str, Any]) -> dict[str, Any]:
    from conduct.apps.grievances.models import Grievance

    Grievance.objects.filter(pk=_demo_grievance().pk).update(status="investigating")
    return body


def _receipt() -> str:
    """A fresh report's receipt (made through the service, inside the request's savepoint)."""
    from conduct.apps.grievances.services import Report, grievance_submit

    _, receipt = grievance_submit(report=Report(description="Matrix report"), demo=True)
    return receipt


def _reporter_session(outcome: bool = False) -> str:
    from conduct.apps.grievances.models import Grievance
    from conduct.apps.grievances.services import reporter_session_open

    token, grievance = reporter_session_open(receipt=_receipt())
    if outcome:
        Grievance.objects.filter(pk=grievance.pk).update(status="remedy")
    return token


def _grievance_param(name: str) -> int | None:
    from conduct.apps.grievances import crypto
    from conduct.apps.grievances.models import Attachment

    if name == "grievance_id":
        return int(_demo_grievance().pk)
    if name == "attachment_id":  # a text file on the demo report, written directly
        return int(
            Attachment.objects.create(
                grievance=_demo_grievance(),
                name_enc=crypto.seal("note.txt", context="grievance.attachment_name"),
                content_type="text/plain",
                size=5,
                content_enc=crypto.seal_bytes(b"note\n", context="grievance.attachment").encode("ascii"),
            ).pk
        )
    return None


GRIEVANCE_API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/public/grievances/challenge"): Rule(EVERYONE),
    ("POST", "/api/v1/public/grievances"): Rule(
        EVERYONE, ok=201, body=lambda actor: {"description": "Matrix report", "language": "zh-hans"}
    ),
    ("POST", "/api/v1/public/grievances/session"): Rule(EVERYONE, body=lambda actor: {"receipt": _receipt()}),
    ("POST", "/api/v1/public/grievances/session/thread"): Rule(
        EVERYONE, body=lambda actor: {"session": _reporter_session()}
    ),
    ("POST", "/api/v1/public/grievances/session/messages"): Rule(
        EVERYONE, ok=201, body=lambda actor: {"session": _reporter_session(), "body": "More"}
    ),
    ("POST", "/api/v1/public/grievances/session/retaliation"): Rule(
        EVERYONE, ok=201, body=lambda actor: {"session": _reporter_session(), "body": "Shifts cut"}
    ),
    ("POST", "/api/v1/public/grievances/session/satisfaction"): Rule(
        EVERYONE, body=lambda actor: {"session": _reporter_session(outcome=True), "score": 4}
    ),
    ("GET", "/api/v1/grievances"): Rule(OFFICER),
    ("GET", "/api/v1/grievances/{grievance_id}"): Rule(OFFICER),
    ("GET", "/api/v1/grievances/{grievance_id}/attachments/{attachment_id}"): Rule(OFFICER),
    ("POST", "/api/v1/grievances/{grievance_id}/transition"): Rule(
        OFFICER, body=lambda actor: {"to": "acknowledged", "reason": "Matrix"}
    ),
    ("POST", "/api/v1/grievances/{grievance_id}/messages"): Rule(
        OFFICER, ok=201, body=lambda actor: {"body": "Matrix", "kind": "question"}
    ),
    ("POST", "/api/v1/grievances/{grievance_id}/remedy"): Rule(
        OFFICER, body=lambda actor: _investigating({"type": "apology", "description": "Matrix"})
    ),
    ("POST", "/api/v1/grievances/{grievance_id}/link"): Rule(
        OFFICER, body=lambda actor: {"org_unit": _unit_pk("br-uk")}
    ),
    ("POST", "/api/v1/grievances/{grievance_id}/escalate"): Rule(
        OFFICER, body=lambda actor: {"title": "Matrix", "dimension": "labour"}
    ),
    ("POST", "/api/v1/grievances/{grievance_id}/exclusions"): Rule(
        OFFICER, ok=201, body=lambda actor: {"username": "analyst"}
    ),
}
PUBLIC_API = frozenset(
    key for key in {**GRIEVANCE_API, **DISCLOSURE_API} if key[1].startswith("/api/v1/public/")
)
# The published advisories: public reads (no login), checked with the demo's advisory in the tables above.
ADVISORY_PUBLIC_API = frozenset(key for key in ADVISORIES_API if key[1].startswith("/api/v1/public/"))

GRIEVANCE_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "grievances/"): Rule(OFFICER),
    ("GET", "grievances/<int:grievance_id>/"): Rule(OFFICER),
    ("GET", "grievances/<int:grievance_id>/attachments/<int:attachment_id>"): Rule(OFFICER),
    ("POST", "grievances/<int:grievance_id>/transition"): Rule(
        OFFICER, ok=302, body=lambda actor: {"to": "acknowledged", "reason": "Matrix"}
    ),
    ("POST", "grievances/<int:grievance_id>/message"): Rule(
        OFFICER, ok=302, body=lambda actor: {"body": "M"}
    ),
    ("POST", "grievances/<int:grievance_id>/remedy"): Rule(
        OFFICER, ok=302, body=lambda actor: _investigating({"type": "apology", "description": "M"})
    ),
    ("POST", "grievances/<int:grievance_id>/link"): Rule(
        OFFICER, ok=302, body=lambda actor: {"org_unit": str(_unit_pk("br-uk"))}
    ),
    ("POST", "grievances/<int:grievance_id>/escalate"): Rule(
        OFFICER, ok=302, body=lambda actor: {"title": "Matrix", "dimension": "labour"}
    ),
    ("POST", "grievances/<int:grievance_id>/exclude"): Rule(
        OFFICER, ok=302, body=lambda actor: {"username": "analyst"}
    ),
    ("GET", "report/"): Rule(EVERYONE),
    ("POST", "report/"): Rule(EVERYONE, body=lambda actor: {"description": "Matrix page report"}),
    ("GET", "report/follow-up"): Rule(EVERYONE),
    ("POST", "report/follow-up"): Rule(EVERYONE, body=lambda actor: {"receipt": _receipt()}),
    ("POST", "report/follow-up/reply"): Rule(
        EVERYONE, body=lambda actor: {"session": _reporter_session(), "body": "More"}
    ),
    ("POST", "report/follow-up/retaliation"): Rule(
        EVERYONE, body=lambda actor: {"session": _reporter_session(), "body": "Shifts cut"}
    ),
    ("POST", "report/follow-up/satisfaction"): Rule(
        EVERYONE, body=lambda actor: {"session": _reporter_session(outcome=True), "score": "4"}
    ),
}


# Correspondence and commitments (the demo's engagement: everything is owned by br-uk, which every reader
# sees: the admin and the auditor see all units, the officer is scoped to hq, liaison_uk to br-uk). Readers
# are staff, liaisons and the auditor; writers staff and liaisons; roles without engagement.view get 403.
ENG_READERS = frozenset({"admin", "compliance_officer", "liaison", "auditor"})
ENG_WRITERS = frozenset({"admin", "compliance_officer", "liaison"})


def _regulator() -> Any:
    from conduct.apps.engagement.models import Counterpart

    return Counterpart.objects.get(name="Northbridge Data Protection Authority")


def _eng_letter_body(actor: Any) -> dict[str, Any]:
    return {
        "direction": "in",
        "date": "2026-01-05",
        "channel": "email",
        "subject": "Matrix letter",
        "owner_unit": "br-uk",
        "counterpart": _regulator().pk,
    }


def _eng_commitment_body(actor: Any) -> dict[str, Any]:
    return {"made_in": "meeting", "text": "Matrix", "owner_unit": "br-uk", "due_date": "2030-01-01"}


def _eng_control() -> int:
    from conduct.apps.catalog.models import Control

    return Control.objects.get(code="xinjiang-tracing").pk


def _rhein() -> int:
    from conduct.apps.engagement.models import Counterpart

    return Counterpart.objects.get(name="Rhein Sicherheitstechnik GmbH").pk


ENGAGEMENT_API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/counterparts"): Rule(ENG_READERS),
    ("POST", "/api/v1/counterparts"): Rule(
        ENG_WRITERS, ok=201, body=lambda actor: {"kind": "media", "name": "Matrix Daily", "country": "GB"}
    ),
    ("GET", "/api/v1/counterparts/{counterpart_id}"): Rule(ENG_READERS),
    ("PATCH", "/api/v1/counterparts/{counterpart_id}"): Rule(ENG_WRITERS, body=lambda actor: {"notes": "M"}),
    ("GET", "/api/v1/correspondence"): Rule(ENG_READERS),
    ("GET", "/api/v1/correspondence/export"): Rule(ENG_READERS),
    ("POST", "/api/v1/correspondence"): Rule(ENG_WRITERS, ok=201, body=_eng_letter_body),
    ("GET", "/api/v1/correspondence/{correspondence_id}"): Rule(ENG_READERS),
    ("POST", "/api/v1/correspondence/{correspondence_id}/documents"): Rule(
        ENG_WRITERS, ok=201, body=lambda actor: {"filename": "m.pdf", "content": _pdf_b64()}
    ),
    ("POST", "/api/v1/correspondence/{correspondence_id}/questions"): Rule(
        ENG_WRITERS, ok=201, body=lambda actor: {"text": "M?"}
    ),
    ("POST", "/api/v1/correspondence/{letter_id}/acknowledgements"): Rule(
        ENG_WRITERS, body=lambda actor: {"counterpart": _rhein(), "by": "M", "how": "email"}
    ),
    ("PUT", "/api/v1/questions/{question_id}/answer"): Rule(ENG_WRITERS, body=lambda actor: {"answer": "M"}),
    ("POST", "/api/v1/questions/{question_id}/review"): Rule(
        ENG_WRITERS, body=lambda actor: {"action": "submit"}
    ),
    ("GET", "/api/v1/commitments"): Rule(ENG_READERS),
    ("GET", "/api/v1/commitments/export"): Rule(ENG_READERS),
    ("POST", "/api/v1/commitments"): Rule(ENG_WRITERS, ok=201, body=_eng_commitment_body),
    ("GET", "/api/v1/commitments/{commitment_id}"): Rule(ENG_READERS),
    ("PATCH", "/api/v1/commitments/{commitment_id}"): Rule(ENG_WRITERS, body=lambda actor: {"text": "M"}),
    ("POST", "/api/v1/commitments/{commitment_id}/status"): Rule(
        ENG_WRITERS, body=lambda actor: {"status": "open"}
    ),
    ("POST", "/api/v1/commitments/{commitment_id}/evidence"): Rule(
        ENG_WRITERS, ok=201, body=lambda actor: {"kind": "control", "target_id": _eng_control()}
    ),
}

ENGAGEMENT_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "engagement/"): Rule(ENG_READERS),
    ("POST", "engagement/correspondence/new"): Rule(
        ENG_WRITERS,
        ok=302,
        body=lambda actor: {**_eng_letter_body(actor), "kind": "letter", "questions": "One?\nTwo?"},
    ),
    ("GET", "engagement/correspondence/<int:correspondence_id>/"): Rule(ENG_READERS),
    ("POST", "engagement/correspondence/<int:correspondence_id>/documents"): Rule(
        ENG_WRITERS, ok=302, body=lambda actor: {"file": _upload("m.pdf", b"%PDF-1.4\n%%EOF\n")}
    ),
    ("POST", "engagement/correspondence/<int:letter_id>/acknowledge"): Rule(
        ENG_WRITERS, ok=302, body=lambda actor: {"counterpart": _rhein(), "by": "M", "how": "email"}
    ),
    ("GET", "engagement/documents/<int:letter_document_id>"): Rule(ENG_READERS),
    ("POST", "engagement/questions/<int:question_id>/answer"): Rule(
        ENG_WRITERS, ok=302, body=lambda actor: {"answer": "M"}
    ),
    ("POST", "engagement/questions/<int:question_id>/review"): Rule(
        ENG_WRITERS, ok=302, body=lambda actor: {"action": "submit"}
    ),
    ("GET", "engagement/counterparts/"): Rule(ENG_READERS),
    ("POST", "engagement/counterparts/"): Rule(
        ENG_WRITERS, ok=302, body=lambda actor: {"kind": "media", "name": "Matrix Daily", "country": "GB"}
    ),
    ("GET", "engagement/counterparts/<int:counterpart_id>/"): Rule(ENG_READERS),
    ("GET", "engagement/commitments/"): Rule(ENG_READERS),
    ("POST", "engagement/commitments/new"): Rule(ENG_WRITERS, ok=302, body=_eng_commitment_body),
    ("GET", "engagement/commitments/<int:commitment_id>/"): Rule(ENG_READERS),
    ("POST", "engagement/commitments/<int:commitment_id>/status"): Rule(
        ENG_WRITERS, ok=302, body=lambda actor: {"status": "open"}
    ),
    ("POST", "engagement/commitments/<int:commitment_id>/evidence"): Rule(
        ENG_WRITERS, ok=302, body=lambda actor: {"kind": "control", "target_id": str(_eng_control())}
    ),
}


def _engagement_param(name: str) -> int | None:
    """The demo's regulator letter (received, with questions), the partner letter, a fresh draft question
    with an answer on that letter (written directly, once), a document of the letter, the overdue
    commitment."""
    from conduct.apps.engagement.models import Commitment, Correspondence, CorrespondenceDocument, Question

    letter = Correspondence.objects.filter(subject="Face recognition analytics in UK deployments").first()
    if name == "counterpart_id":
        return _regulator().pk
    if name == "correspondence_id":
        return letter.pk
    if name == "letter_id":
        return Correspondence.objects.get(subject__startswith="Lawful use of video analytics").pk
    if name == "question_id":
        question, _ = Question.objects.get_or_create(
            correspondence=letter, number=99, defaults={"text": "Matrix?", "answer": "Matrix."}
        )
        return question.pk
    if name == "letter_document_id":
        document = CorrespondenceDocument.objects.filter(correspondence=letter).first()
        if document is None:
            from conduct.apps.engagement.services import document_add

            document = document_add(
                actor=SYSTEM, correspondence=letter, filename="letter.pdf", content=b"%PDF-1.4\n%%EOF\n"
            )
        return document.pk
    if name == "commitment_id":
        return Commitment.objects.get(text__startswith="Send the lawful-use letter").pk
    return None


# --- the contract: JSON API ---------------------------------------------------------------------

API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/ping"): Rule(EVERYONE),
    ("GET", "/api/v1/me"): Rule(EVERYONE),
    ("GET", "/api/v1/roles"): Rule(EVERYONE),
    # Investigator access (issue 18): officers and admins see who holds it and what each read; admins grant
    # and revoke; an investigator reads its own access log.
    ("GET", "/api/v1/investigators"): Rule(INVESTIGATOR_READ),
    ("POST", "/api/v1/investigators"): Rule(
        ADMIN, ok=201, body=lambda actor: {"username": "matrix-investigator", "until": "2099-01-01"}
    ),
    ("POST", "/api/v1/investigators/{username}/revoke"): Rule(ADMIN),
    ("GET", "/api/v1/investigators/{username}/access-log"): Rule(INVESTIGATOR_READ),
    ("GET", "/api/v1/me/access-log"): Rule(EVERYONE),  # own; only investigators' requests are logged
    ("GET", "/api/v1/org-units"): Rule(INTERNAL, denied=EMPTY),
    ("POST", "/api/v1/org-units"): Rule(
        ORG_CHANGE,
        ok=201,
        body=lambda actor: {
            "code": "matrix-unit",
            "name": "Matrix unit",
            "kind": "department",
            "country": "CN",
            "parent": "hq",
        },
    ),
    ("GET", "/api/v1/org-units/without-liaison"): Rule(INTERNAL, denied=EMPTY),
    ("GET", "/api/v1/org-units/{unit_id}"): Rule(SEES_BR_UK, denied=404),
    ("PATCH", "/api/v1/org-units/{unit_id}"): Rule(
        ORG_CHANGE, body=lambda actor: {"name": "UK Branch (renamed)"}
    ),
    ("GET", "/api/v1/users"): Rule(USERS_READ),
    ("POST", "/api/v1/users"): Rule(
        ADMIN,
        ok=201,
        body=lambda actor: {"username": "matrix-user", "role": "analyst", "scope_units": ["hq-legal"]},
    ),
    ("GET", "/api/v1/users/{user_id}"): Rule(USERS_READ),
    ("PATCH", "/api/v1/users/{user_id}"): Rule(ADMIN, body=lambda actor: {"email": "jonas@example.org"}),
    ("POST", "/api/v1/users/{user_id}/mfa-reset"): Rule(ADMIN),
    ("GET", "/api/v1/liaisons"): Rule(INTERNAL),
    ("POST", "/api/v1/liaisons"): Rule(
        ORG_CHANGE, ok=201, body=lambda actor: {"user": "analyst", "org_unit": "br-br"}
    ),
    ("DELETE", "/api/v1/liaisons/{liaison_id}"): Rule(ORG_CHANGE, ok=204),
    # Tokens are self-service for every role, the auditor included (docs/api.md: "everyone (own)").
    ("GET", "/api/v1/tokens"): Rule(EVERYONE),
    ("POST", "/api/v1/tokens"): Rule(
        EVERYONE, ok=201, body=lambda actor: {"name": "matrix", "expires_days": 1}
    ),
    ("DELETE", "/api/v1/tokens/{token_id}"): Rule(EVERYONE),
    # Sessions: everyone lists and ends their own (another browser's session of theirs: _param).
    ("GET", "/api/v1/sessions"): Rule(EVERYONE),
    ("DELETE", "/api/v1/sessions/{session_id}"): Rule(EVERYONE, ok=204),
    ("GET", "/api/v1/ledger"): Rule(LEDGER_READ),
    ("GET", "/api/v1/ledger/verify"): Rule(LEDGER_READ),
    ("GET", "/api/v1/ledger/checkpoints"): Rule(LEDGER_READ),
    ("POST", "/api/v1/ledger/checkpoints"): Rule(ORG_CHANGE, ok=201),
    ("GET", "/api/v1/ledger/export"): Rule(LEDGER_READ),
    ("GET", "/api/v1/ledger/{seq}"): Rule(LEDGER_READ),
    ("POST", "/api/v1/gates/{gate}/decisions"): Rule(GATE_DECIDE, ok=201, body=lambda actor: _subject()),
    ("POST", "/api/v1/gates/{gate}/evaluate"): Rule(GATE_DECIDE, body=lambda actor: _subject()),
    ("GET", "/api/v1/gates/decisions"): Rule(INTERNAL),
    # a decision recorded for br-uk: the role check refuses portal users, the unit scope hides it from the
    # analyst
    ("GET", "/api/v1/gates/decisions/{decision_id}"): Rule(SEES_BR_UK, denied=404, denied_as=PORTAL_403),
    ("GET", "/api/v1/policy"): Rule(INTERNAL),
    ("GET", "/api/v1/policy/versions"): Rule(INTERNAL),
    ("GET", "/api/v1/gates/rechecks"): Rule(INTERNAL),  # scoped by unit like the decisions
    ("GET", "/api/v1/policy/sanctions"): Rule(INTERNAL),
    **SUPPLIER_API,
    **CATALOG_API,
    **SCREENING_API,
    **GOVERNANCE_API,
    **ACCESS_API,
    **WORKFORCE_API,
    **POLICY_API,
    **TRAINING_API,
    **GRIEVANCE_API,
    **PRODUCTS_API,
    **DISCLOSURE_API,
    **ADVISORIES_API,
    **ENGAGEMENT_API,
}

# --- the contract: pages (Django routes as the resolver spells them) -----------------------------

PASSWORD_RESET_PAGES = (
    "password-reset/",
    "password-reset/sent",
    "password-reset/<uidb64>/<token>/",
    "password-reset/done",
)
REPORT_PAGES = (
    "report/",
    "report/follow-up",
    "report/follow-up/reply",
    "report/follow-up/retaliation",
    "report/follow-up/satisfaction",
)
ADVISORY_PUBLIC_PAGES = (
    "security/advisories/",
    "security/advisories/<str:public_id>/",
    "security/advisories/<str:public_id>.json",
)
# Single sign-on: public, and 404 until a provider is configured (none is in the test settings).
SSO_PAGES = (
    "sso/oidc/login/",
    "sso/oidc/callback/",
    "sso/saml/login/",
    "sso/saml/acs/",
    "sso/saml/metadata/",
)
PUBLIC_PAGES = frozenset(
    {
        *SSO_PAGES,
        "healthz",
        "favicon.ico",
        "login/",
        "language/",
        ".well-known/security.txt",
        *PASSWORD_RESET_PAGES,
        *REPORT_PAGES,
        *SECURITY_PAGES,
        *ADVISORY_PUBLIC_PAGES,
    }
)

PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "healthz"): Rule(EVERYONE),
    ("GET", "favicon.ico"): Rule(EVERYONE),
    ("GET", ".well-known/security.txt"): Rule(EVERYONE),  # public (RFC 9116); test settings set a contact
    ("GET", "login/"): Rule(EVERYONE, ok=302),  # a logged-in user is sent home
    ("POST", "logout/"): Rule(EVERYONE, ok=302),
    # the language switcher: anyone chooses their own language (a signed-in user's is kept on the account)
    ("POST", "language/"): Rule(EVERYONE, ok=302, body=lambda actor: {"language": "en", "next": "/"}),
    ("GET", ""): Rule(EVERYONE, ok=302),  # home: staff to the dashboard, portal users to the portal
    ("GET", "dashboard/"): Rule(INTERNAL),
    ("GET", "portal/"): Rule(PORTAL),
    ("GET", "org/units/"): Rule(INTERNAL),
    ("POST", "org/units/new"): Rule(
        ORG_CHANGE,
        ok=302,
        body=lambda actor: {
            "code": "matrix-page-unit",
            "name": "Matrix unit",
            "kind": "department",
            "country": "CN",
            "parent": _unit_pk("hq"),
        },
    ),
    ("GET", "org/units/<int:unit_id>/"): Rule(SEES_BR_UK, denied=404),
    ("GET", "org/liaisons/"): Rule(INTERNAL),
    ("POST", "org/liaisons/"): Rule(
        ORG_CHANGE, ok=302, body=lambda actor: {"username": "analyst", "org_unit": _unit_pk("br-br")}
    ),
    ("POST", "org/liaisons/<int:liaison_id>/remove"): Rule(ORG_CHANGE, ok=302),
    ("GET", "org/users/"): Rule(USERS_READ),
    ("POST", "org/users/"): Rule(
        ADMIN, ok=302, body=lambda actor: {"username": "matrix-page-user", "role": "analyst"}
    ),
    ("POST", "org/users/<int:user_id>/mfa-reset"): Rule(ADMIN, ok=302),
    ("GET", "account/tokens/"): Rule(EVERYONE),
    ("GET", "account/access-log/"): Rule(EVERYONE),
    ("GET", "org/investigators/"): Rule(INVESTIGATOR_READ),
    ("POST", "org/investigators/"): Rule(
        ADMIN, ok=302, body=lambda actor: {"username": "matrix-page-investigator", "until": "2099-01-01"}
    ),
    ("GET", "org/investigators/<str:username>/"): Rule(INVESTIGATOR_READ),
    ("POST", "org/investigators/<str:username>/revoke"): Rule(ADMIN, ok=302),
    # the signed evidence bundle: officers and investigators (within their scope); a range with no records
    ("GET", "reports/evidence/"): Rule(EVIDENCE_EXPORT),
    ("POST", "reports/evidence/"): Rule(EVIDENCE_EXPORT, body=lambda actor: {"from": "2099-01-01"}),
    ("POST", "account/tokens/"): Rule(
        EVERYONE, body=lambda actor: {"name": "matrix", "scope": "read", "expires_days": 1}
    ),
    ("POST", "account/tokens/<int:token_id>/revoke"): Rule(EVERYONE, ok=302),
    ("GET", "account/password/"): Rule(EVERYONE),
    ("GET", "account/sessions/"): Rule(EVERYONE),
    ("POST", "account/sessions/<int:session_id>/end"): Rule(EVERYONE, ok=302),
    # The second step of signing in: without a password step just passed it sends back to the login page.
    ("GET", "login/verify/"): Rule(EVERYONE, ok=302),
    # Single sign-on answers 404 until a provider is configured (the test settings configure none); with one,
    # anyone may start it: tests/apps/accounts/test_sso_oidc.py and test_sso_saml.py use real providers.
    ("GET", "sso/oidc/login/"): Rule(EVERYONE, ok=404),
    ("GET", "sso/oidc/callback/"): Rule(EVERYONE, ok=404),
    ("GET", "sso/saml/login/"): Rule(EVERYONE, ok=404),
    ("POST", "sso/saml/acs/"): Rule(EVERYONE, ok=404),
    ("GET", "sso/saml/metadata/"): Rule(EVERYONE, ok=404),
    # Second factors are self-service for every role. Without a factor or a right code the forms say so (422
    # / 404); removing one's own security key works.
    ("GET", "account/mfa/"): Rule(EVERYONE),
    ("POST", "account/mfa/totp"): Rule(EVERYONE, ok=422, body=lambda actor: {"code": "000000"}),
    ("POST", "account/mfa/totp/remove"): Rule(EVERYONE, ok=404),
    ("POST", "account/mfa/recovery-codes"): Rule(EVERYONE, ok=422),
    ("POST", "account/mfa/webauthn"): Rule(EVERYONE, ok=422, body=lambda actor: {"credential": "{}"}),
    ("POST", "account/mfa/webauthn/<int:key_id>/remove"): Rule(EVERYONE, ok=302),
    **{("GET", route): Rule(EVERYONE) for route in PASSWORD_RESET_PAGES},
    ("GET", "audit/ledger/"): Rule(LEDGER_READ),
    ("POST", "audit/ledger/verify"): Rule(LEDGER_READ),  # a read that recomputes the chain; POST for HTMX
    ("POST", "audit/ledger/checkpoint"): Rule(ORG_CHANGE, ok=302),
    ("GET", "gates/"): Rule(INTERNAL),
    ("GET", "gates/decisions/<int:decision_id>/"): Rule(SEES_BR_UK, denied=404),
    ("GET", "gates/policy/"): Rule(INTERNAL),
    ("GET", "gates/rechecks/"): Rule(INTERNAL),
    ("GET", "gates/sanctions/"): Rule(INTERNAL),
    ("GET", "gates/try/"): Rule(GATE_DECIDE),
    ("POST", "gates/try/"): Rule(  # a dry run; "record" is not pressed
        GATE_DECIDE, body=lambda actor: {"gate": "sales_deal", "subject": json.dumps(_subject())}
    ),
    **SUPPLIER_PAGES,
    **CATALOG_PAGES,
    **SCREENING_PAGES,
    **GOVERNANCE_PAGES,
    **ACCESS_PAGES,
    **WORKFORCE_PAGES,
    **POLICY_PAGES,
    **TRAINING_PAGES,
    **GRIEVANCE_PAGES,
    **PRODUCTS_PAGES,
    **DISCLOSURE_PAGES,
    **ADVISORIES_PAGES,
    **ENGAGEMENT_PAGES,
}

# Non-operation URLs inside the ninja include: the schema and its docs page, public on purpose.
API_PUBLIC_URLS = {"openapi.json": "/api/openapi.json", "docs": "/api/docs"}


# --- discovery ----------------------------------------------------------------------------------


def discovered_pages() -> set[str]:
    """Every route the resolver serves (includes expanded), except the API and static files."""
    from conduct.config.api import api

    def walk(patterns: list[Any], prefix: str) -> set[str]:
        routes: set[str] = set()
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if entry.namespace == api.urls_namespace:
                    continue  # the ninja include: covered operation by operation below
                routes |= walk(entry.url_patterns, route)
                continue
            assert isinstance(entry, URLPattern)
            if route.startswith(("^api/", "static/", "^static/")):
                continue  # the API's catch-all 404 and static files
            if route.startswith("scim/v2/"):
                continue  # SCIM answers only a service account's scim token: tests/apps/accounts/test_scim.py
            routes.add(route)
        return routes

    return walk(get_resolver().url_patterns, "")


def discovered_api_operations() -> set[tuple[str, str]]:
    from conduct.config.api import api

    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def discovered_api_extras() -> set[str]:
    """URLs of the ninja include that are not operations (the schema, the docs page, the root)."""
    from conduct.config.api import api

    operations = {
        re.sub(r"\{(\w+)\}", r"<\1>", path.removeprefix("/api/")) for _, path in discovered_api_operations()
    }
    return {str(p.pattern) for p in api.urls[0]} - operations - {""}


# --- making requests ----------------------------------------------------------------------------


def _param(name: str, actor: Any) -> int | str:
    from conduct.apps.accounts.models import Liaison, OrgUnit, User
    from conduct.apps.accounts.services import token_create

    if name == "unit_id":
        return _unit_pk("br-uk")
    if name == "username":  # the demo's investigator
        return "investigator"
    if name == "user_id":
        return User.objects.get(username="liaison_de").pk
    if name == "liaison_id":
        return Liaison.objects.get(org_unit__code="br-de").pk
    if name == "token_id":  # the actor's own token
        token, _ = token_create(actor=SYSTEM, user=actor, name="matrix-own", scope="read", expires_days=1)
        return token.pk
    if name == "session_id":  # another live session of the actor's own
        from django.contrib.sessions.backends.db import SessionStore

        from conduct.apps.accounts.models import UserSession

        store = SessionStore()
        store.create()
        return UserSession.objects.create(session_key=store.session_key, user=actor).pk
    if name == "key_id":  # a security key of the actor's own (its credential is not read to remove it)
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.create(
            user=actor, type="webauthn", data={"name": "m", "credential": {}}
        ).pk
    if name == "seq":
        return 1
    if name in {"uidb64", "token"}:  # a password-reset link that does not work: the page says so
        return "x"
    if name == "gate":
        return "sales_deal"
    if name == "decision_id":
        from conduct.apps.gates.services import gate_decide

        return gate_decide(
            actor=SYSTEM, gate="sales_deal", subject=_subject(), org_unit=OrgUnit.objects.get(code="br-uk")
        ).decision.pk
    supplier_value = _supplier_param(name)
    if supplier_value is not None:
        return supplier_value
    catalog_value = _catalog_param(name)
    if catalog_value is not None:
        return catalog_value
    screening_value = _screening_param(name)
    if screening_value is not None:
        return screening_value
    governance_value = _governance_param(name, actor)
    if governance_value is not None:
        return governance_value
    access_value = _access_param(name)
    if access_value is not None:
        return access_value
    workforce_value = _workforce_param(name)
    if workforce_value is not None:
        return workforce_value
    grievance_value = _grievance_param(name)
    if grievance_value is not None:
        return grievance_value
    products_value = _products_param(name)
    if products_value is not None:
        return products_value
    disclosure_value = _disclosure_param(name)
    if disclosure_value is not None:
        return disclosure_value
    engagement_value = _engagement_param(name)
    if engagement_value is not None:
        return engagement_value
    raise AssertionError(f"add a demo value for path parameter {name!r} to _param()")


def _supplier_param(name: str) -> int | str | None:
    """Acme's records (the demo supply chain) for the supplier operations' path parameters."""
    from conduct.apps.suppliers.models import (
        Certificate,
        CorrectiveAction,
        Finding,
        QuestionnaireResponse,
        Supplier,
    )

    acme = _acme()
    if name == "supplier_id":
        return acme.pk
    if name == "sub_id":
        return Supplier.objects.get(external_id="BRD-002").pk
    if name == "site_id":
        return acme.sites.first().pk
    if name == "contact_id":
        return acme.contacts.first().pk
    if name == "certificate_id":  # with a file attached, so the download has something to send
        from conduct.apps.suppliers.services import certificate_attach_file

        cert = Certificate.objects.get(supplier=acme, number="SA-2291")
        if not cert.file:
            certificate_attach_file(
                actor=SYSTEM, certificate=cert, content=b"%PDF-1.4\n%%EOF\n", filename="c.pdf"
            )
        return cert.pk
    if name == "audit_id":
        return acme.audits.first().pk
    if name == "finding_id":  # one still without its corrective action plan
        return Finding.objects.filter(supplier=acme, action__isnull=True).first().pk
    if name == "action_id":
        return CorrectiveAction.objects.filter(supplier=acme, status="open").first().pk
    if name == "response_id":
        return QuestionnaireResponse.objects.get(supplier=acme).pk
    if name == "template_key":
        return "sa8000-iso-basics"
    if name == "kind":
        return "suppliers"
    return None


def fill(template: str, actor: Any) -> str:
    return re.sub(
        r"\{(\w+)\}|<(?:\w+:)?(\w+)>", lambda m: str(_param(m.group(1) or m.group(2), actor)), template
    )


def call(
    client: Client, method: str, url: str, body: dict[str, Any] | None, *, as_json: bool, **extra: Any
) -> Any:
    if method == "GET":
        return client.get(url, **extra)
    if as_json:
        data = json.dumps(body) if body is not None else ""
        return getattr(client, method.lower())(url, data, content_type="application/json", **extra)
    return getattr(client, method.lower())(url, body or {}, **extra)


def assert_error_shape(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    if code is not None:
        assert body["error"]["code"] == code, body
    return body


@pytest.fixture(autouse=True, scope="module")
def _signing_key_in_tmp(tmp_path_factory: Any) -> Any:
    # Checkpoints generate the installation's signing key on first use; keep it out of CONDUCT_HOME.
    from django.conf import settings
    from django.test import override_settings

    key = tmp_path_factory.mktemp("keys") / "ledger_ed25519.pem"
    reports = tmp_path_factory.mktemp("reports")  # reports built by POST /api/v1/reports
    with override_settings(CONDUCT={**settings.CONDUCT, "SIGNING_KEY_PATH": key, "REPORTS_DIR": reports}):
        yield


@pytest.fixture(autouse=True, scope="module")
def _media_in_tmp(tmp_path_factory: Any) -> Any:
    # Certificate and evidence uploads write files; keep them out of CONDUCT_HOME.
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


def _as(role: str) -> tuple[Any, Client]:
    from conduct.apps.accounts.models import User

    user = User.objects.get(username=ROLE_CAST[role])
    client = Client()
    client.force_login(user)
    return user, client


def _investigator_reads_as_the_auditor(table: dict[tuple[str, str], Rule]) -> None:
    """The demo investigator holds every unit and module: it is answered as the auditor is (read-only), except
    where a rule names it (its own access log, the evidence bundle)."""
    for key, rule in table.items():
        if "investigator" in rule.allowed or key in _INVESTIGATOR_OWN:
            continue
        denied_as = dict(rule.denied_as)
        if "auditor" in denied_as:
            denied_as["investigator"] = denied_as["auditor"]
        table[key] = Rule(
            rule.allowed | ({"investigator"} if "auditor" in rule.allowed else set()),
            ok=rule.ok,
            denied=rule.denied,
            body=rule.body,
            denied_as=tuple(denied_as.items()),
        )


_INVESTIGATOR_OWN = frozenset(
    {
        ("GET", "/api/v1/me/access-log"),
        ("GET", "account/access-log/"),
        ("GET", "reports/evidence/"),
        ("POST", "reports/evidence/"),
    }
)
_investigator_reads_as_the_auditor(API)
_investigator_reads_as_the_auditor(PAGES)


# --- the contract covers exactly what exists ----------------------------------------------------


def test_the_api_table_covers_exactly_the_operations_that_exist():
    existing = discovered_api_operations()
    assert existing - set(API) == set(), "operations without an entry in API"
    assert set(API) - existing == set(), "entries in API for operations that no longer exist"


def test_the_page_table_covers_exactly_the_routes_that_exist():
    existing = discovered_pages()
    listed = {route for _, route in PAGES}
    assert existing - listed == set(), "pages without an entry in PAGES"
    assert listed - existing == set(), "entries in PAGES for pages that no longer exist"


def test_the_only_api_urls_that_are_not_operations_are_the_schema_and_its_docs():
    assert discovered_api_extras() == set(API_PUBLIC_URLS)


def test_every_role_in_the_tables_is_a_role_conduct_knows():
    from conduct.apps.accounts.roles import Role

    assert set(ROLES) == set(Role.values)
    for rule in [*API.values(), *PAGES.values()]:
        assert rule.allowed <= EVERYONE


# --- role x endpoint ----------------------------------------------------------------------------


def _in_savepoint(request: Callable[[], Any]) -> Any:
    """Make one request and roll back whatever it wrote, so each endpoint sees the demo data as loaded."""
    from django.db import transaction

    with transaction.atomic():
        response = request()
        if response.streaming:
            response.content_bytes = b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response


def _api_mismatch(role: str, method: str, path: str, actor: Any, client: Client) -> str | None:
    rule = API[(method, path)]

    def request() -> Any:
        return call(client, method, fill(path, actor), rule.body(actor) if rule.body else None, as_json=True)

    response = _in_savepoint(request)
    got = f"{role} {method} {path}: {response.status_code}"
    if role in rule.allowed:
        if response.status_code != rule.ok:
            return f"{got}, expected {rule.ok}: {response.content[:200]!r}"
        if response.streaming and not response.content_bytes:
            return f"{got}, but the stream was empty"
    elif rule.refusal(role) == EMPTY:
        if response.status_code != 200 or response.json()["count"] != 0 or response.json()["items"]:
            return f"{got}, expected 200 with no items (a leak): {response.content[:200]!r}"
    else:
        try:
            assert_error_shape(response, int(rule.refusal(role)))
        except AssertionError as exc:
            return f"{got}, expected {rule.refusal(role)} in the error shape: {exc}"
    return None


def _page_mismatch(role: str, method: str, route: str, actor: Any, client: Client) -> str | None:
    rule = PAGES[(method, route)]
    url = "/" + fill(route, actor)

    def request() -> Any:
        return call(client, method, url, rule.body(actor) if rule.body else None, as_json=False)

    response = _in_savepoint(request)
    expected = rule.ok if role in rule.allowed else rule.refusal(role)
    if response.status_code != expected:
        return (
            f"{role} {method} {url}: {response.status_code}, expected {expected}: {response.content[:200]!r}"
        )
    if response.status_code == 302 and route != "logout/" and response["Location"].startswith("/login/"):
        return f"{role} {method} {url}: sent to the login page although logged in"
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_api_table_allows(role):
    actor, client = _as(role)
    mismatches = [_api_mismatch(role, method, path, actor, client) for method, path in sorted(API)]
    assert [m for m in mismatches if m] == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_page_table_allows(role):
    actor, client = _as(role)
    mismatches = []
    for method, route in sorted(PAGES):
        # logging out ends the session, so it gets a client of its own
        page_client = _as(role)[1] if route == "logout/" else client
        mismatches.append(_page_mismatch(role, method, route, actor, page_client))
    assert [m for m in mismatches if m] == []


@pytest.mark.django_db
def test_anonymous_callers_get_401_from_every_api_operation(admin):
    from conduct.apps.audit.models import LedgerEntry

    client = Client(enforce_csrf_checks=True)  # as a real client: no CSRF exemption
    mismatches = []
    for method, path in sorted(set(API) - PUBLIC_API - ADVISORY_PUBLIC_API):
        rule = API[(method, path)]
        url = fill(path, admin)
        before = LedgerEntry.objects.count()
        response = call(client, method, url, rule.body(admin) if rule.body else {}, as_json=True)
        try:
            assert_error_shape(response, 401, "unauthenticated")
        except AssertionError as exc:
            mismatches.append(f"{method} {url}: {exc}")
        if LedgerEntry.objects.count() != before:
            mismatches.append(f"{method} {url}: an anonymous request changed something")
    assert mismatches == []


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page_from_every_page(admin):
    mismatches = []
    for method, route in sorted(PAGES):
        rule = PAGES[(method, route)]
        url = "/" + fill(route, admin)
        response = call(Client(), method, url, rule.body(admin) if rule.body else None, as_json=False)
        if route in PUBLIC_PAGES:
            # the switcher goes back to `next`; single sign-on is not configured here
            expected = 302 if route == "language/" else 404 if route in SSO_PAGES else 200
            if response.status_code != expected:
                mismatches.append(f"{method} {url}: {response.status_code}, expected {expected} (public)")
        elif response.status_code != 302 or not response["Location"].startswith("/login/"):
            mismatches.append(
                f"{method} {url}: {response.status_code} {response.get('Location')}, expected the login page"
            )
    assert mismatches == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(API_PUBLIC_URLS))
def test_the_api_schema_and_docs_are_public(name):
    assert Client().get(API_PUBLIC_URLS[name]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(r for m, r in PAGES if m == "POST" and ("GET", r) not in PAGES))
def test_pages_that_only_change_things_refuse_get(route, admin):
    client = Client()
    client.force_login(admin)
    assert client.get("/" + fill(route, admin)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("admin", "/dashboard/"),
        ("liaison", "/dashboard/"),
        ("auditor", "/dashboard/"),
        ("investigator", "/dashboard/"),
        ("supplier", "/portal/"),
        ("customer", "/portal/"),
        ("customer_approver", "/portal/"),
        ("support_engineer", "/access/"),
        ("grievance_officer", "/grievances/"),
        ("product_security", "/products/"),
    ],
)
def test_home_sends_staff_to_the_dashboard_and_portal_users_to_the_portal(role, target):
    _, client = _as(role)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == target


# --- object-level scoping -----------------------------------------------------------------------


def _codes(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {item["code"] for item in response.json()["items"]}


@pytest.mark.django_db
def test_a_liaison_sees_their_branch_and_its_subtree_but_no_other_branch(liaison_uk, api_client):
    from conduct.apps.accounts.models import OrgUnit
    from conduct.apps.accounts.services import orgunit_create

    br_uk = OrgUnit.objects.get(code="br-uk")
    office = orgunit_create(
        actor=SYSTEM,
        code="br-uk-manchester",
        name="Manchester office",
        kind="branch",
        country="GB",
        parent=br_uk,
    )
    orgunit_create(
        actor=SYSTEM, code="br-uk-desk", name="Leeds desk", kind="branch", country="GB", parent=office
    )
    client = api_client(liaison_uk)

    assert _codes(client.get("/api/v1/org-units?limit=500")) == {"br-uk", "br-uk-manchester", "br-uk-desk"}
    assert client.get("/api/v1/org-units/br-uk-desk").status_code == 200
    assert client.get(f"/org/units/{office.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_liaison_gets_404_for_a_branch_outside_their_scope(liaison_uk, api_client):
    from conduct.apps.accounts.models import OrgUnit

    br_de = OrgUnit.objects.get(code="br-de")
    client = api_client(liaison_uk)
    assert_error_shape(client.get(f"/api/v1/org-units/{br_de.pk}"), 404, "not_found")
    assert_error_shape(client.get("/api/v1/org-units/br-de"), 404, "not_found")
    assert _codes(client.get(f"/api/v1/org-units?parent={br_de.parent_id}")) == {"br-uk"}
    page = client.get(f"/org/units/{br_de.pk}/")
    assert page.status_code == 404
    assert "Germany" not in page.content.decode()


@pytest.mark.django_db
def test_a_liaison_sees_only_the_liaisons_and_pages_of_their_scope(liaison_uk, api_client):
    client = api_client(liaison_uk)
    liaisons = client.get("/api/v1/liaisons?limit=500").json()["items"]
    assert {item["org_unit"] for item in liaisons} == {"br-uk"}
    html = client.get("/org/liaisons/").content.decode()
    assert "liaison_uk" in html and "liaison_de" not in html and "Germany" not in html
    org_page = client.get("/org/units/").content.decode()
    assert "UK Branch" in org_page and "Germany" not in org_page and "Shenzhen" not in org_page


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["supplier_acme", "customer_metro"])
def test_portal_users_see_no_org_units_users_liaisons_or_ledger(username, cast, api_client):
    client = api_client(cast(username))
    assert _codes(client.get("/api/v1/org-units")) == set()
    assert _codes(client.get("/api/v1/org-units/without-liaison")) == set()
    assert_error_shape(client.get("/api/v1/org-units/hq"), 404)
    for url in [
        "/api/v1/users",
        "/api/v1/users/admin",
        "/api/v1/liaisons",
        "/api/v1/ledger",
        "/api/v1/ledger/1",
        "/api/v1/ledger/export",
        "/api/v1/ledger/checkpoints",
        "/api/v1/committees",
    ]:
        assert_error_shape(client.get(url), 403, "forbidden")
    me = client.get("/api/v1/me").json()
    assert me["scope_units"] == []
    for page in ["/dashboard/", "/org/units/", "/org/liaisons/", "/org/users/", "/audit/ledger/"]:
        response = client.get(page)
        assert response.status_code == 403
        assert "Northlight" not in response.content.decode()


@pytest.mark.django_db
def test_users_see_and_revoke_only_their_own_tokens_while_admins_also_manage_service_accounts(
    admin, officer, liaison_uk, api_client
):
    from conduct.apps.accounts.services import token_create, user_create

    service = user_create(actor=SYSTEM, username="erp-bot", role="analyst", is_service_account=True)
    admins, _ = token_create(actor=SYSTEM, user=admin, name="admin's", scope="read")
    services, _ = token_create(actor=SYSTEM, user=service, name="erp", scope="read")
    officers, _ = token_create(actor=SYSTEM, user=officer, name="officer's", scope="read")

    officer_client = api_client(officer)
    assert {t["id"] for t in officer_client.get("/api/v1/tokens").json()["items"]} == {officers.pk}
    for token in (admins, services):
        assert_error_shape(officer_client.delete(f"/api/v1/tokens/{token.pk}"), 404, "not_found")
        assert officer_client.post(f"/account/tokens/{token.pk}/revoke").status_code == 404
    assert "admin&#x27;s" not in officer_client.get("/account/tokens/").content.decode()

    admin_client = api_client(admin)
    assert {t["id"] for t in admin_client.get("/api/v1/tokens").json()["items"]} == {admins.pk, services.pk}
    assert_error_shape(admin_client.delete(f"/api/v1/tokens/{officers.pk}"), 404)
    assert admin_client.delete(f"/api/v1/tokens/{services.pk}").status_code == 200
    officers.refresh_from_db()
    assert officers.revoked_at is None


@pytest.mark.django_db
def test_the_auditor_reads_everything(auditor, api_client):
    from conduct.apps.accounts.models import Liaison, OrgUnit, User
    from conduct.apps.audit.models import LedgerEntry

    client = api_client(auditor)
    assert client.get("/api/v1/org-units?limit=500").json()["count"] == OrgUnit.objects.count()
    assert client.get("/api/v1/users?limit=500").json()["count"] == User.objects.count()
    assert client.get("/api/v1/liaisons?limit=500").json()["count"] == Liaison.objects.count()
    assert client.get("/api/v1/ledger?limit=1").json()["count"] == LedgerEntry.objects.count()
    assert client.get("/api/v1/ledger/verify").json()["ok"] is True
    assert client.get("/api/v1/users/supplier_acme").status_code == 200


# Writes every role may make on its own account: its tokens and notifications, logging out, and re-checking
# the ledger.
SELF_SERVICE_API = {
    ("POST", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/{token_id}"),
    ("DELETE", "/api/v1/sessions/{session_id}"),
    ("POST", "/api/v1/notifications/{notification_id}/read"),
    ("POST", "/api/v1/notifications/clear"),
}
SELF_SERVICE_PAGES = {
    ("POST", "logout/"),
    ("POST", "language/"),
    ("POST", "account/tokens/"),
    ("POST", "account/tokens/<int:token_id>/revoke"),
    ("POST", "account/sessions/<int:session_id>/end"),
    ("POST", "account/mfa/totp"),
    ("POST", "account/mfa/totp/remove"),
    ("POST", "account/mfa/recovery-codes"),
    ("POST", "account/mfa/webauthn"),
    ("POST", "account/mfa/webauthn/<int:key_id>/remove"),
    ("POST", "audit/ledger/verify"),
    ("POST", "governance/notifications/<int:notification_id>/read"),
    ("POST", "governance/notifications/clear"),
}


@pytest.mark.django_db
def test_the_auditor_is_refused_every_write_with_403(auditor, bearer):
    from conduct.apps.audit.models import LedgerEntry

    headers = bearer(auditor, "read-write")
    api_writes = [
        (m, fill(p, auditor), API[(m, p)].body(auditor) if API[(m, p)].body else None)
        for m, p in sorted(API)
        if m != "GET" and (m, p) not in SELF_SERVICE_API | PUBLIC_API
    ]
    page_writes = [
        ("/" + fill(r, auditor), PAGES[(m, r)].body(auditor) if PAGES[(m, r)].body else None)
        for m, r in sorted(PAGES)
        if m == "POST"
        and (m, r) not in SELF_SERVICE_PAGES
        and r not in REPORT_PAGES + SECURITY_PAGES + SSO_PAGES
    ]
    assert len(api_writes) >= 9 and len(page_writes) >= 6
    client = Client()
    client.force_login(auditor)
    before = LedgerEntry.objects.count()
    for method, url, body in api_writes:
        assert_error_shape(call(Client(), method, url, body, as_json=True, **headers), 403, "forbidden")
    for url, body in page_writes:
        response = call(client, "POST", url, body, as_json=False)
        assert response.status_code == 403, (url, response.status_code)
    assert LedgerEntry.objects.count() == before


@pytest.mark.django_db
def test_read_only_tokens_cannot_write_anywhere_in_the_api(admin, bearer):
    from conduct.apps.audit.models import LedgerEntry

    headers = bearer(admin, "read")
    requests = [
        (m, fill(p, admin), API[(m, p)].body(admin) if API[(m, p)].body else None)
        for m, p in sorted(set(API) - PUBLIC_API - ADVISORY_PUBLIC_API)
        if m != "GET" or "admin" in API[(m, p)].allowed  # what the admin may read (not grievances)
    ]
    before = LedgerEntry.objects.count()
    for method, url, body in requests:
        response = call(Client(), method, url, body, as_json=True, **headers)
        if method == "GET":  # the same token reads everything its user may read
            assert response.status_code == 200, (url, response.content[:200])
        else:
            assert_error_shape(response, 403, "read_only_token")
    assert LedgerEntry.objects.count() == before


@pytest.mark.django_db
def test_session_writes_need_the_csrf_token_but_bearer_writes_do_not(officer, bearer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    body = json.dumps({"name": "csrf", "expires_days": 1})
    assert_error_shape(client.post("/api/v1/tokens", body, content_type="application/json"), 403, "csrf")
    assert client.get("/api/v1/tokens").status_code == 200  # reads need no token

    client.get("/account/tokens/")  # sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value
    ok = client.post("/api/v1/tokens", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert ok.status_code == 201

    tokenised = Client(enforce_csrf_checks=True)
    assert (
        tokenised.post("/api/v1/tokens", body, content_type="application/json", **bearer(officer)).status_code
        == 201
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization", ["Bearer cdt_00000000_nope", "Bearer nonsense", "Basic b2ZmaWNlcjp4"]
)
def test_a_write_with_a_bad_token_answers_401_not_a_csrf_error(authorization):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/org-units", "{}", content_type="application/json", HTTP_AUTHORIZATION=authorization
    )
    assert_error_shape(response, 401, "unauthenticated")


@pytest.mark.django_db
def test_the_public_grievance_operations_answer_anonymous_callers_without_a_login():
    client = Client(enforce_csrf_checks=True)
    mismatches = []
    for method, path in sorted(PUBLIC_API):
        rule = API[(method, path)]
        response = _in_savepoint(
            lambda rule=rule, method=method, path=path: call(
                client, method, path, rule.body(None) if rule.body else None, as_json=True
            )
        )
        if response.status_code != rule.ok:
            mismatches.append(f"{method} {path}: {response.status_code} {response.content[:200]!r}")
    assert mismatches == []
