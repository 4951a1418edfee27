"""Affected version ranges as CNAs publish them, read into one shape, and the verdict for one version.

CVE JSON 5 `versions` entries (`version` + `lessThan` / `lessThanOrEqual`, `status` affected or unaffected,
`defaultStatus`), curl's pairs ("affected below 8.4.0" written as version 8.4.0 lessThan 8.4.0, with an
"unaffected below 7.69.0" lower bound), OpenSSL's text ("Fixed in OpenSSL 1.1.1n (Affected 1.1.1-1.1.1m)"),
"Fixed in X", a few vendor phrasings ("V4.30.096build221220 and the versions prior to it"), and OSV events.
Anything else is kept as a reason the range is unknown: an unknown range is never read as safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._versions import VersionKey, is_version, lower_bound_key, sort_key

_OPEN_LOWER = {"", "0", "*", "-", "unspecified", "n/a", "na", "all", "0.0", "0.0.0"}
_VERSION = r"v?\d[\w.\-]*\w|v?\d"


@dataclass(frozen=True)
class Range:
    """One affected (or unaffected) span: `introduced` inclusive (None: from the first version), `fixed`
    exclusive or `last_affected` inclusive (both None: no upper bound), or one `exact` version."""

    introduced: str | None = None
    fixed: str | None = None
    last_affected: str | None = None
    exact: str | None = None

    def text(self) -> str:
        if self.exact is not None:
            return f"={self.exact}"
        parts = []
        if self.introduced is not None:
            parts.append(f">={self.introduced}")
        if self.fixed is not None:
            parts.append(f"<{self.fixed}")
        if self.last_affected is not None:
            parts.append(f"<={self.last_affected}")
        return ", ".join(parts) or "all versions"

    def contains(self, key: VersionKey) -> bool:
        """Whether the version whose `sort_key` is `key` lies in the range."""
        if self.exact is not None:
            return key == sort_key(self.exact)
        if self.introduced is not None and key < lower_bound_key(self.introduced):
            return False
        if self.fixed is not None and key >= sort_key(self.fixed):
            return False
        return not (self.last_affected is not None and key > sort_key(self.last_affected))


_OPENSSL_SPAN = re.compile(rf"\(affected\s+({_VERSION})\s*-\s*({_VERSION})\)", re.I)
_OPENSSL_LIST = re.compile(rf"\(affected\s+((?:{_VERSION})(?:\s*,\s*(?:{_VERSION}))*)\)", re.I)
_FIXED_IN = re.compile(rf"^fixed in(?: [a-z][\w\-]*)? ({_VERSION})$", re.I)
_AND_PRIOR = re.compile(rf"^({_VERSION})(?:\s*build\s*\d+)? and (?:the )?versions? prior to it$", re.I)
_BELOW_INCLUDING = re.compile(rf"^versions? below ({_VERSION}) \(including \1\)$", re.I)
_AFTER_BEFORE = re.compile(rf"^versions? after ({_VERSION}) and before ({_VERSION})$", re.I)


def _clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def text_ranges(text: str) -> tuple[Range, ...] | None:
    """Ranges from a CNA's free-text `version`, or None when the text follows no convention we read."""
    text = _clean(text)
    span = _OPENSSL_SPAN.search(text)
    if span:
        return (Range(introduced=span.group(1), last_affected=span.group(2)),)
    listed = _OPENSSL_LIST.search(text)
    if listed:
        return tuple(Range(exact=v.strip()) for v in listed.group(1).split(","))
    found = _FIXED_IN.match(text)
    if found:
        return (Range(fixed=found.group(1)),)
    found = _AND_PRIOR.match(text) or _BELOW_INCLUDING.match(text)
    if found:
        return (Range(last_affected=found.group(1)),)
    found = _AFTER_BEFORE.match(text)
    if found:
        return (Range(introduced=found.group(1), fixed=found.group(2)),)
    return None


@dataclass(frozen=True)
class RangeSet:
    """What one affected-product entry says about versions: the usable affected and unaffected ranges,
    whether every version not listed is affected, and the entries that could not be read (`unread`)."""

    affected: tuple[Range, ...] = ()
    unaffected: tuple[Range, ...] = ()
    default_affected: bool = False
    unread: tuple[str, ...] = ()

    def verdict(self, version: str) -> tuple[str, str]:
        """("affected", range) / ("unknown", reason) / ("clear", "") for a component version."""
        if not version or not is_version(version):
            return "unknown", f"component version {version!r} cannot be compared"
        key = sort_key(version)
        if any(r.contains(key) for r in self.unaffected):
            return "clear", ""
        for r in self.affected:
            if r.contains(key):
                return "affected", r.text()
        if self.default_affected:
            return "affected", "all versions (default status affected)"
        if self.unread:
            return "unknown", "unreadable range: " + "; ".join(self.unread)[:300]
        return "clear", ""


def _bound(entry: dict[str, object], name: str) -> str | None:
    value = entry.get(name)
    return _clean(value) if isinstance(value, str) and value.strip() else None


def _entry_ranges(entry: dict[str, object], paired: bool) -> tuple[Range, ...] | None:
    """One `versions` entry. `version` equal to its bound is curl's "below X" when the list pairs it with an
    unaffected lower bound; alone it names that one version (Hikvision's "V1.1.0 lessThan V1.1.0")."""
    version = _bound(entry, "version") or ""
    below, through = _bound(entry, "lessThan"), _bound(entry, "lessThanOrEqual")
    if not (below or through):
        if is_version(version):
            return (Range(exact=version),)
        return text_ranges(version) if version else None
    upper = below or through or ""
    if version == upper and not paired:
        return (Range(exact=version),)
    lower: str | None = None if version.lower() in _OPEN_LOWER or version == upper else version
    if lower is not None and not is_version(lower):
        return None
    if upper == "*":
        return (Range(introduced=lower),)
    if not is_version(upper):
        return None
    return (Range(introduced=lower, fixed=below, last_affected=through),)


def cve5_ranges(versions: object, default_status: object) -> RangeSet:
    """Read a CVE JSON 5 `versions` list (and the entry's `defaultStatus`)."""
    affected: list[Range] = []
    unaffected: list[Range] = []
    unread: list[str] = []
    entries = [e for e in versions if isinstance(e, dict)] if isinstance(versions, list) else []
    paired = any(e.get("status") == "unaffected" for e in entries)
    for entry in entries:
        status = entry.get("status")
        ranges = _entry_ranges(entry, paired)
        if status == "unaffected":
            unaffected.extend(ranges or ())
        elif ranges is None or status not in {"affected", "unaffected"}:
            unread.append(str(entry.get("version") or "(no version)"))
        else:
            affected.extend(ranges)
    if not affected and not unaffected and not unread:
        unread.append("(no versions listed)")
    return RangeSet(tuple(affected), tuple(unaffected), default_status == "affected", tuple(unread))


def osv_ranges(package: dict[str, object]) -> RangeSet:
    """Read an OSV `affected` entry's `ranges` (SEMVER / ECOSYSTEM events) and `versions`."""
    affected: list[Range] = []
    unread: list[str] = []
    for spec in package.get("ranges") or []:  # type: ignore[attr-defined]
        if not isinstance(spec, dict) or spec.get("type") not in {"SEMVER", "ECOSYSTEM"}:
            unread.append(f"{spec.get('type') if isinstance(spec, dict) else spec} range")
            continue
        introduced: str | None = None
        for event in spec.get("events") or []:
            if not isinstance(event, dict):
                continue
            if "introduced" in event:
                value = str(event["introduced"])
                introduced = None if value in _OPEN_LOWER else value
            elif "fixed" in event:
                affected.append(Range(introduced=introduced, fixed=str(event["fixed"])))
                introduced = "\0closed"
            elif "last_affected" in event:
                affected.append(Range(introduced=introduced, last_affected=str(event["last_affected"])))
                introduced = "\0closed"
        if introduced != "\0closed":
            affected.append(Range(introduced=introduced))
    affected = [r for r in affected if r.introduced != "\0closed"]
    for version in package.get("versions") or []:  # type: ignore[attr-defined]
        if isinstance(version, str) and is_version(version):
            affected.append(Range(exact=version))
    if not affected and not unread:
        unread.append("(no ranges listed)")
    return RangeSet(tuple(affected), (), False, tuple(unread))
