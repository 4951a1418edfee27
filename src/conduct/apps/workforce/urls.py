"""Pages of the own-operations module (mounted at /workforce/)."""

from django.urls import path

from conduct.apps.workforce import views, views_actions, views_people, views_training

urlpatterns = [
    path("", views.index_view, name="workforce"),
    path("sites/new", views.site_new_view, name="workforce-site-new"),
    path("hours/import", views.hours_import_view, name="workforce-hours-import"),
    path("sites/<int:own_site_id>/", views.site_view, name="workforce-site"),
    path("sites/<int:own_site_id>/incidents", views.incident_new_view, name="workforce-incident-new"),
    path("sites/<int:own_site_id>/hours-worked", views.hours_worked_view, name="workforce-hours-worked"),
    path("policies/", views_people.policies_view, name="workforce-policies"),
    path("policies/versions/<int:version_id>/", views_people.version_view, name="workforce-version"),
    path(
        "policies/versions/<int:version_id>/pdf", views_people.version_pdf_view, name="workforce-version-pdf"
    ),
    path("campaigns/<int:campaign_id>/", views_people.campaign_view, name="workforce-campaign"),
    path(
        "campaigns/<int:campaign_id>/acknowledge",
        views_people.campaign_acknowledge_view,
        name="workforce-campaign-acknowledge",
    ),
    path(
        "campaigns/<int:campaign_id>/remind",
        views_people.campaign_remind_view,
        name="workforce-campaign-remind",
    ),
    path(
        "sites/<int:own_site_id>/findings/<int:own_finding_id>/",
        views_actions.finding_view,
        name="workforce-finding",
    ),
    path("corrective-actions/<int:own_action_id>/", views_actions.action_view, name="workforce-action"),
    path(
        "corrective-actions/<int:own_action_id>/evidence",
        views_actions.action_evidence_view,
        name="workforce-action-evidence",
    ),
    path(
        "corrective-actions/<int:own_action_id>/submit",
        views_actions.action_submit_view,
        name="workforce-action-submit",
    ),
    path(
        "corrective-actions/<int:own_action_id>/review",
        views_actions.action_review_view,
        name="workforce-action-review",
    ),
    path("training/", views_training.training_view, name="workforce-training"),
    path("training/assignments/new", views_training.assignment_new_view, name="workforce-assignment-new"),
    path("training/completions/new", views_training.completion_new_view, name="workforce-completion-new"),
]
