"""The vulnerability index of the stored records, built once per version of the vulnerability data and kept
in the process; a release's components are matched against it synchronously (no worker needed)."""

from __future__ import annotations

import threading
from typing import Any

from django.db.models import Count, Max

from conduct.apps.products.models import Component, Release, Vulnerability
from conduct.core.products import Component as CoreComponent
from conduct.core.products import MatchResult, VulnIndex, VulnRecord, targets_from_json

_lock = threading.Lock()
_cache: dict[str, Any] = {"version": None, "index": None}


def data_version() -> tuple[int, str]:
    """Changes whenever a record is added or updated (loads stamp updated_at)."""
    found = Vulnerability.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    return int(found["n"] or 0), str(found["latest"] or "")


def current_index() -> VulnIndex:
    version = data_version()
    with _lock:
        if _cache["version"] != version or _cache["index"] is None:
            rows = Vulnerability.objects.values_list("cve", "cvss", "cvss_source", "kev", "targets", "source")
            _cache["index"] = VulnIndex(
                VulnRecord(
                    cve=cve,
                    cvss=cvss,
                    cvss_source=cvss_source,
                    kev=kev,
                    targets=targets_from_json(targets),
                    source=source,
                )
                for cve, cvss, cvss_source, kev, targets, source in rows.iterator(chunk_size=2000)
            )
            _cache["version"] = version
        return _cache["index"]  # type: ignore[no-any-return]


def release_components(release: Release) -> list[CoreComponent]:
    return [
        CoreComponent(name=n, version=v, supplier=s, purl=p, cpe=c)
        for n, v, s, p, c in Component.objects.filter(release=release)
        .order_by("position")
        .values_list("name", "version", "supplier", "purl", "cpe")
    ]


def match_release(release: Release) -> MatchResult:
    return current_index().match(release_components(release))
