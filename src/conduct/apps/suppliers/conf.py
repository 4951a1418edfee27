"""The suppliers module's settings, with defaults. Override in settings.CONDUCT or by environment variable."""

from __future__ import annotations

import os

from django.conf import settings
from django.utils.translation import gettext as _

from conduct.config.env import ConfigError

_DEFAULTS = {
    # A certificate is "expiring" when it runs out within this many days.
    "CERT_EXPIRY_WINDOW_DAYS": 90,
    # Reminders go out when a certificate has at most this many days left (once per threshold).
    "CERT_REMINDER_DAYS": (90, 30, 7, 0),
    # Certificate files and corrective-action evidence: largest accepted upload.
    "CERT_FILE_MAX_BYTES": 10 * 1024 * 1024,
    # A full risk recompute stores its scores this many suppliers per transaction.
    "RISK_STORE_BATCH": 500,
    # Imports: rows of data read from all the files together; an XLSX workbook's declared uncompressed size
    # (all its parts); seconds spent reading and checking. (A CSV cell is at most 128 KB: the csv module's
    # limit.)
    "SUPPLIER_IMPORT_MAX_ROWS": 1_000_000,
    "SUPPLIER_IMPORT_XLSX_MAX_BYTES": 100 * 1024 * 1024,
    "SUPPLIER_IMPORT_MAX_SECONDS": 600,
}


def _get(name: str) -> object:
    conduct = getattr(settings, "CONDUCT", {})
    if name in conduct:
        return conduct[name]
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return _DEFAULTS[name]
    try:
        if isinstance(_DEFAULTS[name], tuple):
            return tuple(int(part) for part in raw.split(","))
        return int(raw)
    except ValueError:
        raise ConfigError(
            _("%(name)s must be a whole number (or a comma-separated list of them), got %(value)s")
            % {"name": name, "value": repr(raw)}
        ) from None


def expiry_window_days() -> int:
    return int(_get("CERT_EXPIRY_WINDOW_DAYS"))  # type: ignore[call-overload]


def reminder_days() -> tuple[int, ...]:
    return tuple(sorted({int(d) for d in _get("CERT_REMINDER_DAYS")}, reverse=True))  # type: ignore[attr-defined]


def file_max_bytes() -> int:
    return int(_get("CERT_FILE_MAX_BYTES"))  # type: ignore[call-overload]


def store_batch_size() -> int:
    return int(_get("RISK_STORE_BATCH"))  # type: ignore[call-overload]


def import_max_rows() -> int:
    return int(_get("SUPPLIER_IMPORT_MAX_ROWS"))  # type: ignore[call-overload]


def import_xlsx_max_bytes() -> int:
    return int(_get("SUPPLIER_IMPORT_XLSX_MAX_BYTES"))  # type: ignore[call-overload]


def import_max_seconds() -> int:
    return int(_get("SUPPLIER_IMPORT_MAX_SECONDS"))  # type: ignore[call-overload]
