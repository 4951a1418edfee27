"""Pages of the product register: products, a product with its releases and SBOM upload, a release with its
findings and VEX analyses, and the vulnerability data. Permissions are checked by the selectors and
services."""

from __future__ import annotations

import json
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.errors import Conflict, Invalid, NotFound
from conduct.apps.products import selectors, services
from conduct.apps.products.models import ProductType, ReleaseStatus, VexState
from conduct.core.products import JUSTIFICATIONS


def _problem(exc: Invalid | Conflict | NotFound) -> str:
    return " ".join([exc.message, *(f"{k}: {v}" for k, v in sorted(exc.fields.items()))])


def _upload_text(request: HttpRequest, name: str = "file") -> str:
    upload = request.FILES.get(name)
    try:
        return upload.read().decode("utf-8-sig") if upload else ""
    except UnicodeDecodeError:
        return "\x00"


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    q = request.GET.get("q", "")[:100]
    context = {
        "products": selectors.product_list(actor=actor, q=q).prefetch_related("releases")[:500],
        "q": q,
        "types": ProductType.choices,
    }
    return render(request, "products/index.html", context)


@login_required
@require_POST
def import_view(request: HttpRequest) -> HttpResponse:
    """A CSV of products (model,name,type,business_unit,capabilities), all or nothing."""
    try:
        created = services.products_import(actor=request_actor(request), text=_upload_text(request))
        messages.success(request, _("%(n)d product(s) imported.") % {"n": len(created)})
    except Invalid as exc:
        messages.error(request, _problem(exc))
    return redirect("products")


@login_required
def product_view(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.product_get(actor=actor, product_id=product_id)
    context = {
        "product": found,
        "releases": selectors.release_list(actor=actor, product=found),
    }
    return render(request, "products/product.html", context)


@login_required
@require_POST
def sbom_view(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.product_get(actor=actor, product_id=product_id)
    upload = request.FILES.get("file")
    try:
        sbom = services.sbom_import(
            actor=actor,
            model=found.model,
            version=request.POST.get("version", "")[:100],
            text=_upload_text(request),
            filename=upload.name if upload else "",
        )
    except (Invalid, Conflict, NotFound) as exc:
        messages.error(request, _problem(exc))
        return redirect("product", product_id=found.pk)
    messages.success(request, _("%(n)d component(s) imported.") % {"n": sbom.component_count})
    return redirect("release", release_id=sbom.release_id)


@login_required
def release_view(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.release_get(actor=actor, release_id=release_id)
    context = {
        "release": found,
        "result": selectors.release_findings(actor=actor, release=found),
        "vex": selectors.vex_list(actor=actor, release=found),
        "components": found.components.all()[:1000],
        "statuses": ReleaseStatus.choices,
        "vex_states": VexState.choices,
        "justifications": JUSTIFICATIONS,
    }
    return render(request, "products/release.html", context)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text.strip() else None
    except ValueError:
        return None


@login_required
@require_POST
def release_status_view(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.release_get(actor=actor, release_id=release_id)
    spec = services.ReleaseSpec(
        version=found.version,
        status=request.POST.get("status", "")[:10],
        released_on=_date(request.POST.get("released_on", "")),
        support_end=_date(request.POST.get("support_end", "")),
    )
    try:
        services.release_update(actor=actor, release=found, spec=spec)
        messages.success(request, _("Release updated."))
    except Invalid as exc:
        messages.error(request, _problem(exc))
    return redirect("release", release_id=found.pk)


@login_required
@require_POST
def vex_view(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.release_get(actor=actor, release_id=release_id)
    try:
        statement = services.vex_record(
            actor=actor,
            release=found,
            cve=request.POST.get("cve", "")[:64],
            state=request.POST.get("state", "")[:20],
            justification=request.POST.get("justification", "")[:40],
            detail=request.POST.get("detail", "")[:5000],
        )
        messages.success(
            request, _("%(cve)s recorded as %(state)s.") % {"cve": statement.cve, "state": statement.state}
        )
    except Invalid as exc:
        messages.error(request, _problem(exc))
    return redirect("release", release_id=found.pk)


@login_required
def vex_export_view(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.release_get(actor=actor, release_id=release_id)
    document = selectors.vex_document(actor=actor, release=found)
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/vnd.cyclonedx+json")
    response["Content-Disposition"] = f'attachment; filename="vex-{found.pk}.cdx.json"'
    return response


@login_required
def vulnerabilities_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    q = request.GET.get("q", "")[:100]
    kev = True if request.GET.get("kev") == "1" else None
    rows = selectors.vulnerability_list(actor=actor, q=q, kev=kev)
    context = {
        "rows": rows[:500],
        "count": rows.count(),
        "q": q,
        "kev": kev,
    }
    return render(request, "products/vulnerabilities.html", context)


@login_required
@require_POST
def vulnerabilities_load_view(request: HttpRequest) -> HttpResponse:
    documents = []
    for upload in request.FILES.getlist("files")[:500]:
        try:
            documents.append((upload.name, upload.read().decode("utf-8-sig")))
        except UnicodeDecodeError:
            documents.append((upload.name, "\x00"))
    try:
        result = services.vulns_load(actor=request_actor(request), documents=documents)
        messages.success(
            request,
            _("%(c)d created, %(u)d updated, %(k)d KEV entries.")
            % {"c": result.created, "u": result.updated, "k": result.kev_flagged},
        )
    except Invalid as exc:
        messages.error(request, _problem(exc))
    return redirect("vulnerabilities")


@require_GET
def security_txt_view(request: HttpRequest) -> HttpResponse:
    """/.well-known/security.txt (RFC 9116) from settings: Contact, Expires, Policy, Preferred-Languages and
    Canonical. No login; 404 until a contact is configured (RFC 9116 requires Contact and Expires)."""
    contacts = [c for c in settings.SECURITY_TXT_CONTACTS if c.startswith(("mailto:", "https:", "tel:"))]
    if not contacts:
        raise Http404("security.txt is not configured")
    expires = timezone.now().replace(microsecond=0) + timezone.timedelta(
        days=settings.SECURITY_TXT_EXPIRES_DAYS
    )
    lines = [f"Contact: {c}" for c in contacts]
    lines.append(f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    if settings.VULNERABILITY_DISCLOSURE_POLICY_URL:
        lines.append(f"Policy: {settings.VULNERABILITY_DISCLOSURE_POLICY_URL}")
    if settings.SECURITY_TXT_LANGUAGES:
        lines.append(f"Preferred-Languages: {settings.SECURITY_TXT_LANGUAGES}")
    lines.append(f"Canonical: {settings.SITE_URL}/.well-known/security.txt")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
