"""Risk engines: UNGP salience of human-rights risks, supplier risk with drivers, and tier propagation.

Every result explains itself: salience lists how each input counted, a supplier score is the sum of named
drivers, and risk that reaches a buyer from below names the sub-supplier, its distance and the path.
score_suppliers runs the whole recompute (own risk, propagation, upstream) for all or some suppliers.
"""

from ._propagation import Propagated, affected_buyers, propagate, reverse_graph, score_suppliers
from ._salience import SALIENCE_BANDS, HeatmapCell, Salience, heatmap, heatmap_cell, salience
from ._supplier import add_upstream, supplier_risk
from ._supplier_model import (
    DEFAULT_WEIGHTS,
    ENVIRONMENTAL_CATEGORIES,
    ISO_14001,
    ISO_45001,
    LABOUR_INTENSIVE_CATEGORIES,
    PROPAGATING_DRIVERS,
    SA8000,
    RiskDriver,
    RiskWeights,
    SupplierRisk,
    SupplierRiskInputs,
    UpstreamContribution,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "ENVIRONMENTAL_CATEGORIES",
    "ISO_14001",
    "ISO_45001",
    "LABOUR_INTENSIVE_CATEGORIES",
    "PROPAGATING_DRIVERS",
    "SA8000",
    "SALIENCE_BANDS",
    "HeatmapCell",
    "Propagated",
    "RiskDriver",
    "RiskWeights",
    "Salience",
    "SupplierRisk",
    "SupplierRiskInputs",
    "UpstreamContribution",
    "add_upstream",
    "affected_buyers",
    "heatmap",
    "heatmap_cell",
    "propagate",
    "reverse_graph",
    "salience",
    "score_suppliers",
    "supplier_risk",
]
