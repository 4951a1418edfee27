"""The language switcher: anyone (signed in or not) picks English or Simplified Chinese, or the browser's."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.accounts.preferences import LANGUAGE_CODES, user_set_language
from conduct.apps.errors import ServiceError


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """POST `language` ("" for the browser's) and `next`: a signed-in user's choice is kept on their account,
    everyone's in the language cookie; then back to `next` (a path on this site) or home."""
    language = (request.POST.get("language") or "").strip().lower()
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.user.is_authenticated:
        try:
            user_set_language(actor=request_actor(request), language=language)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return response
    elif language and language not in LANGUAGE_CODES:
        return response
    if language:
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response
