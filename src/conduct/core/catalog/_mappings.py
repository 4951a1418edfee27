"""Mapping files (`<library>/mappings/*.yaml`): requirement-to-requirement mappings, checked against the
requirements the framework files define."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from conduct.core._yaml import line_of
from conduct.core.catalog._errors import Problem
from conduct.core.catalog._files import SourceFile, decode
from conduct.core.catalog._model import Confidence, Relation, RequirementMapping
from conduct.core.catalog._nodes import NodeReader, compose
from conduct.core.catalog._urn import URN_PATTERN

_MAPPING_SET_TOP = ("title", "mappings")
_MAPPING_SET_OPTIONAL = ("notes",)
_MAPPING_REQUIRED = ("from", "to", "relation", "source")
_MAPPING_OPTIONAL = ("note", "confidence")


@dataclass(frozen=True)
class LocatedMapping:
    mapping: RequirementMapping
    display: str
    line: int


def load_mapping_set(
    source: SourceFile,
    known_urns: set[str],
    unreadable_slugs: set[str],
    problems: list[Problem],
) -> list[LocatedMapping]:
    text = decode(source, problems)
    root = compose(text, source.display, problems) if text is not None else None
    if root is None:
        return []
    reader = NodeReader(source.display, problems)
    top = reader.mapping(root, "mapping file", _MAPPING_SET_TOP, _MAPPING_SET_OPTIONAL)
    if top is None:
        return []
    reader.text(top.get("title"), "mapping file title", single_line=True)
    reader.text_list(top.get("notes"), "mapping file notes")
    located: list[LocatedMapping] = []
    for position, item in enumerate(reader.sequence(top.get("mappings"), "mappings") or [], start=1):
        entry = _read_mapping(reader, item, position, source, known_urns, unreadable_slugs)
        if entry is not None:
            located.append(entry)
    return located


def _read_mapping(
    reader: NodeReader,
    node: yaml.Node,
    position: int,
    source: SourceFile,
    known_urns: set[str],
    unreadable_slugs: set[str],
) -> LocatedMapping | None:
    before = len(reader.problems)
    what = f"mapping #{position}"
    values = reader.mapping(node, what, _MAPPING_REQUIRED, _MAPPING_OPTIONAL)
    if values is None:
        return None

    def endpoint(key: str) -> str | None:
        urn = reader.text(values.get(key), f"{what} {key}", single_line=True)
        if urn is None:
            return None
        match = URN_PATTERN.fullmatch(urn)
        if match is None:
            reader.report(
                values[key], f"{what} {key}: {urn!r} is not a requirement URN (urn:conduct:<framework>:<id>)"
            )
            return None
        if urn not in known_urns:
            if (
                match["framework"] not in unreadable_slugs
            ):  # an unreadable framework file is reported on its own
                reader.report(values[key], f"{what} {key}: unknown requirement {urn}")
            return None
        return urn

    from_urn, to_urn = endpoint("from"), endpoint("to")
    relation = reader.choice(values.get("relation"), Relation, f"{what} relation")
    citation = reader.text(values.get("source"), f"{what} source")
    note = reader.text(values.get("note"), f"{what} note")
    confidence = reader.choice(values.get("confidence"), Confidence, f"{what} confidence")
    if from_urn is not None and from_urn == to_urn:
        reader.report(node, f"{what} maps {from_urn} to itself")
    if len(reader.problems) > before or not (from_urn and to_urn and relation and citation):
        return None
    mapping = RequirementMapping(
        from_urn=from_urn,
        to_urn=to_urn,
        relation=relation,
        source=citation,
        mapping_set=source.path.stem,
        note=note,
        confidence=confidence,
    )
    return LocatedMapping(mapping, source.display, line_of(node))


def check_duplicate_mappings(mappings: list[LocatedMapping], problems: list[Problem]) -> None:
    seen: dict[frozenset[str], LocatedMapping] = {}
    for entry in mappings:
        pair = frozenset((entry.mapping.from_urn, entry.mapping.to_urn))
        first = seen.get(pair)
        if first is not None:
            problems.append(
                Problem(
                    entry.display,
                    entry.line,
                    f"{entry.mapping.from_urn} and {entry.mapping.to_urn} are already mapped at "
                    f"{first.display}:{first.line}",
                )
            )
            continue
        seen[pair] = entry
