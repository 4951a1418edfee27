"""Re-checking earlier decisions after a change of reference data, pack or lists: nothing changes silently.

`gate_recheck` re-evaluates every allowed or approved decision that is the latest on its subject (gate and
reference) against the pack, reference data (sanctions programmes, regions, countries) and watch lists in
force now. A decision that would now be denied becomes a `RecheckFinding` (ledgered `gate.recheck_finding`)
and its cases are reopened, or one is opened for the officers, by governance's handler of
GateDecisionFlagged. Each decision is found at most once per data version (pack, reference data and, for a
run after a list load, the list version). It runs in the worker (`gates.tasks.recheck_decisions`, daily and
after every list load) and synchronously from `conduct gate recheck`, so it works with no worker running.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.gates.actions import GateAction
from conduct.apps.gates.models import GateDecision, Outcome, RecheckFinding, RecheckRun
from conduct.apps.gates.pack import current_pack
from conduct.apps.gates.screening_port import gate_screener
from conduct.core.policy import Decision, PolicyError, Screener, SubjectError
from conduct.events import emit
from conduct.events.gates import GateDecisionFlagged

BATCH = 500


@dataclass
class RecheckSummary:
    run_id: int | None
    data_version: str
    checked: int = 0
    skipped: bool = False  # the same data was re-checked already (a scheduled run with nothing new)
    findings: list[RecheckFinding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "data_version": self.data_version,
            "checked": self.checked,
            "skipped": self.skipped,
            "found": [
                {
                    "finding": f.pk,
                    "decision": f.decision_id,
                    "gate": f.decision.gate,
                    "reference": f.decision.reference,
                    "was": f.was_outcome,
                    "now": f.new_outcome,
                    "cases": f.case_ids,
                    "rules": [r["rule"] for r in f.reasons],
                }
                for f in self.findings
            ],
        }


def candidates() -> QuerySet[GateDecision]:
    """Decisions the business may be acting on as allowed: allowed and not overridden, or approved by a case,
    and the latest on their subject."""
    allowed = Q(outcome=Outcome.ALLOW, resolution_outcome="") | Q(resolution_outcome=Outcome.ALLOW)
    latest = Q(reference="") | Q(later__isnull=True)
    return GateDecision.objects.filter(allowed & latest).select_related("org_unit").order_by("pk")


def gate_recheck(
    *, actor: Actor, trigger: str = "cli", list_version: int | None = None, force: bool = True
) -> RecheckSummary:
    """Re-check the earlier allowed and approved decisions now. `force=False` (the daily job) does nothing
    when a run already covered this data version."""
    authorize(actor, "gates.recheck")
    try:
        pack = current_pack()
    except PolicyError:
        return RecheckSummary(None, "", skipped=True)  # gates cannot decide at all; `conduct check` says why
    data_version = f"{pack.version}|{pack.reference.version}"
    if list_version is not None:
        data_version += f"|list-version:{list_version}"
    if not force and RecheckRun.objects.filter(data_version=data_version, finished_at__isnull=False).exists():
        return RecheckSummary(None, data_version, skipped=True)
    with transaction.atomic():
        run = RecheckRun.objects.create(
            trigger=trigger[:40],
            data_version=data_version,
            policy_version=pack.version,
            reference_version=pack.reference.version,
            actor_label=actor_label(actor),
        )
    summary = RecheckSummary(run.pk, data_version)
    screener = gate_screener()
    seen = set(RecheckFinding.objects.filter(data_version=data_version).values_list("decision_id", flat=True))
    for decision in _batched(candidates()):
        summary.checked += 1
        if decision.pk in seen:
            continue
        result = _evaluate(decision, screener)
        if result is not None and result.outcome == Outcome.DENY:
            summary.findings.append(_flag(actor, run, decision, result, data_version))
    _finish(actor, run, summary)
    return summary


def _batched(queryset: QuerySet[GateDecision]) -> Iterator[GateDecision]:
    """Every row, read BATCH at a time by primary key (bounded memory, no long-lived cursor)."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last)[:BATCH])
        if not rows:
            return
        yield from rows
        last = rows[-1].pk


def _evaluate(decision: GateDecision, screener: Screener) -> Decision | None:
    """What the pack in force decides for the stored subject, on the decision's date (None: it no longer
    validates, e.g. after a schema change; such a decision is left alone rather than guessed at)."""
    unit = decision.org_unit
    try:
        return current_pack().evaluate(
            decision.gate,
            decision.subject,
            screener=screener,
            today=decision.as_of,
            unit_country=unit.country if unit else None,
        )
    except (SubjectError, ValueError):
        return None


def _flag(
    actor: Actor, run: RecheckRun, decision: GateDecision, result: Decision, data_version: str
) -> RecheckFinding:
    """Record the finding, ledger it, and have governance reopen (or open) the decision's cases."""
    stored = json.loads(json.dumps(result.to_dict(), default=str))
    stored.pop("facts", None)
    denying = [r for r in stored.get("reasons", []) if r.get("outcome") == Outcome.DENY]
    description = "\n".join(f"{r['rule']}: {r['message']}" for r in denying)
    with transaction.atomic():
        finding = RecheckFinding.objects.create(
            run=run,
            decision=decision,
            org_unit=decision.org_unit,
            data_version=data_version,
            was_outcome=decision.effective_outcome,
            new_outcome=result.outcome,
            result=stored,
        )
        ledger_append(
            actor=actor,
            action=GateAction.RECHECK_FINDING,
            object_type="gate_decision",
            object_id=decision.pk,
            summary={
                "finding": finding.pk,
                "was": finding.was_outcome,
                "now": finding.new_outcome,
                "rules": [r["rule"] for r in denying],
                "policy_version": result.policy_version,
                "reference_version": result.reference_version,
            },
        )
        answers = emit(
            GateDecisionFlagged(
                actor=actor,
                decision=decision,
                title=_("Re-check: %(gate)s %(reference)s would now be denied")
                % {"gate": decision.get_gate_display(), "reference": decision.reference or decision.pk},
                description=description,
            )
        )
        finding.case_ids = [case.pk for cases in answers for case in cases]
        RecheckFinding.objects.filter(pk=finding.pk).update(case_ids=finding.case_ids)
    return finding


def _finish(actor: Actor, run: RecheckRun, summary: RecheckSummary) -> None:
    """Close the run; a run that had decisions to check is ledgered (`gate.recheck`)."""
    with transaction.atomic():
        RecheckRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), checked=summary.checked, found=len(summary.findings)
        )
        if not summary.checked:
            return
        ledger_append(
            actor=actor,
            action=GateAction.RECHECK,
            object_type="recheck_run",
            object_id=run.pk,
            summary={
                "trigger": run.trigger,
                "data_version": run.data_version,
                "checked": summary.checked,
                "found": len(summary.findings),
            },
        )
