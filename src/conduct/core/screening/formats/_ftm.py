"""FollowTheMoney entity JSON lines (OpenSanctions exports): one entity object per line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conduct.core.screening._countries import country_code
from conduct.core.screening.formats._common import (
    ListFormatError,
    ParsedList,
    load_json_line,
    parse_dates,
    read_text,
    unique_names,
)
from conduct.core.screening.model import EntryName, ListEntry

# Schemata that describe a party that can be listed, and the entity type each becomes.
_PARTY_SCHEMATA = {
    "Person": "person",
    "Organization": "organization",
    "Company": "organization",
    "LegalEntity": "unknown",
    "PublicBody": "organization",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
_NAME_PROPERTIES = (
    ("name", "alias_strong"),
    ("alias", "alias_strong"),
    ("previousName", "former"),
    ("weakAlias", "alias_weak"),
)
_COUNTRY_PROPERTIES = ("nationality", "citizenship", "country", "jurisdiction", "flag", "mainCountry")
_ID_PROPERTIES = (
    "idNumber",
    "passportNumber",
    "taxNumber",
    "registrationNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "swiftBic",
    "imoNumber",
    "mmsi",
    "isin",
    "uscCode",
)


def _strings(properties: dict[str, Any], key: str, line: int, path: Path) -> list[str]:
    values = properties.get(key, [])
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise ListFormatError(f"property {key!r} must be a list of strings", line=line, path=path)
    return [value for value in values if value.strip()]


def read_ftm(path: Path, list_kind: str) -> ParsedList:
    entries: list[ListEntry] = []
    skipped: dict[str, int] = {}
    seen: set[str] = set()
    for line, raw in enumerate(read_text(path).splitlines(), start=1):
        if not raw.strip():
            continue
        obj = load_json_line(raw, line=line, path=path)
        if not isinstance(obj, dict):
            raise ListFormatError("each line must be a JSON object", line=line, path=path)
        entity_id, schema, properties = obj.get("id"), obj.get("schema"), obj.get("properties", {})
        if not isinstance(entity_id, str) or not entity_id:
            raise ListFormatError("entity has no id", line=line, path=path)
        if not isinstance(schema, str) or not schema:
            raise ListFormatError(f"entity {entity_id} has no schema", line=line, path=path)
        if not isinstance(properties, dict):
            raise ListFormatError(f"entity {entity_id}: properties must be an object", line=line, path=path)
        if schema not in _PARTY_SCHEMATA:
            skipped[schema] = skipped.get(schema, 0) + 1
            continue
        if entity_id in seen:
            raise ListFormatError(f"entity {entity_id} appears twice", line=line, path=path)
        seen.add(entity_id)
        entries.append(_entry(entity_id, schema, properties, obj.get("datasets"), line, path))
    notes = tuple(
        f"skipped {count} {schema} object(s): not a listed party" for schema, count in sorted(skipped.items())
    )
    return ParsedList(
        format="ftm_json", list_kind=list_kind, entries=tuple(entries), path=str(path), notes=notes
    )


def _entry(
    entity_id: str, schema: str, properties: dict[str, Any], datasets: Any, line: int, path: Path
) -> ListEntry:
    """The entry for one party entity (`datasets`: the entity's, as read)."""
    names: list[EntryName] = []
    for key, kind in _NAME_PROPERTIES:
        names += [EntryName(value, kind) for value in _strings(properties, key, line, path)]
    if not any(name.kind != "alias_weak" for name in names):
        raise ListFormatError(f"entity {entity_id} has no name", line=line, path=path)
    names.sort(key=lambda name: 0 if name.kind == "alias_strong" else 1)  # a real name first
    names[0] = EntryName(names[0].name, "primary")
    countries = [
        code
        for key in _COUNTRY_PROPERTIES
        for value in _strings(properties, key, line, path)
        if (code := country_code(value))
    ]
    birth_dates = [
        date for value in _strings(properties, "birthDate", line, path) for date in parse_dates(value)
    ]
    identifiers = [(key, value) for key in _ID_PROPERTIES for value in _strings(properties, key, line, path)]
    programs = _strings(properties, "programId", line, path) or _strings(properties, "program", line, path)
    extra = {"source_line": str(line), "schema": schema}
    topics = _strings(properties, "topics", line, path)
    if topics:
        extra["topics"] = ";".join(topics)
    if isinstance(datasets, list) and all(isinstance(value, str) for value in datasets):
        extra["datasets"] = ";".join(datasets)
    return ListEntry(
        source_id=entity_id,
        entity_type=_PARTY_SCHEMATA[schema],
        names=unique_names(names),
        countries=tuple(dict.fromkeys(countries)),
        birth_dates=tuple(dict.fromkeys(birth_dates)),
        identifiers=tuple(dict.fromkeys(identifiers)),
        programs=tuple(programs),
        remarks="; ".join(_strings(properties, "notes", line, path)),
        extra=extra,
    )
