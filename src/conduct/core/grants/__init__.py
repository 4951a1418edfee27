"""Device-access grants: signed, scoped, time-bound permissions a customer gives vendor support for one
device, as compact Ed25519 tokens, and the check made before every access.
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
from ._support import generate_keypair

__all__ = [
    "GRANT_CONTEXT",
    "GRANT_SCOPES",
    "Grant",
    "GrantCheck",
    "GrantReason",
    "generate_keypair",
    "sign_grant",
    "verify_grant",
]
