"""Pages of policies and attestation (mounted under /workforce/): the policies, one version as HTML (and as a
PDF), a campaign with the reader's acknowledgement and the completion per unit, and the reminders. Permissions
are checked by the selectors and services these call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.workforce import people, services


@login_required
def policies_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "policies": people.policy_list(actor=actor),
        "campaigns": people.campaign_list(actor=actor)[:50],
    }
    return render(request, "workforce/policies.html", context)


@login_required
def version_view(request: HttpRequest, version_id: int) -> HttpResponse:
    version = people.version_get(actor=request_actor(request), version_id=version_id)
    return render(
        request, "workforce/version.html", {"version": version, "html": people.render_markdown(version.body)}
    )


@login_required
def version_pdf_view(request: HttpRequest, version_id: int) -> HttpResponse:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    version = people.version_get(actor=request_actor(request), version_id=version_id)
    html = render_to_string(
        "workforce/version_print.html", {"version": version, "html": people.render_markdown(version.body)}
    )
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{version.policy.key}-v{version.number}.pdf"'
    return response


@login_required
def campaign_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request_actor(request)
    campaign = people.campaign_get(actor=actor, campaign_id=campaign_id)
    context = {
        "campaign": campaign,
        "mine": people.my_attestation(actor=actor, campaign=campaign),
        "units": people.campaign_completion(actor=actor, campaign=campaign),
        "html": people.render_markdown(campaign.version.body),
    }
    return render(request, "workforce/campaign.html", context)


@login_required
@require_POST
def campaign_acknowledge_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request_actor(request)
    campaign = people.campaign_get(actor=actor, campaign_id=campaign_id)
    services.attestation_acknowledge(actor=actor, campaign=campaign)
    messages.success(request, _("Acknowledged. Thank you."))
    return redirect("workforce-campaign", campaign_id=campaign.pk)


@login_required
@require_POST
def campaign_remind_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request_actor(request)
    campaign = people.campaign_get(actor=actor, campaign_id=campaign_id)
    n = services.campaign_remind(actor=actor, campaign=campaign)
    messages.success(request, _("%(n)d reminder(s) sent.") % {"n": n})
    return redirect("workforce-campaign", campaign_id=campaign.pk)
