"""Routes of advisories, release assessments, PSTI statements and the customer portal (under /products/),
and the public advisory pages (`public_urlpatterns`, mounted at /security/advisories/)."""

from django.urls import path

from conduct.apps.products import views_advisories as advisories
from conduct.apps.products import views_assessment as assessment

urlpatterns = [
    path("advisories/", advisories.advisories_view, name="advisories"),
    path("advisories/new", advisories.advisory_new_view, name="advisory-new"),
    path("advisories/<str:advisory_id>/", advisories.advisory_view, name="advisory"),
    path("advisories/<str:advisory_id>/edit", advisories.advisory_edit_view, name="advisory-edit"),
    path("advisories/<str:advisory_id>/publish", advisories.advisory_publish_view, name="advisory-publish"),
    path(
        "releases/<int:release_id>/advisory", advisories.advisory_from_release_view, name="release-advisory"
    ),
    path("releases/<int:release_id>/assessment", assessment.assessment_view, name="release-assessment"),
    path(
        "releases/<int:release_id>/assessment/evidence",
        assessment.assessment_evidence_view,
        name="release-assessment-evidence",
    ),
    path("<int:product_id>/psti", assessment.psti_view, name="product-psti"),
    path("<int:product_id>/psti.pdf", assessment.psti_pdf_view, name="product-psti-pdf"),
    path("portal/", advisories.portal_products_view, name="portal-products"),
]

public_urlpatterns = [
    path("", advisories.public_index_view, name="public-advisories"),
    path("<str:public_id>.json", advisories.public_csaf_view, name="public-advisory-csaf"),
    path("<str:public_id>/", advisories.public_advisory_view, name="public-advisory"),
]
