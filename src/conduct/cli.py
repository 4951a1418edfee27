"""The `conduct` command: friendly verbs in front of Django management commands.

`conduct demo load` runs the `demo_load` command, `conduct audit verify` runs `audit_verify`, and so on:
two words are joined with an underscore when such a command exists. Anything else is passed to Django
as it is (`conduct migrate`, `conduct shell`, ...).
"""

from __future__ import annotations

import os
import sys

import django
from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line, get_commands

from conduct.config.env import ConfigError

_GROUPS = frozenset(
    {
        "audit",
        "demo",
        "users",
        "tokens",
        "gate",
        "policy",
        "lists",
        "screening",
        "suppliers",
        "frameworks",
        "report",
        "access",
        "devices",
        "grants",
        "grievances",
        "org",
        "workforce",
        "training",
        "products",
        "sbom",
        "vulns",
        "vex",
    }
)


def _resolve(argv: list[str]) -> list[str]:
    """The management command and its arguments that `argv` (after `conduct`) names."""
    commands = get_commands()
    words = [word.replace("-", "_") for word in argv[:3]]  # `audit rotate-key` -> audit_rotate_key
    if len(words) >= 3 and "_".join(words[:3]) in commands:  # `access events import`
        return ["_".join(words[:3]), *argv[3:]]
    if len(words) >= 2 and "_".join(words[:2]) in commands:
        return ["_".join(words[:2]), *argv[2:]]
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
            "  tokens create NAME [--scope read|read-write|scim] [--expires-days N]\n"
            "  audit verify [--records] [--published SEQ:HASH] [--export FILE --public-key KEY]\n"
            "  audit export [--out FILE]   audit checkpoint [--out FILE.json]   audit rotate-key\n"
            "  org init NAME --country CC [--code hq]   org import FILE.yaml  (units, liaisons, committees)\n"
            "  backup [--out FILE] [--without-keys]   restore FILE [--force]\n"
            "  gate check GATE SUBJECT.json [--json] [--dry-run]   gate recheck [--json] [--if-changed]\n"
            "                             (exit 0 allow, 1 deny, 3 review, 2 invalid)\n"
            "  policy validate DIR        policy test DIR\n"
            "  lists load PATH [--format F] [--name N] [--kind K]   lists show [NAME]\n"
            "  screen NAME [--type T] [--country CC] [--json]   screen --input names.csv --output out.jsonl\n"
            "  screening relations load FILE [--format ftm|csv]   screening sources list|add|fetch [--json]\n"
            "  suppliers import FILE... [--commit]   suppliers risk   suppliers remind   suppliers export\n"
            "  frameworks load|list|show|export   report build --year YYYY --out DIR   report verify DIR\n"
            "  devices import FILE.csv   devices token SERIAL\n"
            "  grievances rotate-key      grievances escalate   (docs/grievances.md)\n"
            "  products import FILE.csv   products list [--json]   sbom import MODEL VERSION FILE\n"
            "  vulns load PATH   vulns match MODEL VERSION [--json]   vex record MODEL VERSION CVE STATE\n"
            "  vulns rematch [--json]     vulns escalate [--json]   (docs/products.md)\n"
            "  access request --device S --scope S --hours N --reason T --as USER\n"
            "  access approve|deny ID --as USER [--hours N] [--comment T]\n"
            "  access revoke GRANT_ID --as USER   access events import FILE.jsonl [--json]   access expire\n"
            "  grants verify TOKEN --public-key KEY.pem --device S --scope S [--at T] [--revocations F]\n"
            "  grants keys   grants revocations --out FILE\n"
            "  workforce sites [--json]   workforce hours import FILE.csv [--commit] [--json] [--as USER]\n"
            "  training import FILE.csv [--json] [--as USER]   (course,username,completed_on)\n"
            "  workforce remind [--json]  attestation and training reminders due today (idempotent)\n"
        )
        return
    setup()
    execute_from_command_line(["conduct", *_resolve(args)])


def setup(*, set_prefix: bool = True) -> None:
    """django.setup(), with a setting Conduct cannot use (LEDGER_TRUSTED_KEYS, a limit that is not a number,
    ...) reported as one line naming it and exit status 2, instead of a traceback. The server's processes
    (wsgi.py) use it too."""
    try:
        django.setup(set_prefix=set_prefix)
    except (ConfigError, ImproperlyConfigured) as exc:
        sys.stderr.write(f"conduct: configuration error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
