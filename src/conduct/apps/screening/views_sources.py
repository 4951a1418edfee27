"""Screening pages for the reference data that keeps itself current: the list sources the worker fetches on
schedule (their state, "fetch now", a new source) and the ownership and control relations (a file upload)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import Invalid
from conduct.apps.screening import selectors, services
from conduct.apps.screening.models import ListFormat, ListKind
from conduct.apps.screening.services.relations import relations_load
from conduct.apps.screening.services.sources import source_add, source_fetch

SOURCE_FIELDS = ("name", "url", "format", "kind", "interval_hours")
RELATION_FORMATS = [
    ("csv", gettext_lazy("CSV: owner_id, owned_id, share, relation, source")),
    ("ftm", gettext_lazy("FtM / OpenSanctions JSON lines")),
]


def _page(
    request: HttpRequest,
    *,
    form: dict[str, Any] | None = None,
    relations: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "sources": selectors.source_list(actor=actor),
        "form": form or {"errors": {}, "message": "", "interval_hours": "24"},
        "relations": relations or {"errors": {}, "message": ""},
        "formats": ListFormat.choices,
        "kinds": ListKind.choices,
        "relation_formats": RELATION_FORMATS,
        "max_mb": services.upload_max_bytes() // (1024 * 1024),
    }
    return render(request, "screening/sources.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def source_index_view(request: HttpRequest) -> HttpResponse:
    """The configured sources; with `lists.load`, the form that adds one (POSTed here)."""
    if request.method != "POST":
        return _page(request)
    form: dict[str, Any] = {k: (request.POST.get(k) or "").strip() for k in SOURCE_FIELDS}
    form["errors"], form["message"] = {}, ""
    hours = form["interval_hours"] or "24"
    if not hours.isdigit() or not 1 <= int(hours) <= 24 * 366:
        form["errors"]["interval_hours"] = _("A whole number of hours from 1 to 8784.")
        form["message"] = _("The source was not added.")
        return _page(request, form=form, status=422)
    try:
        added = source_add(
            actor=request_actor(request),
            name=form["name"],
            url=form["url"],
            format=form["format"],
            kind=form["kind"],
            interval_hours=int(hours),
        )
    except Invalid as exc:
        form["errors"], form["message"] = dict(exc.fields), exc.message
        return _page(request, form=form, status=exc.status)
    messages.success(
        request, _("Source %(name)s added; the worker fetches it when due.") % {"name": added.name}
    )
    return redirect("screening-sources")


@login_required
@require_POST
def source_fetch_view(request: HttpRequest, source_name: str) -> HttpResponse:
    """Fetch one source now: a new version, the same content, or a failure (the last good version stays)."""
    actor = request_actor(request)
    found = source_fetch(actor=actor, source=selectors.source_get(actor=actor, name=source_name))
    if found.status == "failed":
        messages.error(
            request,
            _("%(name)s could not be fetched: %(error)s. The last good version stays in force.")
            % {"name": source_name, "error": found.error},
        )
    elif found.status == "loaded":
        messages.success(
            request, _("%(name)s: version %(v)s loaded.") % {"name": source_name, "v": found.version}
        )
    else:
        messages.info(request, _("%(name)s has not changed since the last fetch.") % {"name": source_name})
    return redirect("screening-sources")


@login_required
@require_POST
def relations_upload_view(request: HttpRequest) -> HttpResponse:
    """Load a relations file (all or nothing); errors name the row and field."""
    actor = request_actor(request)
    upload = request.FILES.get("file")
    fmt = (request.POST.get("format") or "").strip()
    errors: dict[str, str] = {}
    if fmt not in {value for value, _label in RELATION_FORMATS}:
        errors["format"] = _("Choose CSV or FtM.")
    if upload is None:
        errors["file"] = _("Choose the relations file.")
    elif upload.size is not None and upload.size > services.upload_max_bytes():
        errors["file"] = _("The file is larger than %(mb)s MB.") % {
            "mb": services.upload_max_bytes() // 2**20
        }
    if not errors and upload is not None:
        try:
            with tempfile.TemporaryDirectory(prefix="conduct-relations-") as folder:
                path = Path(folder) / ("relations.csv" if fmt == "csv" else "relations.json")
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                loaded = relations_load(
                    actor=actor,
                    path=path,
                    format=fmt,
                    source=(request.POST.get("source") or "").strip()[:200],
                )
        except Invalid as exc:
            errors = dict(exc.fields) or {"file": exc.message}
        else:
            messages.success(
                request,
                _("Relations loaded: %(c)d new, %(u)d updated, %(n)d unchanged.")
                % {"c": loaded.created, "u": loaded.updated, "n": loaded.unchanged},
            )
            return redirect("screening-sources")
    message = _("The relations were not loaded; nothing was stored.")
    return _page(request, relations={"errors": errors, "message": message}, status=422)
