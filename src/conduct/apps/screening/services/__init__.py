"""Screening writes. Every write takes keyword-only arguments and an `actor`, authorizes it, runs in one
transaction and appends to the audit ledger. Import from here; the modules behind are private.

Other apps reach screening through conduct.events, never through this package: the gates' screener and the
suppliers' screening facts are providers (screening/providers.py), and suppliers are registered as parties by
screening's handler of SuppliersChanged (screening/handlers.py).
"""

from conduct.apps.screening.selectors import (
    party_confirmed_matches,
    screening_search,
    screening_summary_for,
    supplier_screening,
)
from conduct.apps.screening.services.alerts import DECISIONS, EscalationUnhandled, alert_review
from conduct.apps.screening.services.delta import delta_screen
from conduct.apps.screening.services.gates import PolicyScreener, policy_screener
from conduct.apps.screening.services.lists import (
    Loaded,
    UploadTooLarge,
    file_sha256,
    list_load,
    list_read,
    list_upload,
    upload_max_bytes,
)
from conduct.apps.screening.services.matches import ScreeningOutcome, party_screen
from conduct.apps.screening.services.parties import party_register, party_upsert

__all__ = [
    "DECISIONS",
    "EscalationUnhandled",
    "Loaded",
    "PolicyScreener",
    "ScreeningOutcome",
    "UploadTooLarge",
    "alert_review",
    "delta_screen",
    "file_sha256",
    "list_load",
    "list_read",
    "list_upload",
    "party_confirmed_matches",
    "party_register",
    "party_screen",
    "party_upsert",
    "policy_screener",
    "screening_search",
    "screening_summary_for",
    "supplier_screening",
    "upload_max_bytes",
]
