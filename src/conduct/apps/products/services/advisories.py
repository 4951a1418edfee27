"""Security advisories: product security drafts (by hand or from a release's open findings), another keeper
publishes (four eyes); a published advisory is revised with a new CSAF revision. Every change is ledgered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Conflict, Forbidden, Invalid, raise_if
from conduct.apps.products.csaf import CVSS3_VECTOR, csaf_document, csaf_problems
from conduct.apps.products.matching import match_release
from conduct.apps.products.models import Release, VexStatement
from conduct.apps.products.models_security import Advisory, AdvisoryProduct, AdvisoryStatus
from conduct.apps.products.services._security import SecurityAction
from conduct.core.products import CVE_ID

MAX_CVES = 50
CLOSED_VEX = frozenset({"not_affected", "fixed"})


@dataclass(frozen=True)
class AdvisorySpec:
    title: str
    summary: str
    vulnerabilities: tuple[dict[str, Any], ...]  # {"cve", "cvss" (optional), "vector" (optional)}
    affected: tuple[Release, ...]
    fixed: tuple[Release, ...] = ()
    remediation: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _vulnerabilities(items: tuple[dict[str, Any], ...], errors: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if not items:
        errors["vulnerabilities"] = _("Name at least one CVE.")
    if len(items) > MAX_CVES:
        errors["vulnerabilities"] = _("At most %(n)d CVEs.") % {"n": MAX_CVES}
    for i, item in enumerate(items[:MAX_CVES]):
        cve = str(item.get("cve") or "").strip().upper()
        cvss, vector = item.get("cvss"), str(item.get("vector") or "").strip()
        if not CVE_ID.match(cve):
            errors[f"vulnerabilities[{i}].cve"] = _("CVE-YYYY-NNNN")
        elif cve in {v["cve"] for v in out}:
            errors[f"vulnerabilities[{i}].cve"] = _("Named twice.")
        if cvss is not None and (not isinstance(cvss, int | float) or not 0 <= float(cvss) <= 10):
            errors[f"vulnerabilities[{i}].cvss"] = _("A CVSS base score from 0.0 to 10.0.")
        if vector and not CVSS3_VECTOR.match(vector):
            errors[f"vulnerabilities[{i}].vector"] = _("A CVSS 3.0 or 3.1 vector (CVSS:3.1/AV:...).")
        if vector and cvss is None:
            errors[f"vulnerabilities[{i}].cvss"] = _("A vector needs its base score.")
        out.append(
            {"cve": cve, "cvss": float(cvss) if isinstance(cvss, int | float) else None, "vector": vector}
        )
    return out


def _checked(actor: Actor, spec: AdvisorySpec) -> list[dict[str, Any]]:
    errors: dict[str, str] = {}
    if not spec.title.strip() or len(spec.title) > 200:
        errors["title"] = _("From 1 to 200 characters.")
    if not spec.summary.strip() or len(spec.summary) > 5000:
        errors["summary"] = _("From 1 to 5000 characters.")
    if len(spec.remediation) > 5000:
        errors["remediation"] = _("At most 5000 characters.")
    if not spec.affected:
        errors["affected"] = _("Name at least one affected release.")
    if {r.pk for r in spec.affected} & {r.pk for r in spec.fixed}:
        errors["fixed"] = _("A release cannot be both affected and fixed.")
    vulnerabilities = _vulnerabilities(spec.vulnerabilities, errors)
    if any("\x00" in s for s in (spec.title, spec.summary, spec.remediation)):
        errors["summary"] = _("Text only.")
    raise_if(errors, _("The advisory is not valid."))
    return vulnerabilities


def _next_id() -> str:
    stem = f"{settings.ADVISORY_ID_PREFIX}-{timezone.now().year}-"
    taken = Advisory.objects.filter(advisory_id__startswith=stem).values_list("advisory_id", flat=True)
    numbers = [int(x[len(stem) :]) for x in taken if x[len(stem) :].isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:03d}"


def _link(advisory: Advisory, spec: AdvisorySpec) -> None:
    AdvisoryProduct.objects.filter(advisory=advisory).delete()
    AdvisoryProduct.objects.bulk_create(
        [AdvisoryProduct(advisory=advisory, release=r, status="known_affected") for r in spec.affected]
        + [AdvisoryProduct(advisory=advisory, release=r, status="fixed") for r in spec.fixed]
    )


def _summary(advisory: Advisory, spec: AdvisorySpec) -> dict[str, Any]:
    return {
        "advisory": advisory.advisory_id,
        "title": advisory.title,
        "cves": advisory.cves,
        "affected": [str(r) for r in spec.affected],
        "fixed": [str(r) for r in spec.fixed],
        "status": advisory.status,
    }


def _authorize_releases(actor: Actor, permission: str, spec: AdvisorySpec) -> None:
    for release in (*spec.affected, *spec.fixed):
        authorize(actor, permission, unit=release.product.business_unit)


@transaction.atomic
def advisory_draft(*, actor: Actor, spec: AdvisorySpec) -> Advisory:
    """A new draft advisory for the releases it names (the actor must be able to draft for each)."""
    authorize(actor, "advisories.draft")
    _authorize_releases(actor, "advisories.draft", spec)
    vulnerabilities = _checked(actor, spec)
    advisory = Advisory.objects.create(
        advisory_id=_next_id(),
        title=spec.title.strip(),
        summary=spec.summary.strip(),
        vulnerabilities=vulnerabilities,
        remediation=spec.remediation.strip(),
        business_unit=spec.affected[0].product.business_unit,
        drafted_by=actor_label(actor),
        drafted_by_user_id=actor.pk if isinstance(actor, User) else None,
    )
    _link(advisory, spec)
    ledger_append(
        actor=actor,
        action=SecurityAction.ADVISORY_DRAFT,
        object_type="advisory",
        object_id=advisory.pk,
        summary=_summary(advisory, spec),
    )
    return advisory


def release_draft_spec(release: Release) -> AdvisorySpec:
    """A draft's contents from a release's findings still open after VEX (KEV and highest CVSS first)."""
    vex = {v.cve: v.state for v in VexStatement.objects.filter(release=release)}
    findings = [f for f in match_release(release).findings if vex.get(f.cve) not in CLOSED_VEX]
    findings.sort(key=lambda f: (not f.kev, -(f.cvss or 0.0), f.cve))
    seen: dict[str, dict[str, Any]] = {}
    components: list[str] = []
    for f in findings:
        seen.setdefault(f.cve, {"cve": f.cve, "cvss": f.cvss, "vector": ""})
        label = f"{f.component} {f.version}"
        if label not in components:
            components.append(label)
    product = release.product
    title = _("%(name)s (%(model)s) %(version)s: vulnerabilities in %(components)s") % {
        "name": product.name,
        "model": product.model,
        "version": release.version,
        "components": ", ".join(components[:3]) or _("its components"),
    }
    summary = _("%(model)s firmware %(version)s contains %(components)s, affected by %(cves)s.") % {
        "model": product.model,
        "version": release.version,
        "components": ", ".join(components) or "-",
        "cves": ", ".join(seen) or "-",
    }
    return AdvisorySpec(
        title=title[:200],
        summary=summary[:5000],
        vulnerabilities=tuple(list(seen.values())[:MAX_CVES]),
        affected=(release,),
        remediation=_("Update to a fixed firmware release as soon as it is available."),
    )


def advisory_from_release(*, actor: Actor, release: Release) -> Advisory:
    """A draft prefilled from `release`'s open findings (Invalid when it has none)."""
    authorize(actor, "advisories.draft", unit=release.product.business_unit)
    spec = release_draft_spec(release)
    if not spec.vulnerabilities:
        raise Invalid(
            _("%(release)s has no open finding to advise on.") % {"release": str(release)},
            fields={"release": _("No open finding.")},
        )
    return advisory_draft(actor=actor, spec=spec)


@transaction.atomic
def advisory_update(*, actor: Actor, advisory: Advisory, spec: AdvisorySpec, revision: str = "") -> Advisory:
    """Change a draft; or revise a published advisory (a publisher's act: a new CSAF revision, summarised)."""
    advisory = Advisory.objects.select_for_update().get(pk=advisory.pk)
    published = advisory.status == AdvisoryStatus.PUBLISHED
    permission = "advisories.publish" if published else "advisories.draft"
    authorize(actor, permission, unit=advisory.business_unit)
    _authorize_releases(actor, permission, spec)
    vulnerabilities = _checked(actor, spec)
    if published and not (0 < len(revision.strip()) <= 500):
        raise Invalid(_("Say what this revision changes."), fields={"revision": _("Required, 500 at most.")})
    now = timezone.now()
    advisory.title, advisory.summary = spec.title.strip(), spec.summary.strip()
    advisory.vulnerabilities, advisory.remediation = vulnerabilities, spec.remediation.strip()
    advisory.updated_at = now
    if published:
        number = str(len(advisory.revision_history) + 1)
        advisory.revision_history = [
            *advisory.revision_history,
            {"number": number, "date": now.isoformat(), "summary": revision.strip()},
        ]
    _link(advisory, spec)
    _check_csaf(advisory, published)
    advisory.save()
    ledger_append(
        actor=actor,
        action=SecurityAction.ADVISORY_UPDATE,
        object_type="advisory",
        object_id=advisory.pk,
        summary={**_summary(advisory, spec), "revision": advisory.version if published else ""},
    )
    return advisory


def _check_csaf(advisory: Advisory, published: bool) -> None:
    if not published:
        return
    problems = csaf_problems(csaf_document(advisory))
    if problems:
        raise Invalid(_("The CSAF document would not be valid."), fields={"csaf": "; ".join(problems[:5])})


@transaction.atomic
def advisory_publish(*, actor: Actor, advisory: Advisory) -> Advisory:
    """Publish a draft (by someone other than its drafter): CSAF revision 1, checked against the schema."""
    advisory = Advisory.objects.select_for_update().get(pk=advisory.pk)
    authorize(actor, "advisories.publish", unit=advisory.business_unit)
    if advisory.status != AdvisoryStatus.DRAFT:
        raise Conflict(_("%(id)s is already published.") % {"id": advisory.advisory_id})
    if isinstance(actor, User) and actor.pk == advisory.drafted_by_user_id:
        raise Forbidden(
            _("Another person must approve and publish the advisory you drafted."), code="four_eyes"
        )
    now = timezone.now()
    advisory.status = AdvisoryStatus.PUBLISHED
    advisory.published_at = now
    advisory.published_by = actor_label(actor)
    advisory.updated_at = now
    advisory.revision_history = [
        {"number": "1", "date": now.isoformat(), "summary": "Initial public release"}
    ]
    _check_csaf(advisory, True)
    advisory.save()
    ledger_append(
        actor=actor,
        action=SecurityAction.ADVISORY_PUBLISH,
        object_type="advisory",
        object_id=advisory.pk,
        summary={"advisory": advisory.advisory_id, "cves": advisory.cves, "drafted_by": advisory.drafted_by},
    )
    return advisory
