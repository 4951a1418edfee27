"""Background work for notifications: sending email off the request path."""

from __future__ import annotations

from django_tasks import task


@task()
def send_notification_email(addresses: list[str], kind: str, text: str, link: str) -> int:
    from conduct.apps.notifications.services import send_now

    return send_now(addresses, kind, text, link)
