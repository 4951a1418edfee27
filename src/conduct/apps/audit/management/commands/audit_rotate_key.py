"""conduct audit rotate-key — replace the ledger's signing key.

The rotation is itself a ledger entry naming both keys' fingerprints, signed with the old key by a checkpoint
right after it; later checkpoints are signed with the new key. The old public key stays in CONDUCT_HOME/keys.
Publish the new fingerprint (and add it to LEDGER_TRUSTED_KEYS where that is set).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.services import ledger_key_rotate


class Command(BaseCommand):
    help = "Replace the ledger's signing key (a signed ledger event; the old public key is kept)."

    def handle(self, *args: Any, **opts: Any) -> None:
        rotation = ledger_key_rotate(actor=CLI)
        self.stdout.write(
            f"Rotated the signing key: {rotation.old_key_id} -> {rotation.new_key_id} "
            f"(entry #{rotation.entry.seq}, signed with the old key by checkpoint "
            f"#{rotation.checkpoint.seq}).\n"
            f"New key fingerprint, to publish and add to LEDGER_TRUSTED_KEYS: {rotation.new_fingerprint}\n"
            f"The old public key is kept in {rotation.kept_public_key}."
        )
