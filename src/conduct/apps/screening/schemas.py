"""The request and response schemas of screening's JSON API (api.py holds the endpoints)."""

from datetime import datetime
from typing import Any, Literal, get_args

from ninja import Field, Schema

from conduct.apps.screening import selectors
from conduct.apps.screening.models import Alert, ScreenedParty, WatchList, WatchListVersion
from conduct.core.screening import FORMATS, LIST_KINDS

EntityTypeIn = Literal["person", "organization", "vessel", "aircraft", "unknown"]
PartyKindIn = Literal["supplier", "customer", "end_user", "integrator", "consignee", "sdk_vendor", "other"]

FormatIn = Literal[
    "ofac_sdn", "ofac_non_sdn", "un_consolidated", "bis_dpl", "us_csl", "ftm_json", "generic_csv"
]
ListKindIn = Literal["sanctions", "export_control", "forced_labour", "investment", "pep", "custom"]
assert set(get_args(FormatIn)) == set(FORMATS) and set(get_args(ListKindIn)) == set(LIST_KINDS)


class SearchIn(Schema):
    name: str = Field(..., min_length=1, max_length=300, description="The name to screen")
    type: EntityTypeIn | None = Field(None, description="What the party is; a mismatch lowers the score")
    country: str | None = Field(None, max_length=60, description="ISO 3166-1 alpha-2 code or country name")
    birth_date: str | None = Field(None, max_length=20, description="YYYY, YYYY-MM or YYYY-MM-DD (people)")
    limit: int = Field(10, ge=1, le=100, description="Matches to return, best first")
    threshold: float | None = Field(None, gt=0, le=1, description="Least score returned (default 0.80)")


class SearchOut(Schema):
    query: dict[str, Any]
    threshold: float
    lists: list[dict[str, Any]]
    matches: list[dict[str, Any]]


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


def version_dict(v: WatchListVersion | None) -> dict[str, Any] | None:
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
        return version_dict(obj.current_version)


class ListDetailOut(ListOut):
    versions: list[VersionOut]
    latest_diff: dict[str, Any]
    screening: dict[str, Any] | None = Field(
        None,
        description="The latest delta screening of the stored parties against this list: run, version, "
        "status (running, finished, abandoned), chunks, chunks_done, parties (screened), entries_changed "
        "(null: every entry), entries_matching (of those, the entries changed in names, type, countries or "
        "dates of birth, screened against every party; the others are screened for the parties holding "
        "alerts on them), entries_removed, counts (opened, reopened, updated, closed), started_at, "
        "finished_at",
    )


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
        return selectors.screening_summary_for(obj.reference)


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


class ReviewIn(Schema):
    decision: Literal["confirm", "dismiss", "escalate"]
    reason: str = Field("", max_length=5000, description="Required to dismiss or escalate")
