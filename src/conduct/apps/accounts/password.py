"""Password change (signed in) and reset by email: Django's auth views with Conduct's templates, ledgered.

A reset email's link is absolute, built from SITE_URL (the address people reach Conduct at), never from the
request's Host header, which the requester controls.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from conduct.apps.accounts.throttle import reset_throttled
from conduct.apps.audit.services import ledger_append


def _ledger(user: Any, action: str) -> None:
    ledger_append(
        actor=user,
        action=action,
        object_type="accounts.User",
        object_id=user.pk,
        summary={"username": user.username},
    )


def _client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR as ClientAddressMiddleware leaves it (TRUSTED_PROXIES honoured)."""
    return str(request.META.get("REMOTE_ADDR", ""))


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password/change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            _ledger(form.user, "account.password_changed")
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password/reset.html"
    email_template_name = "accounts/password/reset_email.txt"
    subject_template_name = "accounts/password/reset_subject.txt"
    success_url = reverse_lazy("password-reset-sent")

    @property
    def extra_email_context(self) -> dict[str, str]:
        return {"site_url": settings.SITE_URL}

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        """Send the link unless the request is over a reset limit (accounts.throttle): then 429, the same
        answer whether the address belongs to an account or not."""
        if reset_throttled(form.cleaned_data["email"], _client_address(self.request)):
            form.add_error(None, _("Too many password reset requests. Try again in a while."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password/reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password/reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            _ledger(form.user, "account.password_reset")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password/reset_complete.html"


password_change_view = PasswordChangeView.as_view()
password_reset_view = PasswordResetView.as_view()
password_reset_sent_view = PasswordResetSentView.as_view()
password_reset_confirm_view = PasswordResetConfirmView.as_view()
password_reset_complete_view = PasswordResetCompleteView.as_view()
