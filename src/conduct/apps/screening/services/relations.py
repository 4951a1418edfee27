"""Loading ownership and control relations: FtM / OpenSanctions JSON lines (Ownership: owner, asset,
percentage; Directorship: director, organization) or a CSV `owner_id,owned_id,share,relation,source`. All or
nothing: the first problems are reported by line (and column) and nothing is stored."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Invalid, raise_if
from conduct.apps.screening.actions import LedgerAction
from conduct.apps.screening.models import EntityRelation, RelationKind, ScreenedParty, WatchListEntry
from conduct.apps.screening.values import fold_name

RELATION_FORMATS = ("ftm", "csv")
CSV_COLUMNS = ("owner_id", "owned_id", "share", "relation", "source")
MAX_ERRORS = 20
MAX_BYTES = 200 * 1024 * 1024
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*(?:-\s*\d+(?:\.\d+)?\s*%?)?\s*$")


@dataclass(frozen=True)
class RelationRow:
    owner: str
    owned: str
    relation: str
    share: float | None
    source: str
    as_of: str = ""
    owner_name: str = ""
    owned_name: str = ""


@dataclass(frozen=True)
class RelationsLoaded:
    created: int
    updated: int
    unchanged: int
    source_names: tuple[str, ...]


def parse_share(text: str) -> float | None:
    """A percentage: "60", "60%", "60.5 %"; a range ("25-50%") counts as its lower bound. Raises
    ValueError for anything else or outside 0..100; None for an empty value."""
    if not text.strip():
        return None
    found = _NUMBER.match(text)
    if not found:
        raise ValueError(text)
    value = float(found.group(1))
    if not 0.0 <= value <= 100.0:
        raise ValueError(text)
    return value


def _first(props: dict[str, Any], key: str) -> tuple[str, str]:
    """(id, name) of a property's first value: an id string, or a nested entity {id, caption, properties}."""
    values = props.get(key) or []
    value = values[0] if isinstance(values, list) and values else values
    if isinstance(value, dict):
        names = (value.get("properties") or {}).get("name") or []
        return str(value.get("id") or ""), str(value.get("caption") or (names[0] if names else ""))
    return (str(value) if value else ""), ""


def _ftm_rows(text: str, default_source: str, errors: dict[str, str]) -> list[RelationRow]:
    names: dict[str, str] = {}
    links: list[tuple[int, dict[str, Any]]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entity = json.loads(line)
        except json.JSONDecodeError as exc:
            errors[f"line {line_no}"] = _("Not JSON (%(why)s).") % {"why": exc.msg}
            continue
        if not isinstance(entity, dict):
            errors[f"line {line_no}"] = _("Expected a JSON object (an FtM entity).")
            continue
        props = entity.get("properties") or {}
        if entity.get("schema") in ("Ownership", "Directorship"):
            links.append((line_no, entity))
        elif entity.get("id"):
            name = entity.get("caption") or (props.get("name") or [""])[0]
            names[str(entity["id"])] = str(name)
    rows = []
    for line_no, entity in links:
        row = _ftm_link(line_no, entity, names, default_source, errors)
        if row is not None:
            rows.append(row)
    return rows


def _ftm_link(
    line_no: int, entity: dict[str, Any], names: dict[str, str], source: str, errors: dict[str, str]
) -> RelationRow | None:
    props = entity.get("properties") or {}
    ownership = entity["schema"] == "Ownership"
    (owner, owner_name) = _first(props, "owner" if ownership else "director")
    (owned, owned_name) = _first(props, "asset" if ownership else "organization")
    share: float | None = None
    if ownership:
        try:
            share = parse_share(_first(props, "percentage")[0])
        except ValueError as exc:
            errors[f"line {line_no}.percentage"] = _("Not a percentage from 0 to 100: %(v)r.") % {
                "v": str(exc)
            }
    for key, value in (
        ("owner" if ownership else "director", owner),
        ("asset" if ownership else "organization", owned),
    ):
        if not value:
            errors[f"line {line_no}.{key}"] = _("Required: the id of the entity.")
    datasets = entity.get("datasets") or []
    as_of = (_first(props, "startDate")[0] or _first(props, "date")[0])[:10]
    if errors or not owner or not owned:
        return None
    return RelationRow(
        owner=owner[:200],
        owned=owned[:200],
        relation=str(RelationKind.OWNERSHIP if ownership else RelationKind.DIRECTORSHIP),
        share=share,
        source=(source or (str(datasets[0]) if datasets else "ftm"))[:200],
        as_of=as_of,
        owner_name=(owner_name or names.get(owner, ""))[:300],
        owned_name=(owned_name or names.get(owned, ""))[:300],
    )


def _csv_rows(text: str, default_source: str, errors: dict[str, str]) -> list[RelationRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        table = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise Invalid(_("The file is not valid CSV."), fields={f"row {reader.line_num}": str(exc)}) from None
    header = [c.strip().lower() for c in table[0]] if table else []
    missing = [c for c in CSV_COLUMNS[:2] if c not in header]
    if missing:
        raise Invalid(
            _("The CSV header must name owner_id,owned_id,share,relation,source."),
            fields={"row 1": _("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)}},
        )
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        record = dict(zip(header, (c.strip() for c in cells), strict=False))
        row = _csv_row(number, record, default_source, errors)
        if row is not None:
            rows.append(row)
    return rows


def _csv_row(number: int, record: dict[str, str], source: str, errors: dict[str, str]) -> RelationRow | None:
    bad = len(errors)
    for column in ("owner_id", "owned_id"):
        value = record.get(column, "")
        if not value or len(value) > 200:
            errors[f"row {number}.{column}"] = _("Required: a list entry id or a party reference (<= 200).")
    relation = (record.get("relation") or "ownership").lower()
    if relation not in RelationKind.values:
        errors[f"row {number}.relation"] = _("One of: %(kinds)s.") % {"kinds": ", ".join(RelationKind.values)}
    share = None
    try:
        share = parse_share(record.get("share", ""))
    except ValueError:
        errors[f"row {number}.share"] = _("A percentage from 0 to 100.")
    if share is not None and relation != RelationKind.OWNERSHIP:
        errors[f"row {number}.share"] = _("Only ownership has a share.")
    if record.get("owner_id") and record.get("owner_id") == record.get("owned_id"):
        errors[f"row {number}.owned_id"] = _("An entity cannot own itself.")
    if len(errors) > bad:
        return None
    return RelationRow(
        owner=record["owner_id"],
        owned=record["owned_id"],
        relation=relation,
        share=share,
        source=(record.get("source") or source)[:200],
    )


def relations_read(*, path: str | Path, format: str | None = None, source: str = "") -> list[RelationRow]:
    """Read and check a relations file without storing anything; Invalid names the lines and columns."""
    path = Path(path)
    fmt = format or ("csv" if path.suffix.lower() == ".csv" else "ftm")
    if fmt not in RELATION_FORMATS:
        raise Invalid(_("Unknown format."), fields={"format": _("One of: ftm, csv.")})
    try:
        if path.stat().st_size > MAX_BYTES:
            raise Invalid(
                _("The file is too large."),
                fields={"file": _("> %(max_bytes)s bytes") % {"max_bytes": MAX_BYTES}},
            )
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise Invalid(_("The file cannot be read."), fields={"file": exc.strerror or str(exc)}) from None
    except UnicodeDecodeError as exc:
        raise Invalid(
            _("The file is not UTF-8."), fields={"file": _("byte %(start)s") % {"start": exc.start}}
        ) from None
    errors: dict[str, str] = {}
    rows = (_ftm_rows if fmt == "ftm" else _csv_rows)(text, source, errors)
    if len(errors) > MAX_ERRORS:
        errors = dict(list(errors.items())[:MAX_ERRORS])
    raise_if(errors, _("The relations cannot be loaded; nothing was stored."))
    if not rows:
        raise Invalid(_("The file holds no relations."), fields={"file": _("No ownership or directorship.")})
    return rows


def _known_names(refs: set[str]) -> dict[str, str]:
    """Names for ids a CSV gives without them: parties by reference, current entries by source id."""
    found = dict(ScreenedParty.objects.filter(reference__in=refs).values_list("reference", "name"))
    bare = {ref.split(":", 1)[-1] for ref in refs} | refs
    for sid, name in WatchListEntry.objects.filter(version__is_current=True, source_id__in=bare).values_list(
        "source_id", "primary_name"
    ):
        for ref in refs:
            if ref not in found and (ref == sid or ref.endswith(f":{sid}")):
                found[ref] = name
    return found


@transaction.atomic
def relations_load(
    *, actor: Actor, path: str | Path, format: str | None = None, source: str = ""
) -> RelationsLoaded:
    """Store the relations a file gives (one row per owner, owned, relation and source; a reload updates
    the share, date and names). Ledgered once per load with its counts."""
    authorize(actor, "lists.load")
    rows = relations_read(path=path, format=format, source=source)
    names = _known_names(
        {r.owner for r in rows if not r.owner_name} | {r.owned for r in rows if not r.owned_name}
    )
    created = updated = unchanged = 0
    now, label = timezone.now(), actor_label(actor)
    for row in rows:
        owned_name = row.owned_name or names.get(row.owned, "")
        values: dict[str, object] = {
            "share": row.share,
            "as_of": row.as_of,
            "owner_name": row.owner_name or names.get(row.owner, ""),
            "owned_name": owned_name,
            "owned_key": fold_name(owned_name)[:300],
        }
        held = EntityRelation.objects.filter(
            owner_ref=row.owner, owned_ref=row.owned, relation=row.relation, source=row.source
        ).first()
        if held is None:
            EntityRelation.objects.create(
                owner_ref=row.owner,
                owned_ref=row.owned,
                relation=row.relation,
                source=row.source,
                loaded_at=now,
                loaded_by=label,
                **values,
            )
            created += 1
        elif any(getattr(held, k) != v for k, v in values.items()):
            EntityRelation.objects.filter(pk=held.pk).update(loaded_at=now, loaded_by=label, **values)
            updated += 1
        else:
            unchanged += 1
    sources = tuple(sorted({r.source for r in rows}))
    ledger_append(
        actor=actor,
        action=LedgerAction.RELATIONS_LOAD,
        object_type="entity_relations",
        object_id=sources[0][:100],
        summary={
            "file": Path(path).name,
            "format": format or "",
            "sources": list(sources),
            "relations": len(rows),
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
        },
    )
    return RelationsLoaded(created, updated, unchanged, sources)


SUPPLIERS_SOURCE = "suppliers"


def supplier_parents_record(*, actor: Actor, parents: dict[str, str | None]) -> int:
    """Keep suppliers' parent companies as control relations ("supplier:<parent>" controls "supplier:<id>",
    source "suppliers"; the register gives no share): `parents` maps each changed supplier's reference to
    its parent's reference or None. Returns how many relations changed; ledgered when any did."""
    if not parents:
        return 0
    held = {
        r.owned_ref: r
        for r in EntityRelation.objects.filter(source=SUPPLIERS_SOURCE, owned_ref__in=list(parents))
    }
    names = dict(ScreenedParty.objects.filter(reference__in=list(parents)).values_list("reference", "name"))
    changes: dict[str, list[str | None]] = {}
    now, label = timezone.now(), actor_label(actor)
    for child, parent in parents.items():
        before = held.get(child)
        if (before.owner_ref if before else None) == parent:
            continue
        changes[child] = [before.owner_ref if before else None, parent]
        if before is not None:
            before.delete()
        if parent:
            EntityRelation.objects.create(
                owner_ref=parent,
                owner_name=names.get(parent, "")
                or ScreenedParty.objects.filter(reference=parent).values_list("name", flat=True).first()
                or "",
                owned_ref=child,
                owned_name=names.get(child, ""),
                owned_key=fold_name(names.get(child, ""))[:300],
                relation=str(RelationKind.CONTROL),
                source=SUPPLIERS_SOURCE,
                loaded_at=now,
                loaded_by=label,
            )
    if changes:
        ledger_append(
            actor=actor,
            action=LedgerAction.RELATIONS_LOAD,
            object_type="entity_relations",
            object_id=SUPPLIERS_SOURCE,
            summary={"source": SUPPLIERS_SOURCE, "parents": changes},
        )
    return len(changes)
