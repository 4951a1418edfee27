"""Pages of the catalog (mounted at /catalog/)."""

from django.urls import path

from conduct.apps.catalog import views

urlpatterns = [
    path("", views.library_view, name="catalog"),
    path("frameworks/<str:framework_slug>/", views.framework_view, name="catalog-framework"),
    path(
        "frameworks/<str:framework_slug>/oscal.json",
        views.framework_oscal_view,
        name="catalog-framework-oscal",
    ),
    path("requirements/<str:urn>/", views.requirement_view, name="catalog-requirement"),
    path("controls/", views.controls_view, name="catalog-controls"),
    path("controls/<str:control_code>/", views.control_view, name="catalog-control"),
    path("assessments/", views.assessments_view, name="catalog-assessments"),
    path("assessments/<int:assessment_id>/", views.assessment_view, name="catalog-assessment"),
    path(
        "assessments/<int:assessment_id>/results",
        views.assessment_result_view,
        name="catalog-assessment-result",
    ),
    path(
        "assessments/<int:assessment_id>/evidence",
        views.assessment_evidence_view,
        name="catalog-assessment-evidence",
    ),
    path(
        "assessments/<int:assessment_id>/complete",
        views.assessment_complete_view,
        name="catalog-assessment-complete",
    ),
    path(
        "assessments/<int:assessment_id>/oscal.json",
        views.assessment_oscal_view,
        name="catalog-assessment-oscal",
    ),
    path("coverage/", views.coverage_view, name="catalog-coverage"),
]
