"""Scoped reads of advisories, release assessments, the customer portal and the PSTI statement.

Internal users read advisories of their business units (advisories.view); anyone reads published advisories
(the public pages and CSAF files); a customer reads the advisories and support periods of the products its
organisation bought: the models of its devices, read from device access through the
`access.customer_device_models` provider."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize, scoped
from conduct.apps.errors import NotFound
from conduct.apps.products.assessment_facts import etsi_provisions, release_evidence
from conduct.apps.products.models import Product, Release, ReleaseStatus
from conduct.apps.products.models_security import Advisory, AdvisoryStatus, ReleaseAssessmentItem
from conduct.datafiles import framework_library
from conduct.events.access import customer_device_models


def advisory_list(*, actor: Actor, status: str = "") -> QuerySet[Advisory]:
    authorize(actor, "advisories.view")
    rows = scoped(
        Advisory.objects.select_related("business_unit"),
        actor,
        permission="advisories.view",
        unit_field="business_unit",
    )
    return rows.filter(status=status) if status else rows


def advisory_for(*, actor: Actor, advisory_id: str) -> Advisory:
    """An advisory by its id (NV-SA-2026-001): 403 for a role that may not read advisories, then 404."""
    found = advisory_list(actor=actor).filter(advisory_id=advisory_id.strip()[:40]).first()
    if found is None:
        raise NotFound(_("No advisory %(id)s that you may see.") % {"id": advisory_id[:40]})
    return found


def published_advisories() -> QuerySet[Advisory]:
    """Every published advisory: public (the /security/advisories/ pages and the public API)."""
    return Advisory.objects.filter(status=AdvisoryStatus.PUBLISHED).order_by("-published_at", "-id")


def published_advisory(advisory_id: str) -> Advisory:
    found = published_advisories().filter(advisory_id=advisory_id.strip()[:40]).first()
    if found is None:
        raise NotFound(_("No published advisory %(id)s.") % {"id": advisory_id[:40]})
    return found


def advisory_releases(advisory: Advisory) -> list[dict[str, Any]]:
    return [
        {"release": link.release, "status": link.status, "label": link.get_status_display()}
        for link in advisory.products.select_related("release", "release__product").order_by("status", "pk")
    ]


# --- the customer portal -------------------------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def portal_products(*, actor: Actor) -> list[dict[str, Any]]:
    """The products the actor's customer organisation bought (its devices' models, matched to a product's
    model or name), each with its releases' support periods and the published advisories naming them."""
    authorize(actor, "advisories.portal")
    org_id = actor.portal_org_id if isinstance(actor, User) else None
    if org_id is None:
        return []
    keys = {_key(m) for m in customer_device_models(org_id)} - {""}
    products = [p for p in Product.objects.order_by("model") if _key(p.model) in keys or _key(p.name) in keys]
    out = []
    for product in products:
        releases = list(
            product.releases.exclude(status=ReleaseStatus.DRAFT).order_by(
                F("released_on").desc(nulls_last=True), "-id"
            )
        )
        advisories = published_advisories().filter(products__release__product=product).distinct()
        out.append(
            {
                "model": product.model,
                "name": product.name,
                "releases": [
                    {
                        "version": r.version,
                        "status": r.status,
                        "released_on": r.released_on,
                        "support_end": r.support_end,
                    }
                    for r in releases
                ],
                "support_end": releases[0].support_end if releases else None,
                "advisories": list(advisories),
            }
        )
    return out


# --- the release assessment ----------------------------------------------------------------------------


def release_assessment(*, actor: Actor, release: Release) -> list[dict[str, Any]]:
    """The ETSI EN 303 645 provisions grouped by chapter (5.1 ... 6), each with the release's item, if any."""
    authorize(actor, "products.view", unit=release.product.business_unit)
    items = {
        i.urn: i for i in ReleaseAssessmentItem.objects.filter(release=release).prefetch_related("evidence")
    }
    sections: dict[str, dict[str, Any]] = {}
    for requirement in etsi_provisions():
        section = requirement.section or requirement.id.split("-", 1)[0]
        group = sections.setdefault(section, {"section": section, "provisions": []})
        item = items.get(requirement.urn)
        group["provisions"].append(
            {
                "provision": requirement.id,
                "urn": requirement.urn,
                "title": requirement.title,
                "summary": requirement.summary,
                "level": requirement.level or "",
                "item": item,
                "evidence": list(item.evidence.all()) if item else [],
            }
        )
    return list(sections.values())


# --- the UK PSTI statement of compliance ----------------------------------------------------------------


def _latest_release(product: Product) -> Release | None:
    released = product.releases.filter(status=ReleaseStatus.RELEASED).order_by(
        F("released_on").desc(nulls_last=True), "-created_at"
    )
    return released.first() or product.releases.order_by("-created_at", "-id").first()


def _citation(urn: str) -> dict[str, str]:
    requirement = framework_library().get(urn)
    return {
        "urn": urn,
        "id": requirement.id if requirement else urn.rsplit(":", 1)[-1],
        "title": requirement.title if requirement else "",
        "legal_ref": (requirement.legal_ref or "") if requirement else "",
    }


def psti_statement(*, actor: Actor, product: Product, today: date | None = None) -> dict[str, Any]:
    """A UK PSTI statement of compliance for `product`, from the register: manufacturer, product, the defined
    support period (the latest release's end of support), the vulnerability-report contact and the
    default-password evidence (ETSI EN 303 645 5.1-1/5.1-2), each requirement with its legal citation."""
    authorize(actor, "products.view", unit=product.business_unit)
    release = _latest_release(product)
    evidence = release_evidence(release)["unique_default_passwords"] if release else None
    contacts = [c for c in settings.SECURITY_TXT_CONTACTS if c.startswith(("mailto:", "https:", "tel:"))]
    policy = settings.VULNERABILITY_DISCLOSURE_POLICY_URL
    support_end = release.support_end if release else None
    requirements = [
        {
            **_citation("urn:conduct:uk_psti:PSTI-S1"),
            "met": bool(evidence and evidence["met"] is True),
            "evidence": evidence["source"] if evidence else _("No release in the register."),
            "deemed_by": "ETSI EN 303 645 5.1-1, 5.1-2",
        },
        {
            **_citation("urn:conduct:uk_psti:PSTI-S2"),
            "met": bool(contacts and policy),
            "evidence": "; ".join([*contacts, policy]) or _("No contact or policy published (settings)."),
            "deemed_by": "ETSI EN 303 645 5.2-1",
        },
        {
            **_citation("urn:conduct:uk_psti:PSTI-S3"),
            "met": support_end is not None,
            "evidence": (
                _("Security updates until %(d)s (release %(v)s)") % {"d": support_end, "v": release.version}
                if support_end and release
                else _("No defined support period in the register.")
            ),
            "deemed_by": "ETSI EN 303 645 5.3-13",
        },
    ]
    return {
        "manufacturer": settings.PRODUCT_MANUFACTURER,
        "manufacturer_address": settings.PRODUCT_MANUFACTURER_ADDRESS,
        "product": product,
        "release": release,
        "support_end": support_end,
        "contacts": contacts,
        "policy_url": policy,
        "security_txt": f"{settings.SITE_URL}/.well-known/security.txt" if contacts else "",
        "requirements": requirements,
        "compliant": all(r["met"] for r in requirements),
        "statement_citation": _citation("urn:conduct:uk_psti:PSTI-D1"),
        "date": today or timezone.localdate(),
    }
