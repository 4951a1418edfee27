"""conduct audit rotate-key — replace the ledger's signing key.

The rotation is itself a ledger entry naming both keys' fingerprints, signed with the old key by a checkpoint
right after it; later checkpoints are signed with the new key. The old public key stays in CONDUCT_HOME/keys.
Publish the new fingerprint (and add it to LEDGER_TRUSTED_KEYS where that is set).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.services import ledger_key_rotate
from conduct.apps.commandkit import ConductCommand


class Command(ConductCommand):
    help = gettext_noop(
        "Replace the ledger's signing key (a signed ledger event; the old public key is kept)."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        rotation = ledger_key_rotate(actor=CLI)
        self.stdout.write(
            _(
                "Rotated the signing key: %(old_key_id)s -> %(new_key_id)s (entry #%(seq)s, "
                "signed with the old key by checkpoint #%(seq2)s).\nNew key fingerprint, to "
                "publish and add to LEDGER_TRUSTED_KEYS: %(new_fingerprint)s\nThe old public key "
                "is kept in %(kept_public_key)s."
            )
            % {
                "old_key_id": rotation.old_key_id,
                "new_key_id": rotation.new_key_id,
                "seq": rotation.entry.seq,
                "seq2": rotation.checkpoint.seq,
                "new_fingerprint": rotation.new_fingerprint,
                "kept_public_key": rotation.kept_public_key,
            }
        )
