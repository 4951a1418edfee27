"""The cross-app reads screening implements (conduct.events.screening), registered by ScreeningConfig.ready.

- gate_screener(): the screener a gate evaluation screens names with, over the lists current now;
- supplier_screening(supplier_ids): where screening stands for each supplier registered as a party.
"""

from __future__ import annotations

from conduct.apps.screening.selectors import supplier_screening as _supplier_screening
from conduct.apps.screening.services.gates import policy_screener
from conduct.events.screening import gate_screener, supplier_screening

gate_screener.register(policy_screener)
supplier_screening.register(_supplier_screening)
