"""The import page, the import templates, and the full risk recompute."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import ServiceError
from conduct.apps.suppliers import (
    forms,
    selectors,
    services,
)
from conduct.apps.suppliers.views._common import (
    service_errors,
    unit_choice,
)


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    units = selectors.import_choices(actor=actor)
    form = forms.ImportForm(request.POST or None, units=units)
    report = None
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        sources = [
            services.ImportSource(name=f.name, content=f.read()) for f in request.FILES.getlist("files")
        ]
        try:
            unit = unit_choice(actor, request.POST["org_unit"]) if request.POST.get("org_unit") else None
            commit = request.POST.get("commit") == "1"
            report = services.supplier_import(actor=actor, sources=sources, commit=commit, unit=unit)
            if report.committed:
                messages.success(
                    request,
                    _("Imported: %(counts)s. Risk scores are being recomputed.")
                    % {
                        "counts": ", ".join(
                            _("%(kind)s %(created)s new, %(updated)s updated")
                            % {"kind": kind, "created": c.get("created", 0), "updated": c.get("updated", 0)}
                            for kind, c in report.counts.items()
                            if c.get("rows")
                        )
                    },
                )
            elif not report.ok:
                status = 422
        except ServiceError as exc:
            errors = service_errors(exc)
            status = exc.status
    return render(
        request,
        "suppliers/import.html",
        {
            "form": form,
            "report": report,
            "problems": report.problems[:2000] if report else [],
            "errors": errors,
            "templates": selectors.IMPORT_TEMPLATES,
        },
        status=status,
    )


@login_required
@require_GET
def import_template_view(request: HttpRequest, kind: str) -> FileResponse:
    path = selectors.import_template_for(actor=request_actor(request), kind=kind)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@login_required
@require_POST
def risk_recompute_view(request: HttpRequest) -> HttpResponse:
    services.risk_recompute_queue(actor=request_actor(request))
    messages.success(request, _("Every supplier's risk is being recomputed."))
    return redirect("suppliers")
