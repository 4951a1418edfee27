"""conduct audit verify [--records] [--checkpoint FILE.json | --published SEQ:HASH]
conduct audit verify --export FILE [--public-key KEY]

Without --export: recompute the stored chain, compare it with the stored head and check every checkpoint's
signature against the pinned keys (CONDUCT_HOME/keys, LEDGER_TRUSTED_KEYS; never a key from the database).
--records also reconciles every ledgered object with its latest entry; --checkpoint / --published compare
the ledger with a checkpoint published earlier, which shows a cut-off tail. With --export: verify an exported
JSON-lines file offline (no database needed), checking its signed checkpoints against --public-key.
Exits 0 when everything verifies, 1 naming the first entry or object that does not, 2 on unusable input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.audit.services import LedgerVerification, ledger_verify
from conduct.apps.audit.verify import Published, PublishedError
from conduct.apps.commandkit import ConductCommand
from conduct.core import ledger as core_ledger
from conduct.core._i18n import localized, set_translator


class Command(ConductCommand):
    help = gettext_noop("Verify the audit ledger's hash chain and signed checkpoints (or an exported file).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--export", type=Path, help=_("An exported JSON-lines file to verify offline"))
        parser.add_argument("--public-key", type=Path, help=_("PEM public key that signed the checkpoints"))
        parser.add_argument(
            "--records",
            action="store_true",
            help=_("Also reconcile every ledgered object with its latest entry"),
        )
        published = parser.add_mutually_exclusive_group()
        published.add_argument(
            "--checkpoint", type=Path, help=_("A published checkpoint (JSON) the ledger must still contain")
        )
        published.add_argument("--published", help=_("A published checkpoint as SEQ:HASH"))

    def handle(self, *args: Any, **opts: Any) -> None:
        set_translator(_)  # the ledger's reasons (conduct.core) in the CLI's language too
        if opts["export"]:
            self._verify_file(opts["export"], opts["public_key"])
            return
        result = ledger_verify(records=opts["records"], published=self._published(opts))
        for warning in result.key_problems:
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
        if result.ok:
            self._report_ok(result)
            return
        self.stderr.write(
            _("FAILED at entry #%(first_bad_seq)s: %(reason)s")
            % {"first_bad_seq": result.first_bad_seq, "reason": localized(result.reason)}
        )
        for problem in result.record_problems:
            where = _("entry #%(seq)s") % {"seq": problem.seq} if problem.seq is not None else _("no entry")
            self.stderr.write(
                f"  {problem.object_type} {problem.object_id} ({where}): {localized(problem.reason)}"
            )
        if result.records is not None and result.records.problems_total > len(result.record_problems):
            self.stderr.write(
                _("  ... %(value)s more")
                % {"value": result.records.problems_total - len(result.record_problems)}
            )
        sys.exit(1)

    def _published(self, opts: dict[str, Any]) -> Published | None:
        try:
            if opts["published"]:
                return Published.parse(opts["published"])
            if opts["checkpoint"]:
                path: Path = opts["checkpoint"]
                if not path.is_file():
                    self.stderr.write(_("--checkpoint %(path)s: no such file") % {"path": path})
                    sys.exit(2)
                return Published.from_json(path.read_text(encoding="utf-8"))
        except (PublishedError, UnicodeDecodeError) as exc:
            option = "--published" if opts["published"] else "--checkpoint"
            self.stderr.write(f"{option}: {exc}")
            sys.exit(2)
        return None

    def _report_ok(self, result: LedgerVerification) -> None:
        signed = (
            f"signed through #{result.authenticated_seq}"
            if result.authenticated_seq is not None
            else "none signed"
        )
        self.stdout.write(
            _(
                "OK: %(verified)s entries verify; head #%(head_seq)s %(head_hash)s; "
                "%(checkpoints_checked)s signed checkpoints check out against the trusted keys "
                "(%(value)s); %(signed)s."
            )
            % {
                "verified": result.verified,
                "head_seq": result.head_seq,
                "head_hash": result.head_hash,
                "checkpoints_checked": result.checkpoints_checked,
                "value": ", ".join(result.trusted_keys) or "none",
                "signed": signed,
            }
        )
        if result.published_checked:
            self.stdout.write(
                _("The published checkpoint is in the ledger: nothing before it was cut off or changed.")
            )
        if result.records is not None:
            for c in result.records.counts:
                self.stdout.write(
                    _(
                        "  %(object_type)s: %(checked)s checked, %(matched)s match, %(older)s not "
                        "reconcilable (older entry)"
                    )
                    % {
                        "object_type": c.object_type,
                        "checked": c.checked,
                        "matched": c.matched,
                        "older": c.older,
                    }
                )
            self.stdout.write(
                _("  %(bulk_entries)s import entries: the object states they recorded match their hash")
                % {"bulk_entries": result.records.bulk_entries}
            )

    def _verify_file(self, path: Path, key_path: Path | None) -> None:
        if not path.is_file():
            self.stderr.write(_("--export %(path)s: no such file") % {"path": path})
            sys.exit(2)
        public_pem = None
        if key_path is not None:
            if not key_path.is_file():
                self.stderr.write(_("--public-key %(key_path)s: no such file") % {"key_path": key_path})
                sys.exit(2)
            public_pem = key_path.read_bytes()
        with path.open(encoding="utf-8") as fh:
            result = core_ledger.verify_export(fh, public_pem=public_pem)
        if result.ok:
            self.stdout.write(str(localized(result.message)))
            return
        self.stderr.write(_("FAILED %(message)s") % {"message": localized(result.message)})
        sys.exit(1)
