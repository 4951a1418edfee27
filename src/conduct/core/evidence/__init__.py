"""Signed evidence bundles: a zip of records, documents and ledger segments with a signed manifest, and its
offline verification (no database, no Django). See docs/evidence.md for the format."""

from ._bundle import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    MANIFEST_CONTEXT,
    BundleError,
    BundleVerifyResult,
    LedgerSegment,
    bundle_bytes,
    verify_bundle,
)
from ._cli import main

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "MANIFEST_CONTEXT",
    "BundleError",
    "BundleVerifyResult",
    "LedgerSegment",
    "bundle_bytes",
    "main",
    "verify_bundle",
]
