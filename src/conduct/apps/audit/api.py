"""JSON API for the audit ledger: entries, verification, checkpoints and export."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import DbId, Page, actor_of
from conduct.apps.audit import selectors, services
from conduct.apps.audit.models import Checkpoint, LedgerEntry

router = Router(tags=["audit ledger"])


class EntryOut(Schema):
    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    summary: dict[str, Any]
    prev_hash: str
    hash: str


class LedgerQuery(Schema):
    object_type: str | None = Field(None, max_length=100)
    object_id: str | None = Field(None, max_length=100)
    actor: str | None = Field(None, max_length=200)
    action: str | None = Field(None, max_length=100)
    since: date | None = None
    until: date | None = None


class VerifyQuery(Schema):
    records: bool = Field(False, description="Also reconcile every ledgered object with its latest entry")
    published: str | None = Field(
        None, max_length=100, description="A published checkpoint SEQ:HASH the ledger must still contain"
    )


class RecordCountOut(Schema):
    object_type: str
    checked: int
    matched: int
    mismatched: int
    older: int = Field(
        description="Latest entry written before entries carried a state (or after it, an import that "
        "recorded no states): not reconcilable"
    )


class RecordProblemOut(Schema):
    object_type: str
    object_id: str
    seq: int | None
    action: str
    reason: str


class VerifyOut(Schema):
    ok: bool
    verified: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None
    reason: str
    checkpoints_checked: int
    authenticated_seq: int | None
    trusted_keys: list[str]
    key_problems: list[str]
    published_checked: bool
    records_checked: bool
    record_counts: list[RecordCountOut]
    record_problems: list[RecordProblemOut]
    record_problems_total: int
    record_bulk_entries: int = Field(
        0, description="Bulk entries (imports) whose recorded object states were checked against their hash"
    )


class CheckpointOut(Schema):
    id: int
    seq: int
    head_hash: str
    at: datetime
    key_id: str
    signature: str
    public_key_pem: str
    reason: str


@router.get("/ledger", response=list[EntryOut])
@paginate(Page)
def list_entries(request: HttpRequest, filters: Query[LedgerQuery]) -> object:
    actor = actor_of(request)
    return selectors.ledger_list(actor=actor, filters=selectors.LedgerFilters(**filters.dict()))


def verification_dict(result: services.LedgerVerification) -> dict[str, Any]:
    """The verification as the API and the page show it."""
    records = result.records
    return {
        **{name: getattr(result, name) for name in VerifyOut.model_fields if hasattr(result, name)},
        "records_checked": records is not None,
        "record_counts": [vars(c) for c in records.counts] if records else [],
        "record_problems": [vars(p) for p in records.problems] if records else [],
        "record_problems_total": records.problems_total if records else 0,
        "record_bulk_entries": records.bulk_entries if records else 0,
    }


@router.get(
    "/ledger/verify",
    response=VerifyOut,
    summary="Recompute the chain; check checkpoints (pinned keys), a published checkpoint, the records",
)
def verify(request: HttpRequest, query: Query[VerifyQuery]) -> dict[str, Any]:
    result = selectors.ledger_verification(
        actor=actor_of(request), records=query.records, published=query.published or ""
    )
    return verification_dict(result)


@router.get("/ledger/checkpoints", response=list[CheckpointOut])
@paginate(Page)
def list_checkpoints(request: HttpRequest) -> object:
    return selectors.checkpoint_list(actor=actor_of(request))


@router.post("/ledger/checkpoints", response={201: CheckpointOut}, summary="Sign the current head")
def create_checkpoint(request: HttpRequest) -> Status[Checkpoint]:
    return Status(201, services.checkpoint_request(actor=actor_of(request)))


@router.get("/ledger/export", summary="The whole ledger as JSON lines, with signed checkpoints")
def export(request: HttpRequest) -> StreamingHttpResponse:
    lines = selectors.ledger_export(actor=actor_of(request))
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson")
    response["Content-Disposition"] = 'attachment; filename="conduct-ledger.jsonl"'
    return response


@router.get("/ledger/{seq}", response=EntryOut)
def get_entry(request: HttpRequest, seq: DbId) -> LedgerEntry:
    return selectors.ledger_entry_get(actor=actor_of(request), seq=seq)
