"""Pages of security advisories: the product-security list, draft and publish pages; the public index, page
and CSAF file (/security/advisories/, no login); the customer portal's products. Permissions are checked by
the selectors and services."""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import Conflict, Forbidden, Invalid, NotFound
from conduct.apps.products import selectors, selectors_security
from conduct.apps.products.csaf import csaf_document
from conduct.apps.products.models_security import Advisory
from conduct.apps.products.services import advisories as services

_CVE_LINE = re.compile(r"^\s*(CVE-\d{4}-\d{4,})\s*(?:[ ,;]\s*([0-9.]+))?\s*(?:[ ,;]\s*(CVSS:\S+))?\s*$", re.I)


def _problem(exc: Invalid | Conflict | NotFound | Forbidden) -> str:
    return " ".join([exc.message, *(f"{k}: {v}" for k, v in sorted(exc.fields.items()))])


def _vulnerabilities(text: str) -> tuple[dict[str, Any], ...]:
    """One CVE a line: `CVE-2023-4911 7.8 CVSS:3.1/AV:L/...` (score and vector optional)."""
    out: list[dict[str, Any]] = []
    for i, line in enumerate(text.splitlines()[:60]):
        if not line.strip():
            continue
        found = _CVE_LINE.match(line)
        if found is None:
            raise Invalid(
                _("Line %(n)d is not a CVE with an optional score and vector.") % {"n": i + 1},
                fields={"vulnerabilities": line[:80]},
            )
        score = found.group(2)
        try:
            cvss = float(score) if score else None
        except ValueError:
            cvss = -1.0  # the service names the field
        out.append({"cve": found.group(1).upper(), "cvss": cvss, "vector": found.group(3) or ""})
    return tuple(out)


def _releases(request: HttpRequest, name: str) -> tuple[Any, ...]:
    actor = request_actor(request)
    ids = [int(x) for x in request.POST.getlist(name)[:100] if x.isdigit() and len(x) < 18]
    return tuple(selectors.release_get(actor=actor, release_id=i) for i in ids)


def _spec(request: HttpRequest, affected: tuple[Any, ...], fixed: tuple[Any, ...]) -> services.AdvisorySpec:
    post = request.POST
    return services.AdvisorySpec(
        title=post.get("title", "")[:200],
        summary=post.get("summary", "")[:5000],
        vulnerabilities=_vulnerabilities(post.get("vulnerabilities", "")[:8000]),
        affected=affected,
        fixed=fixed,
        remediation=post.get("remediation", "")[:5000],
    )


@login_required
def advisories_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "advisories": selectors_security.advisory_list(actor=actor)[:500],
        "releases": selectors.release_list(actor=actor)[:500],
    }
    return render(request, "products/advisories/index.html", context)


@login_required
@require_POST
def advisory_new_view(request: HttpRequest) -> HttpResponse:
    releases = _releases(request, "affected"), _releases(request, "fixed")  # 404 for a release out of sight
    try:
        advisory = services.advisory_draft(actor=request_actor(request), spec=_spec(request, *releases))
    except Invalid as exc:
        messages.error(request, _problem(exc))
        return redirect("advisories")
    messages.success(request, _("%(id)s drafted.") % {"id": advisory.advisory_id})
    return redirect("advisory", advisory_id=advisory.advisory_id)


@login_required
@require_POST
def advisory_from_release_view(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = request_actor(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    try:
        advisory = services.advisory_from_release(actor=actor, release=release)
    except Invalid as exc:
        messages.error(request, _problem(exc))
        return redirect("release", release_id=release.pk)
    messages.success(request, _("%(id)s drafted from the release's findings.") % {"id": advisory.advisory_id})
    return redirect("advisory", advisory_id=advisory.advisory_id)


def _vulnerability_lines(advisory: Advisory) -> str:
    return "\n".join(
        " ".join(
            str(x)
            for x in (v["cve"], v.get("cvss") if v.get("cvss") is not None else "", v.get("vector") or "")
        ).strip()
        for v in advisory.vulnerabilities
    )


@login_required
def advisory_view(request: HttpRequest, advisory_id: str) -> HttpResponse:
    actor = request_actor(request)
    advisory = selectors_security.advisory_for(actor=actor, advisory_id=advisory_id)
    links = selectors_security.advisory_releases(advisory)
    context = {
        "advisory": advisory,
        "links": links,
        "affected_ids": [x["release"].pk for x in links if x["status"] == "known_affected"],
        "fixed_ids": [x["release"].pk for x in links if x["status"] == "fixed"],
        "releases": selectors.release_list(actor=actor)[:500],
        "vulnerability_lines": _vulnerability_lines(advisory),
        "csaf": json.dumps(csaf_document(advisory), indent=2),
    }
    return render(request, "products/advisories/detail.html", context)


@login_required
@require_POST
def advisory_edit_view(request: HttpRequest, advisory_id: str) -> HttpResponse:
    actor = request_actor(request)
    advisory = selectors_security.advisory_for(actor=actor, advisory_id=advisory_id)
    releases = _releases(request, "affected"), _releases(request, "fixed")
    try:
        services.advisory_update(
            actor=actor,
            advisory=advisory,
            spec=_spec(request, *releases),
            revision=request.POST.get("revision", "")[:500],
        )
        messages.success(request, _("Advisory saved."))
    except Invalid as exc:
        messages.error(request, _problem(exc))
    return redirect("advisory", advisory_id=advisory.advisory_id)


@login_required
@require_POST
def advisory_publish_view(request: HttpRequest, advisory_id: str) -> HttpResponse:
    actor = request_actor(request)
    advisory = selectors_security.advisory_for(actor=actor, advisory_id=advisory_id)
    try:
        services.advisory_publish(actor=actor, advisory=advisory)
        messages.success(request, _("%(id)s published.") % {"id": advisory.advisory_id})
    except (Invalid, Conflict) as exc:
        messages.error(request, _problem(exc))
    return redirect("advisory", advisory_id=advisory.advisory_id)


# --- public (no login) -----------------------------------------------------------------------------------


@require_GET
def public_index_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "products/advisories/public_index.html",
        {"advisories": selectors_security.published_advisories()[:500]},
    )


@require_GET
def public_advisory_view(request: HttpRequest, public_id: str) -> HttpResponse:
    advisory = selectors_security.published_advisory(public_id)
    context = {"advisory": advisory, "links": selectors_security.advisory_releases(advisory)}
    return render(request, "products/advisories/public_detail.html", context)


@require_GET
def public_csaf_view(request: HttpRequest, public_id: str) -> HttpResponse:
    advisory = selectors_security.published_advisory(public_id)
    response = JsonResponse(csaf_document(advisory), json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"  # CSAF aggregators fetch it from anywhere
    return response


# --- the customer portal ---------------------------------------------------------------------------------


@login_required
def portal_products_view(request: HttpRequest) -> HttpResponse:
    products = selectors_security.portal_products(actor=request_actor(request))
    return render(request, "products/advisories/portal.html", {"products": products})
