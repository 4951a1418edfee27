"""conduct vulns match MODEL VERSION [--json]: the release's affected components and unknown ranges."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from conduct.apps.accounts.actors import CLI
from conduct.apps.errors import ServiceError
from conduct.apps.products import selectors
from conduct.apps.products.management._cli import dumps, fail


class Command(BaseCommand):
    help = "Match a release's SBOM components against the loaded vulnerability data (with VEX states)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model")
        parser.add_argument("version")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            release = selectors.release_by_version(actor=CLI, model=opts["model"], version=opts["version"])
            result = selectors.release_findings(actor=CLI, release=release)
        except ServiceError as exc:
            raise fail(exc) from None
        if opts["json"]:
            findings = [
                {k: f[k] for k in ("component", "version", "cve", "cvss", "kev", "matched_range", "vex")}
                for f in result["findings"]
            ]
            self.stdout.write(dumps({**result, "findings": findings}))
            return
        for f in result["findings"]:
            cvss = "-" if f["cvss"] is None else f"{f['cvss']:.1f}"
            kev = " KEV" if f["kev"] else ""
            self.stdout.write(
                f"{f['component']} {f['version']}\t{f['cve']}\tCVSS {cvss}{kev}\t{f['matched_range']}"
                f" ({f['source']})\tVEX {f['vex'] or '-'}"
            )
        for u in result["unknown"]:
            self.stdout.write(
                f"{u['component']} {u['version']}\t{u['cve']}\tunknown: {u['reason']}\tVEX {u['vex'] or '-'}"
            )
        self.stdout.write(f"{len(result['findings'])} finding(s), {len(result['unknown'])} unknown")
