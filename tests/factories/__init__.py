"""factory_boy factories: each test builds the rows it needs instead of leaning on the demo organisation.

One module per area (accounts here; gates, suppliers, ... add theirs and build on these). Factories write
rows directly, not through services, and so write no ledger entries: a test of a service calls the service.
"""

from tests.factories.accounts import (
    PASSWORD,
    LiaisonFactory,
    OrgUnitFactory,
    PortalOrganisationFactory,
    UserFactory,
)

__all__ = [
    "PASSWORD",
    "LiaisonFactory",
    "OrgUnitFactory",
    "PortalOrganisationFactory",
    "UserFactory",
]
