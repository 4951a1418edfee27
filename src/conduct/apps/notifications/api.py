"""JSON API for the caller's own notifications (/api/v1/notifications)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from conduct.apps.apikit import Page, actor_of
from conduct.apps.notifications import selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    link: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_text(obj: object) -> str:
        """In the caller's language (their setting, else Accept-Language)."""
        return str(getattr(obj, "display", ""))


class Cleared(Schema):
    cleared: int


@router.get("/notifications", response=list[NotificationOut], summary="Your notifications, newest first")
@paginate(Page)
def list_notifications(request: HttpRequest, unread: bool | None = None) -> object:
    actor = actor_of(request)
    return selectors.notification_list(actor=actor, unread=unread)


@router.post("/notifications/{notification_id}/read", response=NotificationOut, summary="Mark one read")
def read_notification(request: HttpRequest, notification_id: int) -> object:
    return services.notification_mark_read(actor=actor_of(request), notification_id=notification_id)


@router.post("/notifications/clear", response=Cleared, summary="Mark all read and clear them from your list")
def clear_notifications(request: HttpRequest) -> dict[str, int]:
    return {"cleared": services.notification_clear_all(actor=actor_of(request))}
