"""No malformed request ever produces a 500, and every API error has one shape.

`{"error": {"code", "message", "fields"}}` with 400 bad_json, 401, 403, 404, 405, 409, 413 too_large or
422 invalid (naming the field). Operations and their parameters are read from the OpenAPI schema, so a new
endpoint is covered without touching this file (a new typed body needs a BASELINES entry; a test says so).
Every malformed request must also leave the database as it was.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from conduct.apps.accounts.actors import SYSTEM

WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}
_SOON = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()


# A schema-valid body per typed write operation, acceptable to an administrator against the demo data.
# Bodies of the operations added beside the grievance intake (own operations, policies, products); merged
# into BASELINES below.
_PLAIN_BASELINES: dict[tuple[str, str], dict[str, Any]] = {
    # investigator access (issue 18): a new read-only account until a date in the future
    ("POST", "/api/v1/investigators"): {
        "username": "err-investigator",
        "until": "2099-01-01",
        "units": [],
        "modules": [],
        "email": "",
    },
    # own operations (the demo's Shenzhen plant; a working-time file for the London office, checked only)
    ("POST", "/api/v1/workforce/sites"): {
        "code": "err-site",
        "name": "Err site",
        "kind": "office",
        "org_unit": "br-de",
        "country": "DE",
        "headcount": 3,
        "liaison": None,
    },
    ("PATCH", "/api/v1/workforce/sites/{own_site_id}"): {
        "name": "Shenzhen camera assembly plant",
        "kind": "factory",
        "country": "CN",
        "headcount": 1850,
        "liaison": "liaison_video",
    },
    ("POST", "/api/v1/workforce/sites/{own_site_id}/certificates"): {
        "standard": "ISO 14001",
        "number": "ERR-1",
        "issuer": "",
        "accreditation_body": "",
        "scope": "",
        "valid_from": None,
        "valid_until": "2030-01-01",
    },
    ("POST", "/api/v1/workforce/sites/{own_site_id}/audits"): {
        "kind": "social",
        "date": "2026-01-05",
        "auditor": "Err",
        "scope": "",
        "findings": [],
    },
    ("POST", "/api/v1/workforce/hours/import"): {
        "content": "site,worker_ref,week_start,regular_hours,overtime_hours,rest_days\n"
        "uk-office,ERR-1,2026-01-05,40,2,2\n",
        "commit": False,
        "file_name": "",
    },
    ("POST", "/api/v1/workforce/sites/{own_site_id}/incidents"): {
        "kind": "injury",
        "severity": "medical",
        "date": "2026-01-05",
        "lost_days": 0,
        "description": "Err",
    },
    ("POST", "/api/v1/workforce/sites/{own_site_id}/hours-worked"): {"month": "2026-01", "hours": 1000},
    ("PATCH", "/api/v1/workforce/corrective-actions/{own_action_id}"): {
        "root_cause": "Err",
        "action": "Err",
        "evidence": "",
        "owner": "liaison_video",
        "due_date": "2030-01-01",
        "status": "in_progress",
    },
    # policies and training (the demo's human-rights policy: its published version is the first one stored)
    ("POST", "/api/v1/policies"): {
        "key": "err-policy",
        "title": "Err",
        "org_unit": "hq",
        "body": "# Err",
        "next_review": "2030-01-01",
    },
    ("POST", "/api/v1/policies/{policy_key}/versions"): {"body": "# Err", "next_review": "2030-01-01"},
    ("POST", "/api/v1/attestation-campaigns"): {
        "version": 1,
        "roles": ["liaison"],
        "units": ["br-uk"],
        "due_date": "2030-01-01",
    },
    ("POST", "/api/v1/training/courses"): {
        "code": "err-course",
        "title": "Err",
        "roles": ["liaison"],
        "validity_months": 0,
    },
    ("POST", "/api/v1/training/completions/import"): {
        "content": "course,username,completed_on\nhr-due-diligence,liaison_ae,2026-01-05\n"
    },
    # training assignments and entered completions (the demo's liaison course), an own site's corrective
    # action worked through its evidence, submission and review
    ("POST", "/api/v1/training/assignments"): {
        "course": "hr-due-diligence",
        "rule": "role",
        "roles": ["liaison"],
        "unit": None,
        "due_date": "2099-01-01",
        "due_days": 0,
    },
    ("POST", "/api/v1/training/completions"): {
        "course": "hr-due-diligence",
        "user": "liaison_uk",
        "completed_on": "2026-01-05",
        "score": 80,
        "certificate_name": "",
        "certificate_base64": None,
    },
    ("POST", "/api/v1/workforce/sites/{own_site_id}/findings/{own_finding_id}/corrective-action"): {
        "action": "Err",
        "owner": "Err",
        "due_date": "2099-01-01",
        "root_cause": "",
    },
    ("POST", "/api/v1/workforce/corrective-actions/{own_action_id}/evidence"): {
        "filename": "e.pdf",
        "content_base64": "JVBERi0xLjQKJWVycgo=",
    },
    ("POST", "/api/v1/workforce/corrective-actions/{own_action_id}/submit"): {"note": "Err"},
    ("POST", "/api/v1/workforce/corrective-actions/{own_action_id}/review"): {
        "decision": "verify",
        "note": "",
    },
    # the product register (the demo's NV-NVR-32 and its release 3.9.0)
    ("POST", "/api/v1/products"): {
        "model": "ERR-CAM-1",
        "name": "Err",
        "type": "ip_camera",
        "business_unit": "bu-video",
        "capabilities": ["motion_detection"],
    },
    ("POST", "/api/v1/products/import"): {
        "content": "model,name,type,business_unit,capabilities\nERR-CAM-2,Err,nvr,bu-video,motion_detection\n"
    },
    ("POST", "/api/v1/products/{product_id}/releases"): {
        "version": "9.9.9",
        "status": "draft",
        "released_on": None,
        "support_end": None,
    },
    ("PUT", "/api/v1/releases/{release_id}"): {
        "status": "released",
        "released_on": None,
        "support_end": None,
    },
    ("POST", "/api/v1/releases/{release_id}/vex"): {
        "cve": "CVE-2023-4911",
        "state": "not_affected",
        "justification": "code_not_reachable",
        "detail": "",
    },
    ("POST", "/api/v1/sboms"): {
        "model": "NV-NVR-32",
        "version": "9.9.8",
        "content": json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.6",
                "components": [{"type": "library", "name": "zlib", "version": "1.3.1"}],
            }
        ),
        "filename": "",
    },
    # coordinated vulnerability disclosure (the demo's received report)
    ("POST", "/api/v1/public/vulnerability-reports"): {
        "product": "NV-DOME-4K",
        "version": "5.2.1",
        "summary": "Err",
        "details": "Err",
        "reporter_name": "",
        "reporter_email": "",
        "attachments": [],
    },
    ("POST", "/api/v1/vulnerability-reports/{vuln_report_id}/transition"): {
        "to": "acknowledged",
        "note": "Err",
        "to_reporter": True,
        "verdict": "",
        "duplicate_of": "",
        "product": "",
        "version": "",
        "cve": "",
        "cvss": None,
    },
    ("POST", "/api/v1/vulnerability-reports/{vuln_report_id}/notes"): {"body": "Err", "to_reporter": False},
    ("POST", "/api/v1/vulnerabilities/load"): {
        "documents": [
            {
                "name": "kev.json",
                "content": json.dumps(
                    {
                        "catalogVersion": "err",
                        "vulnerabilities": [
                            {
                                "cveID": "CVE-2099-0002",
                                "vendorProject": "Err",
                                "product": "Err",
                                "dateAdded": "",
                            }
                        ],
                    }
                ),
            }
        ]
    },
}


# advisories and release assessments (the demo's NV-NVR-32 3.9.0, its published advisory, NV-DOME-4K 5.2.1)
_PLAIN_BASELINES.update(
    {
        ("POST", "/api/v1/advisories"): lambda: {
            "title": "Err advisory",
            "summary": "Err",
            "vulnerabilities": [{"cve": "CVE-2023-4911", "cvss": 7.8, "vector": ""}],
            "affected": [_demo_release("NV-NVR-32", "3.9.0")],
            "fixed": [],
            "remediation": "",
        },
        ("POST", "/api/v1/advisories/from-release"): lambda: {
            "release_id": _demo_release("NV-NVR-32", "3.9.0")
        },
        ("PUT", "/api/v1/advisories/{advisory_id}"): lambda: {
            "title": "Err advisory",
            "summary": "Err",
            "vulnerabilities": [{"cve": "CVE-2023-4911", "cvss": 7.8, "vector": ""}],
            "affected": [_demo_release("NV-NVR-32", "3.9.0")],
            "fixed": [],
            "remediation": "",
            "revision": "Err revision",
        },
        ("PUT", "/api/v1/releases/{release_id}/assessment"): {
            "items": [{"provision": "5.1-1", "state": "met", "note": ""}]
        },
        ("POST", "/api/v1/releases/{release_id}/assessment/evidence"): {
            "provision": "5.1-1",
            "filename": "err.txt",
            "content": "ZXJy",
        },
    }
)


class _Baselines(dict[tuple[str, str], Any]):
    """The baseline bodies; a callable one is made fresh at each use (a reporter's session, a receipt)."""

    def __getitem__(self, key: tuple[str, str]) -> dict[str, Any]:
        value = super().__getitem__(key)
        return value() if callable(value) else value

    def get(self, key: tuple[str, str], default: Any = None) -> Any:  # type: ignore[override]
        return self[key] if key in self else default  # noqa: SIM401 - self.get would recurse


# correspondence and commitments (the demo's regulator letter, its partner letter, its overdue commitment)
def _eng(name: str) -> int:
    from conduct.apps.catalog.models import Control
    from conduct.apps.engagement.models import Commitment, Correspondence, Counterpart, Question

    letter = Correspondence.objects.get(subject="Face recognition analytics in UK deployments")
    if name == "regulator":
        return int(letter.counterpart_id)
    if name == "letter":
        return int(letter.pk)
    if name == "partner_letter":
        return int(Correspondence.objects.get(subject__startswith="Lawful use of video analytics").pk)
    if name == "rhein":
        return int(Counterpart.objects.get(name="Rhein Sicherheitstechnik GmbH").pk)
    if name == "question":  # a draft with its answer (written directly, once)
        question, _ = Question.objects.get_or_create(
            correspondence=letter, number=98, defaults={"text": "Err?", "answer": "Err."}
        )
        return int(question.pk)
    if name == "control":
        return int(Control.objects.get(code="xinjiang-tracing").pk)
    return int(Commitment.objects.get(text__startswith="Send the lawful-use letter").pk)


_PLAIN_BASELINES.update(
    {
        ("POST", "/api/v1/counterparts"): {
            "kind": "media",
            "name": "Err Daily",
            "country": "GB",
            "contact": "",
            "notes": "",
        },
        ("PATCH", "/api/v1/counterparts/{counterpart_id}"): {
            "kind": "regulator",
            "name": "Northbridge Data Protection Authority",
            "country": "GB",
            "contact": "",
            "notes": "Err",
        },
        ("POST", "/api/v1/correspondence"): lambda: {
            "direction": "in",
            "kind": "letter",
            "date": "2026-01-05",
            "channel": "email",
            "subject": "Err letter",
            "summary": "",
            "reference": "",
            "counterpart": _eng("regulator"),
            "recipients": [],
            "in_reply_to": None,
            "owner_unit": "br-uk",
            "questions": ["Err?"],
        },
        ("POST", "/api/v1/correspondence/{correspondence_id}/documents"): {
            "filename": "err.pdf",
            "content": "JVBERi0xLjQKJSVFT0YK",
        },
        ("POST", "/api/v1/correspondence/{correspondence_id}/questions"): {"text": "Err?"},
        ("POST", "/api/v1/correspondence/{letter_id}/acknowledgements"): lambda: {
            "counterpart": _eng("rhein"),
            "by": "Err",
            "how": "email",
        },
        ("PUT", "/api/v1/questions/{question_id}/answer"): {"answer": "Err"},
        ("POST", "/api/v1/questions/{question_id}/review"): {"action": "submit", "note": "", "sent_in": None},
        ("POST", "/api/v1/commitments"): {
            "made_in": "meeting",
            "correspondence": None,
            "text": "Err",
            "owner_unit": "br-uk",
            "due_date": "2030-01-01",
            "public": False,
        },
        ("PATCH", "/api/v1/commitments/{commitment_id}"): {
            "text": "Err",
            "due_date": "2030-01-01",
            "public": True,
            "owner_unit": "br-uk",
        },
        ("POST", "/api/v1/commitments/{commitment_id}/status"): {"status": "open", "reason": ""},
        ("POST", "/api/v1/commitments/{commitment_id}/evidence"): lambda: {
            "kind": "control",
            "target_id": _eng("control"),
            "note": "",
        },
    }
)


def _grievance_row(**fields: Any) -> Any:
    """A report written directly (no ledger entry, so `unchanged` holds)."""
    from tests.factories.grievances import GrievanceFactory

    return GrievanceFactory(**fields)


def _receipt() -> str:
    from conduct.apps.grievances import receipts

    receipt = receipts.receipt_new()
    _grievance_row(
        receipt_lookup=receipts.receipt_lookup(receipt), receipt_hash=receipts.receipt_hash(receipt)
    )
    return receipt


def _session(status: str = "received") -> str:
    import hashlib
    from datetime import timedelta

    from django.utils import timezone

    from conduct.apps.grievances.models import ReporterSession

    token = "cgs_err_" + str(timezone.now().timestamp())
    ReporterSession.objects.create(
        grievance=_grievance_row(status=status),
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    return token


def _br_uk() -> int:
    from conduct.apps.accounts.models import OrgUnit

    return int(OrgUnit.objects.get(code="br-uk").pk)


BASELINES: dict[tuple[str, str], Any] = _Baselines(
    {
        **_PLAIN_BASELINES,
        ("POST", "/api/v1/org-units"): {
            "code": "err-unit",
            "name": "Err unit",
            "kind": "department",
            "country": "CN",
            "parent": "hq",
        },
        ("PATCH", "/api/v1/org-units/{unit_id}"): {"name": "UK Branch", "country": "GB", "is_active": True},
        ("POST", "/api/v1/users"): {
            "username": "err-user",
            "role": "analyst",
            "email": "err@example.org",
            "first_name": "Err",
            "last_name": "User",
            "password": "Long-enough-pass-2026",
            "scope_units": ["hq-legal"],
            "home_unit": "hq-legal",
            "portal_org": None,
            "is_service_account": False,
        },
        ("PATCH", "/api/v1/users/{user_id}"): {
            "role": "liaison",
            "email": "jonas@example.org",
            "is_active": True,
            "scope_units": ["br-de"],
        },
        ("POST", "/api/v1/liaisons"): {"user": "analyst", "org_unit": "br-br", "is_primary": False},
        ("POST", "/api/v1/tokens"): {"name": "err", "scope": "read", "expires_days": 1, "user": None},
        # catalog and reports
        ("POST", "/api/v1/controls"): {
            "code": "err-control",
            "title": "Err control",
            "description": "",
            "dimension": "labour",
            "org_unit": "hq-hr",
            "owner": None,
            "requirements": ["urn:conduct:sa8000:SA8000-7.a"],
        },
        ("PATCH", "/api/v1/controls/{control_code}"): {
            "title": "End-use screening",
            "description": "",
            "dimension": "product",
            "org_unit": "hq-sales",
            "owner": "officer",
            "is_active": True,
            "requirements": ["urn:conduct:ungp:UNGP-17"],
        },
        ("POST", "/api/v1/assessments"): {
            "framework": "ungp",
            "scope_kind": "company",
            "title": "",
            "org_unit": None,
            "supplier": None,
            "product": "",
            "owner": None,
        },
        ("PUT", "/api/v1/assessments/{assessment_id}/results/{urn}"): {
            "status": "met",
            "note": "",
            "owner": None,
        },
        ("POST", "/api/v1/assessments/{assessment_id}/results/{urn}/evidence"): {
            "kind": "link",
            "title": "",
            "url": "https://example.org/evidence",
            "file_name": "",
            "content_base64": None,
            "gate_decision": None,
            "audit": None,
            "certificate": None,
        },
        ("POST", "/api/v1/risks"): {
            "code": "err-risk",
            "title": "Err risk",
            "description": "",
            "dimension": "labour",
            "rights": ["privacy"],
            "people_affected": "Staff",
            "org_unit": "hq",
            "scope_units": [],
            "scope_suppliers": [],
            "scope_products": [],
            "scale": 2,
            "scope": 2,
            "irremediability": 2,
            "likelihood": 2,
            "residual_likelihood": None,
            "controls": [],
            "owner": None,
        },
        ("PATCH", "/api/v1/risks/{risk_code}"): {
            "title": "Misuse for mass surveillance",
            "likelihood": 3,
            "residual_likelihood": 2,
            "status": "active",
        },
        ("POST", "/api/v1/risks/{risk_code}/links"): {"kind": "finding", "id": 1, "note": ""},
        ("POST", "/api/v1/reports"): {"year": 2000},
        # screening
        ("POST", "/api/v1/screening/search"): {
            "name": "Drayworth Electronics Ltd",
            "type": "organization",
            "country": "GB",
            "birth_date": None,
            "limit": 5,
        },
        ("POST", "/api/v1/screening/parties"): {
            "reference": "customer:ERR-1",
            "kind": "customer",
            "name": "Err Customer Ltd",
            "aliases": ["Err Co"],
            "entity_type": "organization",
            "country": "GB",
            "birth_date": None,
            "org_unit": "br-uk",
        },
        ("POST", "/api/v1/screening/alerts/{alert_id}/review"): {
            "decision": "dismiss",
            "reason": "Not the same company",
        },
        ("POST", "/api/v1/screening/lists/{list_name}/versions"): {
            "filename": "err.csv",
            "content_base64": "aWQsbmFtZQpFLTEsRXJyIExpc3RlZCBMdGQK",  # id,name / E-1,Err Listed Ltd
            "format": None,
            "kind": None,
        },
        ("POST", "/api/v1/screening/batch"): {
            "names": [
                {"id": "1", "name": "Err Trading Ltd", "type": None, "country": None, "birth_date": None}
            ],
            "threshold": None,
            "limit": 5,
        },
        ("POST", "/api/v1/screening/sources"): {
            "name": "err_source",
            "url": "https://lists.example.org/err.csv",
            "format": "generic_csv",
            "kind": "custom",
            "interval_hours": 24,
            "max_bytes": None,
            "enabled": True,
        },
        ("POST", "/api/v1/screening/relations"): {
            "format": "csv",
            # owner_id,owned_id,share,relation,source / E-1,customer:ERR-9,10,ownership,err
            "content_base64": (
                "b3duZXJfaWQsb3duZWRfaWQsc2hhcmUscmVsYXRpb24sc291cmNlCkUtMSxjdXN0b21lcjpFUlItOSwxMCxv"
                "d25lcnNoaXAsZXJyCg=="
            ),
            "source": "",
        },
        # governance (votes, conflicts and the decision are made by the users ACTING_AS names)
        ("POST", "/api/v1/committees"): {
            "slug": "err-committee",
            "name": "Err",
            "mandate": "advises",
            "description": "",
            "quorum_ratio": 0.5,
            "majority": "simple",
            "chair_breaks_ties": True,
        },
        ("PATCH", "/api/v1/committees/{committee_id}"): {
            "name": "Technical Ethics Committee",
            "description": "x",
            "quorum_ratio": 0.5,
            "majority": "simple",
            "chair_breaks_ties": True,
        },
        ("POST", "/api/v1/committees/{committee_id}/members"): {
            "user": "analyst",
            "role": "member",
            "term_start": None,
            "term_end": None,
        },
        ("PATCH", "/api/v1/committees/{committee_id}/members/{member_id}"): {
            "role": "member",
            "term_end": None,
        },
        ("POST", "/api/v1/cases"): {
            "title": "Err case",
            "dimension": "labour",
            "queue": "compliance-officers",
            "description": "",
            "org_unit": "br-uk",
            "gate_decision": None,
            "rights": ["privacy"],
            "due_days": 14,
            "source": "manual",
            "subject_type": None,
            "subject_ref": "",
        },
        ("PATCH", "/api/v1/cases/{case_id}"): {"description": "x", "rights": ["privacy"], "due_at": None},
        ("POST", "/api/v1/cases/{case_id}/status"): {"status": "under_review", "reason": ""},
        ("POST", "/api/v1/cases/{case_id}/votes"): {
            "choice": "approve",
            "rationale": "Proportionate.",
            "conditions": [],
        },
        ("POST", "/api/v1/cases/{case_id}/decision"): {
            "outcome": "reject",
            "rationale": "Unlawful hours.",
            "conditions": [],
        },
        ("POST", "/api/v1/cases/{case_id}/conflicts"): {"reason": "Former employer."},
        ("POST", "/api/v1/cases/{case_id}/comments"): {"body": "x"},
        ("POST", "/api/v1/cases/{case_id}/documents"): {
            "filename": "a.txt",
            "kind": "evidence",
            "content_base64": "aGk=",
        },
        ("POST", "/api/v1/recommendations"): {
            "title": "x",
            "org_unit": "br-uk",
            "due_date": "2099-01-01",
            "description": "",
            "kind": "task",
            "source": "officer",
            "case": None,
        },
        ("PATCH", "/api/v1/recommendations/{recommendation_id}"): {
            "status": "in_progress",
            "evidence": "x",
            "due_date": "2099-01-01",
        },
        # suppliers (the demo supply chain: Acme and its records, see _demo_value)
        ("POST", "/api/v1/suppliers"): {
            "name": "Err Supplier",
            "country": "VN",
            "org_unit": "hq-procurement",
            "categories": ["pcb"],
            "external_id": None,
            "aliases": [],
            "registration_id": "",
            "other_registration_ids": [],
            "region": "",
            "address": "",
            "parent_company": None,
            "portal_org": None,
        },
        ("PATCH", "/api/v1/suppliers/{supplier_id}"): {
            "region": "Bac Ninh",
            "aliases": ["Acme EA"],
            "parent_company": None,
        },
        ("POST", "/api/v1/suppliers/import"): {
            "files": [{"name": "err.csv", "content": "external_id,name,country\nE-1,Err,VN\n"}]
        },
        ("POST", "/api/v1/suppliers/{supplier_id}/sites"): {
            "name": "Err site",
            "country": "VN",
            "region": "",
            "address": "",
            "headcount": None,
        },
        ("PATCH", "/api/v1/supplier-sites/{site_id}"): {"headcount": 1300},
        ("POST", "/api/v1/suppliers/{supplier_id}/contacts"): {
            "name": "Err contact",
            "email": "",
            "phone": "",
            "role": "",
            "receives_reminders": True,
        },
        ("POST", "/api/v1/suppliers/{supplier_id}/sub-suppliers"): {"supplier": "PKG-007"},
        ("POST", "/api/v1/suppliers/{supplier_id}/certificates"): {
            "standard": "ISO 45001",
            "number": "ERR-1",
            "valid_until": "2030-01-01",
            "valid_from": None,
            "issuer": "",
            "accreditation_body": "",
            "scope": "",
            "sites": [],
        },
        ("PATCH", "/api/v1/certificates/{certificate_id}"): {"issuer": "SGS Vietnam"},
        ("POST", "/api/v1/certificates/{certificate_id}/withdraw"): {"reason": "Err"},
        ("POST", "/api/v1/certificates/{certificate_id}/file"): {
            "filename": "c.pdf",
            "content_base64": "JVBERi0xLjQKJSVFT0YK",
        },
        ("POST", "/api/v1/suppliers/{supplier_id}/audits"): {
            "kind": "social",
            "date": "2025-01-15",
            "auditor": "Err",
            "scope": "",
            "site": None,
        },
        ("POST", "/api/v1/audits/{audit_id}/findings"): {
            "severity": "minor",
            "requirement": "urn:conduct:sa8000:SA8000-3.c",
            "description": "Err",
        },
        ("POST", "/api/v1/findings/{finding_id}/corrective-action"): {
            "action": "Err",
            "owner": "Ops",
            "due_date": "2027-01-31",
            "root_cause": "",
        },
        ("PATCH", "/api/v1/corrective-actions/{action_id}"): {"root_cause": "Err"},
        ("POST", "/api/v1/corrective-actions/{action_id}/evidence"): {
            "filename": "e.pdf",
            "content_base64": "JVBERi0xLjQKJSVFT0YK",
        },
        ("POST", "/api/v1/suppliers/{supplier_id}/questionnaires"): {
            "template": "sa8000-iso-basics",
            "due_date": None,
        },
        ("PATCH", "/api/v1/questionnaire-responses/{response_id}"): {
            "answers": {"min_hiring_age": 18},
            "submit": False,
        },
        ("POST", "/api/v1/questionnaire-responses/{response_id}/review"): {
            "decision": "return",
            "comment": "Err",
            "question_comments": {},
        },
        # device access (the demo's Metro Transit devices; a pending request and the approved request's grant)
        ("POST", "/api/v1/devices"): {
            "serial": "ERR-DEV-1",
            "customer": "Metro Transit Authority",
            "model": "M",
            "firmware": "1",
            "site": "",
            "installer": "",
        },
        ("POST", "/api/v1/devices/import"): {
            "content": "serial,model,firmware,customer,site,installer\n"
            "ERR-DEV-2,M,1,Metro Transit Authority,,\n"
        },
        ("POST", "/api/v1/access-requests"): {
            "devices": ["NV-CAM-0002"],
            "scopes": ["read_logs"],
            "hours": 2,
            "reason": "Err",
            "ticket": "",
        },
        ("POST", "/api/v1/access-requests/{request_id}/approve"): {
            "hours": 1,
            "scopes": ["read_logs"],
            "comment": "",
        },
        ("POST", "/api/v1/access-requests/{request_id}/deny"): {"comment": "Err"},
        ("POST", "/api/v1/grants/{grant_id}/revoke"): {"comment": "Err"},
        # inside the demo grant's window (read_logs on NV-CAM-0001, 4 h from when the demo loads, just after
        # collection): an authorised access, so no incident case needs opening
        ("POST", "/api/v1/access-events"): {
            "device": "NV-CAM-0001",
            "grant_id": None,
            "actor": "err",
            "scope": "read_logs",
            "started_at": _SOON,
            "ended_at": _SOON,
        },
        # grievances: the public intake (anyone), the officer's handling of the demo's Chinese report
        ("POST", "/api/v1/public/grievances"): {
            "description": "Err report",
            "relation": "other",
            "location": "",
            "occurred_on": None,
            "affected": "",
            "involved": [],
            "language": "en",
            "contact": "",
            "attachments": [],
            "challenge": "",
            "nonce": "",
        },
        ("POST", "/api/v1/public/vulnerability-reports/status"): lambda: {
            "reference": _demo_vuln_reference()
        },
        ("POST", "/api/v1/public/grievances/session"): lambda: {
            "receipt": _receipt(),
            "challenge": "",
            "nonce": "",
        },
        ("POST", "/api/v1/public/grievances/session/thread"): lambda: {"session": _session()},
        ("POST", "/api/v1/public/grievances/session/messages"): lambda: {
            "session": _session(),
            "body": "Err",
        },
        ("POST", "/api/v1/public/grievances/session/retaliation"): lambda: {
            "session": _session(),
            "body": "Err",
        },
        ("POST", "/api/v1/public/grievances/session/satisfaction"): lambda: {
            "session": _session("remedy"),
            "score": 3,
            "remedy_accepted": None,
            "comment": "",
        },
        ("POST", "/api/v1/grievances/{grievance_id}/transition"): {
            "to": "acknowledged",
            "reason": "Err",
            "dimension": "labour",
        },
        ("POST", "/api/v1/grievances/{grievance_id}/messages"): {"body": "Err", "kind": "question"},
        ("POST", "/api/v1/grievances/{grievance_id}/remedy"): {
            "type": "apology",
            "description": "Err",
            "accepted": None,
        },
        ("POST", "/api/v1/grievances/{grievance_id}/link"): lambda: {
            "supplier": None,
            "org_unit": _br_uk(),
            "corrective_action": False,
        },
        ("POST", "/api/v1/grievances/{grievance_id}/escalate"): {
            "title": "Err",
            "dimension": "labour",
            "rights": [],
        },
        ("POST", "/api/v1/grievances/{grievance_id}/exclusions"): {"username": "analyst"},
    }
)

# Writes an administrator cannot make, and who makes them for the baseline: votes and conflicts need a seat on
# the case's committee; only a compliance officer decides, and only a case of the officers' queue
# (PATH_VALUES).
ACTING_AS: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/cases/{case_id}/votes"): "ethics_chair",
    ("POST", "/api/v1/cases/{case_id}/conflicts"): "ethics_chair",
    ("POST", "/api/v1/cases/{case_id}/decision"): "officer",
    ("PATCH", "/api/v1/questionnaire-responses/{response_id}"): "supplier_acme",  # only the supplier answers
    ("POST", "/api/v1/access-requests"): "support_eng",  # only support engineers request
    (
        "POST",
        "/api/v1/access-requests/{request_id}/approve",
    ): "approver_metro",  # only the customer's approver
    ("POST", "/api/v1/access-requests/{request_id}/deny"): "approver_metro",
}
# Demo path values that differ by operation (otherwise _demo_value's, by parameter name).
PATH_VALUES: dict[tuple[str, str], dict[str, Any]] = {
    # the demo assessed NV-DOME-4K 5.2.1: evidence attaches to its recorded 5.1-1
    ("POST", "/api/v1/releases/{release_id}/assessment/evidence"): {
        "release_id": lambda: _demo_release("NV-DOME-4K", "5.2.1")
    },
    # an own site's corrective action is reviewed once submitted (evidence recorded, in progress)
    ("POST", "/api/v1/workforce/corrective-actions/{own_action_id}/review"): {
        "own_action_id": lambda: _demo_own_action("in_progress")
    },
    ("POST", "/api/v1/cases/{case_id}/decision"): {"case_id": lambda: _demo_case("compliance-officers")},
    # Acme has its questionnaire open: send one to a supplier that has none; review one that was submitted
    ("POST", "/api/v1/suppliers/{supplier_id}/questionnaires"): {
        "supplier_id": lambda: _demo_supplier("PKG-007")
    },
    ("POST", "/api/v1/questionnaire-responses/{response_id}/review"): {
        "response_id": lambda: _demo_response("submitted")
    },
    # a remedy is recorded while the report is under investigation
    ("POST", "/api/v1/grievances/{grievance_id}/remedy"): {
        "grievance_id": lambda: _demo_grievance("investigating")
    },
    # a new list (the demo's bis_dpl is a DPL file, not the baseline's CSV)
    ("POST", "/api/v1/screening/lists/{list_name}/versions"): {"list_name": lambda: "err_list"},
}
# Operations whose path names what they create: an unknown name is a new object, not a 404.
CREATE_BY_NAME = {("POST", "/api/v1/screening/lists/{list_name}/versions")}


@cache
def schema() -> dict[str, Any]:
    from conduct.config.api import api

    return api.get_openapi_schema()


def operations() -> list[tuple[str, str]]:
    return sorted((m.upper(), p) for p, ops in schema()["paths"].items() for m in ops)


def op(method: str, path: str) -> dict[str, Any]:
    return schema()["paths"][path][method.lower()]


def body_schema(method: str, path: str) -> dict[str, Any] | None:
    body = op(method, path).get("requestBody")
    if body is None:
        return None
    found = body["content"]["application/json"]["schema"]
    if "$ref" in found:
        found = schema()["components"]["schemas"][found["$ref"].rsplit("/", 1)[1]]
    return found


def params(method: str, path: str, where: str) -> list[dict[str, Any]]:
    return [p for p in op(method, path).get("parameters", []) if p["in"] == where]


WRITES = [(m, p) for m, p in operations() if m in WRITE_METHODS]
WITH_BODY = [(m, p) for m, p in WRITES if body_schema(m, p) is not None]
TYPED = [(m, p) for m, p in WITH_BODY if body_schema(m, p).get("properties")]  # type: ignore[union-attr]
WITH_PATH_PARAMS = [(m, p) for m, p in operations() if params(m, p, "path")]
PAGINATED = [(m, p) for m, p in operations() if any(q["name"] == "limit" for q in params(m, p, "query"))]


def ids(ops: list[tuple[str, str]]) -> list[str]:
    return [f"{m} {p}" for m, p in ops]


# --- helpers ------------------------------------------------------------------------------------


def _demo_screening_alert() -> int:
    from conduct.apps.screening.models import Alert

    return Alert.objects.get(party__reference="customer:CRM-4471", status="open").pk


def _demo_screening_party() -> int:
    from conduct.apps.screening.models import ScreenedParty

    return ScreenedParty.objects.get(reference="customer:CRM-4471").pk


def _demo_case(queue: str = "technical-ethics") -> int:
    """A UK-branch case for the Technical Ethics Committee (or the officers' queue). Written directly: opening
    one through the services would add ledger entries, which the checks that nothing changed would see."""
    from conduct.apps.accounts.models import OrgUnit
    from conduct.apps.governance.models import Case, Committee

    case, _ = Case.objects.get_or_create(
        title=f"Err case ({queue})",
        defaults={
            "dimension": "product",
            "queue": queue,
            "committee": Committee.objects.filter(slug=queue).first(),
            "org_unit": OrgUnit.objects.get(code="br-uk"),
            "opened_by": "err",
        },
    )
    return case.pk


def _demo_recommendation() -> int:
    """An open item for br-uk, written directly (no ledger entry) like the case."""
    from datetime import date

    from conduct.apps.accounts.models import OrgUnit
    from conduct.apps.governance.models import Recommendation

    item, _ = Recommendation.objects.get_or_create(
        title="Err item",
        defaults={
            "org_unit": OrgUnit.objects.get(code="br-uk"),
            "due_date": date(2099, 1, 1),
            "created_by": "err",
        },
    )
    return item.pk


def _demo_notification() -> int:
    """One of the administrator's own notifications."""
    from conduct.apps.accounts.models import User
    from conduct.apps.notifications.models import Notification

    found, _ = Notification.objects.get_or_create(
        user=User.objects.get(username="admin"), text="Err", defaults={"kind": "assignment"}
    )
    return found.pk


def _demo_committee() -> int:
    from conduct.apps.governance.models import Committee

    return Committee.objects.get(slug="technical-ethics").pk


def _demo_member() -> int:
    """A voting member's seat on the Technical Ethics Committee."""
    from conduct.apps.governance.models import CommitteeMember

    return CommitteeMember.objects.get(committee__slug="technical-ethics", user__username="ethics_member").pk


def _demo_value(name: str, spec: dict[str, Any]) -> Any:
    from conduct.apps.accounts.models import ApiToken, Liaison, OrgUnit, User

    known = {
        "unit_id": lambda: OrgUnit.objects.get(code="br-uk").pk,
        "username": lambda: "investigator",  # the demo's investigator (issue 18)
        "user_id": lambda: User.objects.get(username="liaison_de").pk,
        "liaison_id": lambda: Liaison.objects.get(org_unit__code="br-de").pk,
        "token_id": lambda: ApiToken.objects.filter(user__username="admin").first().pk,
        "seq": lambda: 1,
        "framework_slug": lambda: "ungp",
        "urn": lambda: "urn:conduct:ungp:UNGP-16",  # recorded in the demo assessment
        "control_code": lambda: "gate-sales-end-use",
        "risk_code": lambda: "misuse-mass-surveillance",
        "assessment_id": lambda: _demo_assessment(),
        "alert_id": lambda: _demo_screening_alert(),
        "party_id": lambda: _demo_screening_party(),
        "list_name": lambda: "bis_dpl",
        "committee_id": lambda: _demo_committee(),
        "member_id": lambda: _demo_member(),
        "case_id": lambda: _demo_case(),
        "recommendation_id": lambda: _demo_recommendation(),
        "notification_id": lambda: _demo_notification(),
        "supplier_id": lambda: _demo_supplier("ACME-001"),
        "sub_id": lambda: _demo_supplier("BRD-002"),
        "site_id": lambda: _acme().sites.first().pk,
        "contact_id": lambda: _acme().contacts.first().pk,
        "certificate_id": lambda: _acme().certificates.get(number="SA-2291").pk,
        "audit_id": lambda: _acme().audits.first().pk,
        "finding_id": lambda: _acme().findings.filter(action__isnull=True).first().pk,
        "action_id": lambda: _acme().corrective_actions.filter(status="open").first().pk,
        "response_id": lambda: _demo_response(),
        "template_key": lambda: "sa8000-iso-basics",
        "device_id": lambda: _demo_device("NV-CAM-0001"),
        "request_id": lambda: _demo_pending_request(),
        "grant_id": lambda: _demo_grant_id(),
        "own_site_id": lambda: _demo_own_site("sz-plant"),
        "policy_key": lambda: "human-rights-policy",
        "own_action_id": lambda: _demo_own_action(),
        "own_finding_id": lambda: _demo_own_finding(),
        "training_assignment_id": lambda: _demo_training_assignment(),
        "version_id": lambda: 1,
        "campaign_id": lambda: _demo_campaign(),
        "grievance_id": lambda: _demo_grievance(),
        "attachment_id": lambda: _demo_attachment(),
        "product_id": lambda: _demo_product("NV-NVR-32"),
        "release_id": lambda: _demo_release("NV-NVR-32", "3.9.0"),
        "vuln_report_id": lambda: _demo_vuln_report(),
        "vuln_file_id": lambda: _demo_vuln_file(),
        "advisory_id": lambda: _demo_advisory(),
        "public_id": lambda: _demo_advisory(),
        "counterpart_id": lambda: _eng("regulator"),
        "correspondence_id": lambda: _eng("letter"),
        "letter_id": lambda: _eng("partner_letter"),
        "question_id": lambda: _eng("question"),
        "commitment_id": lambda: _eng("commitment"),
    }
    if name in known:
        return known[name]()
    if "enum" in spec:
        return spec["enum"][0]
    return 1


def _demo_own_action(status: str | None = None) -> int:
    """The Shenzhen plant's first corrective action; with `status`, put in it with evidence (directly)."""
    from conduct.apps.suppliers.models import CorrectiveAction

    pk = CorrectiveAction.objects.filter(own_site__code="sz-plant").order_by("pk").first().pk
    if status is not None:
        CorrectiveAction.objects.filter(pk=pk).update(status=status, evidence="Err evidence")
    return pk


def _demo_own_finding() -> int:
    """A finding of the Shenzhen plant without its corrective action (written directly, once)."""
    from conduct.apps.suppliers.models import Finding, SupplierAudit

    found = Finding.objects.filter(own_site__code="sz-plant", action__isnull=True).first()
    if found is None:
        audit = SupplierAudit.objects.filter(own_site__code="sz-plant").first()
        found = Finding.objects.create(
            audit=audit, own_site_id=audit.own_site_id, severity="minor", requirement="Err", description="Err"
        )
    return int(found.pk)


def _demo_training_assignment() -> int:
    from conduct.apps.workforce.models import TrainingAssignment

    return TrainingAssignment.objects.order_by("pk").first().pk


def _demo_campaign() -> int:
    from conduct.apps.workforce.models import AttestationCampaign

    return AttestationCampaign.objects.order_by("pk").first().pk


def _demo_own_site(code: str) -> int:
    from conduct.apps.workforce.models import OwnSite

    return OwnSite.objects.get(code=code).pk


def _demo_grievance(status: str | None = None) -> int:
    """The demo's Chinese report (received); with `status`, put in that status directly."""
    from conduct.apps.grievances.models import Grievance

    grievance = Grievance.objects.filter(language="zh-hans").order_by("pk").first()
    if status is not None:
        Grievance.objects.filter(pk=grievance.pk).update(status=status)
    return int(grievance.pk)


def _demo_attachment() -> int:
    from conduct.apps.grievances import crypto
    from conduct.apps.grievances.models import Attachment

    return int(
        Attachment.objects.create(
            grievance_id=_demo_grievance(),
            name_enc=crypto.seal("err.txt", context="grievance.attachment_name"),
            content_type="text/plain",
            size=4,
            content_enc=crypto.seal_bytes(b"err\n", context="grievance.attachment").encode("ascii"),
        ).pk
    )


def _demo_product(model: str) -> int:
    from conduct.apps.products.models import Product

    return Product.objects.get(model=model).pk


def _demo_advisory() -> str:
    from conduct.apps.products.models import Advisory

    return str(Advisory.objects.filter(status="published").order_by("pk").first().advisory_id)


def _demo_release(model: str, version: str) -> int:
    from conduct.apps.products.models import Release

    return Release.objects.get(product__model=model, version=version).pk


def _demo_vuln_report() -> int:
    from conduct.apps.products.models import VulnerabilityReport

    return int(VulnerabilityReport.objects.filter(state="received").order_by("pk").first().pk)


def _demo_vuln_reference() -> str:
    from conduct.apps.products.models import VulnerabilityReport

    return str(VulnerabilityReport.objects.get(pk=_demo_vuln_report()).reference)


def _demo_vuln_file() -> int:
    from conduct.apps.products.models import VulnReportAttachment

    found, _created = VulnReportAttachment.objects.get_or_create(
        report_id=_demo_vuln_report(),
        name="err.txt",
        defaults={"size": 4, "sha256": "0" * 64, "content": b"err\n"},
    )
    return int(found.pk)


def _demo_device(serial: str) -> int:
    from conduct.apps.access.models import Device

    return Device.objects.get(serial=serial).pk


def _demo_pending_request() -> int:
    """A pending request of support_eng for NV-CAM-0002, written directly (no ledger entry) like the case."""
    from datetime import timedelta

    from django.utils import timezone

    from conduct.apps.access.models import AccessRequest, Device
    from conduct.apps.accounts.models import User

    device = Device.objects.get(serial="NV-CAM-0002")
    request, created = AccessRequest.objects.get_or_create(
        reason="Err pending",
        defaults={
            "requested_by": User.objects.get(username="support_eng"),
            "customer": device.customer,
            "scopes": ["read_logs"],
            "hours": 4,
            "answer_by": timezone.now() + timedelta(hours=12),
        },
    )
    if created:
        request.devices.set([device])
    return request.pk


def _demo_grant_id() -> str:
    from conduct.apps.access.models import Grant

    return (
        Grant.objects.filter(device__serial="NV-CAM-0001", revoked_at__isnull=True)
        .order_by("pk")
        .first()
        .grant_id
    )


def _acme() -> Any:
    from conduct.apps.suppliers.models import Supplier

    return Supplier.objects.get(external_id="ACME-001")


def _demo_supplier(external_id: str) -> int:
    from conduct.apps.suppliers.models import Supplier

    return Supplier.objects.get(external_id=external_id).pk


def _demo_response(status: str | None = None) -> int:
    """Acme's questionnaire, put in `status` directly (no ledger entry) when an operation needs it so."""
    from conduct.apps.suppliers.models import QuestionnaireResponse

    response = QuestionnaireResponse.objects.get(supplier__external_id="ACME-001")
    if status and response.status != status:
        QuestionnaireResponse.objects.filter(pk=response.pk).update(status=status)
    return response.pk


def _demo_assessment() -> int:
    from conduct.apps.catalog.models import Assessment

    return Assessment.objects.get(title="UNGP: the company (demo)").pk


def url_for(path: str, method: str, *, unknown: bool = False) -> str:
    url = path
    for p in params(method, path, "path"):
        spec = p["schema"]
        if unknown:
            value: Any = "no-such-thing" if spec.get("type") == "string" else 999_999_999
        else:
            override = PATH_VALUES.get((method, path), {}).get(p["name"])
            value = override() if override else _demo_value(p["name"], spec)
        url = url.replace("{" + p["name"] + "}", str(value))
    return url


def send(
    client: Client, method: str, url: str, data: str = "", content_type: str = "application/json"
) -> Any:
    return getattr(client, method.lower())(url, data, content_type=content_type)


def assert_error_shape(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, body
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in error["fields"].items())
    if code is not None:
        assert error["code"] == code, body
    return error


def snapshot() -> dict[str, int]:
    from conduct.apps.accounts.models import ApiToken, Liaison, OrgUnit, PortalOrganisation, User
    from conduct.apps.audit.models import Checkpoint, LedgerEntry

    models = [LedgerEntry, Checkpoint, OrgUnit, User, Liaison, ApiToken, PortalOrganisation]
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def client(admin: Any, request: Any) -> Client:
    """The administrator; for the grievance officers' operations (nobody else reads reports) the demo's
    grievance officer."""
    from conduct.apps.accounts.models import User
    from conduct.apps.accounts.services import token_create

    token_create(actor=SYSTEM, user=admin, name="own", scope="read")  # so {token_id} has a row to point at
    c = Client()
    path = getattr(getattr(request.node, "callspec", None), "params", {}).get("path", "")
    officer = str(path).startswith("/api/v1/grievances")
    c.force_login(User.objects.get(username="grievance_officer") if officer else admin)
    return c


@pytest.fixture
def unchanged(client: Client) -> Any:
    before = snapshot()
    yield
    assert snapshot() == before, "a rejected request changed the database"


# --- the schema-driven cases --------------------------------------------------------------------


def test_every_typed_write_operation_has_a_baseline_body():
    assert set(TYPED) == set(BASELINES)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), sorted(BASELINES), ids=ids(sorted(BASELINES)))
def test_the_baseline_bodies_are_accepted(client, method, path):
    """So that each malformed variant below fails because of the one thing changed in it."""
    if (method, path) in ACTING_AS:
        from conduct.apps.accounts.models import User

        client = Client()
        client.force_login(User.objects.get(username=ACTING_AS[(method, path)]))
    response = send(client, method, url_for(path, method), json.dumps(BASELINES[(method, path)]))
    assert 200 <= response.status_code < 300, response.content[:300]


def failures(cases: list[tuple[str, Any]], check: Any) -> list[str]:
    """Run `check(case)` for each (label, case); return what failed, so one test reports every offender."""
    found = []
    for label, case in cases:
        try:
            check(case)
        except AssertionError as exc:
            found.append(f"{label}: {exc}")
    return found


BAD_JSON = ['{"code": ', "{'single': 'quotes'}", "{]", "nul", "\x00", '{"a": 1}}', "[1,]"]
NOT_OBJECTS = ["[]", "[{}]", '"a string"', "null", "42", "1.5", "true"]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WITH_BODY, ids=ids(WITH_BODY))
def test_bad_json_answers_400_bad_json(client, unchanged, method, path):
    url = url_for(path, method)

    def check(raw: str) -> None:
        assert_error_shape(send(client, method, url, raw), 400, "bad_json")

    assert failures([(repr(raw), raw) for raw in BAD_JSON], check) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WITH_BODY, ids=ids(WITH_BODY))
def test_a_body_that_is_not_json_answers_400(client, unchanged, method, path):
    url = url_for(path, method)

    def check(content_type: str) -> None:
        assert_error_shape(send(client, method, url, "code=x&name=y", content_type), 400, "bad_json")

    assert failures([(ct, ct) for ct in ["text/plain", "application/x-www-form-urlencoded"]], check) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WITH_BODY, ids=ids(WITH_BODY))
def test_a_json_body_that_is_not_an_object_answers_422(client, unchanged, method, path):
    url = url_for(path, method)

    def check(body: str) -> None:
        error = assert_error_shape(send(client, method, url, body), 422, "invalid")
        assert list(error["fields"]) == ["body"], error
        assert error["fields"]["body"].startswith("Expected a JSON object"), error

    assert failures([(body, body) for body in NOT_OBJECTS], check) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WITH_BODY, ids=ids(WITH_BODY))
def test_an_empty_body_answers_422(client, unchanged, method, path):
    assert_error_shape(send(client, method, url_for(path, method), ""), 422, "invalid")


def _accepted_types(spec: dict[str, Any]) -> set[str]:
    options = spec.get("anyOf", [spec])
    return {o.get("type", "object") for o in options}


def wrong_values(spec: dict[str, Any]) -> list[Any]:
    """Values of the wrong JSON type for a property, then values breaking its constraints."""
    types = _accepted_types(spec)
    values: list[Any] = [{"wrong": "type"}]
    if "array" not in types:
        values.append(["wrong", "type"])
    if types <= {"string", "null"}:
        values.append(12345)
    if types <= {"integer", "null"}:
        values.append("twelve")
    if types <= {"boolean", "null"}:
        values.append("maybe")
    if types <= {"array", "null"}:
        values.append("not-a-list")
    for option in spec.get("anyOf", [spec]):
        if "enum" in option:
            values.append("not-one-of-the-choices")
        if "maxLength" in option:
            values.append("x" * (option["maxLength"] + 1))
        if option.get("minLength", 0) > 1:
            values.append("x" * (option["minLength"] - 1))
        if "maximum" in option:
            values.append(option["maximum"] + 1)
        if "minimum" in option:
            values.append(option["minimum"] - 1)
        if "maxItems" in option:
            values.append(["hq"] * (option["maxItems"] + 1))
    return values


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), TYPED, ids=ids(TYPED))
def test_a_field_of_the_wrong_type_or_out_of_range_answers_422_naming_it(client, unchanged, method, path):
    url = url_for(path, method)
    cases = [
        (f"{name}={json.dumps(value)[:30]}", (name, value))
        for name, spec in body_schema(method, path)["properties"].items()  # type: ignore[index]
        for value in wrong_values(spec)
    ]

    def check(case: tuple[str, Any]) -> None:
        name, value = case
        body = {**BASELINES[(method, path)], name: value}
        error = assert_error_shape(send(client, method, url, json.dumps(body)), 422, "invalid")
        assert error["fields"], error
        assert all(f == name or f.startswith((f"{name}.", f"{name}[")) for f in error["fields"]), error[
            "fields"
        ]

    assert len(cases) >= 2 * len(body_schema(method, path)["properties"])  # type: ignore[index]
    assert failures(cases, check) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), TYPED, ids=ids(TYPED))
def test_a_missing_required_field_answers_422_naming_it(client, unchanged, method, path):
    url = url_for(path, method)
    required = body_schema(method, path).get("required", [])  # type: ignore[union-attr]

    def check(name: str) -> None:
        body = {k: v for k, v in BASELINES[(method, path)].items() if k != name}
        error = assert_error_shape(send(client, method, url, json.dumps(body)), 422, "invalid")
        assert error["fields"] == {name: "Field required"}, error

    assert failures([(name, name) for name in required], check) == []


LOOKED_UP = [(m, p) for m, p in WITH_PATH_PARAMS if (m, p) not in CREATE_BY_NAME]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), LOOKED_UP, ids=ids(LOOKED_UP))
def test_an_unknown_id_in_the_path_answers_404(client, unchanged, method, path):
    body = json.dumps(BASELINES.get((method, path), {})) if method in WRITE_METHODS else ""
    enum_params = [p["name"] for p in params(method, path, "path") if "enum" in p["schema"]]
    response = send(client, method, url_for(path, method, unknown=True), body)
    if enum_params:  # an unknown choice is a malformed request, not a missing object
        assert set(enum_params) <= set(assert_error_shape(response, 422, "invalid")["fields"])
    else:
        assert_error_shape(response, 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), sorted(CREATE_BY_NAME), ids=ids(sorted(CREATE_BY_NAME)))
def test_a_path_name_that_cannot_name_a_new_object_answers_422_naming_it(client, unchanged, method, path):
    (name,) = [p["name"] for p in params(method, path, "path")]
    url = path.replace("{" + name + "}", "Not%20A%20Name")
    error = assert_error_shape(
        send(client, method, url, json.dumps(BASELINES[(method, path)])), 422, "invalid"
    )
    assert list(error["fields"]) == [name], error


INT_PATHS = [
    (m, p)
    for m, p in WITH_PATH_PARAMS
    if any(q["schema"].get("type") == "integer" for q in params(m, p, "path"))
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), INT_PATHS, ids=ids(INT_PATHS))
def test_a_non_integer_or_absurd_id_never_breaks_the_server(client, unchanged, method, path):
    body = json.dumps(BASELINES.get((method, path), {})) if method in WRITE_METHODS else ""
    names = [q["name"] for q in params(method, path, "path") if q["schema"].get("type") == "integer"]

    def check(case: tuple[str, str]) -> None:
        name, value = case
        url = path
        for p in params(method, path, "path"):
            url = url.replace(
                "{" + p["name"] + "}",
                value if p["name"] == name else str(_demo_value(p["name"], p["schema"])),
            )
        response = send(client, method, url, body)
        assert response.status_code in {404, 422}, response.content[:300]
        error = assert_error_shape(response, response.status_code)
        if response.status_code == 422:
            assert name in error["fields"], error

    values = ["abc", "1.5", "-1", "0", "99999999999999999999999999", "%20"]
    assert failures([(f"{n}={v}", (n, v)) for n in names for v in values], check) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WITH_BODY, ids=ids(WITH_BODY))
def test_a_body_over_the_upload_limit_answers_413(client, unchanged, settings, method, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    body = json.dumps({**BASELINES.get((method, path), {}), "padding": "x" * 5000})
    error = assert_error_shape(send(client, method, url_for(path, method), body), 413, "too_large")
    assert "4096" in error["message"]


@pytest.mark.django_db
def test_a_body_over_the_configured_limit_answers_413_at_the_real_size(client, unchanged, settings):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = json.dumps({"code": "big", "name": "x" * limit, "kind": "branch", "country": "GB"})
    assert_error_shape(send(client, "POST", "/api/v1/org-units", body), 413, "too_large")


PAGINATION = [
    ("limit=abc", "limit"),
    ("limit=0", "limit"),
    ("limit=100000", "limit"),
    ("limit=-5", "limit"),
    ("limit=1.5", "limit"),
    ("limit=", "limit"),
    ("offset=-1", "offset"),
    ("offset=abc", "offset"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), PAGINATED, ids=ids(PAGINATED))
def test_bad_pagination_answers_422_naming_the_parameter(client, unchanged, method, path):
    url = url_for(path, method)

    def check(case: tuple[str, str]) -> None:
        query, field = case
        error = assert_error_shape(client.get(f"{url}?{query}"), 422, "invalid")
        assert list(error["fields"]) == [field], error

    assert failures([(q, (q, f)) for q, f in PAGINATION], check) == []
    assert client.get(f"{url}?limit=500&offset=100000").status_code == 200  # the bounds themselves are fine


def _bad_query_values(spec: dict[str, Any]) -> list[str]:
    values: list[str] = []
    for option in spec.get("anyOf", [spec]):
        if option.get("type") == "integer":
            values.append("abc")
        if "enum" in option:
            values.append("not-a-choice")
        if option.get("format") == "date":
            values.append("2026-13-45")
        if "maxLength" in option:
            values.append("x" * (option["maxLength"] + 1))
    return values


FILTERED = [
    (m, p)
    for m, p in operations()
    if m == "GET"
    and any(
        _bad_query_values(q["schema"]) for q in params(m, p, "query") if q["name"] not in {"limit", "offset"}
    )
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), FILTERED, ids=ids(FILTERED))
def test_a_query_parameter_of_the_wrong_type_answers_422_naming_it(client, unchanged, method, path):
    url = url_for(path, method)
    cases = [
        (f"{q['name']}={value[:12]}", (q["name"], value))
        for q in params(method, path, "query")
        if q["name"] not in {"limit", "offset"}
        for value in _bad_query_values(q["schema"])
    ]

    def check(case: tuple[str, str]) -> None:
        name, value = case
        assert list(assert_error_shape(client.get(url, {name: value}), 422, "invalid")["fields"]) == [name]

    assert failures(cases, check) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nope",
        "/api/v2/org-units",
        "/api/v1/org-units/1/extra",
        "/api/v1/",
        "/api/",
        "/api/v1/ledger/1/2",
        "/api/%00",
        "/api/v1/users/" + "x" * 5000,
    ],
)
def test_an_unknown_api_path_answers_404_in_the_error_shape(client, url):
    assert_error_shape(client.get(url), 404, "not_found")


@pytest.mark.django_db
def test_an_unknown_api_path_answers_404_even_when_anonymous():
    assert_error_shape(Client().get("/api/v1/nope"), 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted({p for _, p in operations()}))
def test_a_method_an_endpoint_does_not_take_answers_405_in_the_error_shape(client, unchanged, path):
    taken = {m for m, p in operations() if p == path}
    method = next(m for m in ["PUT", "PATCH", "DELETE", "POST"] if m not in taken)
    response = send(client, method, url_for(path, sorted(taken)[0]), "{}")
    error = assert_error_shape(response, 405, "method_not_allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) == taken, error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/api/v1/org-units", {"parent": "no-such-unit"}, "parent"),
        ("POST", "/api/v1/users", {"scope_units": ["hq", "no-such-unit"]}, "scope_units"),
        ("POST", "/api/v1/users", {"home_unit": "no-such-unit"}, "home_unit"),
        (
            "POST",
            "/api/v1/users",
            {"role": "supplier", "portal_org": "No Such Ltd", "scope_units": [], "home_unit": None},
            "portal_org",
        ),
        ("PATCH", "/api/v1/users/{user_id}", {"scope_units": ["no-such-unit"]}, "scope_units"),
        ("POST", "/api/v1/liaisons", {"user": "nobody-here"}, "user"),
        ("POST", "/api/v1/liaisons", {"user": 999_999_999}, "user"),
        ("POST", "/api/v1/liaisons", {"org_unit": "no-such-unit"}, "org_unit"),
        ("POST", "/api/v1/tokens", {"user": "nobody-here"}, "user"),
        # a certificate covers sites of its own supplier only (the pages refuse them by the same rule)
        ("POST", "/api/v1/suppliers/{supplier_id}/certificates", {"sites": [999_999_999]}, "sites"),
        ("PATCH", "/api/v1/certificates/{certificate_id}", {"sites": [999_999_999]}, "sites"),
    ],
)
def test_an_unknown_reference_in_a_body_answers_422_naming_the_field(
    client, unchanged, method, path, body, field
):
    response = send(client, method, url_for(path, method), json.dumps({**BASELINES[(method, path)], **body}))
    assert field in assert_error_shape(response, 422, "invalid")["fields"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("POST", "/api/v1/org-units", {"code": "hq"}, 409, "conflict"),
        ("POST", "/api/v1/users", {"username": "OFFICER"}, 409, "conflict"),
        ("POST", "/api/v1/liaisons", {"user": "liaison_uk", "org_unit": "br-uk"}, 409, "conflict"),
        ("POST", "/api/v1/org-units", {"country": "ZZ"}, 422, "invalid"),
        ("POST", "/api/v1/org-units", {"code": "Not A Slug"}, 422, "invalid"),
        ("POST", "/api/v1/users", {"password": "short"}, 422, "invalid"),
        ("POST", "/api/v1/tokens", {"name": "   "}, 422, "invalid"),
        ("PATCH", "/api/v1/users/{user_id}", {"role": "supplier"}, 422, "invalid"),
    ],
)
def test_a_well_formed_body_that_breaks_a_rule_answers_in_the_error_shape(
    client, unchanged, method, path, body, status, code
):
    response = send(client, method, url_for(path, method), json.dumps({**BASELINES[(method, path)], **body}))
    assert_error_shape(response, status, code)


@pytest.mark.django_db
def test_a_service_error_without_a_field_still_has_an_empty_fields_object(admin, unchanged):
    client = Client()
    client.force_login(admin)
    response = client.patch(
        f"/api/v1/users/{admin.pk}", json.dumps({"is_active": False}), content_type="application/json"
    )
    assert assert_error_shape(response, 403, "self_change")["fields"] == {}


# --- fuzzing ------------------------------------------------------------------------------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def _bodies(method: str, path: str) -> st.SearchStrategy[Any]:
    keys = list(body_schema(method, path)["properties"])  # type: ignore[index]
    shaped = st.fixed_dictionaries({}, optional=dict.fromkeys(keys, _json))
    near_valid = st.builds(
        lambda extra: {**BASELINES[(method, path)], **extra},
        st.dictionaries(st.sampled_from(keys), _json, max_size=2),
    )
    return st.one_of(_json, shaped, near_valid)


def _fuzz(client: Client, method: str, path: str, body: Any) -> None:
    response = send(client, method, path, json.dumps(body))
    assert response.status_code < 500, (body, response.content[:300])
    if response.status_code >= 400:
        assert_error_shape(response, response.status_code)


_fuzz_settings = hsettings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@_fuzz_settings
@given(body=_bodies("POST", "/api/v1/org-units"))
def test_fuzzed_org_unit_bodies_never_break_the_server(client, body):
    _fuzz(client, "POST", "/api/v1/org-units", body)


@pytest.mark.django_db
@_fuzz_settings
@given(body=_bodies("POST", "/api/v1/users"))
def test_fuzzed_user_bodies_never_break_the_server(client, body):
    _fuzz(client, "POST", "/api/v1/users", body)
