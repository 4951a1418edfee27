"""Typed environment helpers that fail fast with a clear message (after healthchecks' hc/lib), in the CLI's
language: they run before Django, so the message comes from the shared catalogue by conduct.pipeline._i18n."""

from __future__ import annotations

import os
import re
import secrets
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from conduct.pipeline._i18n import _


class ConfigError(RuntimeError):
    """A configuration variable is set to something Conduct cannot use."""


def envstr(name: str, default: str) -> str:
    """The variable's value; unset or blank means the default (as for every helper here)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip()


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(
        _("%(name)s=%(value)s: expected one of true/false, yes/no, on/off, 1/0")
        % {"name": name, "value": repr(raw)}
    )


def envint(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(
            _("%(name)s=%(value)s: expected a whole number") % {"name": name, "value": repr(raw)}
        ) from None
    if minimum is not None and value < minimum:
        raise ConfigError(
            _("%(name)s=%(value)s: must be at least %(minimum)s")
            % {"name": name, "value": value, "minimum": minimum}
        )
    if maximum is not None and value > maximum:
        raise ConfigError(
            _("%(name)s=%(value)s: must be at most %(maximum)s")
            % {"name": name, "value": value, "maximum": maximum}
        )
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def envints(name: str, default: list[int], *, minimum: int, maximum: int) -> list[int]:
    """A comma-separated list of whole numbers, each within [minimum, maximum] (e.g. "7,1,-3")."""
    values = []
    for part in envlist(name, [str(d) for d in default]):
        try:
            value = int(part)
        except ValueError:
            raise ConfigError(
                _("%(name)s: %(part)s is not a whole number") % {"name": name, "part": repr(part)}
            ) from None
        if not minimum <= value <= maximum:
            raise ConfigError(
                _("%(name)s: %(value)s is outside %(minimum)s..%(maximum)s")
                % {"name": name, "value": value, "minimum": minimum, "maximum": maximum}
            )
        values.append(value)
    return values


def envfingerprints(name: str) -> list[str]:
    """A comma-separated list of published sha256 key fingerprints (64 hex digits each), as given."""
    values = envlist(name, [])
    for value in values:
        if not re.fullmatch(r"[0-9a-f]{64}", value.lower()):
            raise ConfigError(
                _(
                    "%(name)s: %(value)s is not a sha256 fingerprint (64 hex digits); `conduct audit export "
                    "--public-key-out` and the ledger page show the key's fingerprint"
                )
                % {"name": name, "value": repr(value)}
            )
    return values


def envnetworks(name: str, default: list[str]) -> list[IPv4Network | IPv6Network]:
    """A comma-separated list of addresses or networks (10.0.0.1, 10.0.0.0/8, ::1)."""
    networks = []
    for part in envlist(name, default):
        try:
            networks.append(ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(
                _("%(name)s: %(part)s is not an IP address or network") % {"name": name, "part": repr(part)}
            ) from None
    return networks


def conduct_home() -> Path:
    home = Path(os.environ.get("CONDUCT_HOME") or "var").resolve()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            _("CONDUCT_HOME=%(home)s cannot be created: %(reason)s")
            % {"home": repr(str(home)), "reason": exc.strerror}
        ) from exc
    return home


def secret_key(home: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into CONDUCT_HOME."""
    key = os.environ.get("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ConfigError(_("SECRET_KEY must be at least 32 characters"))
        return key
    path = home / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
