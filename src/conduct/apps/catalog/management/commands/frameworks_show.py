"""conduct frameworks show URN|SLUG [--json] — a requirement with its mappings, or a framework with its
requirements. Exits 1 when there is no such requirement or framework."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.datafiles import framework_library


class Command(ConductCommand):
    help = gettext_noop("Show a requirement (by URN) or a framework (by slug).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key", help=_("A requirement URN (urn:conduct:...) or a framework slug"))
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        lib = framework_library()
        key: str = opts["key"].strip()
        requirement = lib.get(key)
        if requirement is not None:
            mappings = [
                {"urn": m.other(key), "relation": m.relation.value, "source": m.source}
                for m in lib.mappings_for(key)
            ]
            data: dict[str, Any] = {
                "urn": requirement.urn,
                "framework": requirement.framework,
                "id": requirement.id,
                "title": requirement.title,
                "summary": requirement.summary,
                "section": requirement.section,
                "dimension": requirement.dimension.value,
                "check": requirement.check.value,
                "confidence": requirement.confidence.value,
                "evidence_examples": list(requirement.evidence_examples),
                "mappings": mappings,
            }
            if opts["json"]:
                self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
                return
            self.stdout.write(f"{requirement.urn}\n  {requirement.title}\n  {requirement.summary}")
            self.stdout.write(
                _("  dimension %(dimension)s, check %(check)s, confidence %(confidence)s")
                % {"dimension": data["dimension"], "check": data["check"], "confidence": data["confidence"]}
            )
            for m in mappings:
                self.stdout.write(f"  {m['relation']:<10} {m['urn']}  ({m['source']})")
            return
        try:
            framework = lib.framework(key)
        except KeyError:
            self.stderr.write(_("No requirement or framework %(key)s in the library.") % {"key": repr(key)})
            sys.exit(1)
        if opts["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "slug": framework.slug,
                        "name": framework.name,
                        "kind": framework.kind.value,
                        "requirements": [{"urn": r.urn, "title": r.title} for r in framework.requirements],
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(
            f"{framework.name} ({framework.short_name}, {framework.kind.value}); {framework.edition}"
        )
        for r in framework.requirements:
            self.stdout.write(f"  {r.urn}  {r.title}")
