"""Pages of the own-operations module (mounted at /workforce/)."""

from django.urls import path

from conduct.apps.workforce import views

urlpatterns = [
    path("", views.index_view, name="workforce"),
    path("sites/new", views.site_new_view, name="workforce-site-new"),
    path("hours/import", views.hours_import_view, name="workforce-hours-import"),
    path("sites/<int:own_site_id>/", views.site_view, name="workforce-site"),
    path("sites/<int:own_site_id>/incidents", views.incident_new_view, name="workforce-incident-new"),
    path("sites/<int:own_site_id>/hours-worked", views.hours_worked_view, name="workforce-hours-worked"),
]
