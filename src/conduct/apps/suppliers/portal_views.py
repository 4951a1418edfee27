"""The supplier portal: a supplier's own people answer questionnaires, upload certificates and work their
corrective actions. Every page looks its record up through the scoped selectors, so another supplier's record
answers 404 — it does not exist for them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import ServiceError
from conduct.apps.suppliers import forms, questionnaire, selectors, services
from conduct.apps.suppliers.models import ANSWERABLE
from conduct.apps.suppliers.views._common import form_errors
from conduct.apps.suppliers.views.actions import action_work
from conduct.apps.suppliers.views.certificates import certificate_from_form
from conduct.apps.suppliers.views.questionnaires import answered_questions


def _question_rows(
    template: dict[str, Any], answers: dict[str, Any], errors: dict[str, str], comments: dict[str, str]
) -> list[dict[str, Any]]:
    shown = {q["id"] for q in questionnaire.visible(template, answers)}
    sections = []
    for section in template["sections"]:
        rows = [
            {
                "q": q,
                "value": answers.get(q["id"], ""),
                "error": errors.get(f"answers.{q['id']}", ""),
                "comment": comments.get(q["id"], ""),
            }
            for q in section["questions"]
            if q["id"] in shown
        ]
        if rows:
            sections.append({"section": section, "rows": rows})
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def portal_questionnaire_view(request: HttpRequest, response_id: int) -> HttpResponse:
    actor = request_actor(request)
    response = selectors.response_for(
        actor=actor, response_id=response_id, permission="questionnaires.answer"
    )
    answers: dict[str, Any] = dict(response.answers)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        posted = {k.removeprefix("q_"): v for k, v in request.POST.items() if k.startswith("q_")}
        action = request.POST.get("action", "save")
        if (
            action == "preview"
        ):  # HTMX: show or hide conditional questions as answers change; nothing is saved
            answers = questionnaire.clean_answers(response.template, {**answers, **posted}, complete=False)[0]
            answers.update({k: v for k, v in posted.items() if k not in answers})
            return render(
                request,
                "suppliers/_portal_questions.html",
                {"sections": _question_rows(response.template, answers, {}, response.question_comments)},
            )
        try:
            services.questionnaire_save(
                actor=actor, response=response, answers=posted, submit=action == "submit"
            )
            messages.success(
                request,
                _("Submitted. Thank you: we will review your answers.")
                if action == "submit"
                else _("Saved. You can come back and finish later."),
            )
            if action == "submit":
                return redirect("portal")
            return redirect("portal-questionnaire", response_id=response.pk)
        except ServiceError as exc:
            errors = dict(exc.fields)
            answers = {**answers, **posted}
            status = exc.status
    return render(
        request,
        "suppliers/portal_questionnaire.html",
        {
            "response": response,
            "editable": response.status in ANSWERABLE,
            "errors": errors,
            "sections": _question_rows(response.template, answers, errors, response.question_comments)
            if response.status in ANSWERABLE
            else [],
            "answered": answered_questions(response) if response.status not in ANSWERABLE else [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def portal_certificate_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    supplier = selectors.own_supplier(actor=actor, permission="certificates.upload")
    form = forms.CertificateForm(request.POST or None, request.FILES or None, sites=supplier.sites.all())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    cert = certificate_from_form(actor, supplier, form)
                messages.success(
                    request,
                    _("Thank you: %(standard)s certificate %(number)s is recorded.")
                    % {"standard": cert.standard, "number": cert.number},
                )
                return redirect("portal")
            except ServiceError as exc:
                form_errors(form, exc)
        status = 422
    return render(
        request, "suppliers/portal_certificate.html", {"form": form, "supplier": supplier}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def portal_action_view(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.action_for(actor=actor, action_id=action_id, permission="actions.work", portal=True)
    form = forms.ActionWorkForm(
        initial={"root_cause": plan.root_cause, "action": plan.action, "evidence": plan.evidence}
    )
    status = 200
    if request.method == "POST":
        form, status = action_work(request, actor, plan)
        if status == 302:
            return redirect("portal-action", action_id=plan.pk)
    return render(request, "suppliers/portal_action.html", {"plan": plan, "form": form}, status=status)
