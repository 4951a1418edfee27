"""`conduct suppliers import FILE... --server URL`: check (preview) or import supplier files on a running
Conduct. The server queues the follow-up (screening the imported suppliers, one risk recompute)."""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

from conduct.pipeline._i18n import _
from conduct.pipeline.client import Client, RemoteError
from conduct.pipeline.output import (
    import_committed,
    import_previewed,
    import_problems,
    import_report_json,
    import_report_lines,
)

FAILED = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conduct suppliers import",
        description=_("Check (preview) or import (--commit) supplier files on a Conduct server."),
    )
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--commit", action="store_true", help=_("Import when there is no problem"))
    parser.add_argument("--unit", help=_("Org unit code for new suppliers"))
    parser.add_argument("--json", action="store_true", help=_("Print the report as JSON"))
    parser.add_argument("--no-risk", action="store_true", help=_("(local only)"))
    return parser


# The class name Django prints before a command's error; the local command prints the same.
_COMMAND_ERROR = "CommandError"


def _fail(message: str) -> int:
    sys.stderr.write(f"{_COMMAND_ERROR}: {message}\n")
    return FAILED


def suppliers_import(client: Client, argv: list[str]) -> int:
    opts = _parser().parse_args(argv)
    files = []
    for path in opts.files:
        if not path.is_file():
            return _fail(f"{path}: no such file")
        try:
            content = path.read_bytes()
        except OSError as exc:
            return _fail(f"{path}: {exc.strerror or exc}")
        files.append({"name": path.name, "content_base64": base64.b64encode(content).decode("ascii")})
    answer = client.call(
        "POST",
        "/suppliers/import",
        body={"files": files},
        query={"commit": "true" if opts.commit else "false", "org_unit": opts.unit},
    )
    if answer.error is not None:
        return _fail(answer.error[0])
    report = answer.body
    if not isinstance(report, dict) or "ok" not in report:
        raise RemoteError(_("%(server)s answered without an import report") % {"server": client.server})
    out = sys.stdout
    if opts.json:
        out.write(import_report_json(report) + "\n")
    else:
        out.write("".join(line + "\n" for line in import_report_lines(report)))
    if not report["ok"]:
        return _fail(import_problems(report))
    if not report["committed"]:
        out.write(import_previewed(report) + "\n")
        return 0
    out.write(import_committed(report) + "\n")
    out.write(_("The server screens the imported suppliers and recomputes risk in the background.") + "\n")
    return 0
