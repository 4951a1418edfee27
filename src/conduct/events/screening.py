"""Events screening emits and the providers screening implements for other apps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conduct.events._bus import Event, Provider


@dataclass(frozen=True)
class AlertEscalated(Event):
    """An analyst escalated a screening alert to the officers.

    Emitted by screening inside the alert review's transaction, before the alert records its case. Handled by
    governance, which opens the case on the officers' queue and returns it (screening links the alert to it,
    then appends its own history row and `screening.alert_escalate` entry after the case's entries). With no
    handler answering a case, screening raises EscalationUnhandled and the review is rolled back.

    actor: the analyst. alert: the Alert row. title, description: the case's text. dimension: the case's
    dimension. org_unit: the party's unit (or None). subject_ref: e.g. "alert 12".
    """

    actor: Any
    alert: Any
    title: str
    description: str
    dimension: str
    org_unit: Any
    subject_ref: str


@dataclass(frozen=True)
class ListVersionLoaded(Event):
    """A new version of a watch list was stored and made current.

    Emitted by screening's list load inside its transaction, after the version, its entries and its ledger
    entry are written; not emitted when the file is the current version's already. Handled by screening itself
    (delta re-screening of stored parties is queued on commit) and by anyone caching the current lists.

    actor: who loaded it (a user or a system actor). watch_list_id, version_id: the rows. name: the list's
    name. changed: whether its entries differ from the previous version (True for a list's first version).
    """

    actor: Any
    watch_list_id: int
    version_id: int
    name: str
    changed: bool


gate_screener: Provider[[], Any] = Provider(
    "screening.gate_screener",
    "gate_screener() -> conduct.core.policy.Screener over the current lists (NullScreener when none).",
)

supplier_screening: Provider[..., dict[int, dict[str, Any]]] = Provider(
    "screening.supplier_screening",
    "supplier_screening(supplier_ids) -> {id: {'confirmed': [list kinds], 'open_alerts': int,"
    " 'results': [...]}} for the suppliers that were screened.",
)
