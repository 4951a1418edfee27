"""Schemas of screening's list sources, ownership relations and batch screening (api.py's endpoints)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from conduct.apps.screening.models import EntityRelation, ListSource
from conduct.apps.screening.schemas import FormatIn, ListKindIn

BATCH_MAX = 1000


class SourceIn(Schema):
    name: str = Field(..., max_length=60, description="The watch list it loads into")
    url: str = Field(..., max_length=1000, description="http(s) URL, or a path on the server")
    format: FormatIn
    kind: ListKindIn
    interval_hours: int = Field(24, description="Hours between fetches (1-744)")
    max_bytes: int | None = Field(None, description="Largest file accepted (default 50 MB)")
    enabled: bool = True


class SourceOut(Schema):
    name: str
    url: str
    format: str
    kind: str
    interval_hours: int
    max_bytes: int
    enabled: bool
    last_fetched_at: datetime | None
    last_good_at: datetime | None
    last_changed_at: datetime | None
    last_failed_at: datetime | None
    last_error: str
    last_good_version: int | None


class SourceFetchOut(Schema):
    status: str = Field(..., description="loaded, unchanged or failed")
    version: int | None
    error: str
    source: SourceOut


def source_dict(source: ListSource) -> dict[str, Any]:
    version = source.last_good_version
    return {
        "name": source.name,
        "url": source.url,
        "format": source.format,
        "kind": source.kind,
        "interval_hours": source.interval_hours,
        "max_bytes": source.max_bytes,
        "enabled": source.enabled,
        "last_fetched_at": source.last_fetched_at,
        "last_good_at": source.last_good_at,
        "last_changed_at": source.last_changed_at,
        "last_failed_at": source.last_failed_at,
        "last_error": source.last_error,
        "last_good_version": version.number if version else None,
    }


class RelationOut(Schema):
    owner_ref: str
    owner_name: str
    owned_ref: str
    owned_name: str
    relation: str
    share: float | None
    source: str
    as_of: str
    blocked: bool = Field(False, description="The other end is a blocked person (listed, or confirmed)")


def relation_dict(r: EntityRelation, blocked: set[str], end: str) -> dict[str, Any]:
    return {
        "owner_ref": r.owner_ref,
        "owner_name": r.owner_name,
        "owned_ref": r.owned_ref,
        "owned_name": r.owned_name,
        "relation": r.relation,
        "share": r.share,
        "source": r.source,
        "as_of": r.as_of,
        "blocked": getattr(r, end) in blocked,
    }


class HolderOut(Schema):
    name: str
    share: float | None
    relation: str
    listed: bool
    through: str


class OwnershipOut(Schema):
    party: str
    status: str = Field(..., description="blocked (OFAC 50 % rule), review (control) or clear")
    blocked_share: float
    summary: str
    holders: list[HolderOut]
    owners: list[RelationOut]
    owned: list[RelationOut]


class RelationsFileIn(Schema):
    format: Literal["ftm", "csv"]
    content_base64: str = Field(..., description="The file, base64-encoded")
    source: str = Field("", max_length=200, description="Source name for rows that give none")


class RelationsLoadOut(Schema):
    created: int
    updated: int
    unchanged: int
    sources: list[str]


class BatchNameIn(Schema):
    id: str | None = Field(None, max_length=200)
    name: str | None = None
    type: str | None = None
    country: str | None = None
    birth_date: str | None = None


class BatchIn(Schema):
    names: list[BatchNameIn] = Field(..., description=f"Up to {BATCH_MAX} names")
    threshold: float | None = Field(None, gt=0, le=1, description="Least score reported (default 0.80)")
    limit: int = Field(10, ge=1, le=100)


class BatchMatchOut(Schema):
    list: str
    entry_id: str
    name: str
    matched_name: str
    score: float
    explanation: str


class BatchRowOut(Schema):
    id: str | None
    matches: list[BatchMatchOut]


class BatchOut(Schema):
    threshold: float
    results: list[BatchRowOut]
