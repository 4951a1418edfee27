"""Pages for investigator access (issue 18): who may read until when (officers, admins grant and revoke), an
investigator's access log for officers, and "my access log" for the investigator."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts import investigators, selectors
from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.roles import INVESTIGATOR_MODULES
from conduct.apps.errors import ServiceError

_LOG_ROWS = 500


class InvestigatorForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    until = forms.CharField(
        label=gettext_lazy("Access until (UTC)"),
        help_text=gettext_lazy("YYYY-MM-DD (through that day) or YYYY-MM-DDTHH:MM"),
        max_length=16,
    )
    units = forms.MultipleChoiceField(
        label=gettext_lazy("Org units (none: every unit)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    modules = forms.MultipleChoiceField(
        label=gettext_lazy("Modules (none: every module)"),
        required=False,
        choices=[(key, key) for key in INVESTIGATOR_MODULES],
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)

    def __init__(self, *args: object, units: QuerySet[OrgUnit] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["units"].choices = [(u.code, f"{u.name} ({u.code})") for u in (units or [])]  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def investigators_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    accounts = selectors.investigator_index(actor=actor)
    form = InvestigatorForm(units=selectors.orgunit_list(actor=actor))  # shown to `investigators.manage`
    status = 200
    if request.method == "POST":
        # the units access may be limited to: 403 for a role that may not grant, before the form is read
        units = selectors.unit_choices(actor=actor, permission="investigators.manage")
        form = InvestigatorForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, created = investigators.investigator_grant(
                    actor=actor,
                    username=data["username"],
                    until=investigators.parse_until(data["until"]),
                    units=list(data["units"]),
                    modules=list(data["modules"]),
                    email=data["email"],
                )
                text = _("Granted %(name)s access.") if created else _("Updated %(name)s's access.")
                messages.success(request, text % {"name": user.username})
                return redirect("investigators")
            except ServiceError as exc:
                for field, msg in exc.fields.items():
                    form.add_error(field if field in form.fields else None, msg)
                if not exc.fields:
                    form.add_error(None, exc.message)
        status = 422
    return render(request, "accounts/investigators.html", {"accounts": accounts, "form": form}, status=status)


@login_required
@require_POST
def investigator_revoke_view(request: HttpRequest, username: str) -> HttpResponse:
    actor = request_actor(request)
    subject = selectors.investigator_for(actor=actor, username=username)
    investigators.investigator_revoke(actor=actor, username=subject.username)
    messages.success(request, _("Ended %(name)s's access.") % {"name": subject.username})
    return redirect("investigators")


@login_required
def investigator_detail_view(request: HttpRequest, username: str) -> HttpResponse:
    actor = request_actor(request)
    subject = selectors.investigator_for(actor=actor, username=username)
    entries = selectors.access_log(actor=actor, subject=subject)[:_LOG_ROWS]
    return render(
        request, "accounts/access_log.html", {"subject": subject, "entries": entries, "limit": _LOG_ROWS}
    )


@login_required
def my_access_log_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    entries = selectors.access_log(actor=actor)[:_LOG_ROWS]
    return render(
        request, "accounts/access_log.html", {"subject": actor, "entries": entries, "limit": _LOG_ROWS}
    )
