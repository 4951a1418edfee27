"""`conduct gate check`, `conduct screen` and `conduct suppliers import` against a running Conduct.

With `--server URL` (or the environment variable CONDUCT_URL) and an API token in CONDUCT_TOKEN, these verbs
call the server's API instead of opening the database: no Django, no lists loaded, so a CI pipeline's call
takes a fraction of a second. Output and exit codes are those of the local form (conduct.pipeline.output
prints both). `conduct.cli` dispatches here before it sets Django up. Django-free (import-linter checks it).

Exit codes beyond the verb's own: 2 bad usage (no token, a URL that is not http(s)), 4 the server could not
be used (unreachable, the token refused, a server error).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from conduct.pipeline._i18n import _

# The HTTP client (urllib, http.client: 70-80 ms) is imported only for a remote call: `conduct --version`
# and every local verb import this package (conduct.cli reads its language helpers) without paying for it.

VERBS: dict[tuple[str, ...], str] = {
    ("gate", "check"): "gate",
    ("screen",): "screen",
    ("suppliers", "import"): "suppliers",
}


def _split_server(args: list[str]) -> tuple[str | None, list[str]]:
    """The --server value (or CONDUCT_URL) and the arguments without it."""
    from conduct.pipeline.client import RemoteError

    rest: list[str] = []
    server = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--server":
            if i + 1 >= len(args):
                raise RemoteError(_("--server needs a URL (https://conduct.example.org)"), exit_code=2)
            server = args[i + 1]
            i += 2
            continue
        if arg.startswith("--server="):
            server = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        i += 1
    if server is None:
        server = os.environ.get("CONDUCT_URL") or None
    return server, rest


def remote_main(args: list[str]) -> int | None:
    """Run `args` (after `conduct`) against a server and return the exit code, or None when it is not a
    remote call (no --server, no CONDUCT_URL, or another verb)."""
    for words in VERBS:
        if tuple(args[: len(words)]) == words:
            verb = VERBS[words]
            break
    else:
        return None
    remote = os.environ.get("CONDUCT_URL") or any(a == "--server" or a.startswith("--server=") for a in args)
    if not remote:
        return None  # a local call: without the HTTP client's imports (30 ms)
    from conduct.pipeline.client import Client, RemoteError

    try:
        server, rest = _split_server(args[len(words) :])
        if server is None:
            return None
        client = Client.from_env(server)
        runner: Callable[[Any, list[str]], int]
        if verb == "gate":
            from conduct.pipeline.gate import gate_check as runner
        elif verb == "screen":
            from conduct.pipeline.screen import screen as runner
        else:
            from conduct.pipeline.suppliers import suppliers_import as runner
        return runner(client, rest)
    except RemoteError as exc:
        sys.stderr.write(_("conduct: %(error)s") % {"error": exc} + "\n")
        return exc.exit_code
