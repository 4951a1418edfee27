"""conduct report build --year YYYY --out DIR — build and publish the annual transparency report into DIR.

DIR must be new or empty. Writes index.html, report.pdf, data.json, data/*.csv, charts/*.svg, public_key.pem
and the signed manifest.json, records the publication in the ledger with a signed checkpoint, and prints the
timings. Exits 2 on bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from conduct.apps.accounts.actors import CLI
from conduct.apps.errors import ServiceError
from conduct.apps.reports.transparency.build import build_report
from conduct.progress import progress_bar


class Command(BaseCommand):
    help = "Build, sign and publish the transparency report for a year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", type=Path, required=True, help="A new or empty folder")

    def handle(self, *args: Any, **opts: Any) -> None:
        with progress_bar(f"Building the {opts['year']} report") as bar:

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
            f"Published the {opts['year']} report (#{built.report.pk}) in {built.directory}: "
            f"{len(built.report.files) + 1} files, manifest sha256 {built.report.manifest_sha256[:16]}…, "
            f"ledger checkpoint #{built.report.checkpoint.seq if built.report.checkpoint else '?'}.\n"
            f"Timings: gather {t['gather']:.2f}s, figures {t['figures']:.3f}s, render {t['render']:.2f}s, "
            f"publish {t['publish']:.2f}s, total {t['total']:.2f}s."
        )
