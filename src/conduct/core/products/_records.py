"""Vulnerability records read into plain values: CVE JSON 5, OSV and CISA's KEV catalogue.

A record is its CVE id, CVSS base score (the CNA's, or else the first ADP's, naming which), KEV flag and its
targets: what it affects (vendor, product, CPE, purl, package name: the index keys) with the ranges read by
`_ranges`. When neither the CNA nor an ADP names a product (the many "n/a" records of MITRE's era), the
description's own convention is read: "BusyBox through 1.32.1", "zlib before 1.2.12", "curl <v7.88.0",
"lighttpd 1.4.46 through 1.4.63".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._ranges import Range, RangeSet, cve5_ranges, osv_ranges

# Common names of the same component (the index folds both sides through this table).
ALIASES = {
    "libcurl": "curl",
    "libexpat": "expat",
    "thegnuclibrary": "glibc",
    "gnuclibrary": "glibc",
    "sqlite3": "sqlite",
    "libz": "zlib",
    "dropbearssh": "dropbear",
    "opensslopenssl": "openssl",
}
_NA = {"", "na", "n/a", "none", "unknown"}
CVE_ID = re.compile(r"^CVE-\d{4}-\d{4,}$")


def fold(name: str) -> str:
    """Index form of a vendor or product name: lower case letters and digits only, common aliases merged."""
    key = re.sub(r"[^a-z0-9]+", "", name.lower())
    return ALIASES.get(key, key)


@dataclass(frozen=True)
class Target:
    """One product a record affects: the index keys it is found by, and what it says about versions."""

    vendor: str
    product: str
    keys: tuple[str, ...]
    ranges: RangeSet
    source: str  # "cna", "adp:CISA-ADP", "description", "osv", "kev"


@dataclass(frozen=True)
class VulnRecord:
    cve: str
    cvss: float | None = None
    cvss_source: str = ""
    kev: bool = False
    summary: str = ""
    targets: tuple[Target, ...] = ()
    aliases: tuple[str, ...] = field(default=())
    source: str = "cve5"


@dataclass(frozen=True)
class KevEntry:
    cve: str
    vendor: str
    product: str
    date_added: str
    name: str


class RecordError(ValueError):
    """A vulnerability file that cannot be read; `where` names the file or record."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where


def cpe_parts(cpe: str) -> tuple[str, str, str] | None:
    """(vendor, product, version) of a CPE 2.3 formatted string or a CPE 2.2 URI."""
    if cpe.startswith("cpe:2.3:"):
        parts = cpe.split(":")
        if len(parts) >= 6:
            return parts[3].replace("\\", ""), parts[4].replace("\\", ""), parts[5]
    elif cpe.startswith("cpe:/"):
        parts = cpe[5:].split(":")
        if len(parts) >= 3:
            return parts[1], parts[2], parts[3] if len(parts) > 3 else ""
    return None


def _cvss(container: dict[str, Any]) -> float | None:
    for metric in container.get("metrics") or []:
        if not isinstance(metric, dict):
            continue
        for name in ("cvssV4_0", "cvssV3_1", "cvssV3_0", "cvssV2_0"):
            score = (metric.get(name) or {}).get("baseScore") if isinstance(metric.get(name), dict) else None
            if isinstance(score, int | float) and 0 <= score <= 10:
                return float(score)
    return None


def _kev_flag(container: dict[str, Any]) -> bool:
    for metric in container.get("metrics") or []:
        other = metric.get("other") if isinstance(metric, dict) else None
        if isinstance(other, dict) and other.get("type") == "kev":
            return True
    return False


def _product_names(entry: dict[str, Any]) -> tuple[str, str, list[str]]:
    vendor = str(entry.get("vendor") or "")
    product = str(entry.get("product") or "")
    names: list[str] = []
    if product.startswith(("https://", "http://")):  # curl's "https://github.com/curl/curl"
        path = product.rstrip("/").split("/")
        names.append(path[-1])
        vendor = path[-2] if len(path) > 4 and fold(vendor) in _NA else vendor
    elif fold(product) not in _NA:
        names.extend(p for p in re.split(r"[,;]", product) if fold(p) not in _NA)
    if entry.get("packageName"):
        names.append(str(entry["packageName"]))
    return vendor, product, names


_DISTRO_VERSION_TYPES = {"rpm", "deb", "apk", "ebuild"}
_DISTRO_VENDORS = {"redhat", "debian", "canonical", "suse", "opensuse", "fedoraproject", "oracle", "amazon"}


def _target(entry: dict[str, Any], source: str) -> Target | None:
    """One `affected` entry as a target; a distribution's build of a package (rpm or deb versions, as Red Hat
    publishes them) is left out: firmware carries the upstream component, not the distribution's."""
    if any(
        isinstance(v, dict) and v.get("versionType") in _DISTRO_VERSION_TYPES
        for v in entry.get("versions") or []
    ):
        return None
    vendor, product, names = _product_names(entry)
    keys = [f"name:{fold(n)}" for n in names]
    for cpe in entry.get("cpes") or []:
        parts = cpe_parts(str(cpe))
        if parts:
            keys.append(f"cpe:{fold(parts[0])}:{fold(parts[1])}")
            keys.append(f"name:{fold(parts[1])}")
    if not keys:
        return None
    ranges = cve5_ranges(entry.get("versions"), entry.get("defaultStatus"))
    return Target(
        fold(vendor) if fold(vendor) not in _NA else "", product, tuple(dict.fromkeys(keys)), ranges, source
    )


_DESCRIBED = re.compile(
    r"\b(?P<name>[A-Za-z][\w+\-]*)(?: \(aka (?P<aka>[\w+\-]+)\))?(?: v\.?)?\s+"
    r"(?:(?P<low>\d[\w.]*\w) through (?P<high>\d[\w.]*\w)"
    r"|(?P<op>through|before|prior to|<=|<)\s*v?(?P<bound>\d[\w.]*\w|\d))"
)
_FOUND_IN = re.compile(r"\b(?P<name>[A-Z][\w+\-]*) v\.?(?P<exact>\d[\w.]*\d)\b")


def described_targets(text: str) -> tuple[Target, ...]:
    """Targets from MITRE-style descriptions: "BusyBox through 1.35.0", "zlib before 1.2.12"."""
    found: dict[str, Target] = {}
    for m in _DESCRIBED.finditer(text):
        names = [m.group("name"), *([m.group("aka")] if m.group("aka") else [])]
        if m.group("low"):
            rng = Range(introduced=m.group("low"), last_affected=m.group("high"))
        elif m.group("op") in {"through", "<="}:
            rng = Range(last_affected=m.group("bound"))
        else:
            rng = Range(fixed=m.group("bound"))
        for name in names:
            key = fold(name)
            if (
                key
                and key not in found
                and not key.isdigit()
                and key not in {"in", "and", "versions", "version"}
            ):
                found[key] = Target("", name, (f"name:{key}",), RangeSet((rng,)), "description")
    if not found:
        for m in _FOUND_IN.finditer(text):
            key = fold(m.group("name"))
            found.setdefault(
                key,
                Target(
                    "",
                    m.group("name"),
                    (f"name:{key}",),
                    RangeSet((Range(exact=m.group("exact")),)),
                    "description",
                ),
            )
    return tuple(found.values())


def read_cve5(data: Any, where: str = "") -> VulnRecord:
    """One CVE JSON 5 record (dataType CVE_RECORD)."""
    if not isinstance(data, dict) or data.get("dataType") != "CVE_RECORD":
        raise RecordError("not a CVE JSON 5 record (dataType CVE_RECORD)", where)
    cve = str((data.get("cveMetadata") or {}).get("cveId") or "")
    if not CVE_ID.match(cve):
        raise RecordError(f"cveMetadata.cveId {cve!r} is not a CVE id", where)
    containers = data.get("containers") or {}
    cna = containers.get("cna") if isinstance(containers, dict) else None
    if not isinstance(cna, dict):
        if (data.get("cveMetadata") or {}).get("state") == "REJECTED":
            return VulnRecord(cve=cve, summary="rejected")
        raise RecordError("no CNA container", where)
    adps = [a for a in containers.get("adp") or [] if isinstance(a, dict)]
    cvss, cvss_source = _cvss(cna), "cna"
    for adp in adps:
        if cvss is None:
            cvss = _cvss(adp)
            cvss_source = "adp:" + str((adp.get("providerMetadata") or {}).get("shortName") or "ADP")
    targets = [t for e in cna.get("affected") or [] if isinstance(e, dict) for t in [_target(e, "cna")] if t]
    for adp in adps:
        name = "adp:" + str((adp.get("providerMetadata") or {}).get("shortName") or "ADP")
        targets.extend(
            t for e in adp.get("affected") or [] if isinstance(e, dict) for t in [_target(e, name)] if t
        )
    summary = next(
        (
            str(d.get("value"))
            for d in cna.get("descriptions") or []
            if isinstance(d, dict) and d.get("lang", "en").startswith("en")
        ),
        "",
    )
    if not targets:
        targets.extend(described_targets(summary))
    return VulnRecord(
        cve=cve,
        cvss=cvss,
        cvss_source=cvss_source if cvss is not None else "",
        kev=any(_kev_flag(a) for a in adps),
        summary=summary[:1000],
        targets=tuple(targets),
    )


def read_osv(data: Any, where: str = "") -> VulnRecord:
    """One OSV record; named by its CVE alias when it has one."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or "affected" not in data:
        raise RecordError("not an OSV record (id and affected)", where)
    aliases = tuple(str(a) for a in data.get("aliases") or [] if isinstance(a, str))
    cve = (
        data["id"] if CVE_ID.match(data["id"]) else next((a for a in aliases if CVE_ID.match(a)), data["id"])
    )
    targets = []
    for entry in data.get("affected") or []:
        if not isinstance(entry, dict):
            continue
        package = entry.get("package") or {}
        keys = []
        if package.get("name"):
            keys.append(f"name:{fold(str(package['name']).split('/')[-1])}")
        purl = str(package.get("purl") or "")
        if purl.startswith("pkg:"):
            keys.append("purl:" + purl_base(purl))
        if keys:
            targets.append(
                Target("", str(package.get("name") or purl), tuple(keys), osv_ranges(entry), "osv")
            )
    score = (
        (data.get("database_specific") or {}).get("cvss_score")
        if isinstance(data.get("database_specific"), dict)
        else None
    )
    cvss = float(score) if isinstance(score, int | float) and 0 <= score <= 10 else None
    return VulnRecord(
        cve=str(cve)[:64],
        cvss=cvss,
        cvss_source="osv" if cvss is not None else "",
        summary=str(data.get("summary") or data.get("details") or "")[:1000],
        targets=tuple(targets),
        aliases=aliases,
        source="osv",
    )


def read_kev(data: Any, where: str = "") -> tuple[str, list[KevEntry]]:
    """The KEV catalogue: its version and entries."""
    if not isinstance(data, dict) or not isinstance(data.get("vulnerabilities"), list):
        raise RecordError("not a KEV catalogue (vulnerabilities list)", where)
    entries = []
    for i, row in enumerate(data["vulnerabilities"]):
        cve = row.get("cveID") if isinstance(row, dict) else None
        if not isinstance(cve, str) or not CVE_ID.match(cve):
            raise RecordError(f"vulnerabilities[{i}].cveID is not a CVE id", where)
        entries.append(
            KevEntry(
                cve=cve,
                vendor=str(row.get("vendorProject") or ""),
                product=str(row.get("product") or ""),
                date_added=str(row.get("dateAdded") or ""),
                name=str(row.get("vulnerabilityName") or ""),
            )
        )
    return str(data.get("catalogVersion") or ""), entries


def kev_target(entry: KevEntry) -> Target:
    """What a KEV entry alone says: the product, with no version range (unknown until a CVE record says)."""
    return Target(
        fold(entry.vendor),
        entry.product,
        (f"name:{fold(entry.product)}",),
        RangeSet(unread=("KEV entry: no version range",)),
        "kev",
    )


def purl_base(purl: str) -> str:
    """`pkg:type/namespace/name` of a purl, lower case, without version, qualifiers or subpath."""
    body = purl[4:].split("#", 1)[0].split("?", 1)[0]
    body = body.rsplit("@", 1)[0] if "@" in body else body
    return body.lower().strip("/")


def detect_format(data: Any) -> str:
    """ "cve5", "osv" or "kev" for a parsed JSON document, or "" when it is none of them."""
    if isinstance(data, dict):
        if data.get("dataType") == "CVE_RECORD":
            return "cve5"
        if isinstance(data.get("vulnerabilities"), list) and "catalogVersion" in data:
            return "kev"
        if isinstance(data.get("id"), str) and "affected" in data:
            return "osv"
    return ""


def _range_json(r: Range) -> dict[str, str]:
    return {
        k: v for k, v in (("i", r.introduced), ("f", r.fixed), ("l", r.last_affected), ("e", r.exact)) if v
    }


def _range_from(data: dict[str, str]) -> Range:
    return Range(
        introduced=data.get("i"), fixed=data.get("f"), last_affected=data.get("l"), exact=data.get("e")
    )


def targets_to_json(targets: tuple[Target, ...]) -> list[dict[str, Any]]:
    """Targets as plain JSON (stored with the record so that matching needs no re-parse)."""
    return [
        {
            "vendor": t.vendor,
            "product": t.product,
            "keys": list(t.keys),
            "source": t.source,
            "affected": [_range_json(r) for r in t.ranges.affected],
            "unaffected": [_range_json(r) for r in t.ranges.unaffected],
            "default_affected": t.ranges.default_affected,
            "unread": list(t.ranges.unread),
        }
        for t in targets
    ]


def targets_from_json(data: list[dict[str, Any]]) -> tuple[Target, ...]:
    return tuple(
        Target(
            vendor=t["vendor"],
            product=t["product"],
            keys=tuple(t["keys"]),
            ranges=RangeSet(
                tuple(_range_from(r) for r in t["affected"]),
                tuple(_range_from(r) for r in t["unaffected"]),
                bool(t["default_affected"]),
                tuple(t["unread"]),
            ),
            source=t["source"],
        )
        for t in data
    )
