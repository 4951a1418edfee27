"""conduct audit checkpoint — sign the current head of the ledger."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from conduct.apps.audit.services import checkpoint_create


class Command(BaseCommand):
    help = "Sign the ledger's current head with the installation's Ed25519 key."

    def handle(self, *args: Any, **opts: Any) -> None:
        cp = checkpoint_create(actor="cli", reason="on request")
        self.stdout.write(f"Signed checkpoint at entry #{cp.seq} ({cp.head_hash}) with key {cp.key_id}.")
