"""Pages of the own-operations module (mounted at /workforce/)."""

from django.urls import path

from conduct.apps.workforce import views, views_people

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
]
