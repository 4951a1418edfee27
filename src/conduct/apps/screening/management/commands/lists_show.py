"""conduct lists show [NAME] [--json] — the loaded watch lists with their versions, counts and last diff."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.screening.models import DeltaRun, WatchList
from conduct.apps.screening.selectors import delta_run_dict


def _version(v: Any) -> dict[str, Any]:
    return {
        "version": v.number,
        "current": v.is_current,
        "loaded_at": v.loaded_at.isoformat(),
        "loaded_by": v.loaded_by,
        "file": v.path,
        "sha256": v.file_sha256,
        "source_date": v.source_date or None,
        "kind": v.kind,
        "entries": v.entry_count,
        "names": v.name_count,
        "added": v.added_count,
        "removed": v.removed_count,
        "changed": v.changed_count,
        "unchanged": v.unchanged_count,
    }


class Command(ConductCommand):
    help = gettext_noop(
        "Show the loaded watch lists: current version, counts and the diff of the latest reload."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help=_("Show every version of this list"))
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        lists = WatchList.objects.order_by("name")
        if opts["name"]:
            lists = lists.filter(name=opts["name"])
            if not lists.exists():
                self.stderr.write(
                    _("error: no list named %(name)s; `conduct lists show` lists them.")
                    % {"name": repr(opts["name"])}
                )
                sys.exit(2)
        data = []
        for wl in lists.prefetch_related("versions"):
            versions = sorted(wl.versions.all(), key=lambda v: -v.number)
            current = next((v for v in versions if v.is_current), None)
            data.append(
                {
                    "name": wl.name,
                    "title": wl.title,
                    "kind": wl.kind,
                    "format": wl.format,
                    "source": wl.source,
                    "current": _version(current) if current else None,
                    "versions": [_version(v) for v in versions] if opts["name"] else len(versions),
                    "screening": delta_run_dict(
                        DeltaRun.objects.filter(watch_list=wl)
                        .select_related("version")
                        .order_by("-id")
                        .first()
                    ),
                }
            )
        if opts["json"]:
            self.stdout.write(json.dumps({"lists": data}, indent=2))
            return
        if not data:
            self.stdout.write(
                _("No lists loaded. Load one with: conduct lists load PATH [--name NAME] [--kind KIND]")
            )
            return
        self._table(data, detail=bool(opts["name"]))

    def _table(self, data: list[dict[str, Any]], *, detail: bool) -> None:
        header = (
            f"{'name':<22} {'kind':<15} {'format':<16} {'ver':>4} {'entries':>8} {'names':>7}  "
            f"{'loaded (UTC)':<17} last diff"
        )
        self.stdout.write(header)
        for item in data:
            c = item["current"] or {}
            diff = (
                (
                    "first"
                    if c.get("version") == 1
                    else f"+{c.get('added', 0)} -{c.get('removed', 0)} ~{c.get('changed', 0)}"
                )
                if c
                else "-"
            )
            loaded = c.get("loaded_at", "")[:16].replace("T", " ")
            self.stdout.write(
                f"{item['name']:<22} {item['kind']:<15} {item['format']:<16} {c.get('version', '-'):>4} "
                f"{c.get('entries', 0):>8} {c.get('names', 0):>7}  {loaded:<17} {diff}"
            )
            if detail and item["screening"]:
                self.stdout.write(_screening_line(item["screening"]))
            if detail:
                for v in item["versions"]:
                    mark = "*" if v["current"] else " "
                    self.stdout.write(
                        _(
                            "  %(mark)sv%(version)s %(replace)s  %(entries)s entries  +%(added)s "
                            "-%(removed)s ~%(changed)s  %(file)s sha256 %(sha256)s  by %(loaded_by)s"
                        )
                        % {
                            "mark": mark,
                            "version": format(v["version"], "<4"),
                            "replace": v["loaded_at"][:16].replace("T", " "),
                            "entries": format(v["entries"], ">7"),
                            "added": v["added"],
                            "removed": v["removed"],
                            "changed": v["changed"],
                            "file": v["file"],
                            "sha256": v["sha256"][:12],
                            "loaded_by": v["loaded_by"],
                        }
                    )


def _screening_line(run: dict[str, Any]) -> str:
    """How far the latest delta screening of the stored parties against the list is."""
    values = {"version": run["version"], "done": run["chunks_done"], "chunks": run["chunks"]}
    if run["status"] == "running":
        return (
            _("  stored parties: against v%(version)s, running, %(done)s of %(chunks)s chunks done") % values
        )
    if run["status"] == "abandoned":
        return _("  stored parties: against v%(version)s, abandoned (no progress for an hour)") % values
    counts = run["counts"]
    return _(
        "  stored parties: against v%(version)s, %(parties)s screened, finished %(at)s; "
        "%(opened)s alerts opened, %(closed)s closed"
    ) % {
        **values,
        "parties": run["parties"],
        "at": (run["finished_at"] or "")[:16].replace("T", " "),
        "opened": counts.get("opened", 0),
        "closed": counts.get("closed", 0),
    }
