"""Product register services: the only writers of products, releases, SBOM components, vulnerability records
and VEX statements. Each takes `actor` first, checks it with accounts.scoping.authorize and ledgers its change
in its transaction."""

from conduct.apps.products.services.register import (
    IMPORT_COLUMNS,
    ProductSpec,
    ReleaseSpec,
    product_create,
    products_import,
    release_add,
    release_update,
)
from conduct.apps.products.services.sboms import MAX_SBOM_BYTES, sbom_import
from conduct.apps.products.services.vex import vex_record
from conduct.apps.products.services.vulns import LoadResult, parse_documents, vulns_load

__all__ = [
    "IMPORT_COLUMNS",
    "MAX_SBOM_BYTES",
    "LoadResult",
    "ProductSpec",
    "ReleaseSpec",
    "parse_documents",
    "product_create",
    "products_import",
    "release_add",
    "release_update",
    "sbom_import",
    "vex_record",
    "vulns_load",
]
