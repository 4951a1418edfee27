"""The ledger's names for changes to a user's notification inbox."""

from __future__ import annotations

from enum import StrEnum


class NotificationAction(StrEnum):
    READ = "notification.read"
    CLEAR = "notification.clear"
