"""Pages of a release's ETSI EN 303 645 assessment (a form, sections by chapter, evidence uploads) and a
product's UK PSTI statement of compliance (HTML and PDF). Permissions are checked by selectors and
services."""

from __future__ import annotations

import warnings

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import Invalid
from conduct.apps.products import selectors, selectors_security
from conduct.apps.products.assessment_facts import release_evidence
from conduct.apps.products.models_security import AssessmentState
from conduct.apps.products.services import assessment as services


def _entries(request: HttpRequest) -> list[services.AssessmentEntry]:
    """Form fields `state-<provision>` and `note-<provision>`; a provision left blank is not recorded."""
    entries = []
    for name, value in list(request.POST.items())[:400]:
        if name.startswith("state-") and value:
            provision = name[len("state-") :][:20]
            note = request.POST.get(f"note-{provision}", "")[:2001]
            entries.append(services.AssessmentEntry(provision=provision, state=value[:20], note=note))
    return entries


@login_required
def assessment_view(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = request_actor(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    if request.method == "POST":
        try:
            items = services.assessment_record(actor=actor, release=release, entries=_entries(request))
            messages.success(request, _("%(n)d provision(s) recorded.") % {"n": len(items)})
            return redirect("release-assessment", release_id=release.pk)
        except Invalid as exc:
            messages.error(request, services.evidence_problem(exc))
    context = {
        "release": release,
        "sections": selectors_security.release_assessment(actor=actor, release=release),
        "states": AssessmentState.choices,
        "evidence_facts": release_evidence(release),
        "max_mb": services.MAX_EVIDENCE_BYTES // (1024 * 1024),
    }
    return render(
        request, "products/assessment.html", context, status=422 if request.method == "POST" else 200
    )


@login_required
@require_POST
def assessment_evidence_view(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = request_actor(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    upload = request.FILES.get("file")
    try:
        # one byte past the limit is enough for the service to refuse an oversized file
        content = upload.read(services.MAX_EVIDENCE_BYTES + 1) if upload else b""
        services.assessment_evidence_add(
            actor=actor,
            release=release,
            provision=request.POST.get("provision", "")[:20],
            content=content,
            filename=upload.name if upload else "",
        )
        messages.success(request, _("Evidence attached."))
    except Invalid as exc:
        messages.error(request, services.evidence_problem(exc))
    return redirect("release-assessment", release_id=release.pk)


@login_required
def psti_view(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = request_actor(request)
    product = selectors.product_get(actor=actor, product_id=product_id)
    statement = selectors_security.psti_statement(actor=actor, product=product)
    return render(request, "products/psti.html", {"s": statement})


@login_required
def psti_pdf_view(request: HttpRequest, product_id: int) -> HttpResponse:
    with warnings.catch_warnings():  # WeasyPrint warns on import when Debian's libharfbuzz-subset is absent
        warnings.simplefilter("ignore", DeprecationWarning)
        from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    actor = request_actor(request)
    product = selectors.product_get(actor=actor, product_id=product_id)
    statement = selectors_security.psti_statement(actor=actor, product=product)
    html = render_to_string("products/psti_print.html", {"s": statement})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="psti-statement-{product.pk}.pdf"'
    return response
