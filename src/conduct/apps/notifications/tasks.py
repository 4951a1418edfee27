"""Background work for notifications: sending email off the request path."""

from __future__ import annotations

from django_tasks import task

from conduct.apps.notifications.mail import send_now


@task()
def send_notification_email(addresses: list[str], kind: str, text: str, link: str, language: str = "") -> int:
    return send_now(addresses, kind, text, link, language)


@task()
def send_notification_emails(messages: list[list[object]]) -> int:
    """Several notices' emails in one task: each item is [addresses, kind, text, link, language] (jobs
    queued before the language was added have four items: the site's language)."""
    sent = 0
    for addresses, kind, text, link, *language in messages:
        assert isinstance(addresses, list)
        lang = str(language[0]) if language else ""
        sent += send_now([str(address) for address in addresses], str(kind), str(text), str(link), lang)
    return sent
