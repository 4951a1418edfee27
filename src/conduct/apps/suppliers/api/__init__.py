"""JSON API for suppliers: suppliers, sites, contacts, tier relations, onboarding, risk, certificates, audits,
findings, corrective actions, questionnaires, import and export (/api/v1/...). One router, one module per
concept.

Portal users of a supplier read and work their own records here too (their certificates, corrective actions
and questionnaires); internal-only fields (risk, screening) answer 403 to them.
"""

from ninja import Router

router = Router(tags=["suppliers"])

# The modules add their operations to `router` in this order, which is the order URLs are matched in: the
# import's fixed paths (/suppliers/import, /suppliers/risk/recompute) before /suppliers/{supplier_id}.
# isort: off
from conduct.apps.suppliers.api import importing  # noqa: E402
from conduct.apps.suppliers.api import suppliers  # noqa: E402
from conduct.apps.suppliers.api import sites  # noqa: E402
from conduct.apps.suppliers.api import certificates  # noqa: E402
from conduct.apps.suppliers.api import audits  # noqa: E402
from conduct.apps.suppliers.api import actions  # noqa: E402
from conduct.apps.suppliers.api import questionnaires  # noqa: E402

# isort: on

# Operation ids stay those of the single module the API was (ninja derives them from the module's name).
for _view in router.path_operations.values():
    for _operation in _view.operations:
        _operation.operation_id = (
            _operation.operation_id or f"conduct_apps_suppliers_api_{_operation.view_func.__name__}"
        )

__all__ = ["actions", "audits", "certificates", "importing", "questionnaires", "router", "sites", "suppliers"]
