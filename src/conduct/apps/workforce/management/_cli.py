"""What the workforce commands share: `--as USER`, one-line errors (exit 1), JSON output."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import CLI, Actor
from conduct.apps.accounts.models import User
from conduct.apps.errors import ServiceError


def fail(exc: ServiceError) -> CommandError:
    """The error and every field problem on one line (for scripts and people alike)."""
    details = "; ".join(f"{field}: {why}" for field, why in sorted(exc.fields.items()))
    return CommandError(f"{exc.message} {details}".strip())


def actor_for(username: str | None) -> Actor:
    """The `--as` user (active), or the CLI operator when none is named."""
    if not username:
        return CLI
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("--as %(user)s: no such active user") % {"user": username})
    return user


def dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, default=str)
