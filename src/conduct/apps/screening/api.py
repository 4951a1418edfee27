"""JSON API for screening: search the lists, read and load lists and versions, register parties, work the
alerts."""

import io
import tempfile
from pathlib import Path
from typing import IO, Any, get_args

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate
from pydantic import ValidationError

from conduct.apps.apikit import DbId, Page, actor_of, decode_base64, json_object_body
from conduct.apps.errors import Invalid
from conduct.apps.screening import selectors, services
from conduct.apps.screening.batch import screening_batch
from conduct.apps.screening.indexes import current_lists
from conduct.apps.screening.models import Alert, ScreenedParty, WatchListVersion
from conduct.apps.screening.ownership import ownership_fact
from conduct.apps.screening.schemas import (
    AlertDetailOut,
    AlertOut,
    AlertQuery,
    FormatIn,
    ListDetailOut,
    ListFileIn,
    ListKindIn,
    ListLoadOut,
    ListOut,
    PartyIn,
    PartyListOut,
    PartyOut,
    PartyQuery,
    ReviewIn,
    SearchIn,
    SearchOut,
    version_dict,
)
from conduct.apps.screening.schemas_more import (
    BatchIn,
    BatchOut,
    OwnershipOut,
    RelationsFileIn,
    RelationsLoadOut,
    SourceFetchOut,
    SourceIn,
    SourceOut,
    relation_dict,
    source_dict,
)
from conduct.apps.screening.serialize import match_dict
from conduct.apps.screening.services.relations import relations_load
from conduct.apps.screening.services.sources import source_add, source_fetch
from conduct.core.thresholds import ALERT_THRESHOLD

router = Router(tags=["screening"])


# --- search ------------------------------------------------------------------------------------------


@router.post(
    "/screening/search",
    response=SearchOut,
    summary="Screen a name against every loaded list: ranked matches with explanations (nothing stored)",
)
def search(request: HttpRequest, payload: SearchIn) -> dict[str, Any]:
    actor = actor_of(request)
    found = selectors.screening_search(
        actor=actor,
        name=payload.name,
        entity_type=payload.type,
        country=payload.country,
        birth_date=payload.birth_date,
        limit=payload.limit,
        threshold=payload.threshold,
    )
    return {
        "query": payload.dict(),
        "threshold": payload.threshold if payload.threshold is not None else ALERT_THRESHOLD,
        "lists": [
            {"list": c.name, "version": c.version.number, "kind": c.version.kind} for c in current_lists()
        ],
        "matches": [match_dict(m) for m in found],
    }


# --- lists -------------------------------------------------------------------------------------------


@router.get(
    "/screening/lists", response=list[ListOut], summary="The loaded watch lists and their current versions"
)
@paginate(Page)
def lists(request: HttpRequest) -> object:
    actor = actor_of(request)
    return selectors.watchlist_list(actor=actor)


@router.get(
    "/screening/lists/{list_name}",
    response=ListDetailOut,
    summary="One list: every version, and what the latest reload added, changed and removed",
)
def list_detail(request: HttpRequest, list_name: str) -> dict[str, Any]:
    actor = actor_of(request)
    watch_list = selectors.watchlist_get(actor=actor, name=list_name)
    versions = list(selectors.version_list(actor=actor, watch_list=watch_list))
    current = next((v for v in versions if v.is_current), None)
    return {
        "name": watch_list.name,
        "title": watch_list.title,
        "kind": watch_list.kind,
        "format": watch_list.format,
        "source": watch_list.source,
        "current": version_dict(current),
        "versions": [version_dict(v) for v in versions],
        "latest_diff": _diff(current) if current is not None else {},
        "screening": selectors.delta_run_dict(selectors.delta_run_latest(actor=actor, watch_list=watch_list)),
    }


def _diff(version: WatchListVersion) -> dict[str, Any]:
    """What a version changed from the one before: added and changed (up to 500 each, with totals),
    removed."""
    diff: dict[str, Any] = {"version": version.number, "removed": version.removed}
    for change in ("added", "changed"):
        rows, total = selectors.version_changes(version=version, change=change, limit=500)
        diff[change] = [{"source_id": r.source_id, "name": r.primary_name} for r in rows]
        diff[f"{change}_total"] = total
    return diff


_LIST_FILE = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The list file, or a .zip of an OFAC folder",
                        },
                        "format": {"type": "string", "enum": list(get_args(FormatIn))},
                        "kind": {"type": "string", "enum": list(get_args(ListKindIn))},
                    },
                }
            },
            "application/json": {"schema": ListFileIn.model_json_schema()},
        },
    }
}


def _list_file(request: HttpRequest) -> tuple[str, IO[bytes], str | None, str | None]:
    """(file name, content, format, kind) from a multipart form or a JSON body."""
    if (request.content_type or "").startswith("multipart/"):
        upload = request.FILES.get("file")
        if upload is None:
            raise Invalid(
                _("Attach the list file."), fields={"file": _("Send the file as multipart `file`.")}
            )
        return (
            upload.name or "upload",
            upload,
            request.POST.get("format") or None,
            request.POST.get("kind") or None,
        )
    try:
        sent = ListFileIn.model_validate(json_object_body(request))
    except ValidationError as exc:
        raise Invalid(
            _("Some fields are not valid."),
            fields={".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in exc.errors()},
        ) from None
    content = decode_base64(sent.content_base64, "content_base64")
    return sent.filename or "upload", io.BytesIO(content), sent.format, sent.kind


@router.post(
    "/screening/lists/{list_name}/versions",
    response={200: ListLoadOut, 201: ListLoadOut},
    openapi_extra=_LIST_FILE,
    summary="Load a file as the list's next version (a new list is named by the path): 201 with the version "
    "and its diff; 200 when the file is the current version's already; 422 naming the line of a "
    "malformed file (the previous version stays in force)",
)
def list_version_load(request: HttpRequest, list_name: str) -> Status:
    actor = actor_of(request)
    filename, content, fmt, kind = _list_file(request)
    try:
        loaded = services.list_upload(
            actor=actor, name=list_name, filename=filename, upload=content, format=fmt, kind=kind
        )
    except Invalid as exc:
        if "name" in exc.fields:  # the name is the path's
            exc.fields["list_name"] = exc.fields.pop("name")
        raise
    body = {
        "created": loaded.created,
        "list": loaded.watch_list,
        "version": version_dict(loaded.version),
        "diff": _diff(loaded.version),
    }
    return Status(201 if loaded.created else 200, body)


# --- parties -----------------------------------------------------------------------------------------


@router.get(
    "/screening/parties", response=list[PartyListOut], summary="Stored parties screened on every list change"
)
@paginate(Page)
def parties(request: HttpRequest, filters: Query[PartyQuery]) -> object:
    actor = actor_of(request)
    return selectors.party_list(actor=actor, search=filters.search)


@router.get("/screening/parties/{party_id}", response=PartyOut)
def party(request: HttpRequest, party_id: DbId) -> ScreenedParty:
    actor = actor_of(request)
    return selectors.party_get(actor=actor, party_id=party_id)


@router.post(
    "/screening/parties",
    response={200: PartyOut, 201: PartyOut},
    summary="Register or update a party by its reference; it is screened at once (201 when new)",
)
def party_upsert(request: HttpRequest, payload: PartyIn) -> Status:
    saved, created = services.party_register(
        actor=actor_of(request),
        reference=payload.reference,
        kind=payload.kind,
        name=payload.name,
        aliases=payload.aliases,
        entity_type=payload.entity_type,
        country=payload.country,
        birth_date=payload.birth_date,
        org_unit=payload.org_unit,
    )
    return Status(201 if created else 200, saved)


# --- alerts ------------------------------------------------------------------------------------------


@router.get("/screening/alerts", response=list[AlertOut], summary="The alert queue (newest change first)")
@paginate(Page)
def alerts(request: HttpRequest, filters: Query[AlertQuery]) -> object:
    actor = actor_of(request)
    return selectors.alert_list(
        actor=actor,
        filters=selectors.AlertFilters(
            status=filters.status,
            list_name=filters.list,
            strength=filters.strength,
            kind=filters.kind,
            party=filters.party,
        ),
    )


@router.get(
    "/screening/alerts/{alert_id}",
    response=AlertDetailOut,
    summary="One alert: the explanation, the party and the listed entry side by side, and its history",
)
def alert(request: HttpRequest, alert_id: DbId) -> Alert:
    actor = actor_of(request)
    return selectors.alert_get(actor=actor, alert_id=alert_id)


@router.post(
    "/screening/alerts/{alert_id}/review",
    response=AlertDetailOut,
    summary="Confirm (a true match: blocks gates), dismiss with a reason, or escalate to a case",
)
def review(request: HttpRequest, alert_id: DbId, payload: ReviewIn) -> Alert:
    actor = actor_of(request)
    found = selectors.alert_get(actor=actor, alert_id=alert_id)
    services.alert_review(actor=actor, alert=found, decision=payload.decision, reason=payload.reason)
    return selectors.alert_get(actor=actor, alert_id=alert_id)


# --- batch -------------------------------------------------------------------------------------------


@router.post(
    "/screening/batch",
    response=BatchOut,
    summary="Screen up to 1,000 names at once: one result per name, in order, as `conduct screen --input` "
    "writes them (422 naming the index of a bad row, or over 1,000 names; nothing stored)",
)
def batch(request: HttpRequest, payload: BatchIn) -> dict[str, Any]:
    results = screening_batch(
        actor=actor_of(request),
        rows=[row.dict() for row in payload.names],
        threshold=payload.threshold,
        limit=payload.limit,
    )
    return {"threshold": payload.threshold or ALERT_THRESHOLD, "results": results}


# --- list sources ------------------------------------------------------------------------------------


@router.get("/screening/sources", response=list[SourceOut], summary="Watch-list sources fetched on schedule")
def sources(request: HttpRequest) -> list[dict[str, Any]]:
    return [source_dict(s) for s in selectors.source_list(actor=actor_of(request))]


@router.post(
    "/screening/sources",
    response={201: SourceOut},
    summary="Configure a source (URL or server path, format, kind, interval): the worker fetches it when due",
)
def source_create(request: HttpRequest, payload: SourceIn) -> Status:
    source = source_add(
        actor=actor_of(request),
        name=payload.name,
        url=payload.url,
        format=payload.format,
        kind=payload.kind,
        interval_hours=payload.interval_hours,
        max_bytes=payload.max_bytes,
        enabled=payload.enabled,
    )
    return Status(201, source_dict(source))


@router.post(
    "/screening/sources/{source_name}/fetch",
    response=SourceFetchOut,
    summary="Fetch a source now: loaded (a new version), unchanged (same content) or failed (the last good "
    "version stays in force)",
)
def source_fetch_now(request: HttpRequest, source_name: str) -> dict[str, Any]:
    actor = actor_of(request)
    found = source_fetch(actor=actor, source=selectors.source_get(actor=actor, name=source_name))
    return {
        "status": found.status,
        "version": found.version,
        "error": found.error,
        "source": source_dict(found.source),
    }


# --- ownership and control ---------------------------------------------------------------------------


@router.post(
    "/screening/relations",
    response=RelationsLoadOut,
    summary="Load ownership, control and directorship relations (FtM JSON lines or CSV owner_id,owned_id,"
    "share,relation,source), all or nothing",
)
def relations_upload(request: HttpRequest, payload: RelationsFileIn) -> dict[str, Any]:
    content = decode_base64(payload.content_base64, "content_base64")
    suffix = ".csv" if payload.format == "csv" else ".json"
    with tempfile.TemporaryDirectory(prefix="conduct-relations-") as folder:
        path = Path(folder) / f"relations{suffix}"
        path.write_bytes(content)
        loaded = relations_load(
            actor=actor_of(request), path=path, format=payload.format, source=payload.source
        )
    return {
        "created": loaded.created,
        "updated": loaded.updated,
        "unchanged": loaded.unchanged,
        "sources": list(loaded.source_names),
    }


@router.get(
    "/screening/parties/{party_id}/ownership",
    response=OwnershipOut,
    summary="A party's owners and holdings, and the OFAC 50 % rule's answer with the owners and shares",
)
def party_ownership(request: HttpRequest, party_id: DbId) -> dict[str, Any]:
    party, found = selectors.party_ownership_for(actor=actor_of(request), party_id=party_id)
    fact = ownership_fact(found.finding, found.names)
    return {
        "party": party.reference,
        "status": found.finding.status,
        "blocked_share": found.finding.blocked_share,
        "summary": found.summary,
        "holders": [o.__dict__ for o in fact.owners],
        "owners": [relation_dict(r, found.blocked, "owner_ref") for r in found.owners],
        "owned": [relation_dict(r, found.blocked, "owned_ref") for r in found.owned],
    }
