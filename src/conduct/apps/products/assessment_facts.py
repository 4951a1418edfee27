"""What a release's ETSI EN 303 645 assessment says about unique default passwords (5.1-1, 5.1-2) and signed
firmware / secure update (5.3-9, 5.3-10): the evidence the product_release gate and the PSTI statement read,
each naming the assessment items behind it. Provisions come from the framework library (data/frameworks)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from conduct.apps.products.models import Release
from conduct.apps.products.models_security import ReleaseAssessmentItem
from conduct.core.catalog import Requirement
from conduct.datafiles import framework_library

ETSI = "etsi_en_303_645"
PASSWORD_ITEMS = ("5.1-1", "5.1-2")
SIGNING_ITEMS = ("5.3-9", "5.3-10")


@lru_cache(maxsize=1)
def etsi_provisions() -> tuple[Requirement, ...]:
    return tuple(framework_library().framework(ETSI).requirements)


def provision_urn(provision: str) -> str | None:
    urn = f"urn:conduct:{ETSI}:{str(provision).strip()}"
    return urn if any(r.urn == urn for r in etsi_provisions()) else None


def _describe(provision: str, item: ReleaseAssessmentItem | None, files: list[str]) -> str:
    name = f"assessment item ETSI EN 303 645 {provision}"
    if item is None:
        return f"{name}: not assessed"
    if item.state == "met":
        return (
            f"{name}: met, evidence {', '.join(files)}" if files else f"{name}: marked met without evidence"
        )
    return f"{name}: {item.get_state_display().lower()} ({item.note[:120]})"


def _judge(
    release: Release, items: dict[str, ReleaseAssessmentItem], provisions: tuple[str, ...]
) -> dict[str, Any]:
    """met True: every provision met with an evidence file, or not applicable (at least one met, or the
    first, which carries the condition, not applicable); met False: any not met; None: anything else."""
    found = {p: items.get(f"urn:conduct:{ETSI}:{p}") for p in provisions}
    files = {p: [e.file_name for e in item.evidence.all()] if item else [] for p, item in found.items()}
    source = f"{release}: " + "; ".join(_describe(p, found[p], files[p]) for p in provisions)
    states = [(item.state if item else None, bool(files[p])) for p, item in found.items()]
    if any(state == "not_met" for state, _ in states):
        return {"met": False, "source": source}
    first = states[0][0]
    proven = all(state == "not_applicable" or (state == "met" and has) for state, has in states)
    if first == "not_applicable" or (proven and any(state == "met" for state, _ in states)):
        return {"met": True, "source": source}
    return {"met": None, "source": source}


def release_evidence(release: Release) -> dict[str, dict[str, Any]]:
    """{"unique_default_passwords": {"met": bool | None, "source"}, "signed_firmware": {...}}."""
    items = {
        i.urn: i for i in ReleaseAssessmentItem.objects.filter(release=release).prefetch_related("evidence")
    }
    return {
        "unique_default_passwords": _judge(release, items, PASSWORD_ITEMS),
        "signed_firmware": _judge(release, items, SIGNING_ITEMS),
    }
