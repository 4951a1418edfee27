"""Background work for notifications: sending email off the request path."""

from __future__ import annotations

from django_tasks import task

from conduct.apps.notifications.mail import send_now


@task()
def send_notification_email(addresses: list[str], kind: str, text: str, link: str) -> int:
    return send_now(addresses, kind, text, link)


@task()
def send_notification_emails(messages: list[list[object]]) -> int:
    """Several notices' emails in one task: each item is [addresses, kind, text, link]."""
    sent = 0
    for addresses, kind, text, link in messages:
        assert isinstance(addresses, list)
        sent += send_now([str(address) for address in addresses], str(kind), str(text), str(link))
    return sent
