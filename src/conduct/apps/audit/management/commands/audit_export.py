"""conduct audit export [--out FILE] [--public-key-out KEY] [--checkpoint-out FILE.json]

The ledger as JSON lines with signed checkpoints; optionally the public key and the latest checkpoint in its
published form (with the key's fingerprint), to publish apart from the export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.audit.selectors import latest_checkpoint
from conduct.apps.audit.services import export_lines, signing_keys
from conduct.apps.commandkit import ConductCommand


class Command(ConductCommand):
    help = gettext_noop("Export the audit ledger as JSON lines (entries, then signed checkpoints).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help=_("File to write (default: standard output)"))
        parser.add_argument(
            "--public-key-out", type=Path, help=_("Also write the signing public key (PEM) here")
        )
        parser.add_argument(
            "--checkpoint-out",
            type=Path,
            help=_("Also write the latest signed checkpoint (JSON) here, to publish"),
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        count = 0
        if opts["out"]:
            with opts["out"].open("w", encoding="utf-8") as fh:
                for line in export_lines():
                    fh.write(line)
                    count += 1
            self.stderr.write(_("Wrote %(count)s lines to %(out)s") % {"count": count, "out": opts["out"]})
        else:
            for line in export_lines():
                self.stdout.write(line, ending="")
        if opts["public_key_out"]:
            opts["public_key_out"].write_bytes(signing_keys()[1])
            self.stderr.write(
                _("Wrote the public key to %(public_key_out)s") % {"public_key_out": opts["public_key_out"]}
            )
        if opts["checkpoint_out"]:
            published = latest_checkpoint()
            opts["checkpoint_out"].write_text(json.dumps(published, indent=2, sort_keys=True) + "\n")
            self.stderr.write(
                _("Wrote the latest checkpoint to %(checkpoint_out)s")
                % {"checkpoint_out": opts["checkpoint_out"]}
            )
