"""`conduct --version` and every local verb start without the remote client's HTTP stack (issue 23: a CLI
called on every build; urllib and http.client cost 70-80 ms of a 0.03 s start)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_cli_imports_the_http_client_only_for_a_remote_call() -> None:
    code = (
        "import sys; from conduct.cli import main; import conduct.pipeline; "
        "conduct.pipeline.remote_main(['gate', 'check', 'sales_deal', 'subject.json']); "
        "heavy = ('urllib.request', 'http.client', 'conduct.pipeline.client'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    env = {name: value for name, value in os.environ.items() if name != "CONDUCT_URL"}  # a local call
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.strip() == "[]"


def test_a_reader_that_stops_reading_ends_the_output_without_a_traceback() -> None:
    # `conduct lists load ... | head -1` once ended in a BrokenPipeError traceback
    code = "import time; time.sleep(0.5); from conduct.cli import main; main(['--version'])"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before it writes a byte
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=30) == 1
    assert stderr == ""


def test_a_cli_call_writes_page_links_without_importing_the_api(tmp_path) -> None:
    # a gate check that opens a case links to the case's page: the pages' URL map, not the ~1,000 API
    # schemas (2-3 s of a CLI call); the server keeps the whole map
    probe = (
        "from django.urls import reverse; import sys; "
        "print(reverse('case', args=[7]), 'conduct.config.api' in sys.modules)"
    )
    code = f"from conduct.cli import main; main(['shell', '-c', {probe!r}])"
    env = {**os.environ, "CONDUCT_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.strip().splitlines()[-1] == "/governance/cases/7/ False"


def test_a_database_that_cannot_be_opened_is_one_line_and_exit_2(tmp_path) -> None:
    # `conduct migrate` against a PostgreSQL database not created yet ended in two pages of traceback
    env = {
        **os.environ,
        "CONDUCT_HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/no/such/folder/db.sqlite3",
        "CONDUCT_LANGUAGE": "en",
    }
    code = "from conduct.cli import main; main(['lists', 'show'])"
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "error: the database cannot be used: unable to open database file"


def _entry(body: str, tmp_path) -> subprocess.CompletedProcess[str]:
    """`conduct.cli.entry()` in a fresh interpreter, with main() replaced by `body`."""
    code = (
        "import atexit, sys\n"
        "from conduct import cli\n"
        "atexit.register(lambda: print('atexit ran', flush=True))\n"
        "class Held:\n"
        "    def __del__(self): print('torn down', flush=True)\n"
        "held = Held()  # freed by the interpreter's teardown, which entry() skips\n"
        f"def main():\n{body}\n"
        "cli.main = main\n"
        "cli.entry()\n"
        "print('not reached')\n"
    )
    env = {**os.environ, "CONDUCT_HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def test_the_console_script_ends_without_the_interpreter_teardown_but_finishes_first(tmp_path) -> None:
    # issue 23: freeing a loaded screening index at exit took 1.1 s of a 2.5 s `gate check`; entry() ends
    # the process with os._exit once the output is flushed and the atexit handlers have run
    done = _entry("    sys.stdout.write('answer without a newline')\n    raise SystemExit(3)", tmp_path)
    assert done.returncode == 3
    assert done.stdout == "answer without a newline" + "atexit ran\n"
    assert _entry("    print('fine')", tmp_path).returncode == 0
    said = _entry("    raise SystemExit('conduct: something is wrong')", tmp_path)
    assert said.returncode == 1 and said.stderr == "conduct: something is wrong\n"
    # as the interpreter's exit does, it waits for a thread that is not a daemon before the atexit handlers
    late = (
        "    import threading, time\n"
        "    threading.Thread(target=lambda: (time.sleep(0.3), print('late'))).start()"
    )
    assert _entry(late, tmp_path).stdout == "late\natexit ran\n"


def test_the_console_script_closes_the_database_connections_before_it_ends(tmp_path) -> None:
    body = (
        "    import django; django.setup()\n"
        "    from django.db import connection, connections\n"
        "    connection.ensure_connection()\n"
        "    import conduct.cli as c; real = connections.close_all\n"
        "    connections.close_all = lambda: (print('closed', flush=True), real())"
    )
    done = _entry(body, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "closed\natexit ran\n"


def test_conduct_is_installed_with_the_fast_exit_entry_point() -> None:
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="conduct")
    assert script.value == "conduct.cli:entry"


def test_a_cli_call_that_links_to_a_page_does_without_the_libraries_only_some_verbs_use(tmp_path) -> None:
    # issue 23: cel's REPL (prompt_toolkit, typer, rich: 70 ms), openpyxl (50 ms, reading XLSX imports),
    # pygal (0.1-0.2 s, the dashboard's charts), markdown-it and Pillow (20 ms), django-ninja and pydantic
    # (~0.1 s: ninja was an installed app) were imported by every process that set Django up or loaded the
    # pages' URL map (a gate check that opens a case)
    heavy = ("prompt_toolkit", "typer", "openpyxl", "pygal", "markdown_it", "PIL", "ninja", "pydantic")
    probe = (
        "from django.urls import reverse; import sys; reverse('case', args=[7]); "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    code = f"from conduct.cli import main; main(['shell', '-c', {probe!r}])"
    env = {**os.environ, "CONDUCT_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_what_the_set_up_made_is_out_of_the_collectors_reach(tmp_path) -> None:
    # issue 23: a full collection over Django's and the apps' objects landed in the middle of a CLI call
    code = (
        "import gc, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'conduct.config.settings')\n"
        "from conduct.cli import setup\n"
        "before = gc.get_freeze_count(); setup(); print(before == 0, gc.get_freeze_count() > 10_000)\n"
    )
    env = {**os.environ, "CONDUCT_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.split() == ["True", "True"]
