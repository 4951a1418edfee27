"""Device-access grants: signed, scoped, time-bound permissions a customer gives vendor support for one
device, as compact Ed25519 tokens, the check made before every access, and signed revocation lists.
"""

from ._grant import (
    GRANT_CONTEXT,
    GRANT_SCOPES,
    Grant,
    GrantCheck,
    GrantReason,
    sign_grant,
    verify_grant,
)
from ._revocations import (
    REVOCATIONS_CONTEXT,
    RevocationList,
    RevocationListError,
    sign_revocations,
    verify_revocations,
)
from ._support import format_at, generate_keypair, parse_at

__all__ = [
    "GRANT_CONTEXT",
    "GRANT_SCOPES",
    "Grant",
    "GrantCheck",
    "GrantReason",
    "REVOCATIONS_CONTEXT",
    "RevocationList",
    "RevocationListError",
    "format_at",
    "generate_keypair",
    "parse_at",
    "sign_grant",
    "sign_revocations",
    "verify_grant",
    "verify_revocations",
]
