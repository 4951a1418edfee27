"""Writes of the risk register: salient risks rated with core.risk.salience, and links from cases, gate
decisions and audit findings. Each is one transaction with its ledger entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.errors import Conflict, Invalid, NotFound
from conduct.apps.gates.models import GateDecision
from conduct.apps.gates.selectors import decision_get
from conduct.apps.governance.models import Case, HumanRight
from conduct.apps.governance.selectors import case_get
from conduct.apps.reports.ledger_actions import ReportsAction
from conduct.apps.reports.models import LinkKind, RiskDimension, RiskLink, RiskStatus, SalientRisk
from conduct.apps.suppliers.models import Finding
from conduct.apps.suppliers.selectors import finding_get
from conduct.core.risk import salience

RATINGS = ("scale", "scope", "irremediability", "likelihood", "residual_likelihood")


def _rights() -> set[str]:
    return set(HumanRight.values)


def _clean(fields: dict[str, Any], errors: dict[str, str], *, creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, limit, required in (
        ("title", 200, True),
        ("description", 5000, False),
        ("people_affected", 2000, True),
    ):
        if creating or name in fields:
            text = str(fields.get(name) or "").strip()
            if required and not text:
                errors[name] = _("Required.")
            elif len(text) > limit:
                errors[name] = _("At most %(n)d characters.") % {"n": limit}
            out[name] = text
    if creating or "dimension" in fields:
        if fields.get("dimension") not in RiskDimension.values:
            errors["dimension"] = _("Expected one of %(v)s.") % {"v": ", ".join(RiskDimension.values)}
        out["dimension"] = fields.get("dimension")
    if creating or "rights" in fields:
        rights = fields.get("rights") or []
        if not isinstance(rights, list | tuple) or not rights:
            errors["rights"] = _("Name at least one right affected.")
        else:
            unknown = sorted(set(rights) - _rights())
            if unknown:
                errors["rights"] = _("Unknown rights: %(unknown)s; expected %(known)s.") % {
                    "unknown": ", ".join(map(str, unknown)),
                    "known": ", ".join(sorted(_rights())),
                }
            out["rights"] = sorted(set(rights))
    for name in RATINGS:
        if creating or name in fields:
            value = fields.get(name)
            if name == "residual_likelihood" and value in (None, ""):
                value = fields.get("likelihood")
            if isinstance(value, str) and value.isdigit():
                value = int(value)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
                errors[name] = _("A whole number from 1 to 5.")
            out[name] = value
    if "scope_products" in fields:
        products = fields["scope_products"] or []
        if not isinstance(products, list | tuple) or not all(isinstance(p, str) for p in products):
            errors["scope_products"] = _("A list of product names.")
        else:
            out["scope_products"] = [p.strip()[:200] for p in products if p.strip()]
    for name in ("owner", "org_unit", "status"):
        if name in fields:
            out[name] = fields[name]
    if "status" in out and out["status"] not in RiskStatus.values:
        errors["status"] = _("Expected one of %(v)s.") % {"v": ", ".join(RiskStatus.values)}
    return out


def _rate(risk: SalientRisk) -> None:
    """Store core.risk.salience's verdict for the inherent and the residual risk."""
    if risk.residual_likelihood > risk.likelihood:
        raise Invalid(
            _("Residual risk cannot be likelier than the inherent risk."),
            fields={
                "residual_likelihood": _("At most the inherent likelihood (%(n)s).") % {"n": risk.likelihood}
            },
        )
    inherent = salience(
        scale=risk.scale, scope=risk.scope, irremediability=risk.irremediability, likelihood=risk.likelihood
    )
    residual = salience(
        scale=risk.scale,
        scope=risk.scope,
        irremediability=risk.irremediability,
        likelihood=risk.residual_likelihood,
    )
    risk.severity, risk.score, risk.band = inherent.severity, inherent.score, inherent.band
    risk.residual_score, risk.residual_band = residual.score, residual.band
    risk.explanation = list(inherent.explanation)


def _set_scope(
    risk: SalientRisk, units: list[OrgUnit] | None, suppliers: list[Any] | None, controls: list[Any] | None
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if units is not None:
        risk.scope_units.set(units)
        changes["scope_units"] = sorted(u.code for u in units)
    if suppliers is not None:
        risk.scope_suppliers.set(suppliers)
        changes["scope_suppliers"] = sorted(s.pk for s in suppliers)
    if controls is not None:
        risk.controls.set(controls)
        changes["controls"] = sorted(c.code for c in controls)
    return changes


@transaction.atomic
def risk_create(
    *,
    actor: Actor,
    code: str,
    org_unit: OrgUnit,
    scope_units: list[OrgUnit] | None = None,
    scope_suppliers: list[Any] | None = None,
    controls: list[Any] | None = None,
    **fields: Any,
) -> SalientRisk:
    """title, dimension, rights, people_affected, scale, scope, irremediability, likelihood (required);
    residual_likelihood (defaults to likelihood), description, scope_products, owner."""
    authorize(actor, "risks.manage", unit=org_unit)
    errors: dict[str, str] = {}
    code = str(code or "").strip().lower()
    if not code or len(code) > 64 or not all(c.isalnum() or c in "-_" for c in code):
        errors["code"] = _("Letters, digits, '-' and '_' (at most 64).")
    elif SalientRisk.objects.filter(code=code).exists():
        errors["code"] = _("A risk %(code)r already exists.") % {"code": code}
    clean = _clean(fields, errors, creating=True)
    if errors:
        raise Invalid(_("The risk is not valid."), fields=errors)
    risk = SalientRisk(code=code, org_unit=org_unit, **clean)
    _rate(risk)
    risk.save()
    scope = _set_scope(risk, scope_units, scope_suppliers, controls)
    ledger_append(
        actor=actor,
        action=ReportsAction.RISK_CREATE,
        object_type="salient_risk",
        object_id=risk.pk,
        summary={
            "code": code,
            "title": risk.title,
            "dimension": risk.dimension,
            "rights": risk.rights,
            "ratings": {r: getattr(risk, r) for r in RATINGS},
            "score": risk.score,
            "band": risk.band,
            "residual_score": risk.residual_score,
            **scope,
        },
    )
    return risk


@transaction.atomic
def risk_update(
    *,
    actor: Actor,
    risk: SalientRisk,
    scope_units: list[OrgUnit] | None = None,
    scope_suppliers: list[Any] | None = None,
    controls: list[Any] | None = None,
    **fields: Any,
) -> SalientRisk:
    """Change any field; the salience is recomputed. The ledger entry lists old and new values."""
    authorize(actor, "risks.manage", unit=risk.org_unit)
    errors: dict[str, str] = {}
    clean = _clean(fields, errors, creating=False)
    if errors:
        raise Invalid(_("The risk is not valid."), fields=errors)
    changes: dict[str, Any] = {}
    for key, value in clean.items():
        old = getattr(risk, key)
        if old != value:
            changes[key] = [getattr(old, "pk", old), getattr(value, "pk", value)]
            setattr(risk, key, value)
    _rate(risk)
    risk.updated_at = timezone.now()
    risk.save()
    changes.update(_set_scope(risk, scope_units, scope_suppliers, controls))
    if changes:
        ledger_append(
            actor=actor,
            action=ReportsAction.RISK_UPDATE,
            object_type="salient_risk",
            object_id=risk.pk,
            summary={
                "code": risk.code,
                "changes": changes,
                "score": risk.score,
                "residual_score": risk.residual_score,
            },
        )
    return risk


@transaction.atomic
def risk_link(*, actor: Actor, risk: SalientRisk, kind: str, target_id: int, note: str = "") -> RiskLink:
    """Tie a case, gate decision or audit finding (one the actor can see) to the risk it concerns."""
    authorize(actor, "risks.link")
    if kind not in LinkKind.values:
        raise Invalid(
            _("Unknown link kind."),
            fields={"kind": _("Expected one of %(v)s.") % {"v": ", ".join(LinkKind.values)}},
        )
    target = _target(actor, kind, target_id)
    field = {"case": "case", "gate_decision": "gate_decision", "finding": "finding"}[kind]
    if RiskLink.objects.filter(risk=risk, **{field: target}).exists():
        raise Conflict(
            _("This %(kind)s is already linked to %(risk)s.")
            % {"kind": kind.replace("_", " "), "risk": risk.code},
            code="already_linked",
        )
    link = RiskLink.objects.create(
        risk=risk, kind=kind, note=str(note or "")[:2000], created_by=actor_label(actor), **{field: target}
    )
    ledger_append(
        actor=actor,
        action=ReportsAction.RISK_LINK,
        object_type="salient_risk",
        object_id=risk.pk,
        summary={"code": risk.code, "kind": kind, "target": target.pk, "link": link.pk},
    )
    return link


def _target(actor: Actor, kind: str, target_id: int) -> Case | GateDecision | Finding:
    """The record a link names: one the user can see (a system actor reads any)."""
    field = {"case": "case", "gate_decision": "gate_decision", "finding": "finding"}[kind]
    try:
        if isinstance(actor, SystemActor):
            if kind == "case":
                return Case.objects.get(pk=target_id)
            if kind == "gate_decision":
                return GateDecision.objects.get(pk=target_id)
            return Finding.objects.get(pk=target_id)
        if kind == "case":
            return case_get(actor=actor, case_id=target_id)
        if kind == "gate_decision":
            return decision_get(actor=actor, decision_id=target_id)
        return finding_get(actor=actor, finding_id=target_id)
    except (NotFound, Case.DoesNotExist, GateDecision.DoesNotExist, Finding.DoesNotExist):
        raise Invalid(
            _("No %(kind)s %(id)s that you can see.") % {"kind": kind.replace("_", " "), "id": target_id},
            fields={
                field: _("No %(kind)s %(id)s that you can see.")
                % {"kind": kind.replace("_", " "), "id": target_id}
            },
        ) from None
