"""Screening writes, and the functions other apps call. Every write takes keyword-only arguments, checks
permissions, runs in one transaction and appends to the audit ledger. Import from here; the modules behind
are private.

For other apps:
- `party_upsert(*, actor, reference, kind, name, aliases, country, entity_type, org_unit)` registers or updates a
  party ("supplier:12") and screens it at once;
- `screening_summary_for(reference)`, `party_confirmed_matches(reference)` and `supplier_screening(ids)` read
  where its screening stands (risk drivers, pages);
- `policy_screener()` is what the gates screen names with.
"""

from conduct.apps.screening.selectors import (
    party_confirmed_matches,
    screening_search,
    screening_summary_for,
    supplier_screening,
)
from conduct.apps.screening.services.alerts import DECISIONS, alert_review
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
from conduct.apps.screening.services.parties import ScreeningOutcome, party_screen, party_upsert

__all__ = [
    "DECISIONS",
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
    "party_screen",
    "party_upsert",
    "policy_screener",
    "screening_search",
    "screening_summary_for",
    "supplier_screening",
    "upload_max_bytes",
]
