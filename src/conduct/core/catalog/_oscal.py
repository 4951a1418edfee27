"""Export a framework as an OSCAL 1.1 catalog (JSON-ready dict), deterministically from its content."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, time
from typing import Any

from conduct.core.catalog._model import Dimension, Framework, Relation, Requirement, RequirementMapping

OSCAL_VERSION = "1.1.3"
# Namespace of Conduct's own OSCAL property names (dimension, check, level, ...). It only has to be a stable,
# absolute URI; it need not resolve.
OSCAL_NAMESPACE = "https://conduct.invalid/ns/oscal"

_NON_TOKEN = re.compile(r"[^A-Za-z0-9._-]+")


def oscal_control_id(requirement: Requirement) -> str:
    """The OSCAL control id of a requirement: `<framework>-<id>` in lower case, e.g. `sa8000-sa8000-1.a`.

    OSCAL ids must be NCName tokens (start with a letter or '_'; then letters, digits, '.', '-', '_'); the
    framework slug guarantees the first character, and the loader guarantees ids differ beyond letter case.
    """
    return f"{requirement.framework}-{requirement.id}".lower()


def _uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def _prop(name: str, value: str, *, conduct: bool = True, prop_class: str | None = None) -> dict[str, str]:
    prop = {"name": name, "value": " ".join(value.split())}
    if conduct:
        prop["ns"] = OSCAL_NAMESPACE
    if prop_class is not None:
        prop["class"] = prop_class
    return prop


def _group_id(prefix: str, title: str, taken: set[str]) -> str:
    base = f"{prefix}-{_NON_TOKEN.sub('-', title).strip('-').lower()}".rstrip("-.")
    candidate, counter = base, 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    taken.add(candidate)
    return candidate


def _control(requirement: Requirement, position: int, links: Iterable[tuple[str, str]]) -> dict[str, Any]:
    control_id = oscal_control_id(requirement)
    props = [
        _prop("label", requirement.id, conduct=False),
        _prop("sort-id", f"{position:04d}", conduct=False),
        _prop("alt-identifier", requirement.urn, conduct=False),
        _prop("dimension", requirement.dimension.value),
        _prop("check", requirement.check.value),
        _prop("confidence", requirement.confidence.value),
    ]
    if requirement.level is not None:
        props.append(_prop("level", requirement.level))
    if requirement.legal_ref is not None:
        props.append(_prop("legal-ref", requirement.legal_ref))
    for key, value in requirement.threshold.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        props.append(_prop("threshold", text, prop_class=_NON_TOKEN.sub("_", key)))
    evidence = "\n".join(f"- {example}" for example in requirement.evidence_examples)
    guidance = f"Evidence that would show conformance:\n\n{evidence}"
    if requirement.notes:
        guidance += f"\n\n{requirement.notes}"
    control: dict[str, Any] = {
        "id": control_id,
        "class": "requirement",
        "title": " ".join(requirement.title.split()),
        "props": props,
        "parts": [
            {"id": f"{control_id}_smt", "name": "statement", "prose": requirement.summary},
            {"id": f"{control_id}_gdn", "name": "guidance", "prose": guidance},
        ],
    }
    link_list = [{"href": href, "rel": rel} for href, rel in links]
    if link_list:
        control["links"] = link_list
    return control


def _links_by_urn(mappings: Iterable[RequirementMapping]) -> dict[str, list[tuple[str, str]]]:
    links: dict[str, list[tuple[str, str]]] = {}
    for mapping in mappings:
        if mapping.relation is Relation.SUBSET:
            forward, backward = "subset-of", "superset-of"
        else:
            forward = backward = mapping.relation.value
        links.setdefault(mapping.from_urn, []).append((mapping.to_urn, forward))
        links.setdefault(mapping.to_urn, []).append((mapping.from_urn, backward))
    return links


def to_oscal_catalog(framework: Framework, mappings: Iterable[RequirementMapping] = ()) -> dict[str, Any]:
    """The framework as an OSCAL 1.1 catalog: `{"catalog": {...}}`, ready for json.dumps.

    Controls are grouped by section when every requirement has one, otherwise by dimension. Each control
    carries
    the requirement's URN (`alt-identifier`), its dimension, check method and confidence as properties, the
    summary as its statement and the evidence examples as guidance. Mappings touching the framework become
    control links whose href is the other requirement's URN. Output depends only on the inputs: the catalog
    uuid
    is a uuid5 of the framework URN and content hash, resource uuids are uuid5s of the framework URN.
    """
    links = _links_by_urn(mappings)
    by_section = all(requirement.section for requirement in framework.requirements)
    groups: dict[str, list[Requirement]] = {}
    if not by_section:  # dimension groups always come in the same order
        groups = {dimension.value: [] for dimension in Dimension}
    for requirement in framework.requirements:
        key = requirement.section if by_section and requirement.section else requirement.dimension.value
        groups.setdefault(key, []).append(requirement)
    groups = {key: members for key, members in groups.items() if members}

    taken: set[str] = set()
    position = 0
    oscal_groups: list[dict[str, Any]] = []
    for title, requirements in groups.items():
        controls = []
        for requirement in requirements:
            position += 1
            controls.append(_control(requirement, position, links.get(requirement.urn, ())))
        group_title = title if by_section else title.replace("_", " ").capitalize()
        oscal_groups.append(
            {
                "id": _group_id("section" if by_section else "dimension", title, taken),
                "class": "section" if by_section else "dimension",
                "title": group_title,
                "controls": controls,
            }
        )

    resources = [
        {
            "uuid": _uuid(f"{framework.urn}#source-{index}"),
            "title": f"Source {index}",
            "citation": {"text": " ".join(source.split())},
        }
        for index, source in enumerate(framework.sources, start=1)
    ]
    metadata_props = [
        _prop("framework-urn", framework.urn),
        _prop("kind", framework.kind.value),
        _prop("edition", framework.edition),
        _prop("issuer", framework.issuer),
        _prop("confidence", framework.confidence.value),
        _prop("digest", framework.digest_file),
    ]
    remarks = "\n\n".join(
        [
            "Paraphrased for Conduct from a research digest; not the official text. Not legal advice.",
            f"Legal status: {framework.legal_status}",
            f"Identifiers: {framework.id_scheme}",
            f"Confidence ({framework.confidence.value}): {framework.confidence_note}",
            *(f"Gap: {gap}" for gap in framework.gaps),
            *(f"Note: {note}" for note in framework.notes),
        ]
    )
    catalog: dict[str, Any] = {
        "uuid": _uuid(f"{framework.urn}@{framework.content_hash}"),
        "metadata": {
            "title": " ".join(framework.name.split()),
            "last-modified": datetime.combine(framework.reviewed, time(0, 0), tzinfo=UTC).isoformat(),
            "version": f"{framework.reviewed.isoformat()}+{framework.content_hash[:12]}",
            "oscal-version": OSCAL_VERSION,
            "props": metadata_props,
            "remarks": remarks,
        },
        "groups": oscal_groups,
    }
    if resources:
        catalog["back-matter"] = {"resources": resources}
    return {"catalog": catalog}
