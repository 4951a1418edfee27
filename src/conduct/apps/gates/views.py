"""Gate pages: decisions and their explanations, the policy pack, and a form to try a subject."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from conduct.apps.accounts.actors import request_actor
from conduct.apps.audit.selectors import object_history
from conduct.apps.errors import ServiceError
from conduct.apps.gates import selectors, services
from conduct.apps.gates.models import Gate, Outcome
from conduct.apps.gates.subject_form import decorate, unplaced
from conduct.core.policy import GATES, subject_from_form
from conduct.datafiles import framework_library
from conduct.events.governance import visible_case_ids


def _date(value: str | None, errors: list[str], label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(
            _("%(label)s: %(value)r is not a date (use YYYY-MM-DD).") % {"label": label, "value": value}
        )
        return None


@login_required
def decision_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    errors: list[str] = []
    gate = request.GET.get("gate") or None
    outcome = request.GET.get("outcome") or None
    if gate and gate not in Gate.values:
        errors.append(_("Unknown gate %(gate)r.") % {"gate": gate})
        gate = None
    if outcome and outcome not in Outcome.values:
        errors.append(_("Unknown outcome %(outcome)r.") % {"outcome": outcome})
        outcome = None
    filters = selectors.DecisionFilters(
        gate=gate,
        outcome=outcome,
        reference=request.GET.get("reference") or None,
        since=_date(request.GET.get("since"), errors, _("From")),
        until=_date(request.GET.get("until"), errors, _("To")),
    )
    page = Paginator(selectors.decision_list(actor=actor, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "errors": errors,
        "filters": request.GET,
        "gates": Gate.choices,
        "outcomes": Outcome.choices,
    }
    template = "gates/_decision_rows.html" if request.htmx else "gates/decisions.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def decision_detail_view(request: HttpRequest, decision_id: int) -> HttpResponse:
    actor = request_actor(request)
    decision = selectors.decision_get(actor=actor, decision_id=decision_id)
    history = selectors.decision_history(actor=actor, decision=decision)
    ledger = object_history(actor=actor, object_type="gate_decision", object_id=decision.pk)
    library = None
    try:
        library = framework_library()
    except Exception:  # noqa: BLE001 - titles are a nicety; the URNs still show
        library = None
    reasons = []
    for reason in decision.reasons:
        cites = [
            {"urn": urn, "title": (req.title if library and (req := library.get(urn)) else "")}
            for urn in reason.get("cites", [])
        ]
        reasons.append({**reason, "cites": cites})
    cases = list(decision.cases.select_related("committee"))
    context = {
        "decision": decision,
        "reasons": reasons,
        "history": history,
        "ledger": ledger,
        "cases": cases,
        "linked_cases": visible_case_ids(actor=actor, case_ids=[c.pk for c in cases]),
        "subject_json": json.dumps(decision.subject, indent=2, ensure_ascii=False),
    }
    return render(request, "gates/decision.html", context)


@login_required
def policy_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    pack = selectors.policy_pack(actor=actor)
    rules_by_gate: dict[str, list[Any]] = {g: list(pack.rules_for(g)) for g in Gate.values}
    context = {
        "pack": pack,
        "rules_by_gate": rules_by_gate,
        "versions": selectors.pack_versions(actor=actor)[:20],
        "gate_labels": dict(Gate.choices),
    }
    return render(request, "gates/policy.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def try_view(request: HttpRequest) -> HttpResponse:
    """Try a subject on a gate: a form generated from the gate's subject schema, or its JSON (advanced)."""
    actor = request_actor(request)
    gate = request.POST.get("gate") or request.GET.get("gate") or GATES[0]
    gate = gate if gate in Gate.values else GATES[0]
    asked = (
        request.POST.get("mode") or request.GET.get("mode") or ("json" if "subject" in request.POST else "")
    )
    mode = "json" if asked == "json" else "form"
    extra = _extra_rows(request.POST.get("extra_rows"), add=request.POST.get("action") == "add_rows")
    context: dict[str, Any] = {"gates": Gate.choices, "gate": gate, "mode": mode, "extra_rows": extra}
    context.update(result=None, error=None, fields={})
    if request.method != "POST":
        text = selectors.subject_example(actor=actor, gate=gate)
        subject: Any = json.loads(text)
    elif mode == "form":
        subject = subject_from_form(gate, {key: request.POST.getlist(key) for key in request.POST})
        text = json.dumps(subject, indent=2, ensure_ascii=False)
    else:
        text = request.POST.get("subject") or ""
        try:
            subject = json.loads(text)
        except json.JSONDecodeError as exc:
            context["error"] = _("The subject is not JSON: line %(line)s, column %(col)s: %(msg)s.") % {
                "line": exc.lineno,
                "col": exc.colno,
                "msg": exc.msg,
            }
            return _render_try(request, actor, context, text, {}, 422)
    status = 200
    if request.method == "POST" and request.POST.get("action") != "add_rows":
        try:
            if request.POST.get("action") == "record":
                decided = services.gate_decide(actor=actor, gate=gate, subject=subject)
                return redirect("gate-decision", decision_id=decided.decision.pk)
            context["result"] = services.gate_try(actor=actor, gate=gate, subject=subject).to_dict()
        except ServiceError as exc:
            context.update(error=exc.message, fields=exc.fields)
            status = 422
    return _render_try(request, actor, context, text, subject, status)


def _extra_rows(value: str | None, *, add: bool) -> int:
    """Blank rows under each list of the form: one, or more after "Add a row" (at most ten)."""
    try:
        rows = int(value or 1)
    except ValueError:
        rows = 1
    return max(1, min(10, rows + (1 if add else 0)))


def _render_try(
    request: HttpRequest, actor: Any, context: dict[str, Any], text: str, subject: Any, status: int
) -> HttpResponse:
    gate, fields = context["gate"], context["fields"]
    tree = decorate(
        selectors.subject_form(actor=actor, gate=gate, subject=subject, extra_rows=context["extra_rows"]),
        fields,
    )
    context.update(
        subject=text, form=tree, unplaced=unplaced(tree, fields) if context["mode"] == "form" else fields
    )
    return render(request, "gates/try.html", context, status=status)


@login_required
def recheck_list_view(request: HttpRequest) -> HttpResponse:
    """Earlier allowed or approved decisions that a re-check found the current data would deny."""
    actor = request_actor(request)
    page = Paginator(selectors.recheck_findings(actor=actor), 50).get_page(request.GET.get("page"))
    return render(request, "gates/rechecks.html", {"page": page})


@login_required
def sanctions_view(request: HttpRequest) -> HttpResponse:
    """The sanctions programmes in the reference data: sources, status, coverage, reviewed dates."""
    return render(
        request, "gates/sanctions.html", selectors.sanctions_programmes(actor=request_actor(request))
    )
