"""conduct audit export [--out FILE] — the ledger as JSON lines with signed checkpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from conduct.apps.audit.services import export_lines, signing_keys


class Command(BaseCommand):
    help = "Export the audit ledger as JSON lines (entries, then signed checkpoints)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="File to write (default: standard output)")
        parser.add_argument(
            "--public-key-out", type=Path, help="Also write the signing public key (PEM) here"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        count = 0
        if opts["out"]:
            with opts["out"].open("w", encoding="utf-8") as fh:
                for line in export_lines():
                    fh.write(line)
                    count += 1
            self.stderr.write(f"Wrote {count} lines to {opts['out']}")
        else:
            for line in export_lines():
                self.stdout.write(line, ending="")
        if opts["public_key_out"]:
            opts["public_key_out"].write_bytes(signing_keys()[1])
            self.stderr.write(f"Wrote the public key to {opts['public_key_out']}")
