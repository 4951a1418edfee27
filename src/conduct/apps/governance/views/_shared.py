"""Helpers the governance pages share."""

from __future__ import annotations

from typing import Any

from conduct.apps.errors import ServiceError


def _form_errors(form: Any, exc: ServiceError) -> None:
    for field, message in exc.fields.items():
        form.add_error(
            field if field in form.fields else None,
            f"{message}" if field in form.fields else f"{field}: {message}",
        )
    if not exc.fields:
        form.add_error(None, exc.message)
