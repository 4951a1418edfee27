"""JSON API of security advisories (draft, revise, publish, CSAF), the public advisory feed, the customer
portal's products, a release's ETSI EN 303 645 assessment and a product's UK PSTI statement."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of
from conduct.apps.errors import Invalid
from conduct.apps.products import selectors, selectors_security
from conduct.apps.products.assessment_facts import release_evidence
from conduct.apps.products.csaf import csaf_document
from conduct.apps.products.models_security import Advisory, AssessmentState
from conduct.apps.products.services import advisories as services
from conduct.apps.products.services import assessment

router = Router(tags=["advisories"])


class AdvisoryVulnerability(Schema):
    cve: str = Field(..., min_length=9, max_length=64)
    cvss: float | None = Field(None, ge=0, le=10)
    vector: str = Field("", max_length=200, description="CVSS 3.0/3.1 vector, e.g. CVSS:3.1/AV:N/...")


class AdvisoryReleaseOut(Schema):
    release_id: int
    model: str
    version: str
    status: str


class AdvisoryOut(Schema):
    advisory_id: str
    title: str
    summary: str
    vulnerabilities: list[AdvisoryVulnerability]
    remediation: str
    status: str
    drafted_by: str
    published_at: datetime | None
    published_by: str
    revision_history: list[dict[str, str]]
    releases: list[AdvisoryReleaseOut]

    @staticmethod
    def resolve_releases(obj: Advisory) -> list[dict[str, Any]]:
        return [
            {
                "release_id": x["release"].pk,
                "model": x["release"].product.model,
                "version": x["release"].version,
                "status": x["status"],
            }
            for x in selectors_security.advisory_releases(obj)
        ]


class AdvisoryIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field(..., min_length=1, max_length=5000)
    vulnerabilities: list[AdvisoryVulnerability] = Field(..., min_length=1, max_length=50)
    affected: list[DbId] = Field(..., min_length=1, max_length=100, description="Affected release ids")
    fixed: list[DbId] = Field(default_factory=list, max_length=100, description="Release ids that fix it")
    remediation: str = Field("", max_length=5000)


class AdvisoryChangeIn(AdvisoryIn):
    revision: str = Field("", max_length=500, description="What a revision of a published advisory changes")


class AdvisoryFromReleaseIn(Schema):
    release_id: DbId


class PublicAdvisoryOut(Schema):
    advisory_id: str
    title: str
    cves: list[str]
    published_at: datetime | None
    version: str
    csaf_url: str

    @staticmethod
    def resolve_csaf_url(obj: Advisory) -> str:
        return f"/security/advisories/{obj.advisory_id}.json"


class PortalReleaseOut(Schema):
    version: str
    status: str
    released_on: date | None
    support_end: date | None


class PortalAdvisoryOut(Schema):
    advisory_id: str
    title: str
    cves: list[str]
    published_at: datetime | None


class PortalProductOut(Schema):
    model: str
    name: str
    support_end: date | None
    releases: list[PortalReleaseOut]
    advisories: list[PortalAdvisoryOut]


class ReleaseAssessmentItemIn(Schema):
    provision: str = Field(..., min_length=1, max_length=20, description="e.g. 5.1-1")
    state: str = Field(..., max_length=16, description=", ".join(AssessmentState.values))
    note: str = Field("", max_length=2000)


class ReleaseAssessmentIn(Schema):
    items: list[ReleaseAssessmentItemIn] = Field(..., min_length=1, max_length=100)


class ReleaseEvidenceIn(Schema):
    provision: str = Field(..., min_length=1, max_length=20)
    filename: str = Field(..., min_length=1, max_length=200)
    content: str = Field(
        ...,
        min_length=1,
        max_length=4_000_000,
        description="The file, base64 (larger files, to 10 MB: the page)",
    )


class ReleaseEvidenceOut(Schema):
    file_name: str
    file_size: int
    file_sha256: str
    added_by: str
    added_at: datetime


def _releases(request: HttpRequest, ids: list[int]) -> tuple[Any, ...]:
    actor = actor_of(request)
    return tuple(selectors.release_get(actor=actor, release_id=i) for i in ids)


def _spec(request: HttpRequest, payload: AdvisoryIn) -> services.AdvisorySpec:
    return services.AdvisorySpec(
        title=payload.title,
        summary=payload.summary,
        vulnerabilities=tuple(v.dict() for v in payload.vulnerabilities),
        affected=_releases(request, payload.affected),
        fixed=_releases(request, payload.fixed),
        remediation=payload.remediation,
    )


@router.get(
    "/advisories", response=list[AdvisoryOut], summary="Advisories of your business units (drafts too)"
)
@paginate(Page)
def advisories(request: HttpRequest) -> object:
    return selectors_security.advisory_list(actor=actor_of(request))


@router.post("/advisories", response={201: AdvisoryOut}, summary="Draft an advisory (product security)")
def advisory_draft(request: HttpRequest, payload: AdvisoryIn) -> Status:
    return Status(201, services.advisory_draft(actor=actor_of(request), spec=_spec(request, payload)))


@router.post(
    "/advisories/from-release",
    response={201: AdvisoryOut},
    summary="Draft an advisory from a release's open findings (CVEs and the affected release prefilled)",
)
def advisory_from_release(request: HttpRequest, payload: AdvisoryFromReleaseIn) -> Status:
    actor = actor_of(request)
    release = selectors.release_get(actor=actor, release_id=payload.release_id)
    return Status(201, services.advisory_from_release(actor=actor, release=release))


@router.get("/advisories/{advisory_id}", response=AdvisoryOut)
def advisory(request: HttpRequest, advisory_id: str) -> Advisory:
    return selectors_security.advisory_for(actor=actor_of(request), advisory_id=advisory_id)


@router.put(
    "/advisories/{advisory_id}",
    response=AdvisoryOut,
    summary="Change a draft, or revise a published advisory (a new revision; `revision` says what changed)",
)
def advisory_change(request: HttpRequest, payload: AdvisoryChangeIn, advisory_id: str) -> Advisory:
    actor = actor_of(request)
    found = selectors_security.advisory_for(actor=actor, advisory_id=advisory_id)
    return services.advisory_update(
        actor=actor, advisory=found, spec=_spec(request, payload), revision=payload.revision
    )


@router.post(
    "/advisories/{advisory_id}/publish",
    response=AdvisoryOut,
    summary="Approve and publish a draft (someone other than its drafter)",
)
def advisory_publish(request: HttpRequest, advisory_id: str) -> Advisory:
    actor = actor_of(request)
    found = selectors_security.advisory_for(actor=actor, advisory_id=advisory_id)
    return services.advisory_publish(actor=actor, advisory=found)


@router.get(
    "/advisories/{advisory_id}/csaf", response=dict[str, Any], summary="The advisory as CSAF 2.0 JSON"
)
def advisory_csaf(request: HttpRequest, advisory_id: str) -> dict[str, Any]:
    return csaf_document(selectors_security.advisory_for(actor=actor_of(request), advisory_id=advisory_id))


@router.get(
    "/public/advisories",
    response=list[PublicAdvisoryOut],
    auth=None,
    summary="Published advisories (no login)",
)
@paginate(Page)
def public_advisories(request: HttpRequest) -> object:
    return selectors_security.published_advisories()


@router.get(
    "/public/advisories/{public_id}",
    response=dict[str, Any],
    auth=None,
    summary="A published advisory as CSAF 2.0 JSON (no login)",
)
def public_advisory(
    request: HttpRequest, public_id: str = Path(..., pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
) -> dict[str, Any]:
    return csaf_document(selectors_security.published_advisory(public_id))


@router.get(
    "/portal/products",
    response=list[PortalProductOut],
    summary="Customers: the products your organisation bought, their support periods and advisories",
)
def portal_products(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors_security.portal_products(actor=actor_of(request))


@router.get(
    "/releases/{release_id}/assessment",
    response=dict[str, Any],
    summary="The release's ETSI EN 303 645 assessment by chapter, and the evidence the gate reads",
)
def release_assessment(request: HttpRequest, release_id: DbId) -> dict[str, Any]:
    actor = actor_of(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    sections = selectors_security.release_assessment(actor=actor, release=release)
    return {
        "model": release.product.model,
        "version": release.version,
        "evidence": release_evidence(release),
        "sections": [
            {
                "section": s["section"],
                "provisions": [
                    {
                        "provision": p["provision"],
                        "urn": p["urn"],
                        "title": p["title"],
                        "state": p["item"].state if p["item"] else None,
                        "note": p["item"].note if p["item"] else "",
                        "evidence": [
                            {"file_name": e.file_name, "file_size": e.file_size, "sha256": e.file_sha256}
                            for e in p["evidence"]
                        ],
                    }
                    for p in s["provisions"]
                ],
            }
            for s in sections
        ],
    }


@router.put(
    "/releases/{release_id}/assessment",
    response=dict[str, str],
    summary="Record provisions of the release's assessment (met, not_met, not_applicable), all or nothing",
)
def release_assessment_record(
    request: HttpRequest, release_id: DbId, payload: ReleaseAssessmentIn
) -> dict[str, str]:
    actor = actor_of(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    entries = [assessment.AssessmentEntry(**i.dict()) for i in payload.items]
    items = assessment.assessment_record(actor=actor, release=release, entries=entries)
    return {item.provision: item.state for item in items}


@router.post(
    "/releases/{release_id}/assessment/evidence",
    response={201: ReleaseEvidenceOut},
    summary="Attach a base64 evidence file to an assessed provision (10 MB files: the page)",
)
def release_assessment_evidence(request: HttpRequest, release_id: DbId, payload: ReleaseEvidenceIn) -> Status:
    actor = actor_of(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    try:
        content = base64.b64decode(payload.content, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(_("The content is not base64."), fields={"content": _("base64")}) from None
    found = assessment.assessment_evidence_add(
        actor=actor, release=release, provision=payload.provision, content=content, filename=payload.filename
    )
    return Status(201, found)


@router.get(
    "/products/{product_id}/psti-statement",
    response=dict[str, Any],
    summary="The product's UK PSTI statement of compliance, generated from the register",
)
def psti_statement(request: HttpRequest, product_id: DbId) -> dict[str, Any]:
    actor = actor_of(request)
    product = selectors.product_get(actor=actor, product_id=product_id)
    s = selectors_security.psti_statement(actor=actor, product=product)
    return {
        "manufacturer": s["manufacturer"],
        "model": product.model,
        "name": product.name,
        "release": s["release"].version if s["release"] else None,
        "support_end": s["support_end"].isoformat() if s["support_end"] else None,
        "contacts": s["contacts"],
        "policy_url": s["policy_url"],
        "requirements": s["requirements"],
        "compliant": s["compliant"],
        "date": s["date"].isoformat(),
    }
