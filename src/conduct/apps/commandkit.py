"""What every Conduct management command shares: its --help in the CLI's language (issue 22).

A command marks its one-line description with gettext_noop (`help` is read when the class is defined, before
a language is active) and its arguments' help with gettext (add_arguments runs when the parser is built, in
the CLI's language); ConductCommand translates the description when it builds the parser, and its formatter
translates the options Django adds to every command (--verbosity, --traceback, ...). argparse's own words
("usage:", "options:", its errors) come from conduct.pipeline._i18n.translate_argparse, which conduct.cli
applies before anything parses arguments.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, DjangoHelpFormatter
from django.utils.translation import gettext, gettext_noop

# The help of the options Django's BaseCommand.create_parser adds to every command (Django does not translate
# them), so the catalogue holds them.
DJANGO_OPTION_HELP = (
    gettext_noop("Show program's version number and exit."),
    gettext_noop(
        "Verbosity level; 0=minimal output, 1=normal output, 2=verbose output, 3=very verbose output"
    ),
    gettext_noop(
        'The Python path to a settings module, e.g. "myproject.settings.main". If this isn\'t provided, the '
        "DJANGO_SETTINGS_MODULE environment variable will be used."
    ),
    gettext_noop('A directory to add to the Python path, e.g. "/home/djangoprojects/myproject".'),
    gettext_noop("Display a full stack trace on CommandError exceptions."),
    gettext_noop("Don't colorize the command output."),
    gettext_noop("Force colorization of the command output."),
    gettext_noop("Skip system checks."),
)


class HelpFormatter(DjangoHelpFormatter):
    """Django's formatter, with each argument's help looked up in the active language's catalogue (Django's
    own options; a command's help is translated already and comes back unchanged)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return gettext(action.help) if action.help else action.help


class ConductCommand(BaseCommand):
    """BaseCommand whose --help speaks the CLI's language."""

    def description(self) -> str:
        """The command's description as --help shows it: `help`, translated."""
        return gettext(self.help) if self.help else ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", HelpFormatter)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = self.description() or None
        return parser
