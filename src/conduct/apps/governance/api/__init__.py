"""JSON API for governance: committees, cases, votes, decisions, recommendations and the liaison network."""

from ninja import Router

from conduct.apps.governance.api import cases, committees, recommendations

router = Router()
router.add_router("", committees.router)
router.add_router("", cases.router)
router.add_router("", recommendations.router)

__all__ = ["router"]
