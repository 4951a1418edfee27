"""SBOM import: read (and validate) the document, create the release when it does not exist yet, replace the
release's components; all in one transaction, so a refused document changes nothing."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.products.models import Component, Product, Release, Sbom
from conduct.apps.products.services._common import ProductAction
from conduct.apps.products.services.register import ReleaseSpec, release_add
from conduct.apps.products.services.rematch import schedule_rematch
from conduct.core.products import SbomError, read_sbom

MAX_SBOM_BYTES = 20_000_000


def _product(actor: Actor, model: str) -> Product:
    product = Product.objects.select_related("business_unit").filter(model=model.strip()).first()
    if product is None:
        raise NotFound(_("No product with the model %(model)s.") % {"model": model[:100]})
    authorize(actor, "products.manage", unit=product.business_unit)
    return product


def sbom_import(*, actor: Actor, model: str, version: str, text: str, filename: str = "") -> Sbom:
    """Import a CycloneDX (1.2-1.6) or SPDX 2.3 JSON SBOM as the components of MODEL VERSION."""
    authorize(actor, "products.manage")
    if len(text) > MAX_SBOM_BYTES:
        raise Invalid(
            _("The SBOM is too large."), fields={"file": _("At most %(n)d bytes.") % {"n": MAX_SBOM_BYTES}}
        )
    product = _product(actor, model)
    try:
        sbom = read_sbom(text)
    except SbomError as exc:
        raise Invalid(_("The SBOM was refused; nothing was imported."), fields={"file": str(exc)}) from None
    with transaction.atomic():
        release = Release.objects.filter(product=product, version=version.strip()).first()
        if release is None:
            release = release_add(actor=actor, product=product, spec=ReleaseSpec(version=version))
        Component.objects.filter(release=release).delete()
        Component.objects.bulk_create(
            [
                Component(
                    release=release,
                    position=i,
                    name=c.name,
                    version=c.version,
                    supplier=c.supplier,
                    purl=c.purl,
                    cpe=c.cpe,
                )
                for i, c in enumerate(sbom.components)
            ],
            batch_size=1000,
        )
        digest = hashlib.sha256(text.encode()).hexdigest()
        row, _created = Sbom.objects.update_or_create(
            release=release,
            defaults={
                "format": sbom.format,
                "spec_version": sbom.spec_version,
                "sha256": digest,
                "filename": filename[:300],
                "component_count": len(sbom.components),
            },
        )
        ledger_append(
            actor=actor,
            action=ProductAction.SBOM_IMPORT,
            object_type="release",
            object_id=release.pk,
            summary={
                "model": product.model,
                "version": release.version,
                "format": f"{sbom.format} {sbom.spec_version}",
                "components": len(sbom.components),
                "sha256": digest,
            },
        )
        schedule_rematch(actor=actor, release_ids=[release.pk])  # a draft release is skipped by the task
    return row
