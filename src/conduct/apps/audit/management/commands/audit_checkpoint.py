"""conduct audit checkpoint [--out FILE.json] — sign the current head of the ledger.

--out writes the checkpoint in its published form (what `conduct audit verify --checkpoint FILE` takes);
publish it, with the key's fingerprint, where auditors can get it independently of the system.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.selectors import latest_checkpoint
from conduct.apps.audit.services import checkpoint_create
from conduct.apps.commandkit import ConductCommand


class Command(ConductCommand):
    help = gettext_noop("Sign the ledger's current head with the installation's Ed25519 key.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, help=_("Write the signed checkpoint here (JSON) to publish it")
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        cp = checkpoint_create(actor=CLI, reason="on request")
        self.stdout.write(
            _("Signed checkpoint at entry #%(seq)s (%(head_hash)s) with key %(key_id)s.")
            % {"seq": cp.seq, "head_hash": cp.head_hash, "key_id": cp.key_id}
        )
        published = latest_checkpoint()
        if published is None:  # pragma: no cover - just signed
            return
        self.stdout.write(
            _("To publish: %(seq)s:%(head_hash)s")
            % {"seq": published["seq"], "head_hash": published["head_hash"]}
        )
        if published["key_fingerprint"]:
            self.stdout.write(
                _("Key fingerprint (LEDGER_TRUSTED_KEYS): %(key_fingerprint)s")
                % {"key_fingerprint": published["key_fingerprint"]}
            )
        if opts["out"]:
            opts["out"].write_text(json.dumps(published, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            self.stderr.write(_("Wrote the checkpoint to %(out)s") % {"out": opts["out"]})
