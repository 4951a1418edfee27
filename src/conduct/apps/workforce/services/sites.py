"""Own sites: create one under an org unit, change its name, kind, headcount, country or liaison."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, raise_if
from conduct.apps.workforce.models import OwnSite, SiteKind
from conduct.apps.workforce.services._common import WorkforceAction, authorize_site
from conduct.core.countries import is_country_code as is_country

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_HEADCOUNT = 10_000_000


def _check(fields: dict[str, Any], errors: dict[str, str]) -> None:
    name = fields.get("name")
    if name is not None and (not str(name).strip() or len(str(name)) > 200 or "\x00" in str(name)):
        errors["name"] = _("A name of 1-200 characters is required.")
    kind = fields.get("kind")
    if kind is not None and kind not in SiteKind.values:
        errors["kind"] = _("Expected one of %(kinds)s.") % {"kinds": ", ".join(SiteKind.values)}
    country = fields.get("country")
    if country is not None and not is_country(str(country).upper()):
        errors["country"] = _("An ISO 3166-1 alpha-2 country code.")
    headcount = fields.get("headcount")
    if headcount is not None and (
        isinstance(headcount, bool) or not isinstance(headcount, int) or not 0 <= headcount <= MAX_HEADCOUNT
    ):
        errors["headcount"] = _("A whole number from 0 to %(n)d.") % {"n": MAX_HEADCOUNT}
    liaison = fields.get("liaison")
    if liaison is not None and (liaison.is_portal or not liaison.is_active):
        errors["liaison"] = _("An active internal user.")


@transaction.atomic
def site_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    org_unit: OrgUnit,
    country: str,
    headcount: int = 0,
    liaison: User | None = None,
) -> OwnSite:
    authorize(actor, "workforce.sites", unit=org_unit)
    code = (code or "").strip().lower()
    errors: dict[str, str] = {}
    if not CODE.match(code):
        errors["code"] = _("1-40 lower-case letters, digits and dashes, starting with a letter or digit.")
    _check(
        {"name": name, "kind": kind, "country": country, "headcount": headcount, "liaison": liaison}, errors
    )
    raise_if(errors, _("The site is not valid."))
    if OwnSite.objects.filter(code=code).exists():
        raise Conflict(_("A site with code %(code)s exists.") % {"code": code}, fields={"code": _("Taken.")})
    site = OwnSite.objects.create(
        code=code,
        name=name.strip(),
        kind=kind,
        org_unit=org_unit,
        country=country.upper(),
        headcount=headcount,
        liaison=liaison,
    )
    ledger_append(
        actor=actor,
        action=WorkforceAction.SITE_CREATE,
        object_type="own_site",
        object_id=site.pk,
        summary={"code": code, "kind": kind, "org_unit": org_unit.code, "headcount": headcount},
    )
    return site


@transaction.atomic
def site_update(*, actor: Actor, site: OwnSite, **fields: Any) -> OwnSite:
    """Change name, kind, country, headcount or liaison (None leaves a field as it is)."""
    authorize_site(actor, "workforce.sites", site)
    fields = {k: v for k, v in fields.items() if v is not None}
    unknown = set(fields) - {"name", "kind", "country", "headcount", "liaison"}
    errors: dict[str, str] = {k: _("Not a field of a site.") for k in sorted(unknown)}
    _check(fields, errors)
    raise_if(errors, _("The site is not valid."))
    changes: dict[str, Any] = {}
    for field, value in fields.items():
        value = value.strip() if field == "name" else value.upper() if field == "country" else value
        old = getattr(site, field)
        if old != value:
            changes[field] = [getattr(old, "username", old), getattr(value, "username", value)]
            setattr(site, field, value)
    if changes:
        site.save()
        ledger_append(
            actor=actor,
            action=WorkforceAction.SITE_UPDATE,
            object_type="own_site",
            object_id=site.pk,
            summary=changes,
        )
    return site
