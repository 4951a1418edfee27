"""conduct gate check GATE SUBJECT.json [--json] [--dry-run] [--as USER] [--unit CODE]

Exit codes, for CI pipelines and ERP hooks: 0 allow, 1 deny, 3 review, 2 invalid input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI, Actor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.gates import services
from conduct.pipeline.output import GATE_EXIT, GATE_INVALID, gate_invalid, gate_json, gate_lines, gate_result

EXIT = GATE_EXIT
INVALID = GATE_INVALID


class Command(ConductCommand):
    help = gettext_noop("Decide a subject at a gate and print the decision. Records it unless --dry-run.")
    # called by pipelines on every build: Django's system checks import every URL and API module (1-2 s);
    # they run at server start and in `conduct check` instead
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("gate")
        parser.add_argument("subject", help=_("Path to a JSON file, or - for standard input"))
        parser.add_argument("--json", action="store_true", help=_("Print the decision as one JSON object"))
        parser.add_argument("--dry-run", action="store_true", help=_("Evaluate only; record nothing"))
        parser.add_argument(
            "--as", dest="as_user", help=_("Record as this user (default: the operator, 'cli')")
        )
        parser.add_argument("--unit", help=_("Org unit code the decision belongs to"))
        parser.add_argument("--idempotency-key")

    def fail(self, message: str, fields: dict[str, str] | None = None, as_json: bool = False) -> NoReturn:
        stream, lines = gate_invalid(message, fields, as_json=as_json)
        for line in lines:
            (self.stdout if stream == "stdout" else self.stderr).write(line)
        sys.exit(INVALID)

    def handle(self, *args: Any, **opts: Any) -> None:
        as_json = opts["json"]
        source = opts["subject"]
        try:
            raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            self.fail(f"{source}: {exc.strerror}", as_json=as_json)
        try:
            subject = json.loads(raw)
        except json.JSONDecodeError as exc:
            self.fail(
                _("%(source)s: not JSON (line %(lineno)s, column %(colno)s: %(msg)s)")
                % {"source": source, "lineno": exc.lineno, "colno": exc.colno, "msg": exc.msg},
                as_json=as_json,
            )
        actor: Actor = CLI
        if opts["as_user"]:
            user = User.objects.filter(username=opts["as_user"], is_active=True).first()
            if user is None:
                self.fail(
                    _("--as %(as_user)s: no such active user") % {"as_user": opts["as_user"]}, as_json=as_json
                )
            actor = user
        unit = None
        if opts["unit"]:
            unit = OrgUnit.objects.filter(code=opts["unit"]).first()
            if unit is None:
                self.fail(_("--unit %(unit)s: no such org unit") % {"unit": opts["unit"]}, as_json=as_json)
        try:
            if opts["dry_run"]:
                found = services.gate_evaluate(gate=opts["gate"], subject=subject, unit=unit).to_dict()
                decision_id = None
            else:
                decided = services.gate_decide(
                    actor=actor,
                    gate=opts["gate"],
                    subject=subject,
                    org_unit=unit,
                    idempotency_key=opts["idempotency_key"],
                )
                found = dict(decided.decision.result)
                decision_id = decided.decision.pk
        except ServiceError as exc:
            self.fail(exc.message, exc.fields, as_json=as_json)
        result = gate_result(found, decision_id)
        if as_json:
            self.stdout.write(gate_json(result))
        else:
            for line in gate_lines(result):
                self.stdout.write(line)
        sys.exit(EXIT[result["outcome"]])
