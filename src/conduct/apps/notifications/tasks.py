"""Background work for notifications: sending email off the request path."""

from __future__ import annotations

from django_tasks import task


@task()
def send_notification_email(addresses: list[str], kind: str, text: str, link: str) -> int:
    from conduct.apps.notifications.services import send_now

    return send_now(addresses, kind, text, link)


@task()
def send_notification_emails(messages: list[list[object]]) -> int:
    """Several notices' emails in one task: each item is [addresses, kind, text, link]."""
    from conduct.apps.notifications.services import send_now

    sent = 0
    for addresses, kind, text, link in messages:
        sent += send_now(list(addresses), str(kind), str(text), str(link))  # type: ignore[call-overload]
    return sent
