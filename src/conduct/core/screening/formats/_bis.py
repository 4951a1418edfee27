"""BIS Denied Persons List (dpl.txt): tab-separated, quoted, with a header row."""

from __future__ import annotations

from pathlib import Path

from conduct.core.screening._countries import country_code
from conduct.core.screening.formats._common import (
    ListFormatError,
    ParsedList,
    csv_rows,
    guess_entity_type,
    parse_dates,
    read_text,
    stable_key,
    unique_names,
)
from conduct.core.screening.model import EntryName, ListEntry

DPL_COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
_AKA_SEPARATORS = (" A/K/A ", " AKA ", " F/K/A ", " D/B/A ")


def _split_names(raw: str) -> list[EntryName]:
    """'FUYI SUN A/K/A FRANK SUN' -> primary and alias; f/k/a gives a former name."""
    names: list[EntryName] = []
    rest = raw
    kind = "primary"
    while True:
        upper = rest.upper()
        hits = [(upper.find(sep), sep) for sep in _AKA_SEPARATORS if sep in upper]
        if not hits:
            names.append(EntryName(rest.strip(" ,"), kind))
            return names
        position, separator = min(hits)
        names.append(EntryName(rest[:position].strip(" ,"), kind))
        kind = "former" if separator.strip() == "F/K/A" else "alias_strong"
        rest = rest[position + len(separator) :]


def read_dpl(path: Path, list_kind: str) -> ParsedList:
    rows = csv_rows(read_text(path), path, delimiter="\t")
    try:
        _, header = next(rows)
    except StopIteration:
        raise ListFormatError("empty file", line=1, path=path) from None
    header = [cell.strip() for cell in header]
    missing = [column for column in ("Name", "Country") if column not in header]
    if missing:
        raise ListFormatError(f"header lacks column(s) {', '.join(missing)}", line=1, path=path)
    position = {column: header.index(column) for column in header}
    entries: list[ListEntry] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        if len(row) != len(header):
            raise ListFormatError(f"expected {len(header)} columns, found {len(row)}", line=line, path=path)
        record = {column: row[index].strip() for column, index in position.items()}
        name = record["Name"]
        if not name:
            raise ListFormatError("row has no Name", line=line, path=path)
        names = unique_names(_split_names(name))
        key = stable_key(
            "dpl", name.upper(), record.get("Effective_Date", ""), record.get("Street_Address", "")
        )
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}-{seen[key]}"
        code = country_code(record["Country"]) if record["Country"] else None
        address = ", ".join(
            record[column]
            for column in ("Street_Address", "City", "State", "Postal_Code", "Country")
            if record.get(column)
        )
        extra = {"source_line": str(line), "address": address}
        for column in ("Effective_Date", "Expiration_Date", "Last_Update"):
            dates = parse_dates(record.get(column, ""))
            if dates:
                extra[column.lower()] = dates[0]
        for column in ("Standard_Order", "Action", "FR_Citation"):
            if record.get(column):
                extra[column.lower()] = record[column]
        entries.append(
            ListEntry(
                source_id=key,
                entity_type=guess_entity_type(name),
                names=names,
                countries=(code,) if code else (),
                remarks=record.get("Action", ""),
                extra=extra,
            )
        )
    return ParsedList(format="bis_dpl", list_kind=list_kind, entries=tuple(entries), path=str(path))
