"""conduct report build --year YYYY --out DIR — build and publish the annual transparency report into DIR.

DIR must be new or empty. Writes index.html, report.pdf, data.json, data/*.csv, charts/*.svg, public_key.pem
and the signed manifest.json, records the publication in the ledger with a signed checkpoint, and prints the
timings. Exits 2 on bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.reports.transparency.build import build_report
from conduct.progress import progress_bar


class Command(ConductCommand):
    help = gettext_noop("Build, sign and publish the transparency report for a year.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", type=Path, required=True, help=_("A new or empty folder"))

    def handle(self, *args: Any, **opts: Any) -> None:
        with progress_bar(_("Building the %(year)s report") % {"year": opts["year"]}) as bar:

            def progress(text: str) -> None:
                bar.stage(text)
                if opts["verbosity"] > 1:
                    self.stdout.write(f"  {text}…")

            try:
                built = build_report(actor=CLI, year=opts["year"], out=opts["out"], progress=progress)
            except ServiceError as exc:
                details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
                self.stderr.write(f"{exc.message}{' ' + details if details else ''}")
                sys.exit(2)
        t = built.timings
        self.stdout.write(
            _(
                "Published the %(year)s report (#%(pk)s) in %(directory)s: %(value)s files, "
                "manifest sha256 %(manifest_sha256)s…, ledger checkpoint #%(value2)s.\nTimings: "
                "gather %(gather)ss, figures %(figures)ss, render %(render)ss, publish "
                "%(publish)ss, total %(total)ss."
            )
            % {
                "year": opts["year"],
                "pk": built.report.pk,
                "directory": built.directory,
                "value": len(built.report.files) + 1,
                "manifest_sha256": built.report.manifest_sha256[:16],
                "value2": built.report.checkpoint.seq if built.report.checkpoint else "?",
                "gather": format(t["gather"], ".2f"),
                "figures": format(t["figures"], ".3f"),
                "render": format(t["render"], ".2f"),
                "publish": format(t["publish"], ".2f"),
                "total": format(t["total"], ".2f"),
            }
        )
