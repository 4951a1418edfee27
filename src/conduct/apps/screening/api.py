"""JSON API for screening: search the lists, read and load lists and versions, register parties, work the
alerts."""

import io
from datetime import datetime
from typing import IO, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ValidationError

from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.scoping import require
from conduct.apps.accounts.selectors import orgunit_get
from conduct.apps.apikit import Page, actor_of, decode_base64, json_object_body
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.screening import selectors, services
from conduct.apps.screening.models import Alert, ScreenedParty, WatchList, WatchListVersion
from conduct.apps.screening.serialize import match_dict
from conduct.core.screening import FORMATS, LIST_KINDS

router = Router(tags=["screening"])

EntityTypeIn = Literal["person", "organization", "vessel", "aircraft", "unknown"]
PartyKindIn = Literal["supplier", "customer", "end_user", "integrator", "consignee", "sdk_vendor", "other"]


# --- search ------------------------------------------------------------------------------------------


class SearchIn(Schema):
    name: str = Field(..., min_length=1, max_length=300, description="The name to screen")
    type: EntityTypeIn | None = Field(None, description="What the party is; a mismatch lowers the score")
    country: str | None = Field(None, max_length=60, description="ISO 3166-1 alpha-2 code or country name")
    birth_date: str | None = Field(None, max_length=20, description="YYYY, YYYY-MM or YYYY-MM-DD (people)")
    limit: int = Field(10, ge=1, le=100, description="Matches to return, best first")


class SearchOut(Schema):
    query: dict[str, Any]
    threshold: float
    lists: list[dict[str, Any]]
    matches: list[dict[str, Any]]


@router.post(
    "/screening/search",
    response=SearchOut,
    summary="Screen a name against every loaded list: ranked matches with explanations (nothing stored)",
)
def search(request: HttpRequest, payload: SearchIn) -> dict[str, Any]:
    from conduct.apps.screening.indexes import current_lists
    from conduct.core.screening import ALERT_THRESHOLD

    actor = actor_of(request)
    require(actor, "screening.search")
    found = selectors.screening_search(
        actor=actor,
        name=payload.name,
        entity_type=payload.type,
        country=payload.country,
        birth_date=payload.birth_date,
        limit=payload.limit,
    )
    return {
        "query": payload.dict(),
        "threshold": ALERT_THRESHOLD,
        "lists": [
            {"list": c.name, "version": c.version.number, "kind": c.version.kind} for c in current_lists()
        ],
        "matches": [match_dict(m) for m in found],
    }


# --- lists -------------------------------------------------------------------------------------------


class VersionOut(Schema):
    number: int
    current: bool
    kind: str
    loaded_at: datetime
    loaded_by: str
    file: str
    sha256: str
    source_date: str
    entries: int
    names: int
    added: int
    removed: int
    changed: int
    unchanged: int
    notes: list[str]


def _version(v: WatchListVersion | None) -> dict[str, Any] | None:
    if v is None:
        return None
    return {
        "number": v.number,
        "current": v.is_current,
        "kind": v.kind,
        "loaded_at": v.loaded_at,
        "loaded_by": v.loaded_by,
        "file": v.path,
        "sha256": v.file_sha256,
        "source_date": v.source_date,
        "entries": v.entry_count,
        "names": v.name_count,
        "added": v.added_count,
        "removed": v.removed_count,
        "changed": v.changed_count,
        "unchanged": v.unchanged_count,
        "notes": list(v.notes),
    }


class ListOut(Schema):
    name: str
    title: str
    kind: str
    format: str
    source: str
    current: VersionOut | None

    @staticmethod
    def resolve_current(obj: WatchList | dict[str, Any]) -> dict[str, Any] | None:
        if isinstance(obj, dict):
            return obj["current"]
        return _version(obj.current_version)


class ListDetailOut(ListOut):
    versions: list[VersionOut]
    latest_diff: dict[str, Any]


@router.get(
    "/screening/lists", response=list[ListOut], summary="The loaded watch lists and their current versions"
)
@paginate(Page)
def lists(request: HttpRequest) -> object:
    actor = actor_of(request)
    require(actor, "screening.view")
    return selectors.watchlist_list(actor=actor)


@router.get(
    "/screening/lists/{list_name}",
    response=ListDetailOut,
    summary="One list: every version, and what the latest reload added, changed and removed",
)
def list_detail(request: HttpRequest, list_name: str) -> dict[str, Any]:
    actor = actor_of(request)
    require(actor, "screening.view")
    watch_list = selectors.watchlist_get(actor=actor, name=list_name)
    versions = list(selectors.version_list(actor=actor, watch_list=watch_list))
    current = next((v for v in versions if v.is_current), None)
    return {
        "name": watch_list.name,
        "title": watch_list.title,
        "kind": watch_list.kind,
        "format": watch_list.format,
        "source": watch_list.source,
        "current": _version(current),
        "versions": [_version(v) for v in versions],
        "latest_diff": _diff(current) if current is not None else {},
    }


def _diff(version: WatchListVersion) -> dict[str, Any]:
    """What a version changed from the one before: added and changed (up to 500 each, with totals), removed."""
    diff: dict[str, Any] = {"version": version.number, "removed": version.removed}
    for change in ("added", "changed"):
        rows, total = selectors.version_changes(version=version, change=change, limit=500)
        diff[change] = [{"source_id": r.source_id, "name": r.primary_name} for r in rows]
        diff[f"{change}_total"] = total
    return diff


FormatIn = Literal[
    "ofac_sdn", "ofac_non_sdn", "un_consolidated", "bis_dpl", "us_csl", "ftm_json", "generic_csv"
]
ListKindIn = Literal["sanctions", "export_control", "forced_labour", "investment", "pep", "custom"]
assert set(FormatIn.__args__) == set(FORMATS) and set(ListKindIn.__args__) == set(LIST_KINDS)


class ListFileIn(Schema):
    """A list file sent as JSON; multipart `file` is the other way, not bound by the request-body limit
    (MAX_REQUEST_BYTES, 5 MB by default) that a JSON body is."""

    filename: str = Field(
        "", max_length=200, description="The file's name (helps detect the format; .zip unpacks)"
    )
    content_base64: str = Field(..., description="The file, base64-encoded")
    format: FormatIn | None = Field(None, description="Skip detection (needed only when ambiguous)")
    kind: ListKindIn | None = Field(None, description="Set or change the list's kind")


class ListLoadOut(Schema):
    created: bool = Field(
        ..., description="False: the file is the current version's already; nothing changed"
    )
    list: ListOut
    version: VersionOut
    diff: dict[str, Any]


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
                        "format": {"type": "string", "enum": list(FormatIn.__args__)},
                        "kind": {"type": "string", "enum": list(ListKindIn.__args__)},
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
            raise Invalid("Attach the list file.", fields={"file": "Send the file as multipart `file`."})
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
            "Some fields are not valid.",
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
    require(actor, "lists.load")
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
        "version": _version(loaded.version),
        "diff": _diff(loaded.version),
    }
    return Status(201 if loaded.created else 200, body)


# --- parties -----------------------------------------------------------------------------------------


class PartyIn(Schema):
    reference: str = Field(
        ..., min_length=1, max_length=200, description="The owning record, e.g. customer:CRM-881"
    )
    kind: PartyKindIn
    name: str = Field(..., min_length=1, max_length=300)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    entity_type: EntityTypeIn | None = None
    country: str | None = Field(None, max_length=60)
    birth_date: str | None = Field(None, max_length=20)
    org_unit: str | None = Field(
        None, max_length=60, description="Owning org unit code or id (default: yours)"
    )


class PartyOut(Schema):
    id: int
    reference: str
    kind: str
    name: str
    aliases: list[str]
    entity_type: str
    country: str
    birth_date: str
    org_unit: str
    last_screened_at: datetime | None
    summary: dict[str, Any]

    @staticmethod
    def resolve_org_unit(obj: ScreenedParty) -> str:
        return obj.org_unit.code

    @staticmethod
    def resolve_summary(obj: ScreenedParty) -> dict[str, Any]:
        return services.screening_summary_for(obj.reference)


class PartyListOut(Schema):
    id: int
    reference: str
    kind: str
    name: str
    country: str
    org_unit: str
    open_alerts: int
    confirmed_alerts: int
    last_screened_at: datetime | None

    @staticmethod
    def resolve_org_unit(obj: ScreenedParty) -> str:
        return obj.org_unit.code


class PartyQuery(Schema):
    search: str | None = Field(None, max_length=200, description="Name or reference contains")


@router.get(
    "/screening/parties", response=list[PartyListOut], summary="Stored parties screened on every list change"
)
@paginate(Page)
def parties(request: HttpRequest, filters: Query[PartyQuery]) -> object:
    actor = actor_of(request)
    require(actor, "screening.view")
    return selectors.party_list(actor=actor, search=filters.search)


@router.get("/screening/parties/{party_id}", response=PartyOut)
def party(request: HttpRequest, party_id: int) -> ScreenedParty:
    actor = actor_of(request)
    require(actor, "screening.view")
    return selectors.party_get(actor=actor, party_id=party_id)


@router.post(
    "/screening/parties",
    response={200: PartyOut, 201: PartyOut},
    summary="Register or update a party by its reference; it is screened at once (201 when new)",
)
def party_upsert(request: HttpRequest, payload: PartyIn) -> Status:
    actor = actor_of(request)
    require(actor, "screening.parties")
    unit: OrgUnit | None = actor.home_unit
    if payload.org_unit:
        try:
            unit = orgunit_get(actor=actor, unit_id=payload.org_unit)
        except NotFound:
            raise Invalid(
                "Unknown org unit.", fields={"org_unit": f"No org unit {payload.org_unit!r} you can see."}
            ) from None
    if unit is None:
        raise Invalid(
            "Which org unit owns the party?", fields={"org_unit": "Required (you have no home unit)."}
        )
    existed = ScreenedParty.objects.filter(reference=payload.reference.strip()).exists()
    saved = services.party_upsert(
        actor=actor,
        reference=payload.reference,
        kind=payload.kind,
        name=payload.name,
        aliases=payload.aliases,
        entity_type=payload.entity_type,
        country=payload.country,
        birth_date=payload.birth_date,
        org_unit=unit,
    )
    return Status(200 if existed else 201, saved)


# --- alerts ------------------------------------------------------------------------------------------


class AlertOut(Schema):
    id: int
    status: str
    strength: str
    score: float
    party_id: int
    party_reference: str
    party_name: str
    party_kind: str
    list: str
    list_title: str
    list_kind: str
    list_version: int
    entry_id: str = Field(..., alias="source_id")
    entry_name: str
    matched_name: str
    matched_name_kind: str
    reason: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    case_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_party_reference(obj: Alert) -> str:
        return obj.party.reference

    @staticmethod
    def resolve_party_kind(obj: Alert) -> str:
        return obj.party.kind

    @staticmethod
    def resolve_list(obj: Alert) -> str:
        return obj.watch_list.name

    @staticmethod
    def resolve_list_title(obj: Alert) -> str:
        return obj.watch_list.title

    @staticmethod
    def resolve_list_version(obj: Alert) -> int:
        return obj.entry_version.number

    @staticmethod
    def resolve_reviewed_by(obj: Alert) -> str | None:
        return obj.reviewed_by.username if obj.reviewed_by else None


class AlertDetailOut(AlertOut):
    explanation: dict[str, Any]
    entry: dict[str, Any]
    party: dict[str, Any]
    history: list[dict[str, Any]]

    @staticmethod
    def resolve_party(obj: Alert) -> dict[str, Any]:
        p = obj.party
        return {
            "id": p.pk,
            "reference": p.reference,
            "kind": p.kind,
            "name": p.name,
            "aliases": p.aliases,
            "entity_type": p.entity_type,
            "country": p.country,
            "birth_date": p.birth_date,
            "org_unit": p.org_unit.code,
        }

    @staticmethod
    def resolve_history(obj: Alert) -> list[dict[str, Any]]:
        return [
            {
                "at": r.at.isoformat(),
                "action": r.action,
                "from": r.from_status,
                "to": r.to_status,
                "by": r.actor_label,
                "reason": r.reason,
                "version": r.entry_version.number if r.entry_version else None,
                "entry_hash": r.entry_hash,
                "score": r.score,
            }
            for r in selectors.alert_history(alert=obj)
        ]


class AlertQuery(Schema):
    status: Literal["open", "confirmed", "dismissed", "closed"] | None = None
    list: str | None = Field(None, max_length=60, description="List name")
    strength: Literal["potential", "strong"] | None = None
    kind: PartyKindIn | None = Field(None, description="Party kind")
    party: str | None = Field(None, max_length=200, description="Party name or reference contains")


@router.get("/screening/alerts", response=list[AlertOut], summary="The alert queue (newest change first)")
@paginate(Page)
def alerts(request: HttpRequest, filters: Query[AlertQuery]) -> object:
    actor = actor_of(request)
    require(actor, "screening.view")
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
def alert(request: HttpRequest, alert_id: int) -> Alert:
    actor = actor_of(request)
    require(actor, "screening.view")
    return selectors.alert_get(actor=actor, alert_id=alert_id)


class ReviewIn(Schema):
    decision: Literal["confirm", "dismiss", "escalate"]
    reason: str = Field("", max_length=5000, description="Required to dismiss or escalate")


@router.post(
    "/screening/alerts/{alert_id}/review",
    response=AlertDetailOut,
    summary="Confirm (a true match: blocks gates), dismiss with a reason, or escalate to a case",
)
def review(request: HttpRequest, alert_id: int, payload: ReviewIn) -> Alert:
    actor = actor_of(request)
    require(actor, "screening.review")
    found = selectors.alert_get(actor=actor, alert_id=alert_id)
    services.alert_review(actor=actor, alert=found, decision=payload.decision, reason=payload.reason)
    return selectors.alert_get(actor=actor, alert_id=alert_id)
