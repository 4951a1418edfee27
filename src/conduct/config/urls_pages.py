"""The pages' URL map: everything but the JSON API (urls.py adds it). A process that serves no request - a CLI
call - resolves links against this map (cli.py), so it never imports the API's ~1,000 schemas (2-3 s) to write
the link of a case it opened."""

from __future__ import annotations

from django.urls import include, path

from conduct.apps.accounts import (
    password,
    views_investigators,
    views_language,
    views_mfa,
    views_scim,
    views_sso,
)
from conduct.apps.accounts import views as accounts
from conduct.apps.audit import views as audit
from conduct.apps.gates import views as gates
from conduct.apps.grievances.urls import public_urlpatterns as report_pages
from conduct.apps.products import views as products
from conduct.apps.products import views_disclosure_public as disclosure
from conduct.apps.products.urls_security import public_urlpatterns as advisory_pages
from conduct.apps.web import views as web

urlpatterns = [
    path("healthz", web.healthz, name="healthz"),
    path("favicon.ico", web.favicon, name="favicon"),
    path(".well-known/security.txt", products.security_txt_view, name="security-txt"),
    path("security/", disclosure.policy_view, name="security-policy"),
    path("security/report/", disclosure.report_view, name="security-report"),
    path("security/report/status", disclosure.status_view, name="security-report-status"),
    path("security/advisories/", include(advisory_pages)),  # published advisories: pages and CSAF, public
    # SCIM 2.0 provisioning for the identity provider (a service account's `scim` token).
    path("scim/v2/Users", views_scim.users_view, name="scim-users"),
    path("scim/v2/Users/<str:user_id>", views_scim.user_view, name="scim-user"),
    path("scim/v2/Groups", views_scim.groups_view, name="scim-groups"),
    path("scim/v2/Groups/<str:group_id>", views_scim.group_view, name="scim-group"),
    path("scim/v2/ServiceProviderConfig", views_scim.service_provider_config_view, name="scim-config"),
    path("login/", accounts.login_view, name="login"),
    path("login/verify/", views_mfa.login_verify_view, name="login-verify"),
    # Single sign-on (accounts.sso): OpenID Connect and SAML 2.0, each on when configured.
    path("sso/oidc/login/", views_sso.oidc_login_view, name="sso-oidc-login"),
    path("sso/oidc/callback/", views_sso.oidc_callback_view, name="sso-oidc-callback"),
    path("sso/saml/login/", views_sso.saml_login_view, name="sso-saml-login"),
    path("sso/saml/acs/", views_sso.saml_acs_view, name="sso-saml-acs"),
    path("sso/saml/metadata/", views_sso.saml_metadata_view, name="sso-saml-metadata"),
    path("logout/", accounts.logout_view, name="logout"),
    path("account/mfa/", views_mfa.mfa_view, name="mfa"),
    path("account/mfa/totp", views_mfa.mfa_totp_view, name="mfa-totp"),
    path("account/mfa/totp/remove", views_mfa.mfa_totp_remove_view, name="mfa-totp-remove"),
    path("account/mfa/recovery-codes", views_mfa.mfa_recovery_codes_view, name="mfa-recovery-codes"),
    path("account/mfa/webauthn", views_mfa.mfa_webauthn_view, name="mfa-webauthn"),
    path(
        "account/mfa/webauthn/<int:key_id>/remove",
        views_mfa.mfa_webauthn_remove_view,
        name="mfa-webauthn-remove",
    ),
    path("language/", views_language.language_view, name="set-language"),
    path("account/password/", password.password_change_view, name="password-change"),
    path("account/sessions/", accounts.sessions_view, name="sessions"),
    path("account/sessions/<int:session_id>/end", accounts.session_end_view, name="session-end"),
    path("password-reset/", password.password_reset_view, name="password-reset"),
    path("password-reset/sent", password.password_reset_sent_view, name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        password.password_reset_confirm_view,
        name="password-reset-confirm",
    ),
    path("password-reset/done", password.password_reset_complete_view, name="password-reset-complete"),
    path("", accounts.home, name="home"),
    path("dashboard/", web.dashboard, name="dashboard"),
    path("portal/", web.portal, name="portal"),
    path("org/units/", accounts.orgunit_list_view, name="orgunits"),
    path("org/units/new", accounts.orgunit_create_view, name="orgunit-create"),
    path("org/units/<int:unit_id>/", accounts.orgunit_detail_view, name="orgunit"),
    path("org/liaisons/", accounts.liaisons_view, name="liaisons"),
    path("org/liaisons/<int:liaison_id>/remove", accounts.liaison_remove_view, name="liaison-remove"),
    path("org/users/", accounts.users_view, name="users"),
    path("org/users/<int:user_id>/mfa-reset", accounts.user_mfa_reset_view, name="user-mfa-reset"),
    path("account/tokens/", accounts.tokens_view, name="tokens"),
    path("account/access-log/", views_investigators.my_access_log_view, name="my-access-log"),
    path("org/investigators/", views_investigators.investigators_view, name="investigators"),
    path(
        "org/investigators/<str:username>/",
        views_investigators.investigator_detail_view,
        name="investigator",
    ),
    path(
        "org/investigators/<str:username>/revoke",
        views_investigators.investigator_revoke_view,
        name="investigator-revoke",
    ),
    path("account/tokens/<int:token_id>/revoke", accounts.token_revoke_view, name="token-revoke"),
    path("audit/ledger/", audit.ledger_view, name="ledger"),
    path("audit/ledger/verify", audit.verify_view, name="ledger-verify"),
    path("audit/ledger/checkpoint", audit.checkpoint_view, name="ledger-checkpoint"),
    path("gates/", gates.decision_list_view, name="gates"),
    path("gates/decisions/<int:decision_id>/", gates.decision_detail_view, name="gate-decision"),
    path("gates/policy/", gates.policy_view, name="gate-policy"),
    path("gates/try/", gates.try_view, name="gate-try"),
    path("gates/rechecks/", gates.recheck_list_view, name="gate-rechecks"),
    path("gates/sanctions/", gates.sanctions_view, name="gate-sanctions"),
    path("governance/", include("conduct.apps.governance.urls")),
    path("suppliers/", include("conduct.apps.suppliers.urls")),
    path("catalog/", include("conduct.apps.catalog.urls")),
    path("reports/", include("conduct.apps.reports.urls")),
    path("risks/", include("conduct.apps.reports.risk_urls")),
    path("screening/", include("conduct.apps.screening.urls")),
    path("access/", include("conduct.apps.access.urls")),
    path("workforce/", include("conduct.apps.workforce.urls")),
    path("grievances/", include("conduct.apps.grievances.urls")),
    path("report/", include(report_pages)),
    path("products/", include("conduct.apps.products.urls")),
    path("engagement/", include("conduct.apps.engagement.urls")),
]
