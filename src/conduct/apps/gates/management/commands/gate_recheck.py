"""conduct gate recheck [--json] [--if-changed]

Re-check earlier allowed and approved gate decisions against the pack, reference data (sanctions programmes,
regions) and lists in force now, synchronously (no worker needed). Each decision that would now be denied is
listed, recorded as a finding and its cases reopened. Exit 0 (2 on an error).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from conduct.apps.accounts.actors import CLI
from conduct.apps.errors import ServiceError
from conduct.apps.gates.services.recheck import gate_recheck


class Command(BaseCommand):
    help = "Re-check earlier allowed and approved gate decisions against the data in force now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the summary as one JSON object")
        parser.add_argument(
            "--if-changed", action="store_true", help="Do nothing if this data version was re-checked already"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            summary = gate_recheck(actor=CLI, trigger="cli", force=not opts["if_changed"]).to_dict()
        except ServiceError as exc:
            self.stderr.write(f"error: {exc.message}")
            sys.exit(2)
        if opts["json"]:
            self.stdout.write(json.dumps(summary))
        elif summary["skipped"]:
            self.stdout.write(f"nothing to do: data version {summary['data_version']} was re-checked already")
        else:
            self.stdout.write(
                f"re-checked {summary['checked']} allowed or approved decisions; "
                f"{len(summary['found'])} would now be denied (run {summary['run']})"
            )
            for found in summary["found"]:
                cases = ", ".join(str(c) for c in found["cases"]) or "none"
                self.stdout.write(
                    f"  decision {found['decision']} {found['gate']} {found['reference']}: "
                    f"{found['was']} -> {found['now']} ({', '.join(found['rules'])}); cases {cases}"
                )
