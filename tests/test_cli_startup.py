"""`conduct --version` and every local verb start without the remote client's HTTP stack (issue 23: a CLI
called on every build; urllib and http.client cost 70-80 ms of a 0.03 s start)."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_imports_the_http_client_only_for_a_remote_call() -> None:
    code = (
        "import sys; from conduct.cli import main; import conduct.pipeline; "
        "heavy = ('urllib.request', 'http.client', 'conduct.pipeline.client'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
