"""Components matched to vulnerability records through an index by purl, CPE and product name.

Each component looks up its few keys and is judged only against the targets filed under them, so matching
an SBOM costs its component count, not the record count; `match_brute_force` judges every component against
every record and must give the same answer (the benchmark checks it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ._records import Target, VulnRecord, cpe_parts, fold, purl_base


@dataclass(frozen=True)
class Component:
    name: str
    version: str = ""
    supplier: str = ""
    purl: str = ""
    cpe: str = ""


@dataclass(frozen=True)
class Finding:
    component: str
    version: str
    cve: str
    cvss: float | None
    kev: bool
    matched_range: str
    source: str  # which container or reading gave the range: "cna", "adp:CISA-ADP", "description", ...
    component_index: int

    def as_dict(self) -> dict[str, object]:
        return {
            "component": self.component,
            "version": self.version,
            "cve": self.cve,
            "cvss": self.cvss,
            "kev": self.kev,
            "matched_range": self.matched_range,
            "source": self.source,
        }


@dataclass(frozen=True)
class Unknown:
    component: str
    version: str
    cve: str
    cvss: float | None
    kev: bool
    reason: str
    component_index: int

    def as_dict(self) -> dict[str, object]:
        return {
            "component": self.component,
            "version": self.version,
            "cve": self.cve,
            "cvss": self.cvss,
            "kev": self.kev,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class MatchResult:
    findings: tuple[Finding, ...]
    unknown: tuple[Unknown, ...]


def component_keys(component: Component) -> tuple[str, ...]:
    keys = [f"name:{fold(component.name)}"]
    if component.cpe:
        parts = cpe_parts(component.cpe)
        if parts:
            keys += [f"cpe:{fold(parts[0])}:{fold(parts[1])}", f"name:{fold(parts[1])}"]
    if component.purl.startswith("pkg:"):
        base = purl_base(component.purl)
        keys += [f"purl:{base}", f"name:{fold(base.rsplit('/', 1)[-1])}"]
    return tuple(dict.fromkeys(k for k in keys if not k.endswith(":")))


def _judge(
    component: Component, index: int, record: VulnRecord, targets: Iterable[Target]
) -> Finding | Unknown | None:
    """A finding when a target's range holds the version; nothing when one says clearly that it does not;
    unknown when the ranges that name the component cannot say."""
    version = component.version
    if not version and component.cpe:
        version = (cpe_parts(component.cpe) or ("", "", ""))[2]
    unknown_reason = ""
    clear = False
    for target in targets:
        verdict, detail = target.ranges.verdict(version)
        if verdict == "affected":
            return Finding(
                component.name, version, record.cve, record.cvss, record.kev, detail, target.source, index
            )
        if verdict == "clear":
            clear = True
        elif not unknown_reason:
            unknown_reason = f"{detail} ({target.source})"
    if unknown_reason and not clear:
        return Unknown(component.name, version, record.cve, record.cvss, record.kev, unknown_reason, index)
    return None


class VulnIndex:
    """Records filed by each target key; build once per vulnerability-data version, query per SBOM."""

    def __init__(self, records: Iterable[VulnRecord]) -> None:
        self.records: list[VulnRecord] = []
        self._by_key: dict[str, list[tuple[int, int]]] = {}
        for record in records:
            self.add(record)

    def add(self, record: VulnRecord) -> None:
        position = len(self.records)
        self.records.append(record)
        for t, target in enumerate(record.targets):
            for key in target.keys:
                self._by_key.setdefault(key, []).append((position, t))

    def __len__(self) -> int:
        return len(self.records)

    def candidates(self, component: Component) -> dict[int, set[int]]:
        """The records filed under any of the component's keys, with the positions of the targets found."""
        found: dict[int, set[int]] = {}
        for key in component_keys(component):
            for position, t in self._by_key.get(key, ()):
                found.setdefault(position, set()).add(t)
        return found

    def match(self, components: Sequence[Component]) -> MatchResult:
        findings: list[Finding] = []
        unknown: list[Unknown] = []
        for i, component in enumerate(components):
            for position, found in sorted(self.candidates(component).items()):
                record = self.records[position]
                # judged in the record's own target order, as the brute force does
                targets = [record.targets[t] for t in sorted(found)]
                outcome = _judge(component, i, record, targets)
                if isinstance(outcome, Finding):
                    findings.append(outcome)
                elif outcome is not None:
                    unknown.append(outcome)
        return _sorted(findings, unknown)


def _sorted(findings: list[Finding], unknown: list[Unknown]) -> MatchResult:
    return MatchResult(
        tuple(sorted(findings, key=lambda f: (f.component_index, f.cve))),
        tuple(sorted(unknown, key=lambda u: (u.component_index, u.cve))),
    )


def match_brute_force(components: Sequence[Component], records: Sequence[VulnRecord]) -> MatchResult:
    """Every component against every record: the reference the index must agree with."""
    findings: list[Finding] = []
    unknown: list[Unknown] = []
    for i, component in enumerate(components):
        keys = set(component_keys(component))
        for record in records:
            targets = [t for t in record.targets if keys.intersection(t.keys)]
            if targets:
                outcome = _judge(component, i, record, targets)
                if isinstance(outcome, Finding):
                    findings.append(outcome)
                elif outcome is not None:
                    unknown.append(outcome)
    return _sorted(findings, unknown)
