"""The `conduct` command: friendly verbs in front of Django management commands.

`conduct demo load` runs the `demo_load` command, `conduct audit verify` runs `audit_verify`, and so on:
two words are joined with an underscore when such a command exists. Anything else is passed to Django
as it is (`conduct migrate`, `conduct shell`, ...).
"""

from __future__ import annotations

import os
import sys

import django
from django.core.management import execute_from_command_line, get_commands

_GROUPS = frozenset(
    {"audit", "demo", "users", "tokens", "gate", "policy", "lists", "suppliers", "frameworks", "report"}
    | {"org"}
)


def _resolve(argv: list[str]) -> list[str]:
    """The management command and its arguments that `argv` (after `conduct`) names."""
    commands = get_commands()
    if len(argv) >= 2 and f"{argv[0]}_{argv[1]}" in commands:
        return [f"{argv[0]}_{argv[1]}", *argv[2:]]
    if argv and argv[0] in _GROUPS and argv[0] not in commands:  # a group word with a bad verb
        verbs = sorted(c.split("_", 1)[1] for c in commands if c.startswith(argv[0] + "_"))
        wanted = argv[1] if len(argv) > 1 else ""
        sys.stderr.write(
            f"conduct {argv[0]}: unknown verb {wanted!r}; expected one of: {', '.join(verbs) or '(none)'}\n"
        )
        raise SystemExit(2)
    return argv


def main(argv: list[str] | None = None) -> None:
    """Run `conduct ARGS...` (sys.argv when `argv` is None)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct.config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        sys.stdout.write(__doc__ or "")
        sys.stdout.write(
            "\nCommon verbs:\n"
            "  serve                      production server (gunicorn) and the task worker, on PORT (8000)\n"
            "  worker                     background task worker with the daily scheduler\n"
            "  migrate                    create or update the database\n"
            "  demo load                  load the demo organisation (idempotent)\n"
            "  users create NAME --role R [--unit U] [--password-stdin]\n"
            "  tokens create NAME [--scope read|read-write] [--expires-days N]\n"
            "  audit verify [--export FILE --public-key KEY]   audit export [--out FILE]   audit checkpoint\n"
            "  org init NAME --country CC [--code hq]   org import FILE.yaml  (units, liaisons, committees)\n"
            "  backup [--out FILE] [--without-keys]   restore FILE [--force]\n"
            "  gate check GATE SUBJECT.json [--json] [--dry-run]\n"
            "                             (exit 0 allow, 1 deny, 3 review, 2 invalid)\n"
            "  policy validate DIR        policy test DIR\n"
            "  lists load PATH [--format F] [--name N] [--kind K]   lists show [NAME]\n"
            "  screen NAME [--type T] [--country CC] [--json]   screen --input names.csv --output out.jsonl\n"
            "  suppliers import FILE... [--commit]   suppliers risk   suppliers remind   suppliers export\n"
            "  frameworks load|list|show|export   report build --year YYYY --out DIR   report verify DIR\n"
        )
        return
    django.setup()
    execute_from_command_line(["conduct", *_resolve(args)])


if __name__ == "__main__":
    main()
