"""conduct audit verify [--export FILE --public-key KEY]

Without options: recompute the stored chain and check every checkpoint. With --export: verify an exported
JSON-lines file offline (no database needed), checking its signed checkpoints against --public-key.
Exits 0 when everything verifies, 1 naming the first entry that does not, 2 on unusable input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from conduct.core import ledger as core_ledger


class Command(BaseCommand):
    help = "Verify the audit ledger's hash chain and signed checkpoints (or an exported file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--export", type=Path, help="An exported JSON-lines file to verify offline")
        parser.add_argument("--public-key", type=Path, help="PEM public key that signed the checkpoints")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["export"]:
            self._verify_file(opts["export"], opts["public_key"])
            return
        from conduct.apps.audit.services import ledger_verify

        result = ledger_verify()
        if result.ok:
            self.stdout.write(
                f"OK: {result.verified} entries verify; head #{result.head_seq} {result.head_hash}; "
                f"{result.checkpoints_checked} signed checkpoints check out."
            )
            return
        self.stderr.write(f"FAILED at entry #{result.first_bad_seq}: {result.reason}")
        sys.exit(1)

    def _verify_file(self, path: Path, key_path: Path | None) -> None:
        if not path.is_file():
            self.stderr.write(f"--export {path}: no such file")
            sys.exit(2)
        public_pem = None
        if key_path is not None:
            if not key_path.is_file():
                self.stderr.write(f"--public-key {key_path}: no such file")
                sys.exit(2)
            public_pem = key_path.read_bytes()
        with path.open(encoding="utf-8") as fh:
            result = core_ledger.verify_export(fh, public_pem=public_pem)
        if result.ok:
            self.stdout.write(result.message)
            return
        self.stderr.write(f"FAILED {result.message}")
        sys.exit(1)
