"""The US Consolidated Screening List (trade.gov CSV), in its 2019 layout and the 2025 layout with _id."""

from __future__ import annotations

import re
from pathlib import Path

from conduct.core.screening._countries import country_code
from conduct.core.screening.formats._common import (
    ListFormatError,
    ParsedList,
    csv_rows,
    guess_entity_type,
    parse_dates,
    read_text,
    split_values,
    stable_key,
    unique_names,
)
from conduct.core.screening.model import EntryName, ListEntry

CSL_REQUIRED = ("source", "name", "alt_names", "addresses")
_TYPES = {"individual": "person", "entity": "organization", "vessel": "vessel", "aircraft": "aircraft"}

# Source (as trade.gov names it) -> list kind. The Commerce lists and State's ITAR debarments are export
# controls; Treasury's and State's sanctions programmes are sanctions.
_EXPORT_CONTROL = re.compile(
    r"Entity List|Denied Persons|Military End User|Unverified List|ITAR "
    r"Debarred|\(EL\)|\(DPL\)|\(MEU\)|\(UVL\)|\(DTC\)",
    re.IGNORECASE,
)
_SANCTIONS = re.compile(
    r"\(SDN\)|\(SSI\)|\(PLC\)|\(FSE\)|\(CAP\)|\(ISN\)|\(NS-MBS\)|\(CMIC\)|\(MBS\)|Treasury|Nonproliferation|Sanction",
    re.IGNORECASE,
)


# State's nonproliferation entries carry boilerplate after the name; Entity List aliases may start "and ".
_NAME_TAIL = re.compile(
    r"[;,]?\s*and any successors?,? sub-units?,? or subsidiar(?:y|ies) thereof\.?$", re.IGNORECASE
)


def _clean_name(name: str) -> str:
    name = _NAME_TAIL.sub("", name).strip(" ;,")
    return name[4:].strip() if name.lower().startswith("and ") else name


def kind_for_source(source: str) -> str:
    if _EXPORT_CONTROL.search(source):
        return "export_control"
    if _SANCTIONS.search(source):
        return "sanctions"
    return "export_control"


def _address_countries(addresses: str) -> list[str]:
    codes = []
    for address in split_values(addresses):
        last = address.rsplit(",", 1)[-1].strip()
        if len(last) == 2 and last.isalpha():
            codes.append(last.upper())
    return codes


def _identifiers(ids: str) -> list[tuple[str, str]]:
    # "Passport, 836238033, KP; Gender, Male; ..." (2025) or "5030056754, Tax ID No." (2019): keep pairs
    # whose parts look like a scheme and a value.
    found: list[tuple[str, str]] = []
    for item in split_values(ids):
        parts = [part.strip() for part in item.split(",")]
        if len(parts) < 2 or parts[0] in ("Gender",) or parts[0].endswith(":"):
            continue
        if any(ch.isdigit() for ch in parts[0]) and not any(ch.isdigit() for ch in parts[1]):
            found.append((parts[1], parts[0]))
        else:
            found.append((parts[0], parts[1]))
    return found


def read_csl(path: Path, list_kind: str | None) -> ParsedList:
    rows = csv_rows(read_text(path), path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ListFormatError("empty file", line=1, path=path) from None
    header = [cell.strip().lstrip("\ufeff") for cell in header]
    missing = [column for column in CSL_REQUIRED if column not in header]
    if missing:
        raise ListFormatError(f"header lacks column(s) {', '.join(missing)}", line=1, path=path)
    layout = "2025" if header[0] == "_id" else "2019"
    entries: list[ListEntry] = []
    kinds: set[str] = set()
    seen: dict[str, int] = {}
    for line, row in rows:
        if len(row) != len(header):
            raise ListFormatError(f"expected {len(header)} columns, found {len(row)}", line=line, path=path)
        record = dict(zip(header, (cell.strip() for cell in row), strict=True))
        name = record["name"]
        if not name:
            raise ListFormatError("row has no name", line=line, path=path)
        source = record["source"]
        if not source:
            raise ListFormatError("row has no source", line=line, path=path)
        kind = kind_for_source(source)
        kinds.add(kind)
        key = record.get("_id") or record.get("entity_number") or stable_key("csl", source, name)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}-{seen[key]}"
        names = [EntryName(_clean_name(name), "primary")]
        names += [
            EntryName(_clean_name(alias), "alias_strong")
            for alias in split_values(record.get("alt_names", ""))
        ]
        entity_type = _TYPES.get(record.get("type", "").lower()) or guess_entity_type(name)
        countries = []
        for column in ("nationalities", "citizenships"):
            for value in split_values(record.get(column, "")):
                code = country_code(value)
                if code:
                    countries.append(code)
        countries += _address_countries(record.get("addresses", ""))
        birth_dates = [
            date for value in split_values(record.get("dates_of_birth", "")) for date in parse_dates(value)
        ]
        extra = {
            "source_line": str(line),
            "source": source,
            "list_kind": kind,
            "layout": layout,
        }
        for column in (
            "title",
            "addresses",
            "federal_register_notice",
            "start_date",
            "end_date",
            "license_requirement",
            "license_policy",
            "source_list_url",
            "places_of_birth",
        ):
            if record.get(column):
                extra[column] = record[column]
        entries.append(
            ListEntry(
                source_id=key,
                entity_type=entity_type,
                names=unique_names(names),
                countries=tuple(dict.fromkeys(countries)),
                birth_dates=tuple(dict.fromkeys(birth_dates)),
                identifiers=tuple(dict.fromkeys(_identifiers(record.get("ids", "")))),
                programs=tuple(split_values(record.get("programs", ""))),
                remarks=record.get("remarks", ""),
                extra=extra,
            )
        )
    if list_kind is None:
        list_kind = "sanctions" if kinds == {"sanctions"} else "export_control"
    return ParsedList(format="us_csl", list_kind=list_kind, entries=tuple(entries), path=str(path))
