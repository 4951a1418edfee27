"""Pages of the governance module (mounted at /governance/)."""

from django.urls import path

from conduct.apps.governance import views

urlpatterns = [
    path("committees/", views.committees_view, name="committees"),
]
