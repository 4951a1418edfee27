"""Background re-matching: when new vulnerability data or a new SBOM arrives, the released releases it may
affect are matched again (products.tasks.rematch_releases, enqueued after the commit); each (release, CVE)
not seen before is recorded, and a KEV entry or CVSS >= 9.0 on a released release that no VEX analysis has
settled (not_affected, fixed) tells the product's business-unit liaisons and the compliance officers, once
per release and CVE. `vulns match` and the gate still match synchronously and need no worker."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import DEMO, Actor
from conduct.apps.accounts.roles import Role
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.notifications.messages import message
from conduct.apps.notifications.services import Notice, notify_many
from conduct.apps.products.matching import match_release
from conduct.apps.products.models import Release, ReleaseFindingSeen, ReleaseStatus, VexStatement
from conduct.apps.products.services._disclosure import (
    DisclosureAction,
    recipients,
    unit_liaisons,
    users_with_roles,
)

log = logging.getLogger("conduct.products.rematch")
ALERT_CVSS = 9.0
SETTLED = ("not_affected", "fixed")


def is_critical(kev: bool, cvss: float | None) -> bool:
    return kev or (cvss is not None and cvss >= ALERT_CVSS)


def _issues(release: Release) -> dict[str, dict[str, Any]]:
    """The release's matches by CVE: the matched findings, and KEV entries whose range is unknown (the gate
    treats those as present until a VEX analysis says otherwise)."""
    result = match_release(release)
    issues: dict[str, dict[str, Any]] = {}
    for f in result.findings:
        issues.setdefault(
            f.cve, {"component": f"{f.component} {f.version}", "kev": f.kev, "cvss": f.cvss, "unknown": False}
        )
    for u in result.unknown:
        if u.kev and u.cve not in issues:
            issues[u.cve] = {
                "component": f"{u.component} {u.version}",
                "kev": True,
                "cvss": u.cvss,
                "unknown": True,
            }
    return issues


def _rematch_one(release: Release) -> tuple[list[str], list[str]]:
    """Record what is new for `release`; the CVEs first seen, and those to alert on now."""
    issues = _issues(release)
    seen = {s.cve: s for s in ReleaseFindingSeen.objects.select_for_update().filter(release=release)}
    settled = set(
        VexStatement.objects.filter(release=release, state__in=SETTLED).values_list("cve", flat=True)
    )
    now = timezone.now()
    new: list[str] = []
    alert: list[str] = []
    for cve, issue in sorted(issues.items()):
        row = seen.get(cve)
        if row is None:
            row = ReleaseFindingSeen.objects.create(
                release=release,
                cve=cve,
                component=issue["component"][:400],
                kev=issue["kev"],
                cvss=issue["cvss"],
                range_unknown=issue["unknown"],
                first_seen_at=now,
            )
            new.append(cve)
        elif (row.kev, row.cvss) != (issue["kev"], issue["cvss"]):
            row.kev, row.cvss = issue["kev"], issue["cvss"]
            row.save(update_fields=["kev", "cvss"])
        if row.alerted_at is None and is_critical(row.kev, row.cvss) and cve not in settled:
            row.alerted_at = now
            row.save(update_fields=["alerted_at"])
            alert.append(cve)
    return new, alert


def _notice(release: Release, alerts: list[ReleaseFindingSeen]) -> Notice:
    parts = []
    range_unknown = _("range unknown")  # outside the f-string, where makemessages finds it
    for a in alerts:
        why = "KEV" if a.kev else f"CVSS {a.cvss:.1f}"
        parts.append(f"{a.cve} ({why}, {range_unknown})" if a.range_unknown else f"{a.cve} ({why})")
    text = message(
        gettext_lazy("%(release)s (released) is newly matched by %(issues)s."),
        release=f"{release.product.model} {release.version}",
        issues=", ".join(parts),
    )
    users = recipients(
        unit_liaisons(release.product.business_unit), users_with_roles(Role.COMPLIANCE_OFFICER)
    )
    return Notice(users, "assignment", text, f"/products/releases/{release.pk}/")


@transaction.atomic
def releases_rematch(*, actor: Actor, release_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """Match the released releases (all, or those of `release_ids`) again; record and alert what is new."""
    authorize(actor, "vulns.load")
    releases = Release.objects.filter(status=ReleaseStatus.RELEASED).select_related(
        "product", "product__business_unit"
    )
    if release_ids is not None:
        releases = releases.filter(pk__in=list(release_ids))
    summary: dict[str, Any] = {"releases": 0, "new": 0, "alerted": []}
    notices: list[Notice] = []
    for release in releases.order_by("pk"):
        summary["releases"] += 1
        new, alert = _rematch_one(release)
        summary["new"] += len(new)
        if not new and not alert:
            continue
        if alert:
            rows = list(ReleaseFindingSeen.objects.filter(release=release, cve__in=alert).order_by("cve"))
            notices.append(_notice(release, rows))
            summary["alerted"].extend(f"{release.product.model} {release.version} {c}" for c in alert)
        ledger_append(
            actor=actor,
            action=DisclosureAction.RELEASE_REMATCH,
            object_type="release",
            object_id=release.pk,
            summary={
                "model": release.product.model,
                "version": release.version,
                "new": new,
                "alerted": alert,
            },
        )
    notify_many(notices=notices)
    return summary


def schedule_rematch(*, actor: Actor, release_ids: list[int] | None = None) -> None:
    """Enqueue the background re-match after the commit (the demo's seeding is not news: not for it)."""
    if actor == DEMO:
        return

    def enqueue() -> None:
        from conduct.apps.products.tasks import rematch_releases

        try:
            rematch_releases.enqueue(release_ids)
        except Exception:  # noqa: BLE001 - the load stands; the next load or `vulns rematch` catches up
            log.exception("could not enqueue the re-match")

    transaction.on_commit(enqueue)
