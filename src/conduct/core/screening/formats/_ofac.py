"""OFAC's legacy CSV files: the SDN list (sdn/alt/add[/sdn_comments].csv) and the consolidated
non-SDN list (cons_prim/cons_alt/cons_add[/cons_comments].csv). Headerless, '-0-' for empty."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from conduct.core.screening._countries import country_code
from conduct.core.screening.formats._common import (
    ListFormatError,
    ParsedList,
    csv_rows,
    ofac_value,
    parse_dates,
    read_text,
    unique_names,
)
from conduct.core.screening.model import EntryName, ListEntry


@dataclass(frozen=True)
class _Layout:
    format: str
    primary: str
    alt: str
    address: str
    comments: str


SDN = _Layout("ofac_sdn", "sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
NON_SDN = _Layout("ofac_non_sdn", "cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv")

_TYPES = {"individual": "person", "": "organization", "vessel": "vessel", "aircraft": "aircraft"}
_ALT_KINDS = {"aka": "alias_strong", "nka": "alias_strong", "fka": "former"}

# a.k.a. 'X' in Remarks: OFAC's "weak" (low quality) aliases. The closing quote is the one followed by
# the end of the clause (';' or the final '.'), since names themselves may contain apostrophes.
_WEAK_ALIAS = re.compile(r"\b([afn])\.k\.a\.,?\s+'(.+?)'(?=\s*;|\s*\.?\s*$|\s*\)|\s*,\s*[a-z])")
_DOB = re.compile(r"(?:^|;)\s*(?:alt\.\s+)?DOB\s+([^;]+)")
_NATIONALITY = re.compile(r"(?:^|;)\s*(?:alt\.\s+)?(?:nationality|citizen)\s+([^;]+)", re.IGNORECASE)
_GENDER = re.compile(r"(?:^|;)\s*Gender\s+(Male|Female)", re.IGNORECASE)
_POB = re.compile(r"(?:^|;)\s*(?:alt\.\s+)?POB\s+([^;]+)")
_IDENTIFIER = re.compile(
    r"(?:^|;)\s*(?:alt\.\s+)?(Passport|National ID No\.|Cedula No\.|Tax ID No\.|Registration Number|"
    r"Registration ID|SWIFT/BIC|Vessel Registration Identification|MMSI|ISIN|"
    r"Unified Social Credit Code \(USCC\)|Legal Entity Number|Identification Number|D-U-N-S Number|"
    r"Company Number|Business Registration Number|C\.U\.R\.P\.|R\.F\.C\.|NIT #|RUC #|Aircraft Serial "
    r"Identification)"
    r"\s+([^\s;]+(?:\s+\([^)]*\))?)"
)


@dataclass
class _Draft:
    ent_num: str
    name: str
    sdn_type: str
    programs: tuple[str, ...]
    title: str
    call_sign: str
    vessel_type: str
    vessel_flag: str
    remarks: str
    line: int
    aliases: list[EntryName] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)


def _programs(value: str) -> tuple[str, ...]:
    # OFAC joins several programs as "SDGT] [IRGC"
    return tuple(part.strip(" []") for part in value.split("] [") if part.strip(" []"))


def parse_remarks(remarks: str) -> dict[str, list[str]]:
    """What can be read off an OFAC Remarks field: weak aliases, dates of birth, nationalities, ids."""
    found: dict[str, list[str]] = {
        "weak_aliases": [],
        "weak_former": [],
        "birth_dates": [],
        "countries": [],
        "identifiers": [],
        "gender": [],
        "birth_places": [],
    }
    for match in _WEAK_ALIAS.finditer(remarks):
        kind, name = match.groups()
        found["weak_former" if kind == "f" else "weak_aliases"].append(name.strip())
    for match in _DOB.finditer(remarks):
        found["birth_dates"].extend(parse_dates(match.group(1).strip().rstrip(".")))
    for match in _NATIONALITY.finditer(remarks):
        code = country_code(match.group(1).strip().rstrip("."))
        if code:
            found["countries"].append(code)
    for match in _GENDER.finditer(remarks):
        found["gender"].append(match.group(1).lower())
    for match in _POB.finditer(remarks):
        found["birth_places"].append(match.group(1).strip().rstrip("."))
    for match in _IDENTIFIER.finditer(remarks):
        found["identifiers"].append(f"{match.group(1)}\x1f{match.group(2).rstrip('.')}")
    return found


def _read_primary(path: Path) -> dict[str, _Draft]:
    drafts: dict[str, _Draft] = {}
    for line, row in csv_rows(read_text(path), path, columns=12):
        ent_num = ofac_value(row[0])
        if not ent_num.isdigit():
            raise ListFormatError(f"ent_num must be a number, found {row[0]!r}", line=line, path=path)
        name = ofac_value(row[1])
        if not name:
            raise ListFormatError(f"entry {ent_num} has no name", line=line, path=path)
        sdn_type = ofac_value(row[2]).lower()
        if sdn_type not in _TYPES:
            raise ListFormatError(f"unknown SDN_Type {row[2].strip()!r}", line=line, path=path)
        if ent_num in drafts:
            raise ListFormatError(f"entry {ent_num} appears twice", line=line, path=path)
        drafts[ent_num] = _Draft(
            ent_num=ent_num,
            name=name,
            sdn_type=_TYPES[sdn_type],
            programs=_programs(ofac_value(row[3])),
            title=ofac_value(row[4]),
            call_sign=ofac_value(row[5]),
            vessel_type=ofac_value(row[6]),
            vessel_flag=ofac_value(row[9]),
            remarks=ofac_value(row[11]),
            line=line,
        )
    return drafts


def _read_alt(path: Path, drafts: dict[str, _Draft]) -> None:
    for line, row in csv_rows(read_text(path), path, columns=5):
        ent_num, alt_type, alt_name = ofac_value(row[0]), ofac_value(row[2]).lower(), ofac_value(row[3])
        if ent_num not in drafts:
            raise ListFormatError(f"alias for unknown entry {ent_num!r}", line=line, path=path)
        if not alt_name:
            raise ListFormatError(f"alias {ofac_value(row[1])!r} has no name", line=line, path=path)
        if alt_type not in _ALT_KINDS:
            raise ListFormatError(f"unknown alt_type {row[2].strip()!r}", line=line, path=path)
        drafts[ent_num].aliases.append(EntryName(alt_name, _ALT_KINDS[alt_type]))


def _read_addresses(path: Path, drafts: dict[str, _Draft]) -> None:
    for line, row in csv_rows(read_text(path), path, columns=6):
        ent_num = ofac_value(row[0])
        if ent_num not in drafts:
            raise ListFormatError(f"address for unknown entry {ent_num!r}", line=line, path=path)
        country = ofac_value(row[4])
        code = country_code(country) if country else None
        if code:
            drafts[ent_num].countries.append(code)


def _read_comments(path: Path, drafts: dict[str, _Draft]) -> None:
    # Remarks longer than the column allows continue here, cut mid-word: append without a separator.
    for line, row in csv_rows(read_text(path), path):
        if len(row) < 2:
            raise ListFormatError(f"expected 2 columns, found {len(row)}", line=line, path=path)
        ent_num = ofac_value(row[0])
        if ent_num not in drafts:
            raise ListFormatError(f"comment for unknown entry {ent_num!r}", line=line, path=path)
        drafts[ent_num].remarks += ",".join(row[1:]).rstrip()


def _entry(draft: _Draft) -> ListEntry:
    remarks = parse_remarks(draft.remarks)
    names = [EntryName(draft.name, "primary"), *draft.aliases]
    names += [EntryName(name, "alias_weak") for name in remarks["weak_aliases"]]
    names += [EntryName(name, "former") for name in remarks["weak_former"]]
    countries = list(remarks["countries"]) + draft.countries
    if draft.vessel_flag:
        flag = country_code(draft.vessel_flag)
        if flag:
            countries.append(flag)
    identifiers = [tuple(value.split("\x1f", 1)) for value in remarks["identifiers"]]
    if draft.call_sign:
        identifiers.append(("Call Sign", draft.call_sign))
    extra = {"source_line": str(draft.line)}
    if draft.title:
        extra["title"] = draft.title
    if draft.vessel_type:
        extra["vessel_type"] = draft.vessel_type
    if remarks["gender"]:
        extra["gender"] = remarks["gender"][0]
    if remarks["birth_places"]:
        extra["birth_places"] = "; ".join(remarks["birth_places"])
    return ListEntry(
        source_id=draft.ent_num,
        entity_type=draft.sdn_type,
        names=unique_names(names),
        countries=tuple(dict.fromkeys(countries)),
        birth_dates=tuple(dict.fromkeys(remarks["birth_dates"])),
        identifiers=tuple((scheme, value) for scheme, value in dict.fromkeys(identifiers)),
        programs=draft.programs,
        remarks=draft.remarks,
        extra=extra,
    )


def folder_for(path: Path, layout: _Layout) -> Path:
    return path if path.is_dir() else path.parent


def read_ofac(path: Path, layout: _Layout, list_kind: str) -> ParsedList:
    folder = folder_for(path, layout)
    primary = folder / layout.primary
    if not primary.is_file():
        raise ListFormatError(f"{layout.format} needs {layout.primary} in the folder", path=folder)
    drafts = _read_primary(primary)
    notes: list[str] = []
    for name, reader in (
        (layout.alt, _read_alt),
        (layout.address, _read_addresses),
        (layout.comments, _read_comments),
    ):
        part = folder / name
        if part.is_file():
            reader(part, drafts)
        else:
            notes.append(f"{name} not present: its data (aliases, addresses or long remarks) is missing")
    return ParsedList(
        format=layout.format,
        list_kind=list_kind,
        entries=tuple(_entry(draft) for draft in drafts.values()),
        source_date=None,
        path=str(folder),
        notes=tuple(notes),
    )
