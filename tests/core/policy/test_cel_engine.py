"""The policy engine imports cel's compiled extension without its REPL; the REPL still works when used."""

from __future__ import annotations

import subprocess
import sys


def test_the_policy_engine_does_not_import_cels_repl_and_cel_cli_still_works() -> None:
    code = (
        "import sys\n"
        "from conduct.core.policy import load_pack\n"
        "print(sorted(m for m in ('prompt_toolkit', 'typer', 'rich') if m in sys.modules))\n"
        "import cel\n"
        "print(cel.compile('1 + 2').execute(cel.Context()))\n"
        "print(callable(cel.cli.main), 'prompt_toolkit' in sys.modules, cel.cli is sys.modules['cel.cli'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["[]", "3", "True True True"]
