"""The ledger actions screening writes: one name per change, as the ledger has always spelled them."""

from __future__ import annotations

from enum import StrEnum


class LedgerAction(StrEnum):
    LIST_LOAD = "screening.list_load"
    DELTA_SCREEN = "screening.delta_screen"
    PARTY_CREATE = "screening.party_create"
    PARTY_UPDATE = "screening.party_update"
    ALERT_OPEN = "screening.alert_open"
    ALERT_UPDATE = "screening.alert_update"
    ALERT_REOPEN = "screening.alert_reopen"
    ALERT_CLOSE = "screening.alert_close"
    ALERT_CONFIRM = "screening.alert_confirm"
    ALERT_DISMISS = "screening.alert_dismiss"
    ALERT_ESCALATE = "screening.alert_escalate"
    RELATIONS_LOAD = "screening.relations_load"
    SOURCE_ADD = "screening.source_add"
    SOURCE_FETCH = "screening.source_fetch"
    SOURCE_FAIL = "screening.source_fail"
    SOURCE_NOTIFY = "screening.source_notify"
