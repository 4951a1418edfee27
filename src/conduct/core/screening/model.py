"""Plain value types shared by the list readers, the index and the scorer."""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("person", "organization", "vessel", "aircraft", "unknown")
NAME_KINDS = ("primary", "alias_strong", "alias_weak", "former")
LIST_KINDS = ("sanctions", "export_control", "forced_labour", "investment", "pep", "custom")


@dataclass(frozen=True)
class EntryName:
    """One name of a listed party, as the source spells it."""

    name: str
    kind: str = "primary"  # one of NAME_KINDS


@dataclass(frozen=True)
class ListEntry:
    """One listed party, keeping the source's stable id and every name it gives."""

    source_id: str  # OFAC ent_num, UN DATAID, BIS row key, CSL _id, ...
    entity_type: str  # one of ENTITY_TYPES
    names: tuple[EntryName, ...]  # names[0] is the primary name
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, upper case
    birth_dates: tuple[str, ...] = ()  # ISO prefixes: "1970", "1970-05", "1970-05-01"
    identifiers: tuple[tuple[str, str], ...] = ()  # (scheme, value)
    programs: tuple[str, ...] = ()
    remarks: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def primary_name(self) -> str:
        return self.names[0].name if self.names else ""
