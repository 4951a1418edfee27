"""Pages of the governance module (mounted at /governance/), and the notification inbox."""

from django.urls import include, path

from conduct.apps.governance import views

urlpatterns = [
    path("committees/", views.committees_view, name="committees"),
    path("committees/new", views.committee_create_view, name="committee-create"),
    path("committees/<int:committee_id>/", views.committee_detail_view, name="committee"),
    path("committees/<int:committee_id>/rule", views.committee_rule_view, name="committee-rule"),
    path("committees/<int:committee_id>/members", views.committee_member_view, name="committee-member-add"),
    path("cases/", views.case_list_view, name="cases"),
    path("cases/new", views.case_create_view, name="case-create"),
    path("cases/<int:case_id>/", views.case_detail_view, name="case"),
    path("cases/<int:case_id>/vote", views.case_vote_view, name="case-vote"),
    path("cases/<int:case_id>/decide", views.case_decide_view, name="case-decide"),
    path("cases/<int:case_id>/conflict", views.case_conflict_view, name="case-conflict"),
    path("cases/<int:case_id>/comments", views.case_comment_view, name="case-comment"),
    path("cases/<int:case_id>/documents", views.case_document_view, name="case-document"),
    path(
        "cases/<int:case_id>/documents/<int:document_id>",
        views.case_document_download,
        name="case-document-download",
    ),
    path("cases/<int:case_id>/status", views.case_status_view, name="case-status"),
    path("cases/<int:case_id>/edit", views.case_edit_view, name="case-edit"),
    path("recommendations/", views.recommendation_list_view, name="recommendations"),
    path("recommendations/new", views.recommendation_create_view, name="recommendation-create"),
    path("recommendations/escalate", views.recommendation_escalate_view, name="recommendations-escalate"),
    path("recommendations/<int:recommendation_id>/", views.recommendation_detail_view, name="recommendation"),
    path(
        "recommendations/<int:recommendation_id>/update",
        views.recommendation_update_view,
        name="recommendation-update",
    ),
    path("liaison-network/", views.liaison_network_view, name="liaison-network"),
    path("notifications/", include("conduct.apps.notifications.urls")),
]
