"""Scoped reads of the product register: products and releases by the actor's business units (auditors and
administrators see all); vulnerability records are reference data every holder of products.view may read."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize, scoped
from conduct.apps.errors import NotFound
from conduct.apps.products.matching import match_release
from conduct.apps.products.models import Product, Release, VexStatement, Vulnerability
from conduct.core.products import VexStatement as CoreVex
from conduct.core.products import cyclonedx_vex


def product_list(*, actor: Actor, q: str = "", type: str = "") -> QuerySet[Product]:
    authorize(actor, "products.view")
    rows = scoped(
        Product.objects.select_related("business_unit"),
        actor,
        permission="products.view",
        unit_field="business_unit",
    )
    if q.strip():
        rows = rows.filter(Q(model__icontains=q.strip()) | Q(name__icontains=q.strip()))
    return rows.filter(type=type) if type else rows


def product_get(*, actor: Actor, product_id: int) -> Product:
    found = product_list(actor=actor).filter(pk=product_id).first()
    if found is None:
        raise NotFound(_("No product %(id)d that you may see.") % {"id": product_id})
    return found


def product_by_model(*, actor: Actor, model: str) -> Product:
    found = product_list(actor=actor).filter(model=model.strip()).first()
    if found is None:
        raise NotFound(_("No product with the model %(model)s that you may see.") % {"model": model[:100]})
    return found


def release_list(*, actor: Actor, product: Product | None = None) -> QuerySet[Release]:
    authorize(actor, "products.view")
    rows = scoped(
        Release.objects.select_related("product", "product__business_unit", "sbom"),
        actor,
        permission="products.view",
        unit_field="product__business_unit",
    )
    return rows.filter(product=product) if product is not None else rows


def release_get(*, actor: Actor, release_id: int) -> Release:
    found = release_list(actor=actor).filter(pk=release_id).first()
    if found is None:
        raise NotFound(_("No release %(id)d that you may see.") % {"id": release_id})
    return found


def release_by_version(*, actor: Actor, model: str, version: str) -> Release:
    product = product_by_model(actor=actor, model=model)
    found = release_list(actor=actor, product=product).filter(version=version.strip()).first()
    if found is None:
        raise NotFound(
            _("%(model)s has no release %(version)s.") % {"model": product.model, "version": version[:100]}
        )
    return found


def vex_map(release: Release) -> dict[str, VexStatement]:
    return {v.cve: v for v in VexStatement.objects.filter(release=release)}


def release_findings(*, actor: Actor, release: Release) -> dict[str, Any]:
    """`{"model", "version", "findings": [...], "unknown": [...]}`: each affected component with its CVE,
    CVSS, KEV flag, the range that matched and the VEX state; the components whose range is unknown."""
    authorize(actor, "products.view", unit=release.product.business_unit)
    result = match_release(release)
    vex = vex_map(release)

    def state(cve: str) -> str | None:
        found = vex.get(cve)
        return found.state if found else None

    return {
        "model": release.product.model,
        "version": release.version,
        "findings": [{**f.as_dict(), "vex": state(f.cve)} for f in result.findings],
        "unknown": [{**u.as_dict(), "vex": state(u.cve)} for u in result.unknown],
    }


def vex_list(*, actor: Actor, release: Release) -> QuerySet[VexStatement]:
    authorize(actor, "products.view", unit=release.product.business_unit)
    return VexStatement.objects.filter(release=release).order_by("cve")


def vex_document(*, actor: Actor, release: Release) -> dict[str, object]:
    """The release's VEX statements as a CycloneDX 1.6 VEX document."""
    statements = [
        CoreVex(v.cve, v.state, v.justification, v.detail, v.recorded_at.isoformat())
        for v in vex_list(actor=actor, release=release)
    ]
    return cyclonedx_vex(
        model=release.product.model, name=release.product.name, version=release.version, statements=statements
    )


def vulnerability_list(*, actor: Actor, q: str = "", kev: bool | None = None) -> QuerySet[Vulnerability]:
    authorize(actor, "products.view")
    rows = scoped(Vulnerability.objects.all(), actor, permission="products.view", global_model=True)
    if q.strip():
        rows = rows.filter(Q(cve__icontains=q.strip()) | Q(summary__icontains=q.strip()))
    return rows.filter(kev=kev) if kev is not None else rows
