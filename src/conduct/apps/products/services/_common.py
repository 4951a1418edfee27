"""What the product services share: the ledger's action names."""

from __future__ import annotations

from enum import StrEnum


class ProductAction(StrEnum):
    """Ledger action names of the product register."""

    PRODUCT_CREATE = "product.create"
    PRODUCT_IMPORT = "product.import"
    RELEASE_CREATE = "release.create"
    RELEASE_UPDATE = "release.update"
    SBOM_IMPORT = "sbom.import"
    VULNS_LOAD = "vulns.load"
    VEX_RECORD = "vex.record"
