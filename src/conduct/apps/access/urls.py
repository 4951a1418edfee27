"""Pages of the device-access module (mounted at /access/)."""

from django.urls import path

from conduct.apps.access import views

urlpatterns = [
    path("", views.index_view, name="access"),
    path("devices/import", views.devices_import_view, name="access-devices-import"),
    path("requests/new", views.request_new_view, name="access-request-new"),
    path("requests/<int:request_id>/", views.request_detail_view, name="access-request"),
    path("requests/<int:request_id>/approve", views.request_approve_view, name="access-request-approve"),
    path("requests/<int:request_id>/deny", views.request_deny_view, name="access-request-deny"),
    path("grants/<str:grant_id>/revoke", views.grant_revoke_view, name="access-grant-revoke"),
    path("portal/", views.portal_view, name="access-portal"),
    path("portal/export.csv", views.portal_export_view, name="access-portal-export"),
]
