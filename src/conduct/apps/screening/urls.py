"""Pages of the screening module (mounted at /screening/)."""

from django.urls import path

from conduct.apps.screening import views, views_sources

urlpatterns = [
    path("", views.alert_queue_view, name="screening"),
    path("alerts/<int:alert_id>/", views.alert_detail_view, name="screening-alert"),
    path("alerts/<int:alert_id>/review", views.alert_review_view, name="screening-alert-review"),
    path("lists/", views.list_index_view, name="screening-lists"),
    path("lists/<slug:list_name>/", views.list_detail_view, name="screening-list"),
    path("sources/", views_sources.source_index_view, name="screening-sources"),
    path("sources/<slug:source_name>/fetch", views_sources.source_fetch_view, name="screening-source-fetch"),
    path("relations/", views_sources.relations_upload_view, name="screening-relations"),
    path("search/", views.search_view, name="screening-search"),
    path("parties/", views.party_list_view, name="screening-parties"),
    path("parties/<int:party_id>/", views.party_detail_view, name="screening-party"),
]
