"""conduct grants verify TOKEN --public-key KEY.pem --device SERIAL --scope SCOPE [--at ISO_TIME]
[--revocations FILE] [--json]

What a device does before an access, offline: exit 0 when the grant allows SCOPE on SERIAL at that time,
1 with the reason otherwise. Uses only conduct.core.grants (pure Python and `cryptography`): no database.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.core.grants import RevocationListError, verify_grant, verify_revocations


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{what} {path}: {getattr(exc, 'strerror', None) or exc}") from None


class Command(ConductCommand):
    help = gettext_noop(
        "Check a grant token offline, as a device does (exit 0 allowed, 1 refused with the reason)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("token", help=_("The grant token, or @FILE to read it from a file"))
        parser.add_argument("--public-key", required=True, help=_("The PEM from `conduct grants keys`"))
        parser.add_argument("--device", required=True)
        parser.add_argument("--scope", required=True)
        parser.add_argument("--at", help=_("ISO 8601 time with offset (default: now)"))
        parser.add_argument(
            "--revocations", help=_("A signed revocation list (`conduct grants revocations`)")
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        token = _read(opts["token"][1:], "token").strip() if opts["token"].startswith("@") else opts["token"]
        public_pem = _read(opts["public_key"], "--public-key").encode()
        try:
            at = (
                datetime.fromisoformat(opts["at"].replace("Z", "+00:00")) if opts["at"] else datetime.now(UTC)
            )
        except ValueError:
            raise CommandError(_("--at %(at)s: not an ISO 8601 time") % {"at": opts["at"]}) from None
        if at.utcoffset() is None:
            raise CommandError(_("--at %(at)s: give the offset (e.g. Z or +02:00)") % {"at": opts["at"]})
        revoked: frozenset[str] = frozenset()
        try:
            if opts["revocations"]:
                revoked = verify_revocations(public_pem, _read(opts["revocations"], "--revocations")).revoked
            check = verify_grant(
                public_pem, token, now=at, device_id=opts["device"], scope=opts["scope"], revoked_ids=revoked
            )
        except RevocationListError as exc:
            raise CommandError(_("--revocations: %(exc)s") % {"exc": exc}) from None
        except ValueError as exc:  # a key that is not an Ed25519 public key
            raise CommandError(str(exc)) from None
        if opts["json"]:
            body = {"ok": check.ok, "reason": str(check.reason), "detail": check.detail}
            body["grant_id"] = check.grant.grant_id if check.grant else None
            self.stdout.write(json.dumps(body, sort_keys=True))
        else:
            verdict = _("allowed") if check.ok else _("refused")
            self.stdout.write(f"{verdict}: {check.reason}: {check.detail}")
        if not check.ok:
            raise SystemExit(1)
