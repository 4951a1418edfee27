"""Sending a notification's email: one message per address, a failing mail server logged, never raised."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from conduct.apps.notifications.models import Notification

log = logging.getLogger("conduct.notifications")


def absolute_link(link: str) -> str:
    """A notification's link as an email needs it: a path inside Conduct becomes an address under SITE_URL
    (the address people reach Conduct at, never a request's Host header); a full address is left as it is."""
    if not link or "://" in link:
        return link
    return f"{settings.SITE_URL}/{link.lstrip('/')}"


def send_now(addresses: list[str], kind: str, text: str, link: str, language: str = "") -> int:
    """Send one message per address (recipients do not see one another), its fixed words in `language`
    (the text comes rendered in it already); returns how many went out."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = f"[Conduct] {dict(Notification.Kind.choices)[kind]}: {text}"[:150]
        link = absolute_link(link)
        opened = _("%(text)s\n\nOpen it in Conduct: %(link)s\n")
        body = opened % {"text": text, "link": link} if link else f"{text}\n"
    sent = 0
    for address in addresses:  # one message each: recipients do not see one another
        try:
            sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # noqa: BLE001 - mail trouble must not break the change that was already committed
            log.exception("could not send a notification email", extra={"kind": kind})
    return sent
