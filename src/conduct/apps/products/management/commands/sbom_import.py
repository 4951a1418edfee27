"""conduct sbom import MODEL VERSION FILE: a CycloneDX (1.2-1.6) or SPDX 2.3 JSON SBOM for a release."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.accounts.actors import CLI
from conduct.apps.commandkit import ConductCommand
from conduct.apps.errors import ServiceError
from conduct.apps.products import services
from conduct.apps.products.management._cli import dumps, fail, read_text


class Command(ConductCommand):
    help = gettext_noop(
        "Import a release's SBOM (the release is created as a draft when it does not exist yet)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model")
        parser.add_argument("version")
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        text = read_text(opts["file"], limit=services.MAX_SBOM_BYTES)
        try:
            sbom = services.sbom_import(
                actor=CLI,
                model=opts["model"],
                version=opts["version"],
                text=text,
                filename=Path(opts["file"]).name,
            )
        except ServiceError as exc:
            raise fail(exc) from None
        summary = {
            "model": opts["model"],
            "version": opts["version"],
            "format": sbom.format,
            "spec_version": sbom.spec_version,
            "components": sbom.component_count,
        }
        self.stdout.write(
            dumps(summary)
            if opts["json"]
            else _("%(component_count)s component(s) imported (%(format)s %(spec_version)s)")
            % {
                "component_count": sbom.component_count,
                "format": sbom.format,
                "spec_version": sbom.spec_version,
            }
        )
