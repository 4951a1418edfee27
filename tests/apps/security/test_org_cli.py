"""A fresh install sets up its organisation from the CLI: `conduct org init` and `conduct org import`.

The fresh install is a real one: a new CONDUCT_HOME and SQLite file, migrated, driven through the `conduct`
command in subprocesses (exit codes and messages as an operator sees them).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

REPO = Path(__file__).resolve().parents[3]

ORG = textwrap.dedent(
    """\
    company: Example Co.
    units:
      - {code: legal, name: Legal, kind: department, country: DE, parent: hq}
      - {code: br-fr, name: France Branch, kind: branch, country: FR, parent: hq}
    liaisons:
      legal: [lena]
    committees:
      - slug: ethics
        name: Ethics Committee
        mandate: decides
        members:
          - {user: lena, role: chair}
    """
)


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    """run("org", "init", ...) -> CompletedProcess, on a freshly migrated install."""
    home = tmp_path_factory.mktemp("fresh")
    env = {
        **os.environ,
        "CONDUCT_HOME": str(home),
        "DATABASE_URL": f"sqlite:///{home / 'conduct.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "conduct.config.settings",
        "PYTHONPATH": str(REPO / "src"),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "conduct.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    migrated = run("migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    run.home = home  # type: ignore[attr-defined]
    return run


def test_init_creates_the_top_unit_once(install):
    first = install("org", "init", "Example Co. HQ", "--country", "DE")
    assert first.returncode == 0, first.stderr
    assert "Created the top unit hq" in first.stdout
    again = install("org", "init", "Another", "--country", "FR")
    assert again.returncode != 0
    assert "already has its top unit, hq" in again.stderr
    assert "Traceback" not in again.stderr


def test_import_is_idempotent_and_reports_what_it_created(install):
    install("org", "init", "Example Co. HQ", "--country", "DE")  # refused if the first test made it
    user = install("users", "create", "lena", "--role", "liaison")
    assert user.returncode == 0, user.stderr
    path = install.home / "org.yaml"
    path.write_text(ORG)
    first = install("org", "import", str(path))
    assert first.returncode == 0, first.stderr
    assert "2 units, 1 liaisons, 1 committees, 1 committee members" in first.stdout
    second = install("org", "import", str(path))
    assert second.returncode == 0, second.stderr
    assert "0 units, 0 liaisons, 0 committees, 0 committee members" in second.stdout


def test_a_bad_file_imports_nothing_and_names_each_problem(install):
    install("org", "init", "Example Co. HQ", "--country", "DE")
    path = install.home / "bad.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            units:
              - {code: ok-unit, name: Fine, kind: department, country: DE, parent: hq}
              - {code: bad-country, name: Bad, kind: department, country: XX, parent: hq}
              - {code: orphan, name: Orphan, kind: department, country: DE, parent: nowhere}
            liaisons:
              ok-unit: [ghost]
            """
        )
    )
    result = install("org", "import", str(path))
    assert result.returncode != 0
    assert "units[1].country:" in result.stderr
    assert "units[2].parent: no unit 'nowhere'" in result.stderr
    assert "liaisons.ok-unit[0]: no user 'ghost'" in result.stderr
    assert "nothing was imported" in result.stderr
    assert "Traceback" not in result.stderr
    check = install("org", "import", str(path))  # still refused: ok-unit was rolled back with the rest
    assert "units[1].country:" in check.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("units: [unclosed", "not valid YAML"),
        ("- just a list", "expected a mapping"),
        ("{}", "none of units"),
    ],
)
def test_an_unreadable_file_is_one_line_and_exit_non_zero(install, content, message):
    path = install.home / "broken.yaml"
    path.write_text(content)
    result = install("org", "import", str(path))
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_missing_file_is_one_line(install):
    result = install("org", "import", str(install.home / "nope.yaml"))
    assert result.returncode != 0 and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_init_refuses_when_the_demo_organisation_is_there():
    with pytest.raises(CommandError, match="already has its top unit, hq"):
        call_command("org_init", "New Org", country="GB")
