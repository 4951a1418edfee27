"""Sending a notification's email: one message per address, a failing mail server logged, never raised."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail

from conduct.apps.notifications.models import Notification

log = logging.getLogger("conduct.notifications")


def absolute_link(link: str) -> str:
    """A notification's link as an email needs it: a path inside Conduct becomes an address under SITE_URL
    (the address people reach Conduct at, never a request's Host header); a full address is left as it is."""
    if not link or "://" in link:
        return link
    return f"{settings.SITE_URL}/{link.lstrip('/')}"


def send_now(addresses: list[str], kind: str, text: str, link: str) -> int:
    """Send one message per address (recipients do not see one another); returns how many went out."""
    sent = 0
    subject = f"[Conduct] {dict(Notification.Kind.choices)[kind]}: {text}"[:150]
    link = absolute_link(link)
    body = f"{text}\n\nOpen it in Conduct: {link}\n" if link else f"{text}\n"
    for address in addresses:  # one message each: recipients do not see one another
        try:
            sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # noqa: BLE001 - mail trouble must not break the change that was already committed
            log.exception("could not send a notification email", extra={"kind": kind})
    return sent
