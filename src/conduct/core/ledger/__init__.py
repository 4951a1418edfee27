"""Hash-chained audit ledger: entry hashing, streaming verification, signed checkpoints, verifiable export.

The Django audit app stores the entries; this package computes and checks their hashes. See
docs/audit-ledger.md for the canonical form and the export format an outsider verifies.
"""

from ._checkpoint import (
    Checkpoint,
    SignedCheckpoint,
    generate_keypair,
    public_key_fingerprint,
    public_key_id,
    sign_checkpoint,
    verify_checkpoint,
)
from ._export import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    ExportVerifyResult,
    export_lines,
    header_line,
    verify_export,
)
from ._record import (
    GENESIS_HASH,
    LedgerFormatError,
    LedgerRecord,
    canonical_bytes,
    compute_hash,
    covers_hash,
    record_from_json,
    record_to_json,
    seal_record,
    state_hash,
    state_hasher,
)
from ._verify import VerifyResult, verify_chain

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "GENESIS_HASH",
    "Checkpoint",
    "ExportVerifyResult",
    "LedgerFormatError",
    "LedgerRecord",
    "SignedCheckpoint",
    "VerifyResult",
    "canonical_bytes",
    "compute_hash",
    "export_lines",
    "generate_keypair",
    "header_line",
    "public_key_fingerprint",
    "public_key_id",
    "record_from_json",
    "record_to_json",
    "seal_record",
    "sign_checkpoint",
    "covers_hash",
    "state_hash",
    "state_hasher",
    "verify_chain",
    "verify_checkpoint",
    "verify_export",
]
