"""Questionnaires: sent from the supplier page, listed, reviewed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import ServiceError
from conduct.apps.suppliers import (
    exporting,
    questionnaire,
    selectors,
    services,
)
from conduct.apps.suppliers.models import (
    ResponseStatus,
)
from conduct.apps.suppliers.paging import CappedPage
from conduct.apps.suppliers.views._common import (
    PAGE_SIZE,
    choice_param,
    detail_page,
    export_if_asked,
    int_param,
    post_on_supplier,
    query_string,
    service_errors,
)


@login_required
@require_POST
def questionnaire_send_view(request: HttpRequest, supplier_id: int) -> HttpResponse:
    actor, supplier = post_on_supplier(request, supplier_id, "questionnaires.send")
    try:
        services.questionnaire_send(
            actor=actor,
            supplier=supplier,
            template_key=request.POST.get("template") or services.questionnaires.DEFAULT_TEMPLATE,
            due_date=request.POST.get("due_date") or None,
        )
    except ServiceError as exc:
        return detail_page(
            request, supplier, errors={"questionnaire": service_errors(exc)}, status=exc.status
        )
    messages.success(
        request, _("Questionnaire sent to %(name)s; its portal users will see it.") % {"name": supplier.name}
    )
    return redirect("supplier", supplier_id=supplier.pk)


@login_required
@require_GET
def response_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    errors: list[str] = []
    status = choice_param(request.GET.get("status"), ResponseStatus.values, "Status", errors)
    supplier = int_param(request.GET.get("supplier"), "Supplier", errors)
    responses = selectors.response_index(actor=actor, status=status, supplier=supplier, staff=True)
    exported = export_if_asked(request, "questionnaires", exporting.RESPONSE_COLUMNS, responses)
    if exported is not None:
        return exported
    page = CappedPage(responses, request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "suppliers/questionnaires.html",
        {
            "page": page,
            "errors": errors,
            "filters": request.GET,
            "query": query_string(request),
            "statuses": ResponseStatus.choices,
        },
    )


def answered_questions(response: Any) -> list[dict[str, Any]]:
    """Sections with each shown question, its answer and the reviewer's comment, for display."""
    by_id = {q["id"]: q for q in questionnaire.questions(response.template)}
    sections = []
    for section in response.template["sections"]:
        rows = []
        for q in section["questions"]:
            if not questionnaire.is_shown(q, response.answers, by_id):
                continue
            answer = response.answers.get(q["id"])
            label = next((o["label"] for o in q.get("options", []) if o["value"] == answer), answer)
            flagged = any(f["question"] == q["id"] for f in response.flags)
            rows.append(
                {
                    "q": q,
                    "answer": label,
                    "raw": answer,
                    "flagged": flagged,
                    "comment": response.question_comments.get(q["id"], ""),
                }
            )
        sections.append(
            {"section": section, "rows": rows, "score": response.section_scores.get(section["id"])}
        )
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def response_review_view(request: HttpRequest, response_id: int) -> HttpResponse:
    actor = request_actor(request)
    permission = "questionnaires.review" if request.method == "POST" else "suppliers.view"
    response = selectors.response_for(actor=actor, response_id=response_id, permission=permission)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        comments = {
            k.removeprefix("comment_"): v for k, v in request.POST.items() if k.startswith("comment_")
        }
        try:
            services.questionnaire_review(
                actor=actor,
                response=response,
                decision=request.POST.get("decision", ""),
                comment=request.POST.get("comment", ""),
                question_comments=comments,
            )
            messages.success(
                request, _("Questionnaire %(status)s.") % {"status": response.get_status_display().lower()}
            )
            return redirect("supplier-questionnaire", response_id=response.pk)
        except ServiceError as exc:
            errors = service_errors(exc)
            status = exc.status
    return render(
        request,
        "suppliers/questionnaire_review.html",
        {
            "response": response,
            "sections": answered_questions(response),
            "errors": errors,
            "submitted": response.status == ResponseStatus.SUBMITTED,
        },
        status=status,
    )
