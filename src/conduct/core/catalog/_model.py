"""Value types of the framework library: frameworks, their requirements, and mappings between requirements."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from conduct.core.catalog._urn import URN_PREFIX

ThresholdValue = str | int | float | bool


class Dimension(StrEnum):
    """The due-diligence dimension a requirement belongs to."""

    PRODUCT = "product"
    LABOUR = "labour"
    SUPPLY_CHAIN = "supply_chain"
    GOVERNANCE = "governance"
    SECURITY = "security"
    PRIVACY = "privacy"


class CheckMethod(StrEnum):
    """How conformance can be checked: from structured data or device tests, with a reviewer, or by a
    person."""

    AUTOMATIC = "automatic"
    ASSISTED = "assisted"
    MANUAL = "manual"


class Confidence(StrEnum):
    """How far the paraphrase can be relied on without checking the primary document."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class FrameworkKind(StrEnum):
    """Binding law, a (usually certifiable) standard, or guidance / soft law."""

    LAW = "law"
    STANDARD = "standard"
    GUIDANCE = "guidance"


class Relation(StrEnum):
    """How two requirements relate.

    `equivalent`: they ask for the same thing. `subset`: everything the `from` requirement asks for is also
    asked for by the `to` requirement, so meeting `to` meets `from`. `related`: they overlap; evidence for one
    informs the other but does not settle it.
    """

    EQUIVALENT = "equivalent"
    SUBSET = "subset"
    RELATED = "related"


def _frozen_map(values: Mapping[str, ThresholdValue] | None = None) -> Mapping[str, ThresholdValue]:
    return MappingProxyType(dict(values or {}))


def _frozen_text_map(values: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True)
class Requirement:
    """One requirement of a framework, keyed by its URN `urn:conduct:<framework>:<id>`."""

    urn: str
    framework: str
    id: str
    title: str
    summary: str
    dimension: Dimension
    check: CheckMethod
    evidence_examples: tuple[str, ...]
    confidence: Confidence
    section: str | None = None
    level: str | None = None
    legal_ref: str | None = None
    notes: str | None = None
    threshold: Mapping[str, ThresholdValue] = field(default_factory=_frozen_map, hash=False)


@dataclass(frozen=True)
class AnnexItem:
    """An entry of a framework annex (e.g. one capability category and its examples)."""

    text: str
    id: str | None = None
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Annex:
    """Reference lists that belong to a framework but are not requirements."""

    id: str
    title: str
    items: tuple[AnnexItem, ...]
    confidence: Confidence | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Framework:
    """A framework file: where its text comes from, how reliable it is, and its requirements in file order."""

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
    requirements: tuple[Requirement, ...]
    path: str
    content_hash: str
    jurisdiction: str | None = None
    gaps: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    level_legend: Mapping[str, str] = field(default_factory=_frozen_text_map, hash=False)
    facts: Mapping[str, str] = field(default_factory=_frozen_text_map, hash=False)
    annexes: tuple[Annex, ...] = ()

    @property
    def urn(self) -> str:
        """The framework's own URN, `urn:conduct:<framework>`, the prefix of all its requirement URNs."""
        return f"{URN_PREFIX}{self.slug}"


@dataclass(frozen=True)
class RequirementMapping:
    """A relation between two requirements, with the source that supports it."""

    from_urn: str
    to_urn: str
    relation: Relation
    source: str
    mapping_set: str
    note: str | None = None
    confidence: Confidence | None = None

    def other(self, urn: str) -> str:
        """The URN at the other end of the mapping from `urn`."""
        if urn == self.from_urn:
            return self.to_urn
        if urn == self.to_urn:
            return self.from_urn
        raise ValueError(f"{urn} is not part of this mapping")


def _fold(text: str) -> str:
    """Case- and accent-insensitive form used for search."""
    if text.isascii():  # most of the library: decomposition leaves it as it is and it has no accents
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


_TERM_STRIP = "\"'()[]{},;!?"


@dataclass(frozen=True)
class _IndexEntry:
    requirement: Requirement
    keys: frozenset[str]
    title: str
    body: str


@dataclass(frozen=True)
class FrameworkLibrary:
    """All frameworks, their requirements by URN, and the mappings between them.

    `version` is a content hash of every file the library was loaded from.
    """

    frameworks: tuple[Framework, ...]
    mappings: tuple[RequirementMapping, ...]
    version: str
    requirements: Mapping[str, Requirement] = field(init=False, repr=False, compare=False, hash=False)
    _by_slug: Mapping[str, Framework] = field(init=False, repr=False, compare=False, hash=False)
    _index: tuple[_IndexEntry, ...] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        by_slug = {framework.slug: framework for framework in self.frameworks}
        requirements = {
            requirement.urn: requirement
            for framework in self.frameworks
            for requirement in framework.requirements
        }
        index = tuple(
            _IndexEntry(
                requirement=requirement,
                keys=frozenset({_fold(requirement.urn), _fold(requirement.id)}),
                title=_fold(requirement.title),
                body=_fold(
                    " ".join(
                        [
                            requirement.urn,
                            framework.short_name,
                            requirement.summary,
                            requirement.section or "",
                            requirement.legal_ref or "",
                            *requirement.evidence_examples,
                        ]
                    )
                ),
            )
            for framework in self.frameworks
            for requirement in framework.requirements
        )
        object.__setattr__(self, "requirements", MappingProxyType(requirements))
        object.__setattr__(self, "_by_slug", MappingProxyType(by_slug))
        object.__setattr__(self, "_index", index)

    def get(self, urn: str) -> Requirement | None:
        """The requirement with this URN, or None."""
        return self.requirements.get(urn)

    def urns(self) -> frozenset[str]:
        """Every requirement URN in the library."""
        return frozenset(self.requirements)

    def framework(self, slug: str) -> Framework:
        """The framework with this slug; raises KeyError when there is none."""
        try:
            return self._by_slug[slug]
        except KeyError:
            raise KeyError(f"unknown framework {slug!r}; known: {', '.join(self._by_slug)}") from None

    def mappings_for(self, urn: str) -> tuple[RequirementMapping, ...]:
        """Mappings that have this requirement at either end, in library order."""
        return tuple(m for m in self.mappings if urn in (m.from_urn, m.to_urn))

    def search(
        self,
        text: str,
        framework: str | None = None,
        dimension: Dimension | str | None = None,
    ) -> tuple[Requirement, ...]:
        """Requirements matching every word of `text`, best first; empty text lists all within the filters.

        A word that is a requirement's id or URN ranks highest, then words in the title, then words in the
        summary, section, legal reference or evidence examples. Matching ignores case and accents and accepts
        partial words. Raises ValueError for an unknown framework slug or dimension.
        """
        wanted_dimension = Dimension(dimension) if dimension is not None else None
        if framework is not None and framework not in self._by_slug:
            raise ValueError(f"unknown framework {framework!r}; known: {', '.join(self._by_slug)}")
        terms = [term for term in (word.strip(_TERM_STRIP) for word in _fold(text).split()) if term]
        ranked: list[tuple[int, int, Requirement]] = []
        for position, entry in enumerate(self._index):
            requirement = entry.requirement
            if framework is not None and requirement.framework != framework:
                continue
            if wanted_dimension is not None and requirement.dimension is not wanted_dimension:
                continue
            score = 0
            for term in terms:
                if term in entry.keys:
                    score += 10
                elif term in entry.title:
                    score += 3
                elif term in entry.body:
                    score += 1
                else:
                    break
            else:
                ranked.append((-score, position, requirement))
        ranked.sort(key=lambda hit: (hit[0], hit[1]))
        return tuple(requirement for _, _, requirement in ranked)
