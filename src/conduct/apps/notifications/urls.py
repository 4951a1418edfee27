"""Inbox pages (included by the governance URLs under /governance/notifications/)."""

from django.urls import path

from conduct.apps.notifications import views

urlpatterns = [
    path("", views.notifications_view, name="notifications"),
    path("<int:notification_id>/read", views.notification_read_view, name="notification-read"),
    path("clear", views.notifications_clear_view, name="notifications-clear"),
]
