"""`conduct gate check GATE SUBJECT.json --server URL`: the decision from a running Conduct."""

from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
from pathlib import Path

from conduct.core.gate_names import unknown_gate
from conduct.pipeline._i18n import _
from conduct.pipeline.client import Client, RemoteError
from conduct.pipeline.output import GATE_EXIT, GATE_INVALID, gate_invalid, gate_json, gate_lines, gate_result


class _Invalid(Exception):
    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conduct gate check",
        description=_("Decide a subject at a gate on a Conduct server and print the decision."),
    )
    parser.add_argument("gate")
    parser.add_argument("subject", help=_("Path to a JSON file, or - for standard input"))
    parser.add_argument("--json", action="store_true", help=_("Print the decision as one JSON object"))
    parser.add_argument("--dry-run", action="store_true", help=_("Evaluate only; record nothing"))
    parser.add_argument(
        "--as", dest="as_user", help=_("(local only: with --server the token's user decides)")
    )
    parser.add_argument("--unit", help=_("Org unit code the decision belongs to"))
    parser.add_argument("--idempotency-key")
    return parser


def gate_check(client: Client, argv: list[str]) -> int:
    opts = _parser().parse_args(argv)
    try:
        return _check(client, opts)
    except _Invalid as exc:
        stream, lines = gate_invalid(exc.message, exc.fields, as_json=opts.json)
        out = sys.stdout if stream == "stdout" else sys.stderr
        out.write("".join(line + "\n" for line in lines))
        return GATE_INVALID


def _check(client: Client, opts: argparse.Namespace) -> int:
    source = opts.subject
    try:
        raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise _Invalid(f"{source}: {exc.strerror}") from None
    try:
        subject = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _Invalid(
            _("%(source)s: not JSON (line %(lineno)s, column %(colno)s: %(msg)s)")
            % {"source": source, "lineno": exc.lineno, "colno": exc.colno, "msg": exc.msg}
        ) from None
    if opts.as_user:
        raise _Invalid(
            _("--as %(as_user)s: not with --server (the API token's user decides)")
            % {"as_user": opts.as_user}
        )
    unknown = unknown_gate(opts.gate)
    if unknown is not None:
        raise _Invalid(*unknown)
    if not isinstance(subject, dict):
        raise _Invalid(_("The subject must be a JSON object."), {"subject": _("Expected a JSON object.")})
    gate = urllib.parse.quote(opts.gate, safe="")
    if opts.dry_run:
        answer = client.call("POST", f"/gates/{gate}/evaluate", body=subject, query={"org_unit": opts.unit})
    else:
        answer = client.call(
            "POST",
            f"/gates/{gate}/decisions",
            body=subject,
            query={"org_unit": opts.unit},
            headers={"Idempotency-Key": opts.idempotency_key},
        )
    if answer.error is not None:
        raise _Invalid(*answer.error)
    body = answer.body
    if not isinstance(body, dict) or body.get("outcome") not in GATE_EXIT:
        raise RemoteError(_("%(server)s answered without a decision") % {"server": client.server})
    result = gate_result(body, None if opts.dry_run else body.get("id"))
    text = gate_json(result) if opts.json else "\n".join(gate_lines(result))
    sys.stdout.write(text + "\n")
    return GATE_EXIT[result["outcome"]]
