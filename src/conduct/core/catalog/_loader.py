"""Load and validate the framework library directory: `<dir>/*.yaml` frameworks and
`<dir>/mappings/*.yaml`."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

import yaml

from conduct.core._yaml import line_of
from conduct.core.catalog._errors import CatalogError, Problem
from conduct.core.catalog._files import SourceFile, content_hash, decode, source_files
from conduct.core.catalog._mappings import LocatedMapping, check_duplicate_mappings, load_mapping_set
from conduct.core.catalog._model import (
    Annex,
    AnnexItem,
    CheckMethod,
    Confidence,
    Dimension,
    Framework,
    FrameworkKind,
    FrameworkLibrary,
    Requirement,
)
from conduct.core.catalog._nodes import NodeReader, compose
from conduct.core.catalog._urn import ID_PATTERN, SLUG_PATTERN, URN_PATTERN, URN_PREFIX

MAPPINGS_DIR = "mappings"

_FRAMEWORK_TOP = ("framework", "requirements")
_HEADER_REQUIRED = (
    "slug",
    "name",
    "short_name",
    "kind",
    "issuer",
    "edition",
    "legal_status",
    "reviewed",
    "digest",
    "id_scheme",
    "confidence",
    "sources",
)
_HEADER_OPTIONAL = ("jurisdiction", "gaps", "notes", "level_legend", "facts", "annexes")
_REQUIREMENT_REQUIRED = ("urn", "title", "summary", "dimension", "check", "evidence_examples")
_REQUIREMENT_OPTIONAL = ("section", "level", "legal_ref", "confidence", "notes", "threshold")

_CHECK_HINT = " (the digests' auto/human are written automatic/manual here)"


def load_library(path: str | os.PathLike[str]) -> FrameworkLibrary:
    """Load every framework and mapping file under `path`, validating all of it.

    Raises CatalogError listing every problem found (file and line for each); nothing is loaded partially.
    """
    root = Path(path)
    problems: list[Problem] = []
    if not root.is_dir():
        raise CatalogError([Problem(str(root), None, "framework library directory not found")])

    framework_files = source_files(root, root, problems)
    mapping_dir = root / MAPPINGS_DIR
    mapping_files = source_files(mapping_dir, root, problems) if mapping_dir.is_dir() else []
    if not framework_files:
        problems.append(Problem(str(root), None, "no framework files (*.yaml) found"))

    frameworks: list[Framework] = []
    parsed: list[Requirement] = []
    unreadable_slugs: set[str] = set()
    for source in framework_files:
        framework, file_requirements = _load_framework(source, problems)
        if file_requirements is None:
            unreadable_slugs.add(source.path.stem)
        else:
            parsed.extend(file_requirements)
        if framework is not None:
            frameworks.append(framework)

    # URNs are unique across files because each file's URNs must carry its own slug, which is its file name.
    known = {requirement.urn for requirement in parsed}

    mappings: list[LocatedMapping] = []
    for source in mapping_files:
        mappings.extend(load_mapping_set(source, known, unreadable_slugs, problems))
    check_duplicate_mappings(mappings, problems)

    if problems:
        raise CatalogError(problems)
    frameworks.sort(key=lambda framework: framework.slug)
    return FrameworkLibrary(
        frameworks=tuple(frameworks),
        mappings=tuple(entry.mapping for entry in mappings),
        version=content_hash([*framework_files, *mapping_files]),
    )


# ----------------------------------------------------------------------------------------------------
# frameworks


def _load_framework(
    source: SourceFile, problems: list[Problem]
) -> tuple[Framework | None, list[Requirement] | None]:
    """Parse one framework file. Returns the framework (None if the file has problems) and every requirement
    whose URN could be read (None if the requirement list itself could not be read), so that one broken file
    does not drown the mapping checks in unknown-URN problems."""
    before = len(problems)
    text = decode(source, problems)
    root = compose(text, source.display, problems) if text is not None else None
    if root is None:
        return None, None
    reader = NodeReader(source.display, problems)
    top = reader.mapping(root, "framework file", _FRAMEWORK_TOP)
    if top is None:
        return None, None

    stem = source.path.stem
    header = _read_header(reader, top["framework"], stem) if "framework" in top else None
    # With a broken header, still check requirements against what the header declares, without repeating its
    # problems: the declared slug for URN prefixes, and no level check when the legend is unknown.
    slug = header.slug if header is not None else _declared_slug(top.get("framework")) or stem
    level_legend = header.level_legend if header is not None else None
    default_confidence = header.confidence if header is not None else Confidence.HIGH

    items = reader.sequence(top["requirements"], "requirements") if "requirements" in top else None
    if items is None:
        return None, None
    requirements = _read_requirements(reader, items, slug, level_legend, default_confidence)
    if header is None or len(problems) > before:
        return None, requirements
    return _framework(header, requirements, source), requirements


def _read_requirements(
    reader: NodeReader,
    items: list[yaml.Node],
    slug: str,
    level_legend: dict[str, str] | None,
    default_confidence: Confidence,
) -> list[Requirement]:
    """The readable requirements of a file, each URN once and no two ids differing only in case."""
    requirements: list[Requirement] = []
    seen_urns: dict[str, int] = {}
    seen_ids: dict[str, tuple[str, int]] = {}
    for position, item in enumerate(items, start=1):
        requirement = _read_requirement(reader, item, position, slug, level_legend, default_confidence)
        if requirement is None:
            continue
        line = line_of(item)
        if requirement.urn in seen_urns:
            reader.report(
                item,
                f"duplicate requirement URN {requirement.urn} (first at line {seen_urns[requirement.urn]})",
            )
            continue
        folded = requirement.id.casefold()
        if folded in seen_ids:
            other, other_line = seen_ids[folded]
            reader.report(
                item,
                f"requirement id {requirement.id!r} differs only in letter case from {other!r} (line "
                f"{other_line})",
            )
            continue
        seen_urns[requirement.urn] = line
        seen_ids[folded] = (requirement.id, line)
        requirements.append(requirement)
    return requirements


def _framework(header: _Header, requirements: list[Requirement], source: SourceFile) -> Framework:
    return Framework(
        slug=header.slug,
        name=header.name,
        short_name=header.short_name,
        kind=header.kind,
        issuer=header.issuer,
        edition=header.edition,
        legal_status=header.legal_status,
        reviewed=header.reviewed,
        digest_file=header.digest_file,
        digest_id=header.digest_id,
        id_scheme=header.id_scheme,
        confidence=header.confidence,
        confidence_note=header.confidence_note,
        sources=header.sources,
        requirements=tuple(requirements),
        path=source.display,
        content_hash=hashlib.sha256(source.data).hexdigest(),
        jurisdiction=header.jurisdiction,
        gaps=header.gaps,
        notes=header.notes,
        level_legend=MappingProxyType(dict(header.level_legend)),
        facts=MappingProxyType(dict(header.facts)),
        annexes=header.annexes,
    )


def _declared_slug(node: yaml.Node | None) -> str | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "slug" and isinstance(value, yaml.ScalarNode):
            slug = str(value.value)
            return slug if SLUG_PATTERN.fullmatch(slug) else None
    return None


@dataclass(frozen=True)
class _Header:
    slug: str
    name: str
    short_name: str
    kind: FrameworkKind
    issuer: str
    edition: str
    legal_status: str
    reviewed: date
    digest_file: str
    digest_id: str
    id_scheme: str
    confidence: Confidence
    confidence_note: str
    sources: tuple[str, ...]
    jurisdiction: str | None
    gaps: tuple[str, ...]
    notes: tuple[str, ...]
    level_legend: dict[str, str]
    facts: dict[str, str]
    annexes: tuple[Annex, ...]


def _read_header(reader: NodeReader, node: yaml.Node, stem: str) -> _Header | None:
    before = len(reader.problems)
    values = reader.mapping(node, "framework", _HEADER_REQUIRED, _HEADER_OPTIONAL)
    if values is None:
        return None
    slug = reader.text(values.get("slug"), "framework slug", single_line=True)
    if slug is not None and not SLUG_PATTERN.fullmatch(slug):
        reader.report(values["slug"], f"framework slug {slug!r} must be lower-case letters, digits and '_'")
    elif slug is not None and slug != stem:
        reader.report(values["slug"], f"framework slug {slug!r} must match the file name ({stem}.yaml)")

    def line(key: str) -> str | None:
        return reader.text(values.get(key), f"framework {key}", single_line=True)

    def prose(key: str) -> str | None:
        return reader.text(values.get(key), f"framework {key}")

    def text_list(key: str) -> tuple[str, ...]:
        return reader.text_list(values.get(key), f"framework {key}") or ()

    digest_file, digest_id = _read_digest(reader, values.get("digest"))
    confidence, confidence_note = _read_confidence(reader, values.get("confidence"))

    name, short_name, issuer, edition = line("name"), line("short_name"), line("issuer"), line("edition")
    jurisdiction = line("jurisdiction")
    legal_status, id_scheme = prose("legal_status"), prose("id_scheme")
    kind = reader.choice(values.get("kind"), FrameworkKind, "framework kind")
    reviewed = reader.iso_date(values.get("reviewed"), "framework reviewed")
    sources, gaps, notes = text_list("sources"), text_list("gaps"), text_list("notes")
    level_legend = reader.text_map(values.get("level_legend"), "framework level_legend") or {}
    facts = reader.text_map(values.get("facts"), "framework facts") or {}
    annexes = _read_annexes(reader, values["annexes"]) if "annexes" in values else ()

    if len(reader.problems) > before:
        return None
    # Every required key was present and valid, or a problem was recorded above.
    assert slug and name and short_name and kind and issuer and edition and legal_status and reviewed
    assert digest_file and digest_id and id_scheme and confidence and confidence_note
    return _Header(
        slug=slug,
        name=name,
        short_name=short_name,
        kind=kind,
        issuer=issuer,
        edition=edition,
        legal_status=legal_status,
        reviewed=reviewed,
        digest_file=digest_file,
        digest_id=digest_id,
        id_scheme=id_scheme,
        confidence=confidence,
        confidence_note=confidence_note,
        sources=sources,
        jurisdiction=jurisdiction,
        gaps=gaps,
        notes=notes,
        level_legend=level_legend,
        facts=facts,
        annexes=annexes,
    )


def _read_digest(reader: NodeReader, node: yaml.Node | None) -> tuple[str | None, str | None]:
    """The digest file and id the framework was written from."""
    if node is None:
        return None, None
    digest = reader.mapping(node, "framework digest", ("file", "id"))
    if digest is None:
        return None, None
    return (
        reader.text(digest.get("file"), "digest file", single_line=True),
        reader.text(digest.get("id"), "digest id", single_line=True),
    )


def _read_confidence(reader: NodeReader, node: yaml.Node | None) -> tuple[Confidence | None, str | None]:
    """The framework's default confidence and the note explaining it."""
    if node is None:
        return None, None
    block = reader.mapping(node, "framework confidence", ("default", "note"))
    if block is None:
        return None, None
    return (
        reader.choice(block.get("default"), Confidence, "framework confidence default"),
        reader.text(block.get("note"), "framework confidence note"),
    )


def _read_annexes(reader: NodeReader, node: yaml.Node) -> tuple[Annex, ...]:
    annexes: list[Annex] = []
    seen: set[str] = set()
    for item in reader.sequence(node, "framework annexes") or []:
        values = reader.mapping(item, "annex", ("id", "title", "items"), ("confidence", "notes"))
        if values is None:
            continue
        annex_id = reader.text(values.get("id"), "annex id", single_line=True)
        title = reader.text(values.get("title"), "annex title", single_line=True)
        confidence = reader.choice(values.get("confidence"), Confidence, "annex confidence")
        notes = reader.text(values.get("notes"), "annex notes")
        entries: list[AnnexItem] = []
        for entry_node in reader.sequence(values.get("items"), "annex items") or []:
            entry = reader.mapping(entry_node, "annex item", ("text",), ("id", "examples"))
            if entry is None:
                continue
            entry_text = reader.text(entry.get("text"), "annex item text")
            entry_id = reader.text(entry.get("id"), "annex item id", single_line=True)
            examples = reader.text_list(entry.get("examples"), "annex item examples")
            if entry_text is not None:
                entries.append(AnnexItem(text=entry_text, id=entry_id, examples=examples or ()))
        if annex_id is None or title is None:
            continue
        if annex_id in seen:
            reader.report(values["id"], f"duplicate annex id {annex_id!r}")
            continue
        seen.add(annex_id)
        annexes.append(
            Annex(id=annex_id, title=title, items=tuple(entries), confidence=confidence, notes=notes)
        )
    return tuple(annexes)


def _read_urn(reader: NodeReader, node: yaml.Node | None, what: str, slug: str) -> tuple[str, str] | None:
    """(URN, requirement id) when the URN is well formed and belongs to this file's framework."""
    urn = reader.text(node, f"{what} urn", single_line=True)
    if urn is None or node is None:
        return None
    match = URN_PATTERN.fullmatch(urn)
    if match is None:
        reader.report(
            node,
            f"{urn!r} is not a requirement URN of the form urn:conduct:<framework>:<id> "
            f"(<id> matches {ID_PATTERN.pattern}: letters, digits, '.', '-', '_')",
        )
        return None
    if match["framework"] != slug:
        reader.report(node, f"URN {urn} must start with {URN_PREFIX}{slug}: (the framework of this file)")
        return None
    return urn, match["id"]


def _read_requirement(
    reader: NodeReader,
    node: yaml.Node,
    position: int,
    slug: str,
    level_legend: dict[str, str] | None,
    default_confidence: Confidence,
) -> Requirement | None:
    before = len(reader.problems)
    values = reader.mapping(node, f"requirement #{position}", _REQUIREMENT_REQUIRED, _REQUIREMENT_OPTIONAL)
    if values is None:
        return None
    urn_and_id = _read_urn(reader, values.get("urn"), f"requirement #{position}", slug)
    what = urn_and_id[0] if urn_and_id else f"requirement #{position}"

    title = reader.text(values.get("title"), f"{what} title", single_line=True)
    summary = reader.text(values.get("summary"), f"{what} summary")
    dimension = reader.choice(values.get("dimension"), Dimension, f"{what} dimension")
    check = reader.choice(values.get("check"), CheckMethod, f"{what} check", _CHECK_HINT)
    evidence = reader.text_list(values.get("evidence_examples"), f"{what} evidence_examples")
    section = reader.text(values.get("section"), f"{what} section", single_line=True)
    level = reader.text(values.get("level"), f"{what} level", single_line=True)
    legal_ref = reader.text(values.get("legal_ref"), f"{what} legal_ref", single_line=True)
    notes = reader.text(values.get("notes"), f"{what} notes")
    confidence = reader.choice(values.get("confidence"), Confidence, f"{what} confidence")
    threshold = reader.threshold_map(values.get("threshold"), f"{what} threshold")
    if level is not None and level_legend is not None and level not in level_legend:
        legend = ", ".join(level_legend) if level_legend else "the framework has no level_legend"
        reader.report(
            values["level"], f"{what} level {level!r} is not in the framework's level_legend ({legend})"
        )

    if urn_and_id is None:
        return None
    urn, requirement_id = urn_and_id
    if len(reader.problems) > before:
        # Keep the URN known when only other fields are wrong, so mapping checks stay quiet (see
        # _load_framework).
        return _placeholder(urn, slug, requirement_id)
    assert title and summary and dimension and check and evidence
    return Requirement(
        urn=urn,
        framework=slug,
        id=requirement_id,
        title=title,
        summary=summary,
        dimension=dimension,
        check=check,
        evidence_examples=evidence,
        confidence=confidence or default_confidence,
        section=section,
        level=level,
        legal_ref=legal_ref,
        notes=notes,
        threshold=MappingProxyType(threshold or {}),
    )


def _placeholder(urn: str, slug: str, requirement_id: str) -> Requirement:
    """Stands in for an invalid requirement so its URN still counts as known; never reaches a library."""
    return Requirement(
        urn=urn,
        framework=slug,
        id=requirement_id,
        title="(invalid)",
        summary="(invalid)",
        dimension=Dimension.GOVERNANCE,
        check=CheckMethod.MANUAL,
        evidence_examples=(),
        confidence=Confidence.LOW,
    )
