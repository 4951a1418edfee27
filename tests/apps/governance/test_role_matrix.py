"""Every role against every governance API operation and every page that acts or shows one record: exactly
the expected answer, never a 500 (the list pages are covered by test_pages and test_permissions).

The case is the UK branch's gate review referred to the Technical Ethics Committee (ethics_chair chairs it,
officer is its non-voting secretary); the analyst is scoped to the Compliance Department, so the case is
outside their view (404). Each request runs in a savepoint that is rolled back, so each sees the same data.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

ROLES = ("admin", "officer", "liaison_uk", "ethics_chair", "analyst", "auditor", "supplier_acme", "customer_metro")
FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def row(*codes: int) -> dict[str, int]:
    assert len(codes) == len(ROLES)
    return dict(zip(ROLES, codes, strict=True))


INTERNAL_200 = row(200, 200, 200, 200, 200, 200, 403, 403)
STAFF_201 = row(201, 201, 403, 403, 403, 403, 403, 403)
STAFF_200 = row(200, 200, 403, 403, 403, 403, 403, 403)
STAFF_302 = row(302, 302, 403, 403, 403, 403, 403, 403)
SEES_CASE = row(200, 200, 200, 200, 404, 200, 403, 403)
EVERYONE_200 = row(*[200] * 8)

# (method, url template, body) -> expected status per role
API: list[tuple[str, str, Any, dict[str, int]]] = [
    ("GET", "/api/v1/committees", None, INTERNAL_200),
    ("POST", "/api/v1/committees", {"slug": "matrix-board", "name": "Matrix", "mandate": "advises"}, STAFF_201),
    ("GET", "/api/v1/committees/{committee}", None, INTERNAL_200),
    ("PATCH", "/api/v1/committees/{committee}", {"description": "x"}, STAFF_200),
    ("POST", "/api/v1/committees/{committee}/members", {"user": "analyst"}, STAFF_201),
    ("PATCH", "/api/v1/committees/{committee}/members/{member}", {"role": "member"}, STAFF_200),
    ("GET", "/api/v1/cases", None, INTERNAL_200),
    ("POST", "/api/v1/cases", {"title": "x", "dimension": "labour", "queue": "compliance-officers", "org_unit": "br-uk"}, STAFF_201),
    ("GET", "/api/v1/cases/{case}", None, SEES_CASE),
    ("PATCH", "/api/v1/cases/{case}", {"description": "x"}, row(200, 200, 403, 200, 404, 403, 403, 403)),
    ("POST", "/api/v1/cases/{case}/status", {"status": "under_review"}, row(200, 200, 403, 200, 404, 403, 403, 403)),
    ("GET", "/api/v1/cases/{case}/votes", None, SEES_CASE),
    ("POST", "/api/v1/cases/{case}/votes", {"choice": "approve", "rationale": "x"}, row(403, 403, 403, 201, 404, 403, 403, 403)),
    ("GET", "/api/v1/cases/{case}/decision", None, row(404, 404, 404, 404, 404, 404, 403, 403)),  # none yet
    ("POST", "/api/v1/cases/{case}/decision", {"outcome": "reject", "rationale": "x"},  # a committee's case
     row(403, 409, 403, 403, 404, 403, 403, 403)),
    ("POST", "/api/v1/cases/{case}/conflicts", {"reason": "x"}, row(403, 201, 403, 201, 404, 403, 403, 403)),
    ("GET", "/api/v1/cases/{case}/comments", None, SEES_CASE),
    ("POST", "/api/v1/cases/{case}/comments", {"body": "x"}, row(201, 201, 201, 201, 404, 403, 403, 403)),
    ("GET", "/api/v1/cases/{case}/documents", None, SEES_CASE),
    ("POST", "/api/v1/cases/{case}/documents", {"filename": "a.txt", "content_base64": "aGk="},
     row(201, 201, 201, 201, 404, 403, 403, 403)),
    ("GET", "/api/v1/recommendations", None, INTERNAL_200),
    ("POST", "/api/v1/recommendations", {"title": "x", "org_unit": "br-uk", "due_date": FUTURE}, STAFF_201),
    ("GET", "/api/v1/recommendations/{rec}", None, SEES_CASE),
    ("PATCH", "/api/v1/recommendations/{rec}", {"status": "in_progress"}, row(200, 200, 200, 403, 403, 403, 403, 403)),
    ("GET", "/api/v1/liaison-network", None, INTERNAL_200),
    ("GET", "/api/v1/notifications", None, EVERYONE_200),
    ("POST", "/api/v1/notifications/{notification}/read", None, EVERYONE_200),
    ("POST", "/api/v1/notifications/clear", None, EVERYONE_200),
]

PAGES: list[tuple[str, str, Any, dict[str, int]]] = [
    ("POST", "/governance/committees/new", {"slug": "matrix-page", "name": "M", "mandate": "advises"}, STAFF_302),
    ("POST", "/governance/committees/{committee}/rule", {"quorum_ratio": "0.5", "majority": "simple"}, STAFF_302),
    ("POST", "/governance/committees/{committee}/members", {"username": "analyst", "role": "member"}, STAFF_302),
    ("POST", "/governance/cases/new", {"title": "x", "dimension": "labour", "queue": "compliance-officers", "due_days": "14"},
     STAFF_302),
    ("GET", "/governance/cases/{case}/", None, SEES_CASE),
    ("POST", "/governance/cases/{case}/vote", {"choice": "approve", "rationale": "x"}, row(403, 403, 403, 302, 404, 403, 403, 403)),
    ("POST", "/governance/cases/{case}/decide", {"outcome": "reject", "rationale": "x"}, row(403, 409, 403, 403, 404, 403, 403, 403)),
    ("POST", "/governance/cases/{case}/conflict", {"reason": "x"}, row(403, 302, 403, 302, 404, 403, 403, 403)),
    ("POST", "/governance/cases/{case}/comments", {"body": "x"}, row(302, 302, 302, 302, 404, 403, 403, 403)),
    ("POST", "/governance/cases/{case}/documents", "upload", row(302, 302, 302, 302, 404, 403, 403, 403)),
    ("GET", "/governance/cases/{case}/documents/{document}", None, SEES_CASE),
    ("POST", "/governance/cases/{case}/status", {"status": "under_review"}, row(302, 302, 403, 302, 404, 403, 403, 403)),
    ("POST", "/governance/cases/{case}/edit", {"rights": ["privacy"]}, row(302, 302, 403, 302, 404, 403, 403, 403)),
    ("POST", "/governance/recommendations/new", "recommendation", STAFF_302),
    ("POST", "/governance/recommendations/escalate", None, STAFF_302),
    ("GET", "/governance/recommendations/{rec}/", None, SEES_CASE),
    ("POST", "/governance/recommendations/{rec}/update", {"status": "in_progress"}, row(302, 302, 302, 403, 403, 403, 403, 403)),
    ("POST", "/governance/notifications/{notification}/read", None, row(*[302] * 8)),
    ("POST", "/governance/notifications/clear", None, row(*[302] * 8)),
]


@pytest.fixture
def objects(tec_case, officer):
    from conduct.apps.accounts.models import OrgUnit
    from conduct.apps.governance import services
    from conduct.apps.governance.models import CommitteeMember

    rec = services.recommendation_create(actor=officer, title="Matrix item", org_unit=OrgUnit.objects.get(code="br-uk"),
                                         due_date=dt.date.today())
    document = services.case_document_add(actor=officer, case=tec_case, filename="m.txt", content=b"hello")
    member = CommitteeMember.objects.get(committee=tec_case.committee, user__username="ethics_member")
    return {"case": tec_case.pk, "committee": tec_case.committee_id, "member": member.pk, "rec": rec.pk,
            "document": document.pk}


def _request(client: Client, method: str, url: str, body: Any, *, api: bool) -> Any:
    from conduct.apps.accounts.models import OrgUnit

    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif api:
            data = json.dumps(body) if body is not None else ""
            response = getattr(client, method.lower())(url, data, content_type="application/json")
        else:
            if body == "upload":
                body = {"kind": "evidence", "file": SimpleUploadedFile("n.txt", b"notes", content_type="text/plain")}
            elif body == "recommendation":
                body = {"title": "x", "org_unit": OrgUnit.objects.get(code="br-uk").pk, "due_date": FUTURE, "kind": "task",
                        "source": "officer"}
            response = client.post(url, body or {})
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_expected_answer(role, objects, cast):
    from conduct.apps.notifications.services import notify

    actor = cast(role)
    own = notify(users=[actor], kind="assignment", text="matrix", link="/governance/cases/", email=False)[0]
    client = Client()
    client.force_login(actor)
    values = {**objects, "notification": own.pk}
    mismatches = []
    for table, api in ((API, True), (PAGES, False)):
        for method, template, body, expected in table:
            url = template.format(**values)
            response = _request(client, method, url, body, api=api)
            if response.status_code != expected[role]:
                mismatches.append(f"{method} {url}: {response.status_code}, expected {expected[role]}: {response.content[:160]!r}")
            elif api and response.status_code >= 400:
                error = response.json()["error"]
                if set(error) != {"code", "message", "fields"}:
                    mismatches.append(f"{method} {url}: not the error shape")
    assert mismatches == []


@pytest.mark.django_db
def test_anonymous_callers_get_401_from_the_api_and_the_login_page_from_pages(objects):
    client = Client()
    values = {**objects, "notification": 1}
    for method, template, body, _ in API:
        response = _request(client, method, template.format(**values), body, api=True)
        assert response.status_code == 401, template
    for method, template, body, _ in PAGES:
        response = _request(client, method, template.format(**values), body, api=False)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), template
