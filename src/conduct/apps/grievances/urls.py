"""Pages of the grievances module: the officers' pages (mounted at /grievances/) and the public reporting
pages (mounted at /report/, no login)."""

from django.urls import path

from conduct.apps.grievances import public_views, views

urlpatterns = [
    path("", views.index_view, name="grievances"),
    path("<int:grievance_id>/", views.detail_view, name="grievance"),
    path(
        "<int:grievance_id>/attachments/<int:attachment_id>",
        views.attachment_view,
        name="grievance-attachment",
    ),
    path("<int:grievance_id>/transition", views.transition_view, name="grievance-transition"),
    path("<int:grievance_id>/message", views.message_view, name="grievance-message"),
    path("<int:grievance_id>/remedy", views.remedy_view, name="grievance-remedy"),
    path("<int:grievance_id>/link", views.link_view, name="grievance-link"),
    path("<int:grievance_id>/escalate", views.escalate_view, name="grievance-escalate"),
    path("<int:grievance_id>/exclude", views.exclude_view, name="grievance-exclude"),
]

public_urlpatterns = [
    path("", public_views.report_view, name="report"),
    path("follow-up", public_views.follow_up_view, name="report-follow-up"),
    path("follow-up/reply", public_views.reply_view, {"what": "reply"}, name="report-reply"),
    path(
        "follow-up/retaliation", public_views.reply_view, {"what": "retaliation"}, name="report-retaliation"
    ),
    path(
        "follow-up/satisfaction",
        public_views.reply_view,
        {"what": "satisfaction"},
        name="report-satisfaction",
    ),
]
