"""Pages of the transparency reports (mounted at /reports/); the risk register is at /risks/ (risk_urls)."""

from django.urls import path

from conduct.apps.reports import views

urlpatterns = [
    path("", views.report_list_view, name="reports"),
    path("build", views.report_build_view, name="report-build"),
    path("<int:report_id>/", views.report_view, name="report"),
    path("<int:report_id>/files/<path:file_name>", views.report_file_view, name="report-file"),
    path("evidence/", views.evidence_view, name="evidence"),
]
