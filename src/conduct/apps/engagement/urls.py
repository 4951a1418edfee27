"""Pages of correspondence and commitments (mounted at /engagement/)."""

from django.urls import path

from conduct.apps.engagement import views

urlpatterns = [
    path("", views.index_view, name="engagement"),
    path("correspondence/new", views.correspondence_new_view, name="engagement-correspondence-new"),
    path(
        "correspondence/<int:correspondence_id>/",
        views.correspondence_view,
        name="engagement-correspondence",
    ),
    path(
        "correspondence/<int:correspondence_id>/documents",
        views.document_add_view,
        name="engagement-document-add",
    ),
    path(
        "correspondence/<int:letter_id>/acknowledge",
        views.acknowledge_view,
        name="engagement-acknowledge",
    ),
    path("documents/<int:letter_document_id>", views.document_download_view, name="engagement-document"),
    path("questions/<int:question_id>/answer", views.answer_view, name="engagement-answer"),
    path("questions/<int:question_id>/review", views.review_view, name="engagement-review"),
    path("counterparts/", views.counterparts_view, name="engagement-counterparts"),
    path("counterparts/<int:counterpart_id>/", views.counterpart_view, name="engagement-counterpart"),
    path("commitments/", views.commitments_view, name="engagement-commitments"),
    path("commitments/new", views.commitment_new_view, name="engagement-commitment-new"),
    path("commitments/<int:commitment_id>/", views.commitment_view, name="engagement-commitment"),
    path(
        "commitments/<int:commitment_id>/status",
        views.commitment_status_view,
        name="engagement-commitment-status",
    ),
    path(
        "commitments/<int:commitment_id>/evidence",
        views.commitment_evidence_view,
        name="engagement-commitment-evidence",
    ),
]
