"""Pages of the product register (mounted at /products/)."""

from django.urls import include, path

from conduct.apps.products import views

urlpatterns = [
    path("", views.index_view, name="products"),
    path("import", views.import_view, name="products-import"),
    path("<int:product_id>/", views.product_view, name="product"),
    path("<int:product_id>/sbom", views.sbom_view, name="product-sbom"),
    path("releases/<int:release_id>/", views.release_view, name="release"),
    path("releases/<int:release_id>/status", views.release_status_view, name="release-status"),
    path("releases/<int:release_id>/vex", views.vex_view, name="release-vex"),
    path("releases/<int:release_id>/vex.json", views.vex_export_view, name="release-vex-export"),
    path("vulnerabilities/", views.vulnerabilities_view, name="vulnerabilities"),
    path("vulnerabilities/load", views.vulnerabilities_load_view, name="vulnerabilities-load"),
    path("", include("conduct.apps.products.urls_security")),  # advisories, assessments, PSTI, portal
]

# Coordinated vulnerability disclosure: the triage pages (the public ones are at /security/, config.urls).
from conduct.apps.products import views_disclosure  # noqa: E402

urlpatterns += [
    path("vulnerability-reports/", views_disclosure.reports_view, name="vulnerability-reports"),
    path(
        "vulnerability-reports/<int:vuln_report_id>/",
        views_disclosure.report_view,
        name="vulnerability-report",
    ),
    path(
        "vulnerability-reports/<int:vuln_report_id>/transition",
        views_disclosure.transition_view,
        name="vulnerability-report-transition",
    ),
    path(
        "vulnerability-reports/<int:vuln_report_id>/note",
        views_disclosure.note_view,
        name="vulnerability-report-note",
    ),
    path(
        "vulnerability-reports/<int:vuln_report_id>/attachments/<int:vuln_file_id>",
        views_disclosure.attachment_view,
        name="vulnerability-report-attachment",
    ),
]
