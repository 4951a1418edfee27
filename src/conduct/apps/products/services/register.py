"""Products and releases: create one, import a CSV of products (all or nothing), add or change a release."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit, OrgUnitKind
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid, raise_if
from conduct.apps.products.models import Product, ProductType, Release, ReleaseStatus
from conduct.apps.products.services._common import ProductAction
from conduct.apps.products.services.rematch import schedule_rematch
from conduct.core.policy import load_reference_data

IMPORT_COLUMNS = ("model", "name", "type", "business_unit", "capabilities")
MAX_IMPORT_ROWS = 10_000


@dataclass(frozen=True)
class ProductSpec:
    model: str
    name: str
    type: str
    business_unit: str  # the org unit's code (or its exact name)
    capabilities: tuple[str, ...] = ()


def _unit(text: str) -> OrgUnit | None:
    text = text.strip()
    if not text:
        return None
    return OrgUnit.objects.filter(code=text).first() or OrgUnit.objects.filter(name=text).first()


def _capabilities(names: tuple[str, ...]) -> tuple[list[str], str]:
    """Catalogue ids of the names, or the first unknown name."""
    reference = load_reference_data()
    ids: list[str] = []
    for name in names:
        canonical, entry = reference.capability(name)
        if entry is None:
            return [], name
        if canonical not in ids:
            ids.append(canonical)
    return ids, ""


def _check(spec: ProductSpec) -> tuple[dict[str, str], OrgUnit | None, list[str]]:
    errors: dict[str, str] = {}
    if not spec.model.strip() or len(spec.model) > 100:
        errors["model"] = _("A model of 1-100 characters is required.")
    if not spec.name.strip() or len(spec.name) > 200:
        errors["name"] = _("A name of 1-200 characters is required.")
    if spec.type not in ProductType.values:
        errors["type"] = _("One of %(types)s.") % {"types": ", ".join(ProductType.values)}
    unit = _unit(spec.business_unit)
    if unit is None:
        errors["business_unit"] = _("No org unit with the code %(code)r.") % {
            "code": spec.business_unit[:100]
        }
    elif unit.kind != OrgUnitKind.BUSINESS_UNIT:
        errors["business_unit"] = _("%(unit)s is not a business unit.") % {"unit": unit.code}
    ids, unknown = _capabilities(spec.capabilities)
    if unknown:
        errors["capabilities"] = _("%(name)r is not in the capability catalogue.") % {"name": unknown[:100]}
    return errors, unit, ids


@transaction.atomic
def product_create(*, actor: Actor, spec: ProductSpec) -> Product:
    errors, unit, capabilities = _check(spec)
    authorize(actor, "products.manage", unit=unit)
    raise_if(errors, _("The product is not valid."))
    assert unit is not None
    if Product.objects.filter(model=spec.model.strip()).exists():
        raise Conflict(
            _("Model %(model)s is already registered.") % {"model": spec.model},
            fields={"model": _("Already registered.")},
        )
    product = Product.objects.create(
        model=spec.model.strip(),
        name=spec.name.strip(),
        type=spec.type,
        capabilities=capabilities,
        business_unit=unit,
    )
    ledger_append(
        actor=actor,
        action=ProductAction.PRODUCT_CREATE,
        object_type="product",
        object_id=product.pk,
        summary={"model": product.model, "type": product.type, "business_unit": unit.code},
    )
    return product


def _read_rows(text: str) -> tuple[list[tuple[ProductSpec, OrgUnit, list[str]]], dict[str, str]]:
    errors: dict[str, str] = {}
    if "\x00" in text:
        return [], {"file": _("The file contains NUL bytes.")}
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(h.strip() for h in reader.fieldnames or ())
    if header != IMPORT_COLUMNS:
        return [], {"header": _("Expected the columns %(cols)s.") % {"cols": ",".join(IMPORT_COLUMNS)}}
    rows: list[tuple[ProductSpec, OrgUnit, list[str]]] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        if line > MAX_IMPORT_ROWS + 1:
            errors[f"line {line}"] = _("At most %(n)d rows per file.") % {"n": MAX_IMPORT_ROWS}
            break
        values = {k: str(row.get(k) or "").strip() for k in IMPORT_COLUMNS}
        spec = ProductSpec(
            model=values["model"],
            name=values["name"],
            type=values["type"],
            business_unit=values["business_unit"],
            capabilities=tuple(c.strip() for c in values["capabilities"].split(";") if c.strip()),
        )
        problems, unit, ids = _check(spec)
        if spec.model in seen or Product.objects.filter(model=spec.model).exists():
            problems["model"] = _("Model %(model)s is already registered.") % {"model": spec.model[:100]}
        seen.add(spec.model)
        for field, message in problems.items():
            errors[f"line {line}.{field}"] = message
        if not problems and unit is not None:
            rows.append((spec, unit, ids))
    if not rows and not errors:
        errors["file"] = _("The file has no products.")
    return rows, errors


@transaction.atomic
def products_import(*, actor: Actor, text: str) -> list[Product]:
    """Register every product of a CSV (model,name,type,business_unit,capabilities; capabilities
    `;`-separated), or none: any row error refuses the whole file, each error named by line and column."""
    authorize(actor, "products.manage")
    rows, errors = _read_rows(text)
    raise_if(errors, _("The product file has errors; nothing was imported."))
    for _spec, unit, _ids in rows:
        authorize(actor, "products.manage", unit=unit)
    Product.objects.bulk_create(
        [
            Product(model=s.model, name=s.name, type=s.type, capabilities=ids, business_unit=unit)
            for s, unit, ids in rows
        ]
    )
    models = [s.model for s, _unit, _ids in rows]
    ledger_append(
        actor=actor,
        action=ProductAction.PRODUCT_IMPORT,
        object_type="product",
        object_id="import",
        summary={"models": models},
    )
    return list(Product.objects.filter(model__in=models))


@dataclass(frozen=True)
class ReleaseSpec:
    version: str
    status: str = "draft"
    released_on: date | None = None
    support_end: date | None = None


def _check_release(spec: ReleaseSpec) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not spec.version.strip() or len(spec.version) > 100 or "\x00" in spec.version:
        errors["version"] = _("A version of 1-100 characters is required.")
    if spec.status not in ReleaseStatus.values:
        errors["status"] = _("One of %(states)s.") % {"states": ", ".join(ReleaseStatus.values)}
    if spec.support_end and spec.released_on and spec.support_end < spec.released_on:
        errors["support_end"] = _("The support period cannot end before the release date.")
    return errors


def release_add(*, actor: Actor, product: Product, spec: ReleaseSpec) -> Release:
    """A new release of `product` (in the caller's transaction when there is one)."""
    authorize(actor, "products.manage", unit=product.business_unit)
    raise_if(_check_release(spec), _("The release is not valid."))
    with transaction.atomic():
        if Release.objects.filter(product=product, version=spec.version.strip()).exists():
            raise Conflict(
                _("%(model)s %(version)s already exists.")
                % {"model": product.model, "version": spec.version},
                fields={"version": _("Already exists.")},
            )
        release = Release.objects.create(
            product=product,
            version=spec.version.strip(),
            status=spec.status,
            released_on=spec.released_on,
            support_end=spec.support_end,
        )
        ledger_append(
            actor=actor,
            action=ProductAction.RELEASE_CREATE,
            object_type="release",
            object_id=release.pk,
            summary={"model": product.model, "version": release.version, "status": release.status},
        )
    return release


@transaction.atomic
def release_update(*, actor: Actor, release: Release, spec: ReleaseSpec) -> Release:
    """Change a release's status, date or support period (the version stays)."""
    authorize(actor, "products.manage", unit=release.product.business_unit)
    if spec.version.strip() != release.version:
        raise Invalid(_("A release's version cannot change."), fields={"version": _("Add a new release.")})
    raise_if(_check_release(spec), _("The release is not valid."))
    newly_released = spec.status == ReleaseStatus.RELEASED and release.status != ReleaseStatus.RELEASED
    release.status, release.released_on, release.support_end = spec.status, spec.released_on, spec.support_end
    release.save(update_fields=["status", "released_on", "support_end"])
    ledger_append(
        actor=actor,
        action=ProductAction.RELEASE_UPDATE,
        object_type="release",
        object_id=release.pk,
        summary={
            "model": release.product.model,
            "version": release.version,
            "status": release.status,
            "released_on": release.released_on,
            "support_end": release.support_end,
        },
    )
    if newly_released:
        schedule_rematch(actor=actor, release_ids=[release.pk])
    return release
