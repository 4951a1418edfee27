"""Reference data the facts are derived from: country risk, country groups, designated regions,
capabilities, sanctions programmes."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from conduct.core._yaml import LocatedDict, LocatedList, YamlProblem, load_located
from conduct.datafiles import data_dir as shipped_data_dir

from ._errors import PolicyError, PolicyProblem
from ._keys import vocabulary_key
from ._purposes import PURPOSES_FILE, Purpose, read_purposes
from ._sanctions import SANCTIONS_FILE, SanctionsData, read_sanctions

DEFAULT_DATA_DIR = shipped_data_dir()  # the repository's data/ folder, or CONDUCT_DATA_DIR

CAPABILITY_TIERS = ("prohibited", "high", "standard")
DESIGNATION_KINDS = ("forced_labour_import_presumption", "mass_surveillance_of_minorities")

_FILES = (
    "countries/country_risk.csv",
    "countries/iso_3166_1.csv",
    "countries/groups.yaml",
    "countries/risk_bands.yaml",
    "catalog/capabilities.yaml",
    "catalog/regions.yaml",
    SANCTIONS_FILE,
    PURPOSES_FILE,
)
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPELLINGS = {"uighur": "uyghur", "uygur": "uyghur", "uigur": "uyghur"}


def fold_text(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used to compare place names."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    tokens = re.sub(r"[\W_]+", " ", stripped).split()
    return " ".join(_SPELLINGS.get(token, token) for token in tokens)


def capability_key(name: str) -> str:
    """Normalise a capability name: lower case, with spaces, hyphens, dots and slashes read as underscores."""
    return vocabulary_key(name)


@dataclass(frozen=True)
class CountryRisk:
    """One country's risk bands as the policy rules see them."""

    code: str
    name: str
    rated: bool  # has a row in country_risk.csv
    in_eu: bool
    bands: Mapping[str, bool]
    unrated: Mapping[str, bool]
    basis: Mapping[str, str | None]  # "fh2026_status = Not Free"

    @cached_property
    def _fact(self) -> dict[str, Any]:
        fact: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "rated": self.rated,
            "in_eu": self.in_eu,
        }
        for band, value in self.bands.items():
            fact[band] = value
            fact[f"{band}_unrated"] = self.unrated[band]
            fact[f"{band}_basis"] = self.basis[band]
        return fact

    def fact(self) -> dict[str, Any]:
        """The country as rules see it (`country_risk`). Shared between decisions: never mutate it."""
        return self._fact


@dataclass(frozen=True)
class Designation:
    kind: str
    authority: str
    source: str
    since: str | None = None
    cites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    country: str
    designations: tuple[Designation, ...]
    _names: tuple[tuple[str, ...], ...] = field(repr=False, default=())  # folded token tuples (names, codes)
    _places: tuple[tuple[str, ...], ...] = field(repr=False, default=())
    _cjk: tuple[str, ...] = field(repr=False, default=())  # CJK names/places, matched as substrings
    _cjk_places: tuple[str, ...] = field(repr=False, default=())

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(designation.kind for designation in self.designations)

    def matches(self, folded: str, country: str | None) -> bool:
        tokens = tuple(folded.split())
        compact = folded.replace(" ", "")
        if any(_contains(tokens, name) for name in self._names) or any(n in compact for n in self._cjk):
            return True
        if country is not None and country != self.country:
            return False
        return any(_contains(tokens, place) for place in self._places) or any(
            p in compact for p in self._cjk_places
        )


def _contains(tokens: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    return any(tokens[i : i + size] == needle for i in range(len(tokens) - size + 1))


@dataclass(frozen=True)
class Capability:
    id: str
    tier: str
    title: str


@dataclass(frozen=True)
class ReferenceData:
    """Loaded reference data; `version` is a digest of the files it was read from."""

    countries: Mapping[str, CountryRisk]
    regions: tuple[Region, ...]
    capabilities: Mapping[str, Capability]
    capability_aliases: Mapping[str, str]
    version: str
    band_names: tuple[str, ...] = ()
    sanctions: SanctionsData = field(default_factory=SanctionsData)
    purposes: Mapping[str, Purpose] = field(default_factory=dict)
    _region_cache: dict[tuple[str, str | None], tuple[Region, ...]] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )
    _capability_cache: dict[str, tuple[str, Capability | None]] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )

    def country(self, code: str) -> CountryRisk | None:
        return self.countries.get(code)

    def regions_for(self, text: str | None, country: str | None) -> tuple[Region, ...]:
        if not text:
            return ()
        key = (text, country)
        cached = self._region_cache.get(key)
        if cached is None:
            folded = fold_text(text)
            cached = tuple(r for r in self.regions if r.matches(folded, country)) if folded else ()
            if len(self._region_cache) >= 4096:
                self._region_cache.clear()
            self._region_cache[key] = cached
        return cached

    def capability(self, name: str) -> tuple[str, Capability | None]:
        """The canonical id of a capability name (its alias resolved) and its catalog entry, if any."""
        found = self._capability_cache.get(name)
        if found is None:
            key = capability_key(name)
            canonical = self.capability_aliases.get(key, key)
            found = (canonical, self.capabilities.get(canonical))
            if len(self._capability_cache) >= 4096:
                self._capability_cache.clear()
            self._capability_cache[name] = found
        return found


def load_reference_data(data_dir: Path | str | None = None) -> ReferenceData:
    """Read the reference data under `data_dir` (default: the repository's data/ folder); cached per
    folder."""
    root = (Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR).resolve()
    return _load_cached(str(root), _signature(root))


def _signature(root: Path) -> tuple[tuple[int, int], ...]:
    """Size and mtime of each file, so an edited file is read again rather than served from the cache."""
    stamps = []
    for name in _FILES:
        try:
            stat = (root / name).stat()
        except OSError:
            stamps.append((-1, -1))
        else:
            stamps.append((stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


@lru_cache(maxsize=8)
def _load_cached(root: str, signature: tuple[tuple[int, int], ...]) -> ReferenceData:
    return _Reader(Path(root)).read()


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[PolicyProblem] = []
        self.texts: dict[str, str] = {}

    def problem(self, file: str, line: int | None, message: str) -> None:
        self.problems.append(PolicyProblem(file, line, None, message))

    def text(self, name: str) -> str | None:
        path = self.root / name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            self.problem(name, None, f"cannot read reference data file: {exc.strerror or exc}")
            return None
        self.texts[name] = text
        return text

    def yaml(self, name: str) -> LocatedDict | None:
        text = self.text(name)
        if text is None:
            return None
        try:
            data = load_located(text)
        except YamlProblem as exc:
            self.problem(name, exc.line, exc.message)
            return None
        if not isinstance(data, LocatedDict):
            self.problem(name, None, "expected a mapping at the top level")
            return None
        return data

    def csv_rows(self, name: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
        text = self.text(name)
        if text is None:
            return []
        reader = csv.DictReader(io.StringIO(text))
        missing = [column for column in required if column not in (reader.fieldnames or ())]
        if missing:
            self.problem(name, 1, f"missing column(s): {', '.join(missing)}")
            return []
        return [(number, row) for number, row in enumerate(reader, start=2)]

    def read(self) -> ReferenceData:
        iso = {row["iso2"]: row["name"] for _, row in self.csv_rows(_FILES[1], ("iso2", "name"))}
        risk_rows = self.csv_rows(_FILES[0], ("iso2", "name"))
        eu = self.read_groups()
        bands = self.read_bands(risk_rows)
        countries = self.build_countries(iso, risk_rows, eu, bands)
        capabilities, aliases = self.read_capabilities()
        regions = self.read_regions(set(iso))
        sanctions = read_sanctions(
            self.yaml(SANCTIONS_FILE),
            lambda line, message: self.problem(SANCTIONS_FILE, line, message),
            set(iso),
            {region.id for region in regions},
        )
        purposes = read_purposes(
            self.yaml(PURPOSES_FILE), lambda line, message: self.problem(PURPOSES_FILE, line, message)
        )
        if self.problems:
            raise PolicyError(self.problems)
        digest = hashlib.sha256()
        for name in _FILES:
            digest.update(name.encode() + b"\0" + self.texts[name].encode() + b"\0")
        return ReferenceData(
            countries=MappingProxyType(countries),
            regions=tuple(regions),
            capabilities=MappingProxyType(capabilities),
            capability_aliases=MappingProxyType(aliases),
            version=f"sha256:{digest.hexdigest()[:16]}",
            band_names=tuple(bands),
            sanctions=sanctions,
            purposes=MappingProxyType(purposes),
        )

    def read_groups(self) -> frozenset[str]:
        name = _FILES[2]
        data = self.yaml(name)
        if data is None:
            return frozenset()
        groups = data.get("groups")
        eu = groups.get("eu") if isinstance(groups, dict) else None
        members = eu.get("members") if isinstance(eu, dict) else None
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            self.problem(name, data.line, "expected groups.eu.members: a list of country codes")
            return frozenset()
        return frozenset(members)

    def read_bands(self, rows: list[tuple[int, dict[str, str]]]) -> dict[str, tuple[list[str], set[str]]]:
        name = _FILES[3]
        data = self.yaml(name)
        if data is None:
            return {}
        bands = data.get("bands")
        if not isinstance(bands, LocatedDict):
            self.problem(name, data.line, "expected `bands`: a mapping of band name to columns and values")
            return {}
        columns_present = set(rows[0][1]) if rows else set()
        result: dict[str, tuple[list[str], set[str]]] = {}
        for band, spec in bands.items():
            line = bands.line_of(band)
            columns = spec.get("columns") if isinstance(spec, dict) else None
            values = spec.get("values") if isinstance(spec, dict) else None
            if not _IDENTIFIER.match(band):
                self.problem(name, line, f"band name {band!r} must be snake_case")
            elif not isinstance(columns, list) or not isinstance(values, list) or not columns or not values:
                self.problem(name, line, f"band {band!r} needs non-empty `columns` and `values` lists")
            elif unknown := [c for c in columns if c not in columns_present]:
                self.problem(
                    name, line, f"band {band!r} names unknown column(s): {', '.join(map(str, unknown))}"
                )
            else:
                result[band] = ([str(c) for c in columns], {str(v) for v in values})
        return result

    def build_countries(
        self,
        iso: dict[str, str],
        rows: list[tuple[int, dict[str, str]]],
        eu: frozenset[str],
        bands: dict[str, tuple[list[str], set[str]]],
    ) -> dict[str, CountryRisk]:
        by_code: dict[str, dict[str, str]] = {}
        for number, csv_row in rows:
            code = csv_row["iso2"]
            if code not in iso:
                self.problem(_FILES[0], number, f"{code!r} is not in {_FILES[1]}")
            by_code[code] = csv_row
        for code in sorted(eu - set(iso)):
            self.problem(_FILES[2], None, f"EU member {code!r} is not in {_FILES[1]}")
        countries: dict[str, CountryRisk] = {}
        for code, iso_name in iso.items():
            row = by_code.get(code)
            flags: dict[str, bool] = {}
            unrated: dict[str, bool] = {}
            basis: dict[str, str | None] = {}
            for band, (columns, values) in bands.items():
                found = next(((c, row[c].strip()) for c in columns if row and row.get(c, "").strip()), None)
                flags[band] = found is not None and found[1] in values
                unrated[band] = found is None
                basis[band] = f"{found[0]} = {found[1]}" if found else None
            countries[code] = CountryRisk(
                code=code,
                name=row["name"] if row else iso_name,
                rated=row is not None,
                in_eu=code in eu,
                bands=MappingProxyType(flags),
                unrated=MappingProxyType(unrated),
                basis=MappingProxyType(basis),
            )
        return countries

    def read_capabilities(self) -> tuple[dict[str, Capability], dict[str, str]]:
        name = _FILES[4]
        data = self.yaml(name)
        capabilities: dict[str, Capability] = {}
        aliases: dict[str, str] = {}
        entries = data.get("capabilities") if data is not None else None
        if data is not None and not isinstance(entries, LocatedList):
            self.problem(name, data.line, "expected `capabilities`: a list")
        listed = entries if isinstance(entries, LocatedList) else LocatedList()
        for index, entry in enumerate(listed):
            line = listed.line_of(index)
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                self.problem(name, line, "each capability needs an `id`")
                continue
            cap_id, tier = entry["id"], entry.get("tier")
            if capability_key(cap_id) != cap_id:
                self.problem(name, line, f"capability id {cap_id!r} must be lower snake_case")
            if tier not in CAPABILITY_TIERS:
                self.problem(
                    name, line, f"capability {cap_id!r}: tier must be one of {', '.join(CAPABILITY_TIERS)}"
                )
                continue
            if cap_id in capabilities or cap_id in aliases:
                self.problem(name, line, f"capability {cap_id!r} is listed twice")
            capabilities[cap_id] = Capability(cap_id, str(tier), str(entry.get("title") or cap_id))
            for alias in entry.get("aliases") or ():
                key = capability_key(str(alias))
                if key in aliases or key in capabilities:
                    self.problem(name, line, f"alias {alias!r} of {cap_id!r} is already used")
                aliases[key] = cap_id
        clashes = set(aliases) & set(capabilities)
        for key in sorted(clashes):
            self.problem(name, None, f"{key!r} is both a capability id and an alias")
        return capabilities, aliases

    def read_regions(self, codes: set[str]) -> list[Region]:
        name = _FILES[5]
        data = self.yaml(name)
        entries = data.get("regions") if data is not None else None
        if data is not None and not isinstance(entries, LocatedList):
            self.problem(name, data.line, "expected `regions`: a list")
        regions: list[Region] = []
        listed = entries if isinstance(entries, LocatedList) else LocatedList()
        for index, entry in enumerate(listed):
            line = listed.line_of(index)
            region = self.read_region(name, line, entry, codes)
            if region is not None:
                regions.append(region)
        return regions

    def read_region(self, name: str, line: int, entry: Any, codes: set[str]) -> Region | None:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("id", "name", "country")
        ):
            self.problem(name, line, "each region needs `id`, `name` and `country`")
            return None
        if entry["country"] not in codes:
            self.problem(name, line, f"region {entry['id']!r}: unknown country {entry['country']!r}")
        designations: list[Designation] = []
        for item in entry.get("designations") or ():
            if not isinstance(item, dict) or item.get("kind") not in DESIGNATION_KINDS:
                self.problem(
                    name, line, f"region {entry['id']!r}: designation kind must be one of {DESIGNATION_KINDS}"
                )
                continue
            if not item.get("source") or not item.get("authority"):
                self.problem(
                    name, line, f"region {entry['id']!r}: every designation needs `authority` and `source`"
                )
            designations.append(
                Designation(
                    kind=item["kind"],
                    authority=str(item.get("authority") or ""),
                    source=" ".join(str(item.get("source") or "").split()),
                    since=str(item["since"]) if item.get("since") else None,
                    cites=tuple(str(c) for c in item.get("cites") or ()),
                )
            )
        names = [str(n) for n in [*(entry.get("names") or ()), *(entry.get("codes") or ()), entry["name"]]]
        places = [str(p) for p in entry.get("places") or ()]
        return Region(
            id=entry["id"],
            name=entry["name"],
            country=entry["country"],
            designations=tuple(designations),
            _names=tuple(tuple(fold_text(n).split()) for n in names if not _CJK.search(n) and fold_text(n)),
            _places=tuple(tuple(fold_text(p).split()) for p in places if not _CJK.search(p) and fold_text(p)),
            _cjk=tuple(fold_text(n).replace(" ", "") for n in names if _CJK.search(n)),
            _cjk_places=tuple(fold_text(p).replace(" ", "") for p in places if _CJK.search(p)),
        )
