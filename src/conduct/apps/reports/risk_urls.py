"""Pages of the human-rights risk register (mounted at /risks/)."""

from django.urls import path

from conduct.apps.reports import views

urlpatterns = [
    path("", views.risk_register_view, name="risks"),
    path("<str:risk_code>/", views.risk_view, name="risk"),
    path("<str:risk_code>/links", views.risk_link_view, name="risk-links"),
]
