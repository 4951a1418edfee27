"""The ledger's names for the organisation's changes: one place, so a reader can list them all."""

from __future__ import annotations

from enum import StrEnum


class AccountsAction(StrEnum):
    ORGUNIT_CREATE = "orgunit.create"
    ORGUNIT_UPDATE = "orgunit.update"
    PORTALORG_CREATE = "portalorg.create"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    USER_SET_PASSWORD = "user.set_password"  # noqa: S105 - a ledger action name
    LIAISON_ASSIGN = "liaison.assign"
    LIAISON_REMOVE = "liaison.remove"
    TOKEN_CREATE = "token.create"  # noqa: S105 - a ledger action name
    TOKEN_REVOKE = "token.revoke"  # noqa: S105 - a ledger action name
    INVESTIGATOR_GRANT = "investigator.grant"
    INVESTIGATOR_REVOKE = "investigator.revoke"
    # One request an investigator made: path, method and status (never a body). Issue 18.
    INVESTIGATOR_READ = "investigator.read"
    SESSION_END = "session.end"
    MFA_TOTP_ENROL = "mfa.totp_enrol"
    MFA_TOTP_REMOVE = "mfa.totp_remove"
    MFA_WEBAUTHN_ENROL = "mfa.webauthn_enrol"
    MFA_WEBAUTHN_REMOVE = "mfa.webauthn_remove"
    MFA_RECOVERY_CODES = "mfa.recovery_codes"
    MFA_RECOVERY_CODE_USED = "mfa.recovery_code_used"
    MFA_RESET = "mfa.reset"
    SCIM_USER_CREATE = "scim.user_create"
    SCIM_USER_UPDATE = "scim.user_update"
    SCIM_USER_DEACTIVATE = "scim.user_deactivate"
    SCIM_GROUP_CREATE = "scim.group_create"
    SCIM_GROUP_UPDATE = "scim.group_update"
    SCIM_GROUP_DELETE = "scim.group_delete"
    # Single sign-on (accounts.sso): a user created or updated from the identity provider's answer, and a
    # sign-in refused (no mapped group, a deactivated account).
    SSO_USER_CREATE = "sso.user_create"
    SSO_USER_UPDATE = "sso.user_update"
    SSO_DENIED = "sso.denied"
