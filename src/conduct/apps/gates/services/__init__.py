"""Deciding at a gate: evaluate the pack, store the decision immutably, ledger it, open a case on review."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import CLI, Actor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.scoping import authorize, unit_in_scope
from conduct.apps.accounts.selectors import orgunit_get
from conduct.apps.audit.services import LedgerItem, actor_label, ledger_append, ledger_append_many
from conduct.apps.errors import Conflict, Invalid, NotFound, ServiceError
from conduct.apps.gates.actions import GateAction
from conduct.apps.gates.models import GateDecision, Outcome, PolicyPackVersion
from conduct.apps.gates.pack import current_pack
from conduct.apps.gates.screening_port import gate_screener
from conduct.core.gate_names import unknown_gate
from conduct.core.policy import Decision, PolicyError, SubjectError
from conduct.events import emit
from conduct.events.gates import GateReviewRequested
from conduct.events.governance import review_audience
from conduct.events.products import release_facts

# Which programme dimension a gate's cases belong to.
GATE_DIMENSION = {
    "sales_deal": "product",
    "app_launch": "product",
    "product_release": "product",
    "supplier_onboarding": "supply_chain",
}


class PolicyUnavailable(ServiceError):
    status = 503
    code = "policy_unavailable"


def _check_gate(gate: str) -> None:
    unknown = unknown_gate(gate)
    if unknown is not None:
        raise Invalid(unknown[0], fields=unknown[1])


def gate_try(*, actor: Actor, gate: str, subject: Any, org_unit: str | None = None) -> Decision:
    """The dry run asked for on the try page or the API: needs `gates.decide`. The unit named by code (one the
    actor can see), else a user's home unit, is the exporter when the subject names none."""
    authorize(actor, "gates.decide")
    unit = actor.home_unit if isinstance(actor, User) else None
    if org_unit:
        unit = _unit_named(actor, org_unit)
    return gate_evaluate(gate=gate, subject=subject, unit=unit, actor=actor)


def gate_evaluate(
    *,
    gate: str,
    subject: Any,
    today: date | None = None,
    unit: OrgUnit | None = None,
    actor: Actor | None = None,
) -> Decision:
    """Evaluate without recording (the dry run). Raises Invalid naming every bad field. `unit` is the org unit
    the decision is made for: its country is a sales deal's exporter when the subject names none. A user
    `actor` reads only releases of the business units they are scoped to (others are "not in the
    register")."""
    _check_gate(gate)
    if not isinstance(subject, dict):
        raise Invalid(
            _("The subject must be a JSON object."), fields={"subject": _("Expected a JSON object.")}
        )
    try:
        pack = current_pack()
    except PolicyError as exc:
        raise PolicyUnavailable(
            f"The policy pack does not load; no gate can decide until it is fixed. {exc}"
        ) from None
    subject = _with_register(gate, subject, actor)
    try:
        return pack.evaluate(
            gate, subject, screener=gate_screener(), today=today, unit_country=unit.country if unit else None
        )
    except SubjectError as exc:
        fields = {err.path or "subject": err.message for err in exc.errors}
        raise Invalid(
            _("The %(gate)s subject is not valid.") % {"gate": gate}, fields=fields, code="invalid_subject"
        ) from None


def _with_register(gate: str, subject: dict[str, Any], actor: Actor | None = None) -> dict[str, Any]:
    """A product_release subject that names a release ({"release": {"model", "version"}}) gets the release's
    facts from the product register (the products.release_facts provider) as `register`, and its product,
    firmware and capabilities from there; a `register` block the caller sends is never believed."""
    if gate != "product_release":
        return subject
    subject = {k: v for k, v in subject.items() if k != "register"}
    release = subject.get("release")
    if release is None:
        return subject
    if not (
        isinstance(release, dict)
        and isinstance(release.get("model"), str)
        and isinstance(release.get("version"), str)
    ):
        raise Invalid(
            _("The product_release subject is not valid."),
            fields={
                "release": _("An object with the model and version of a release in the product register.")
            },
            code="invalid_subject",
        )
    facts = (
        release_facts(release["model"][:100], release["version"][:100]) if release_facts.registered else None
    )
    if facts is not None and isinstance(actor, User) and not _sees_unit(actor, facts["business_unit"]):
        facts = None  # another business unit's release: as if it were not there, so nothing leaks
    if facts is None:
        raise Invalid(
            _("The product_release subject is not valid."),
            fields={
                "release": _("No release %(model)s %(version)s in the product register.")
                % {"model": release["model"][:100], "version": release["version"][:100]}
            },
            code="invalid_subject",
        )
    return {
        **subject,
        "product": {"name": facts["name"], "model": facts["model"], "type": facts["type"]},
        "firmware": {"version": facts["version"]},
        "capabilities": subject.get("capabilities", facts["capabilities"]),
        "register": facts,
    }


def _sees_unit(actor: User, code: str) -> bool:
    unit = OrgUnit.objects.filter(code=code).first()
    return unit is not None and unit_in_scope(actor, unit)


def _request_hash(gate: str, subject: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps([gate, subject], sort_keys=True, default=str).encode()).hexdigest()


def _register_pack_version(actor: Actor) -> None:
    pack = current_pack()
    if PolicyPackVersion.objects.filter(version=pack.version).exists():
        return
    rules = [
        {
            "id": r.id,
            "title": r.title,
            "gates": list(r.gates),
            "outcome": r.outcome,
            "severity": r.severity,
            "cites": list(r.cites),
            "refer_to": r.refer_to,
        }
        for r in pack.rules
    ]
    try:
        with (
            transaction.atomic()
        ):  # a savepoint: a concurrent first decision under this pack may register it too
            PolicyPackVersion.objects.create(
                version=pack.version,
                path=str(pack.path),
                rule_count=len(rules),
                rules=rules,
                reference_version=pack.reference.version,
            )
    except IntegrityError:
        return  # the other decision registered it (and ledgered it)
    ledger_append(
        actor=actor,
        action=GateAction.POLICY_VERSION_SEEN,
        object_type="policy_pack",
        object_id=pack.version,
        summary={"rules": len(rules), "path": str(pack.path)},
    )


@dataclass(frozen=True)
class Decided:
    decision: GateDecision
    created: bool  # False when an Idempotency-Key replay returned the earlier decision


def gate_decide(
    *,
    actor: Actor,
    gate: str,
    subject: Any,
    org_unit: OrgUnit | str | None = None,
    idempotency_key: str | None = None,
    today: date | None = None,
) -> Decided:
    """Decide and record. With an idempotency key, a replay of the same request returns the first decision. A
    user decides for `org_unit` (a unit or its code; default: their home unit), which must lie in their scope.
    """
    actor = actor or CLI  # a caller not yet passing a SystemActor means the operator, as it always has
    if isinstance(org_unit, str):
        authorize(
            actor, "gates.decide"
        )  # before the code is looked up: a role that may not decide learns nothing
        org_unit = _unit_named(actor, org_unit)
    unit = org_unit or (actor.home_unit if isinstance(actor, User) else None)
    authorize(actor, "gates.decide", unit=unit)
    _check_gate(gate)
    label = actor_label(actor)
    if idempotency_key is not None and not (1 <= len(idempotency_key) <= 200):
        raise Invalid(_("Bad Idempotency-Key."), fields={"Idempotency-Key": _("Use 1-200 characters.")})
    request_hash = _request_hash(gate, subject) if isinstance(subject, dict) else ""
    if idempotency_key:
        earlier = _earlier(label, idempotency_key)
        if earlier is not None:
            if earlier.request_hash != request_hash:
                raise Conflict(
                    _("This Idempotency-Key was used for a different request."),
                    fields={"Idempotency-Key": _("Already used with another body.")},
                )
            return Decided(earlier, False)
    decision = gate_evaluate(gate=gate, subject=subject, today=today, unit=unit, actor=actor)
    # Everything that need not see the write's snapshot happens before it (who review cases go to, the row's
    # values in the database's form), so the write transaction (on SQLite the one writer's turn) holds only
    # the writes and one statement of reads (the decision it follows, whether the pack version is registered).
    audience = _review_audience(decision, unit)
    pending = _prepare(actor, label, gate, subject, decision, unit, idempotency_key, request_hash)
    try:
        with transaction.atomic():
            row = _record(pending, decision, actor, audience=audience)
            return Decided(row, True)
    except IntegrityError:
        if not idempotency_key:
            raise
        # A concurrent request with the same key won the race; answer with its decision.
        earlier = _earlier(label, idempotency_key)
        if earlier is None:
            raise
        return Decided(earlier, False)


def _unit_named(actor: Actor, code: str) -> OrgUnit:
    """The org unit a request names by its code, or Invalid naming the field."""
    try:
        if isinstance(actor, User):
            return orgunit_get(actor=actor, unit_id=code)
        return OrgUnit.objects.get(code=code)
    except (NotFound, OrgUnit.DoesNotExist):
        raise Invalid(
            _("Unknown org unit."),
            fields={"org_unit": _("No org unit %(code)s you can see.") % {"code": repr(code)}},
        ) from None


def _earlier(label: str, idempotency_key: str) -> GateDecision | None:
    """The decision this actor already made with this Idempotency-Key, if any."""
    return GateDecision.objects.filter(actor_label=label, idempotency_key=idempotency_key).first()


def _turn_reads(gate: str, reference: str, version: str) -> tuple[int | None, bool]:
    """The two reads a recorded decision makes in its write's turn, as one plain statement: the latest earlier
    decision on the same subject (index gate_decision_latest; none without a reference) and whether the
    policy pack version is registered."""
    latest = (
        "(SELECT id FROM gates_gatedecision WHERE gate = %s AND reference = %s"
        " ORDER BY created_at DESC, id DESC LIMIT 1)"
        if reference
        else "NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {latest}, (SELECT 1 FROM gates_policypackversion WHERE version = %s)",  # noqa: S608 - fixed text
            [gate, reference, version] if reference else [version],
        )
        previous, seen = cursor.fetchone()
    return (int(previous) if previous is not None else None), seen is not None


def _review_audience(decision: Decision, unit: OrgUnit | None) -> Any:
    """Who the review cases of `decision` will go to (committees, voters, officers), or None for no cases."""
    if decision.outcome != Outcome.REVIEW or not decision.referrals:
        return None
    return review_audience(queues=[r.to for r in decision.referrals], units=[unit])


@dataclass(frozen=True)
class _Pending:
    """A decision ready to insert: the unsaved row and its column values in the database's form."""

    row: GateDecision
    params: list[Any]


# Set in the write's turn, after every other column: when it was recorded and the decision it follows.
_IN_TURN = ("created_at", "previous_id")


@functools.cache
def _insert_fields() -> tuple[Field[Any, Any], ...]:
    """The columns a decision is inserted with, in order: the model's, so a new field is not left out. A field
    the database fills (generated, or with a database default) would need the ORM's insert: refuse it here."""
    concrete = [f for f in GateDecision._meta.concrete_fields if not f.primary_key]
    unsupported = [f.name for f in concrete if getattr(f, "generated", False) or f.has_db_default()]
    if unsupported:
        raise TypeError(
            f"GateDecision's plain insert does not handle fields the database fills: {unsupported}"
        )
    fields = [f for f in concrete if f.attname not in _IN_TURN]
    return (*fields, *(GateDecision._meta.get_field(name.removesuffix("_id")) for name in _IN_TURN))


@functools.cache
def _insert_sql(vendor: str, returning: bool) -> str:
    """The decision's INSERT, names quoted as the database (`vendor`, the cache key) wants them."""
    quote = connection.ops.quote_name
    fields = _insert_fields()
    return (
        f"INSERT INTO {quote(GateDecision._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}){' RETURNING id' if returning else ''}"
    )  # model names only


def _db_value(field: Field[Any, Any], row: GateDecision) -> Any:
    """A column's value as the ORM's insert stores it: the field's pre_save, then its preparation."""
    return field.get_db_prep_save(field.pre_save(row, True), connection)


def _prepare(
    actor: Actor,
    label: str,
    gate: str,
    subject: dict[str, Any],
    decision: Decision,
    unit: OrgUnit | None,
    idempotency_key: str | None,
    request_hash: str,
) -> _Pending:
    reference = str(subject.get("reference") or _default_reference(gate, subject))[:200]
    row = GateDecision(
        gate=gate,
        reference=reference,
        subject=subject,
        outcome=decision.outcome,
        result=json.loads(json.dumps(decision.to_dict(), default=str)),  # what reading the row back gives
        policy_version=decision.policy_version,
        as_of=decision.as_of,
        org_unit=unit,
        actor=actor if isinstance(actor, User) else None,
        actor_label=label,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
    )
    fields = _insert_fields()[: -len(_IN_TURN)]
    # The values as the ORM's insert would store them, prepared by the model's own fields.
    return _Pending(row, [_db_value(f, row) for f in fields])


def _record(pending: _Pending, decision: Decision, actor: Actor, *, audience: Any = None) -> GateDecision:
    """Insert the decision (plain SQL: this is the one writer's turn), ledger it, open its review cases."""
    row = pending.row
    row.previous_id, pack_seen = _turn_reads(row.gate, row.reference, decision.policy_version)
    if not pack_seen:
        _register_pack_version(actor)
    row.created_at = timezone.now()
    params = [*pending.params, *(_db_value(f, row) for f in _insert_fields()[-len(_IN_TURN) :])]
    returning = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor, returning), params)
        row.pk = (
            cursor.fetchone()[0]
            if returning
            else connection.ops.last_insert_id(cursor, GateDecision._meta.db_table, "id")
        )
    row._state.adding = False
    row._state.db = connection.alias
    entry = LedgerItem(
        action=GateAction.DECIDE,
        object_type="gate_decision",
        object_id=row.pk,
        summary={
            "gate": row.gate,
            "reference": row.reference,
            "outcome": decision.outcome,
            "rules": list(decision.fired),
            "policy_version": decision.policy_version,
            "subject_sha256": row.request_hash,
            "previous": row.previous_id,
        },
        row=row,  # the entry's state hash from the row just inserted, without reading it back
    )
    cases = (
        _request_review(actor, row, decision, entry, audience) if decision.outcome == Outcome.REVIEW else []
    )
    if not cases:
        ledger_append_many(actor=actor, items=[entry])
    row.opened_case_ids = [c.pk for c in cases]  # what the API answers with, without reading them back
    return row


def _default_reference(gate: str, subject: dict[str, Any]) -> str:
    for key, field in (("app", "name"), ("product", "model"), ("supplier", "name")):
        value = subject.get(key)
        if isinstance(value, dict) and value.get(field):
            return str(value[field])
    return ""


def _request_review(
    actor: Actor, row: GateDecision, decision: Decision, entry: LedgerItem, audience: Any
) -> list[Any]:
    """Ask governance (GateReviewRequested) to open a case per referral; the decision's entry goes first on
    the ledger, in the same append as the cases'. Returns the cases opened (none: the entry is not yet
    ledgered)."""
    if not decision.referrals:
        return []
    results = emit(
        GateReviewRequested(
            actor=actor,
            decision=row,
            title=f"{row.get_gate_display()} review: {row.reference or f'decision {row.pk}'}",
            dimension=GATE_DIMENSION[row.gate],
            referrals=tuple(decision.referrals),
            reasons=tuple(decision.reasons),
            ledger_first=(entry,),
            audience=audience,
        )
    )
    return [case for opened in results for case in opened]


@transaction.atomic
def gate_resolve(
    *, actor: Actor, decision: GateDecision, outcome: str, rationale: str, case: Any
) -> GateDecision:
    """Record the outcome a case decided for a gate decision: the handler of governance's GateReviewDecided,
    once per decision. No permission check: the case decision that emits the event made it."""
    if outcome not in (Outcome.ALLOW, Outcome.DENY):
        raise Invalid(_("A resolution allows or denies."), fields={"outcome": _("Expected allow or deny.")})
    if not (rationale or "").strip():
        raise Invalid(_("A resolution needs its rationale."), fields={"rationale": _("Required.")})
    locked = GateDecision.objects.select_for_update().get(pk=decision.pk)
    if not locked.open_to_resolution:  # resolved, and not flagged by a re-check since
        raise Conflict(
            _("Gate decision %(pk)s was already resolved by case %(resolution_case_id)s.")
            % {"pk": locked.pk, "resolution_case_id": locked.resolution_case_id}
        )
    GateDecision.objects.filter(pk=locked.pk).update(
        resolution_outcome=outcome,
        resolution_rationale=rationale,
        resolution_case=case,
        resolved_at=timezone.now(),
    )
    ledger_append(
        actor=actor,
        action=GateAction.RESOLVE,
        object_type="gate_decision",
        object_id=locked.pk,
        summary={"outcome": outcome, "case": getattr(case, "pk", None), "rationale": rationale},
    )
    locked.refresh_from_db()
    return locked
