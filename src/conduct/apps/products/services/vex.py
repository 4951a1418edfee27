"""VEX: a product-security engineer's analysis of one CVE for one release, ledgered with every change."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Invalid, raise_if
from conduct.apps.products.models import Release, VexStatement
from conduct.apps.products.services._common import ProductAction
from conduct.core.products import CVE_ID, vex_problems


@transaction.atomic
def vex_record(
    *, actor: Actor, release: Release, cve: str, state: str, justification: str = "", detail: str = ""
) -> VexStatement:
    """Record (or change) the analysis state of `cve` for `release`."""
    authorize(actor, "vex.record", unit=release.product.business_unit)
    cve = cve.strip().upper()
    errors = vex_problems(state, justification.strip())
    if not CVE_ID.match(cve):
        errors["cve"] = _("CVE-YYYY-NNNN")
    if len(detail) > 5000 or "\x00" in detail:
        errors["detail"] = _("At most 5000 characters.")
    raise_if(errors, _("The VEX statement is not valid."))
    if state == "fixed" and not detail.strip():
        raise Invalid(_("Say how it was fixed."), fields={"detail": _("Required for fixed.")})
    statement, _created = VexStatement.objects.update_or_create(
        release=release,
        cve=cve,
        defaults={
            "state": state,
            "justification": justification.strip(),
            "detail": detail.strip(),
            "recorded_by": actor if isinstance(actor, User) else None,
            "recorded_by_label": actor_label(actor),
        },
    )
    ledger_append(
        actor=actor,
        action=ProductAction.VEX_RECORD,
        object_type="release",
        object_id=release.pk,
        summary={
            "model": release.product.model,
            "version": release.version,
            "cve": cve,
            "state": state,
            "justification": statement.justification,
        },
    )
    return statement
