"""What the product commands share: one-line errors (exit 1), reading a file, JSON output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from conduct.apps.errors import ServiceError


def fail(exc: ServiceError) -> CommandError:
    """The error and every field problem on one line."""
    details = "; ".join(f"{field}: {why}" for field, why in sorted(exc.fields.items()))
    return CommandError(f"{exc.message} {details}".strip())


def read_text(path: str, limit: int = 50_000_000) -> str:
    try:
        file = Path(path)
        if file.stat().st_size > limit:
            raise CommandError(
                _("%(path)s: larger than %(limit)s bytes") % {"path": path, "limit": format(limit, ",")}
            )
        return file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: {getattr(exc, 'strerror', None) or exc}") from None


def dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, default=str)
