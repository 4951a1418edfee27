"""Pages of the suppliers module (mounted at /suppliers/), the supplier portal's pages included."""

from django.urls import path

from conduct.apps.suppliers import portal_views, views

urlpatterns = [
    path("", views.supplier_list_view, name="suppliers"),
    path("new", views.supplier_create_view, name="supplier-create"),
    path("import/", views.import_view, name="supplier-import"),
    path("import/templates/<str:kind>", views.import_template_view, name="supplier-import-template"),
    path("risk/recompute", views.risk_recompute_view, name="supplier-risk-recompute"),
    path("certificates/", views.certificate_list_view, name="supplier-certificates"),
    path(
        "certificates/<int:certificate_id>/file",
        views.certificate_file_view,
        name="supplier-certificate-file",
    ),
    path(
        "certificates/<int:certificate_id>/withdraw",
        views.certificate_withdraw_view,
        name="supplier-certificate-withdraw",
    ),
    path("sites/<int:site_id>/edit", views.site_edit_view, name="supplier-site-edit"),
    path("sites/<int:site_id>/remove", views.site_remove_view, name="supplier-site-remove"),
    path("contacts/<int:contact_id>/remove", views.contact_remove_view, name="supplier-contact-remove"),
    path("audits/", views.audit_list_view, name="supplier-audits"),
    path("audits/<int:audit_id>/", views.audit_detail_view, name="supplier-audit"),
    path("findings/<int:finding_id>/action", views.action_create_view, name="supplier-action-create"),
    path("actions/", views.action_list_view, name="supplier-actions"),
    path("actions/<int:action_id>/", views.action_detail_view, name="supplier-action"),
    path("questionnaires/", views.response_list_view, name="supplier-questionnaires"),
    path("questionnaires/<int:response_id>/", views.response_review_view, name="supplier-questionnaire"),
    path("<int:supplier_id>/", views.supplier_detail_view, name="supplier"),
    path("<int:supplier_id>/edit", views.supplier_edit_view, name="supplier-edit"),
    path("<int:supplier_id>/onboard", views.supplier_onboard_view, name="supplier-onboard"),
    path("<int:supplier_id>/sites", views.site_add_view, name="supplier-site-add"),
    path("<int:supplier_id>/contacts", views.contact_add_view, name="supplier-contact-add"),
    path("<int:supplier_id>/sub-suppliers", views.relation_add_view, name="supplier-relation-add"),
    path(
        "<int:supplier_id>/sub-suppliers/<int:sub_id>/remove",
        views.relation_remove_view,
        name="supplier-relation-remove",
    ),
    path("<int:supplier_id>/certificates", views.certificate_add_view, name="supplier-certificate-add"),
    path("<int:supplier_id>/audits", views.audit_add_view, name="supplier-audit-add"),
    path(
        "<int:supplier_id>/questionnaires", views.questionnaire_send_view, name="supplier-questionnaire-send"
    ),
    path(
        "portal/questionnaires/<int:response_id>/",
        portal_views.portal_questionnaire_view,
        name="portal-questionnaire",
    ),
    path("portal/certificates/new", portal_views.portal_certificate_view, name="portal-certificate"),
    path("portal/actions/<int:action_id>/", portal_views.portal_action_view, name="portal-action"),
]
