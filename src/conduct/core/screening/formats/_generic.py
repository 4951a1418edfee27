"""A plain CSV for in-house lists: header id,name[,aliases,type,country,program,...]; other columns kept."""

from __future__ import annotations

from pathlib import Path

from conduct.core.screening._countries import country_code
from conduct.core.screening.formats._common import (
    ListFormatError,
    ParsedList,
    csv_rows,
    parse_dates,
    read_text,
    split_values,
    unique_names,
)
from conduct.core.screening.model import ENTITY_TYPES, EntryName, ListEntry

_TYPE_WORDS = {
    "person": "person",
    "individual": "person",
    "people": "person",
    "organization": "organization",
    "organisation": "organization",
    "company": "organization",
    "entity": "organization",
    "legalentity": "unknown",
    "vessel": "vessel",
    "ship": "vessel",
    "aircraft": "aircraft",
    "airplane": "aircraft",
    "": "unknown",
}
KNOWN_COLUMNS = {
    "id",
    "name",
    "aliases",
    "weak_aliases",
    "former_names",
    "type",
    "country",
    "countries",
    "birth_date",
    "dob",
    "program",
    "programs",
    "remarks",
}


def read_generic(path: Path, list_kind: str) -> ParsedList:
    text = read_text(path)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows = csv_rows(text, path, delimiter=delimiter)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ListFormatError("empty file", line=1, path=path) from None
    header = [cell.strip().lower() for cell in header]
    for column in ("id", "name"):
        if column not in header:
            raise ListFormatError(f"header lacks the {column!r} column", line=1, path=path)
    if len(set(header)) != len(header):
        raise ListFormatError("header repeats a column name", line=1, path=path)
    entries: list[ListEntry] = []
    seen: set[str] = set()
    for line, row in rows:
        if len(row) != len(header):
            raise ListFormatError(f"expected {len(header)} columns, found {len(row)}", line=line, path=path)
        record = dict(zip(header, (cell.strip() for cell in row), strict=True))
        source_id, name = record["id"], record["name"]
        if not source_id:
            raise ListFormatError("row has no id", line=line, path=path)
        if not name:
            raise ListFormatError(f"row {source_id!r} has no name", line=line, path=path)
        if source_id in seen:
            raise ListFormatError(f"id {source_id!r} appears twice", line=line, path=path)
        seen.add(source_id)
        entries.append(_entry(record, source_id, name, line, path))
    return ParsedList(format="generic_csv", list_kind=list_kind, entries=tuple(entries), path=str(path))


def _entry(record: dict[str, str], source_id: str, name: str, line: int, path: Path) -> ListEntry:
    """The entry for one row (`record`: column -> value)."""
    type_word = record.get("type", "").lower().replace(" ", "")
    entity_type = _TYPE_WORDS.get(type_word, type_word)
    if entity_type not in ENTITY_TYPES:
        raise ListFormatError(f"unknown type {record.get('type')!r}", line=line, path=path)
    names = [EntryName(name, "primary")]
    names += [EntryName(alias, "alias_strong") for alias in split_values(record.get("aliases", ""))]
    names += [EntryName(alias, "alias_weak") for alias in split_values(record.get("weak_aliases", ""))]
    names += [EntryName(alias, "former") for alias in split_values(record.get("former_names", ""))]
    countries = []
    for value in split_values(record.get("country", "") + ";" + record.get("countries", "")):
        code = country_code(value)
        if code is None:
            raise ListFormatError(f"unknown country {value!r}", line=line, path=path)
        countries.append(code)
    birth_dates = [
        d for v in split_values(record.get("birth_date", "") or record.get("dob", "")) for d in parse_dates(v)
    ]
    programs = split_values(record.get("program", "") + ";" + record.get("programs", ""))
    extra = {column: value for column, value in record.items() if column not in KNOWN_COLUMNS and value}
    extra["source_line"] = str(line)
    return ListEntry(
        source_id=source_id,
        entity_type=entity_type,
        names=unique_names(names),
        countries=tuple(dict.fromkeys(countries)),
        birth_dates=tuple(dict.fromkeys(birth_dates)),
        programs=tuple(programs),
        remarks=record.get("remarks", ""),
        extra=extra,
    )
