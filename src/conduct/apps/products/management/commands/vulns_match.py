"""conduct vulns match MODEL VERSION [--json]: the release's affected components and unknown ranges."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.products import selectors
from conduct.apps.products.management._cli import dumps, fail


class Command(ConductCommand):
    help = gettext_noop(
        "Match a release's SBOM components against the loaded vulnerability data (with VEX states)."
    )

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
                _(
                    "%(component)s %(version)s\t%(cve)s\tCVSS %(cvss)s%(kev)s\t%(matched_range)s "
                    "(%(source)s)\tVEX %(value)s"
                )
                % {
                    "component": f["component"],
                    "version": f["version"],
                    "cve": f["cve"],
                    "cvss": cvss,
                    "kev": kev,
                    "matched_range": f["matched_range"],
                    "source": f["source"],
                    "value": f["vex"] or "-",
                }
            )
        for u in result["unknown"]:
            self.stdout.write(
                _("%(component)s %(version)s\t%(cve)s\tunknown: %(reason)s\tVEX %(value)s")
                % {
                    "component": u["component"],
                    "version": u["version"],
                    "cve": u["cve"],
                    "reason": u["reason"],
                    "value": u["vex"] or "-",
                }
            )
        self.stdout.write(
            _("%(count)s finding(s), %(count2)s unknown")
            % {"count": len(result["findings"]), "count2": len(result["unknown"])}
        )
