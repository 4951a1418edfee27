"""conduct gate recheck [--json] [--if-changed]

Re-check earlier allowed and approved gate decisions against the pack, reference data (sanctions programmes,
regions) and lists in force now, synchronously (no worker needed). Each decision that would now be denied is
listed, recorded as a finding and its cases reopened. Exit 0 (2 on an error).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.gates.services.recheck import gate_recheck


class Command(ConductCommand):
    help = gettext_noop("Re-check earlier allowed and approved gate decisions against the data in force now.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help=_("Print the summary as one JSON object"))
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help=_("Do nothing if this data version was re-checked already"),
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            summary = gate_recheck(actor=CLI, trigger="cli", force=not opts["if_changed"]).to_dict()
        except ServiceError as exc:
            self.stderr.write(_("error: %(message)s") % {"message": exc.message})
            sys.exit(2)
        if opts["json"]:
            self.stdout.write(json.dumps(summary))
        elif summary["skipped"]:
            self.stdout.write(
                _("nothing to do: data version %(data_version)s was re-checked already")
                % {"data_version": summary["data_version"]}
            )
        else:
            self.stdout.write(
                _(
                    "re-checked %(checked)s allowed or approved decisions; %(count)s would now be "
                    "denied (run %(run)s)"
                )
                % {"checked": summary["checked"], "count": len(summary["found"]), "run": summary["run"]}
            )
            for found in summary["found"]:
                cases = ", ".join(str(c) for c in found["cases"]) or "none"
                self.stdout.write(
                    _(
                        "  decision %(decision)s %(gate)s %(reference)s: %(was)s -> %(now)s (%(rules)s); "
                        "cases %(cases)s"
                    )
                    % {
                        "decision": found["decision"],
                        "gate": found["gate"],
                        "reference": found["reference"],
                        "was": found["was"],
                        "now": found["now"],
                        "rules": ", ".join(found["rules"]),
                        "cases": cases,
                    }
                )
