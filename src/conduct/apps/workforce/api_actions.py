"""JSON API of an own site's findings and their corrective actions: the plan created on a finding, evidence
files attached and submitted by the site's liaison, verified or rejected by compliance staff (the suppliers
app's records, through the workforce services and conduct.events.suppliers' providers)."""

import base64
import binascii
from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from conduct.apps.apikit import DbId, actor_of
from conduct.apps.errors import Invalid
from conduct.apps.workforce import selectors, services
from conduct.apps.workforce.api import ActionOut, OwnSiteFindingOut, router

# These operations join the own-operations router (one router per path: the corrective action's GET sits
# beside its PATCH); config.api imports this module before it mounts the router.
MAX_BASE64 = 5_000_000  # within the request limit (MAX_REQUEST_BYTES, 5 MiB): about 3.7 MB of file


class OwnActionDetailOut(ActionOut):
    site: str = Field(..., alias="own_site.code")
    root_cause: str
    evidence: str
    evidence_file_name: str
    evidence_file_sha256: str
    verified_at: datetime | None
    closed_at: datetime | None


class OwnFindingDetailOut(Schema):
    site: str
    audit: int
    finding: OwnSiteFindingOut
    corrective_action: OwnActionDetailOut | None


class OwnActionIn(Schema):
    action: str = Field(..., min_length=1, max_length=10000)
    owner: str = Field(..., min_length=1, max_length=200)
    due_date: date
    root_cause: str = Field("", max_length=10000)


class OwnActionEvidenceIn(Schema):
    filename: str = Field(..., min_length=1, max_length=200)
    content_base64: str = Field(..., min_length=1, max_length=MAX_BASE64, description="PDF, PNG or JPEG")


class OwnActionSubmitIn(Schema):
    note: str = Field("", max_length=10000, description="What the evidence shows")


class OwnActionReviewIn(Schema):
    decision: Literal["verify", "reject"]
    note: str = Field("", max_length=10000, description="Required to reject")


def decode(content: str, field: str) -> bytes:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(_("Not base64."), fields={field: _("Send the file's bytes in base64.")}) from None


@router.get(
    "/workforce/sites/{own_site_id}/findings/{own_finding_id}",
    response=OwnFindingDetailOut,
    summary="An own site's finding and its corrective action",
)
def finding(request: HttpRequest, own_site_id: DbId, own_finding_id: DbId) -> dict[str, Any]:
    found = selectors.site_finding_for(
        actor=actor_of(request), site_id=own_site_id, finding_id=own_finding_id
    )
    return {
        "site": found.site.code,
        "audit": found.audit.pk,
        "finding": found.finding,
        "corrective_action": found.plan,
    }


@router.post(
    "/workforce/sites/{own_site_id}/findings/{own_finding_id}/corrective-action",
    response={201: OwnActionDetailOut},
    summary="The corrective action of an own site's finding (one per finding)",
)
def action_create(
    request: HttpRequest, own_site_id: DbId, own_finding_id: DbId, payload: OwnActionIn
) -> Status:
    actor = actor_of(request)
    found = selectors.site_finding_for(actor=actor, site_id=own_site_id, finding_id=own_finding_id)
    plan = services.site_action_create(actor=actor, site=found.site, finding=found.finding, **payload.dict())
    return Status(201, selectors.own_site_action_for(actor=actor, action_id=plan.pk))


@router.get(
    "/workforce/corrective-actions/{own_action_id}",
    response=OwnActionDetailOut,
    summary="An own site's corrective action",
)
def action(request: HttpRequest, own_action_id: DbId) -> Any:
    return selectors.own_site_action_for(actor=actor_of(request), action_id=own_action_id)


@router.post(
    "/workforce/corrective-actions/{own_action_id}/evidence",
    response=OwnActionDetailOut,
    summary="Attach an evidence file (base64 PDF, PNG or JPEG; size-checked)",
)
def action_evidence(request: HttpRequest, own_action_id: DbId, payload: OwnActionEvidenceIn) -> Any:
    actor = actor_of(request)
    plan = selectors.own_site_action_for(actor=actor, action_id=own_action_id)
    content = decode(payload.content_base64, "content_base64")
    return services.site_action_evidence(actor=actor, plan=plan, content=content, filename=payload.filename)


@router.post(
    "/workforce/corrective-actions/{own_action_id}/submit",
    response=OwnActionDetailOut,
    summary="Submit the evidence for verification",
)
def action_submit(request: HttpRequest, own_action_id: DbId, payload: OwnActionSubmitIn) -> Any:
    actor = actor_of(request)
    plan = selectors.own_site_action_for(actor=actor, action_id=own_action_id)
    return services.site_action_submit(actor=actor, plan=plan, note=payload.note)


@router.post(
    "/workforce/corrective-actions/{own_action_id}/review",
    response=OwnActionDetailOut,
    summary="Verify a submitted corrective action, or reject it back to open with a reason",
)
def action_review(request: HttpRequest, own_action_id: DbId, payload: OwnActionReviewIn) -> Any:
    actor = actor_of(request)
    plan = selectors.own_site_action_for(actor=actor, action_id=own_action_id)
    return services.site_action_review(actor=actor, plan=plan, decision=payload.decision, note=payload.note)
