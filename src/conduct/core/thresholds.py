"""The screening score thresholds, defined once: the screening engine grades its matches with them and the
policy engine's screening port judges hits with them."""

from __future__ import annotations

ALERT_THRESHOLD = 0.80  # at or above: a potential match, to be reviewed
STRONG_THRESHOLD = 0.95  # at or above: a strong match (exact or near-exact after normalisation)
