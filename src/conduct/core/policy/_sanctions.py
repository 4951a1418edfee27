"""Country and region sanctions programmes (data/sanctions/programmes.yaml) and what they mean for a deal.

A programme has a regime (UN, EU, UK, US), the places it applies to (countries, and regions with `whole` or
`partial` coverage), what it covers (all goods, HS chapters, categories such as internal repression
equipment) and its current status. For each party of a sales deal the engine works out which programmes
apply to the party's place, whether each binds this exporter (its jurisdiction: UN measures bind every state;
EU and UK measures an exporter in the EU or the UK; US measures a US exporter or US-origin content above the
programme's de minimis share) and whether it covers the deal's items. The verdicts are plain facts:
`party.sanctions.deny` (binds, covers, whole region, status verified) and `party.sanctions.review`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from conduct.core._yaml import LocatedDict, LocatedList

REGIMES = ("UN", "EU", "UK", "US")
STATUSES = ("in_force", "partially_lifted", "suspended", "lifted")
ACTIVE_STATUSES = ("in_force", "partially_lifted")
CATEGORIES = ("internal_repression", "surveillance_interception", "dual_use", "arms", "nuclear_missile")
# What an item with a high-tier or prohibited capability is taken to be (see the programmes file's header).
SENSITIVE_ITEM_CATEGORIES = ("internal_repression", "surveillance_interception", "dual_use")
INTERMEDIARY_ROLES = ("distributor", "reseller", "freight_forwarder")
COVERAGES = ("whole", "partial")
SANCTIONS_FILE = "sanctions/programmes.yaml"


@dataclass(frozen=True)
class Programme:
    id: str
    title: str
    authority: str
    regime: str
    sources: tuple[tuple[str, str], ...]  # (citation, url)
    in_force_since: str
    status: str
    status_changed: str
    reviewed: str
    countries: frozenset[str]
    regions: Mapping[str, str]  # region id -> whole | partial
    all_goods: bool
    hs_chapters: frozenset[int]
    categories: frozenset[str]
    uncertain: bool = False
    status_note: str = ""
    us_de_minimis_percent: float | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def summary(self) -> dict[str, Any]:
        """The programme as the UI and the API show it."""
        return {
            "id": self.id,
            "title": self.title,
            "authority": self.authority,
            "regime": self.regime,
            "sources": [{"citation": c, "url": u} for c, u in self.sources],
            "in_force_since": self.in_force_since,
            "status": self.status,
            "status_changed": self.status_changed,
            "status_note": self.status_note,
            "uncertain": self.uncertain,
            "reviewed": self.reviewed,
            "countries": sorted(self.countries),
            "regions": dict(self.regions),
            "covers": {
                "all_goods": self.all_goods,
                "hs_chapters": sorted(self.hs_chapters),
                "categories": sorted(self.categories),
            },
            "us_de_minimis_percent": self.us_de_minimis_percent,
        }


@dataclass(frozen=True)
class SanctionsData:
    programmes: tuple[Programme, ...] = ()
    transshipment_countries: frozenset[str] = frozenset()
    transshipment_source: str = ""
    default_hs_chapter: int = 85
    quantity_ratio: float = 3.0
    reviewed: str = ""
    _by_country: dict[str, tuple[Programme, ...]] = field(default_factory=dict, repr=False, compare=False)

    def for_place(self, country: str, region_ids: Sequence[str]) -> list[tuple[Programme, str]]:
        """Active programmes applying to a place, each with its coverage there (`whole` beats `partial`)."""
        found: dict[str, tuple[Programme, str]] = {}
        for programme in self.programmes:
            if not programme.active:
                continue
            coverage = "whole" if country in programme.countries else None
            for region_id in region_ids:
                here = programme.regions.get(region_id)
                if here == "whole" or (here == "partial" and coverage is None):
                    coverage = here
            if coverage is not None:
                found[programme.id] = (programme, coverage)
        return list(found.values())


Problem = Callable[[int | None, str], None]


def read_sanctions(
    data: LocatedDict | None, problem: Problem, codes: set[str], region_ids: set[str]
) -> SanctionsData:
    """Read the programmes file (already parsed); every problem goes to `problem(line, message)`."""
    if data is None:
        return SanctionsData()
    assumptions = data.get("assumptions") or {}
    transshipment = data.get("transshipment") or {}
    shipping = [str(c) for c in transshipment.get("countries") or ()]
    for code in shipping:
        if code not in codes:
            problem(data.line_of("transshipment"), f"transshipment: unknown country {code!r}")
    entries = data.get("programmes")
    if not isinstance(entries, LocatedList):
        problem(data.line, "expected `programmes`: a list")
        entries = LocatedList()
    programmes: list[Programme] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        line = entries.line_of(index)
        programme = _programme(entry, line, problem, codes, region_ids)
        if programme is None:
            continue
        if programme.id in seen:
            problem(line, f"programme {programme.id!r} is listed twice")
        seen.add(programme.id)
        programmes.append(programme)
    return SanctionsData(
        programmes=tuple(programmes),
        transshipment_countries=frozenset(shipping),
        transshipment_source=" ".join(str(transshipment.get("source") or "").split()),
        default_hs_chapter=int(assumptions.get("default_hs_chapter") or 85),
        quantity_ratio=float(assumptions.get("quantity_ratio") or 3),
        reviewed=str(data.get("reviewed") or ""),
    )


_REQUIRED = ("id", "title", "authority", "regime", "in_force_since", "status", "status_changed", "reviewed")


def _programme(
    entry: Any, line: int, problem: Problem, codes: set[str], region_ids: set[str]
) -> Programme | None:
    if not isinstance(entry, dict) or any(entry.get(key) in (None, "") for key in _REQUIRED):
        problem(line, f"each programme needs {', '.join(_REQUIRED)}")
        return None
    name = str(entry["id"])
    if entry["regime"] not in REGIMES:
        problem(line, f"programme {name!r}: regime must be one of {', '.join(REGIMES)}")
    if entry["status"] not in STATUSES:
        problem(line, f"programme {name!r}: status must be one of {', '.join(STATUSES)}")
    sources = tuple(
        (str(s.get("citation") or ""), str(s.get("url") or ""))
        for s in entry.get("legal_sources") or ()
        if isinstance(s, dict)
    )
    if not sources or not all(citation and url for citation, url in sources):
        problem(line, f"programme {name!r}: every programme needs legal_sources with a citation and a url")
    countries = frozenset(str(c) for c in entry.get("countries") or ())
    for code in sorted(countries - codes):
        problem(line, f"programme {name!r}: unknown country {code!r}")
    regions: dict[str, str] = {}
    for item in entry.get("regions") or ():
        region, coverage = (item.get("id"), item.get("coverage")) if isinstance(item, dict) else (None, None)
        if region not in region_ids or coverage not in COVERAGES:
            problem(line, f"programme {name!r}: region {region!r} must be a known region id with a coverage")
            continue
        regions[str(region)] = str(coverage)
    if not countries and not regions:
        problem(line, f"programme {name!r} names no country and no region")
    covers = entry.get("covers") or {}
    categories = frozenset(str(c) for c in covers.get("categories") or ())
    for unknown in sorted(categories - set(CATEGORIES)):
        problem(line, f"programme {name!r}: unknown category {unknown!r}")
    minimum = entry.get("us_de_minimis_percent")
    return Programme(
        id=name,
        title=str(entry["title"]),
        authority=str(entry["authority"]),
        regime=str(entry["regime"]),
        sources=sources,
        in_force_since=str(entry["in_force_since"]),
        status=str(entry["status"]),
        status_changed=str(entry["status_changed"]),
        reviewed=str(entry["reviewed"]),
        countries=countries,
        regions=regions,
        all_goods=covers.get("all_goods") is True,
        hs_chapters=frozenset(int(c) for c in covers.get("hs_chapters") or ()),
        categories=categories,
        uncertain=entry.get("uncertain") is True,
        status_note=" ".join(str(entry.get("status_note") or "").split()),
        us_de_minimis_percent=float(minimum) if minimum is not None else None,
    )


# ---------------------------------------------------------------- facts


def exporter_fact(country: str | None, source: str, in_eu: bool, us_content: float | None) -> dict[str, Any]:
    """The exporter as rules see it: its country, where that came from, and the regimes that bind it."""
    regimes = ["UN"]
    if in_eu:
        regimes.append("EU")
    if country == "GB":
        regimes.append("UK")
    if country == "US":
        regimes.append("US")
    described = f"{country} ({source.replace('_', ' ')})" if country else "unknown"
    return {
        "country": country,
        "known": country is not None,
        "in_eu": in_eu,
        "source": source,  # subject | org_unit | unknown
        "regimes": regimes,
        "us_content": us_content,
        "jurisdiction": f"exporter {described}; regimes {', '.join(regimes)}"
        + (f"; US-origin content {us_content:g} %" if us_content is not None else ""),
    }


def _binding(programme: Programme, exporter: Mapping[str, Any]) -> tuple[bool | None, str]:
    """Whether the programme binds the exporter (None: cannot tell), and why, naming the jurisdiction."""
    regime = programme.regime
    if regime == "UN":
        return True, "UN measures bind every state"
    if regime in exporter["regimes"]:
        return True, f"binds {regime} persons; the exporter is in {exporter['country']}"
    if regime == "US":
        share, minimum = exporter["us_content"], programme.us_de_minimis_percent or 0.0
        if share is not None and share > minimum:
            return True, f"US-origin content {share:g} % is above the {minimum:g} % de minimis level"
        if share is not None and share > 0:
            return None, f"US-origin content {share:g} % is within the {minimum:g} % de minimis level"
    if not exporter["known"]:
        return None, "the exporter's jurisdiction is unknown"
    return False, f"binds {regime} persons; the exporter is in {exporter['country']}"


def item_categories(
    items: Sequence[Mapping[str, Any]], hs_codes: Sequence[str | None], default_chapter: int
) -> list[tuple[str, int, frozenset[str]]]:
    """(sku, HS chapter, categories) per item."""
    result = []
    for item, hs_code in zip(items, hs_codes, strict=True):
        digits = "".join(ch for ch in hs_code or "" if ch.isdigit())
        chapter = int(digits[:2]) if len(digits) >= 2 else default_chapter
        sensitive = bool(item["high"]) or bool(item["prohibited"])
        result.append((item["sku"], chapter, frozenset(SENSITIVE_ITEM_CATEGORIES if sensitive else ())))
    return result


def _covered(programme: Programme, items: Sequence[tuple[str, int, frozenset[str]]]) -> list[str]:
    return [
        sku
        for sku, chapter, categories in items
        if programme.all_goods or chapter in programme.hs_chapters or categories & programme.categories
    ]


def _label(programme: Programme) -> str:
    status = programme.status.replace("_", " ")
    doubt = "; status uncertain" if programme.uncertain else ""
    return (
        f"{programme.title} ({programme.regime}; {programme.sources[0][0] if programme.sources else ''}; "
        f"{status} since {programme.status_changed}{doubt}; reviewed {programme.reviewed})"
    )


def party_sanctions(
    data: SanctionsData,
    country: str,
    region_ids: Sequence[str],
    items: Sequence[tuple[str, int, frozenset[str]]],
    exporter: Mapping[str, Any],
) -> dict[str, Any]:
    """What the programmes applying to a party's place say about this deal."""
    deny: list[str] = []
    review: list[str] = []
    ids: list[str] = []
    for programme, coverage in data.for_place(country, region_ids):
        ids.append(programme.id)
        binds, why = _binding(programme, exporter)
        covered = _covered(programme, items)
        label = _label(programme)
        place = "part of this region" if coverage == "partial" else "this place"
        if covered and binds and coverage == "whole" and not programme.uncertain:
            deny.append(f"{label}: {why}; covers {', '.join(covered)}")
        elif covered:
            bind_text = why if binds is not False else f"may not bind this exporter ({why})"
            review.append(f"{label}: covers {', '.join(covered)} in {place}; {bind_text}")
        elif binds:
            review.append(f"{label}: {why}, for goods other than these")
    return {
        "any": bool(ids),
        "programmes": ids,
        "deny": deny,
        "review": review,
    }


def diversion_facts(
    parties: Sequence[Mapping[str, Any]], total_quantity: int, cameras: int | None, ratio: float
) -> dict[str, Any]:
    """Deal-level diversion facts: intermediaries, whether an end user is named, and quantities."""
    intermediaries = [p for p in parties if p["intermediary"]]
    out_of_proportion = cameras is not None and cameras > 0 and total_quantity > ratio * cameras
    return {
        "any_intermediary": bool(intermediaries),
        "intermediaries": [p["name"] for p in intermediaries],
        "intermediary_countries": sorted({p["country"] for p in intermediaries}),
        "end_user_named": any(p["role"] == "end_user" for p in parties),
        "total_quantity": total_quantity,
        "stated_cameras": cameras,
        "quantity_ratio": ratio,
        "quantity_out_of_proportion": out_of_proportion,
    }
