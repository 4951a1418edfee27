"""The `conduct` command: friendly verbs in front of Django management commands.

`conduct demo load` runs the `demo_load` command, `conduct audit verify` runs `audit_verify`, and so on:
two words are joined with an underscore when such a command exists. Anything else is passed to Django
as it is (`conduct migrate`, `conduct shell`, ...).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import textwrap
import threading
from collections.abc import Mapping
from typing import NoReturn

from conduct.pipeline._i18n import _, translate_argparse

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
        "investigators",
        "evidence",
    }
)


def _resolve(argv: list[str]) -> list[str]:
    """The management command and its arguments that `argv` (after `conduct`) names."""
    from django.core.management import get_commands
    from django.utils.translation import gettext as _

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
            _("conduct %(group)s: unknown verb %(verb)s; expected one of: %(verbs)s")
            % {"group": argv[0], "verb": repr(wanted), "verbs": ", ".join(verbs) or _("(none)")}
            + "\n"
        )
        raise SystemExit(2)
    return argv


# Long-running processes keep the server's language (LANGUAGE_CODE); each request picks its own.
_SERVERS = frozenset({"serve", "worker", "runserver"})
PAGES_URLCONF = "conduct.config.urls_pages"


def cli_language(environ: Mapping[str, str]) -> str | None:
    """The language the CLI speaks: CONDUCT_LANGUAGE when set, else the POSIX locale (LC_ALL, then
    LC_MESSAGES, then LANG): "zh-hans" for any zh* value, else None (English, LANGUAGE_CODE)."""
    value = environ.get("CONDUCT_LANGUAGE", "").strip()
    if not value:
        value = next((environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(k)), "")
    return "zh-hans" if value.strip().lower().startswith("zh") else None


def _run(args: list[str]) -> None:
    """The management command `args` names, in the environment's language (servers keep LANGUAGE_CODE). The
    language and URL map are this call's: a caller in the same process (a test) gets its own back."""
    from django.core.management import execute_from_command_line
    from django.urls import get_urlconf, set_urlconf
    from django.utils import translation

    if args[0] in _SERVERS:
        execute_from_command_line(["conduct", *_resolve(args)])
        return
    language = cli_language(os.environ)
    urlconf = get_urlconf()
    set_urlconf(PAGES_URLCONF)  # links to pages, without importing the API (config/urls_pages.py)
    try:
        with translation.override(language) if language else contextlib.nullcontext():
            execute_from_command_line(["conduct", *_resolve(args)])
    finally:
        set_urlconf(urlconf)


def gettext_noop(message: str) -> str:
    """Marks `message` for the catalogue; it is translated where it is shown."""
    return message


# `conduct --help`'s verbs: the synopsis as typed, and what the verb does (translated when shown).
_VERBS: tuple[tuple[str, str], ...] = (
    ("serve", gettext_noop("production server (gunicorn) and the task worker, on PORT (8000)")),
    ("worker", gettext_noop("background task worker with the daily scheduler")),
    ("migrate", gettext_noop("create or update the database")),
    ("demo load", gettext_noop("load the demo organisation (idempotent)")),
    ("users create NAME --role R [--unit U] [--password-stdin]", ""),
    ("users mfa-reset NAME", gettext_noop("remove a user's second factors (a lost phone or key)")),
    ("tokens create NAME [--scope read|read-write|scim] [--expires-days N]", ""),
    ("audit verify [--records] [--published SEQ:HASH] [--export FILE --public-key KEY]", ""),
    ("audit export [--out FILE]   audit checkpoint [--out FILE.json]   audit rotate-key", ""),
    ("org init NAME --country CC [--code hq]", ""),
    ("org import FILE.yaml", gettext_noop("units, liaisons and committees")),
    ("backup [--out FILE] [--without-keys]   restore FILE [--force]", ""),
    (
        "gate check GATE SUBJECT.json [--json] [--dry-run]   gate recheck [--json] [--if-changed]",
        gettext_noop("exit 0 allow, 1 deny, 3 review, 2 invalid"),
    ),
    (
        "--server URL",
        gettext_noop(
            "(or CONDUCT_URL) with CONDUCT_TOKEN: gate check, screen and suppliers import call a running "
            "Conduct's API instead (docs/operations.md)"
        ),
    ),
    ("policy validate DIR   policy test DIR", ""),
    ("lists load PATH [--format F] [--name N] [--kind K]   lists show [NAME]", ""),
    ("screen NAME [--type T] [--country CC] [--json]   screen --input names.csv --output out.jsonl", ""),
    ("screening relations load FILE [--format ftm|csv]   screening sources list|add|fetch [--json]", ""),
    ("suppliers import FILE... [--commit]   suppliers risk   suppliers remind   suppliers export", ""),
    ("frameworks load|list|show|export   report build --year YYYY --out DIR   report verify DIR", ""),
    ("devices import FILE.csv   devices token SERIAL", ""),
    ("grievances rotate-key      grievances escalate   (docs/grievances.md)", ""),
    ("products import FILE.csv   products list [--json]   sbom import MODEL VERSION FILE", ""),
    ("vulns load PATH   vulns match MODEL VERSION [--json]   vex record MODEL VERSION CVE STATE", ""),
    ("vulns rematch [--json]     vulns escalate [--json]   (docs/products.md)", ""),
    ("access request --device S --scope S --hours N --reason T --as USER", ""),
    ("access approve|deny ID --as USER [--hours N] [--comment T]", ""),
    ("access revoke GRANT_ID --as USER   access events import FILE.jsonl [--json]   access expire", ""),
    ("grants verify TOKEN --public-key KEY.pem --device S --scope S [--at T] [--revocations F]", ""),
    ("grants keys   grants revocations --out FILE", ""),
    ("workforce sites [--json]   workforce hours import FILE.csv [--commit] [--json] [--as USER]", ""),
    ("training import FILE.csv [--json] [--as USER]", gettext_noop("columns: course,username,completed_on")),
    ("workforce remind [--json]", gettext_noop("attestation and training reminders due today (idempotent)")),
    ("investigators grant USERNAME --until YYYY-MM-DD[THH:MM] [--units CODE,...] [--modules M,...]", ""),
    ("investigators list [--json]   investigators revoke USERNAME   (docs/evidence.md)", ""),
    (
        "evidence export --out FILE.zip [--from DATE] [--to DATE] [--case ID ...]\n"
        "                  [--gate-decision ID ...]",
        "",
    ),
    ("evidence verify FILE.zip [--public-key KEY.pem] [--json]", gettext_noop("offline: no database")),
)


def _verb(synopsis: str, what: str = "") -> str:
    """One line of `conduct --help`: the verb's synopsis, and what it does in a column (wrapped)."""
    if not what:
        return f"  {synopsis}\n"
    first, *rest = textwrap.wrap(what, 70) or [""]
    head = f"  {synopsis:<27}{first}" if len(synopsis) < 27 else f"  {synopsis}\n{'':29}{first}"
    return head + "".join(f"\n{'':29}{line}" for line in rest) + "\n"


def _help_text() -> str:
    """What `conduct --help` prints, in the CLI's language (verbs and options stay as typed)."""
    intro = _(
        "The `conduct` command: friendly verbs in front of Django management commands.\n\n"
        "`conduct demo load` runs the `demo_load` command, `conduct audit verify` runs "
        "`audit_verify`, and so on:\ntwo words are joined with an underscore when such a command "
        "exists. Anything else is passed to Django\nas it is (`conduct migrate`, `conduct shell`, "
        "...). `conduct VERB --help` describes a verb.\n"
    )
    verbs = "".join(_verb(synopsis, _(what) if what else "") for synopsis, what in _VERBS)
    return f"{intro}\n{_('Common verbs:')}\n{verbs}"


def _print_help() -> None:
    sys.stdout.write(_help_text())


def main(argv: list[str] | None = None) -> None:
    """Run `conduct ARGS...` (sys.argv when `argv` is None). A reader that stops reading (`conduct ... |
    head`) ends the output quietly, as with other command-line tools: no traceback, exit status 1. A
    database that cannot be reached (not running, no such database, refused) is one line and exit 2."""
    try:
        _main(argv)
    except BrokenPipeError:
        # Python would report the pipe again while flushing stdout at exit: point it at /dev/null first
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None
    except Exception as exc:
        from django.db import OperationalError  # imported by then: only Django raises it

        if not isinstance(exc, OperationalError):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(_("error: the database cannot be used: %(reason)s") % {"reason": first} + "\n")
        raise SystemExit(2) from None


def entry() -> NoReturn:
    """The `conduct` console script: main(), then the process ends without the interpreter's teardown.

    A command that loaded the screening indexes holds about a million objects; freeing them one by one at
    exit took longer than the command (a local `gate check` with the real lists: 2.5 s, of which 1.1 s
    after its answer was printed). Everything a clean exit would finish is finished here first: the output
    is flushed, database connections are closed and the atexit handlers run (logging's flush, temporary
    files); then os._exit ends the process with main's status, as Python would have (a SystemExit message is
    printed and means status 1)."""
    code: int = 0
    try:
        main()
    except SystemExit as exc:
        status = exc.code
        if isinstance(status, int):
            code = status
        elif status is not None:
            sys.stderr.write(f"{status}\n")
            code = 1
    _finish(code)


def _finish(code: int) -> NoReturn:
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped reading: as main() ends then
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = code or 1
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()
    # What the interpreter's own exit would do first: wait for the threads that are not daemons (and run
    # the exit hooks of thread pools), then the atexit handlers; only the freeing of every object is skipped.
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _main(argv: list[str] | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct.config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    translate_argparse()
    if args in (["--version"], ["version"]):
        from conduct import __version__

        sys.stdout.write(f"conduct {__version__}\n")
        return
    # `gate check`, `screen`, `suppliers import` with --server URL (or CONDUCT_URL): the API of a running
    # Conduct, before (and without) Django: conduct.pipeline
    from conduct.pipeline import remote_main

    code = remote_main(args)
    if code is not None:
        raise SystemExit(code)
    if args[:2] == ["evidence", "verify"]:
        # Offline by design: no settings, no database (an outsider runs it on a bundle they were given).
        from conduct.core._i18n import set_translator
        from conduct.core.evidence import main as evidence_verify

        set_translator(_)  # its messages in the CLI's language

        raise SystemExit(evidence_verify(args[2:]))
    if not args or args[0] in {"-h", "--help", "help"}:
        _print_help()
        return
    setup()
    _run(args)


def setup(*, set_prefix: bool = True) -> None:
    """django.setup(), with a setting Conduct cannot use (LEDGER_TRUSTED_KEYS, a limit that is not a number,
    ...) reported as one line naming it and exit status 2, instead of a traceback. The server's processes
    (wsgi.py) use it too."""
    import django
    from django.core.exceptions import ImproperlyConfigured

    from conduct.config.env import ConfigError

    try:
        django.setup(set_prefix=set_prefix)
    except (ConfigError, ImproperlyConfigured) as exc:
        sys.stderr.write(_("conduct: configuration error: %(error)s") % {"error": exc} + "\n")
        raise SystemExit(2) from None
    # What the set-up made (Django's and the apps' modules, classes and tables) lives as long as the process:
    # out of the cyclic collector's reach, its collections walk only what the work makes. A full collection
    # over it otherwise landed in the middle of a call (50 ms of a local gate check); in the server's
    # workers it also spares the pages they share with the server.
    gc.freeze()


if __name__ == "__main__":
    main()
