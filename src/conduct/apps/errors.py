"""Errors that services raise. Views, the API and the CLI turn each into one answer shape."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, fields: dict[str, str] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code

    def one_line(self) -> str:
        """The message and each field's problem on one line (a page's flash message)."""
        return f"{self.message} " + "; ".join(f"{where}: {why}" for where, why in sorted(self.fields.items()))


class Invalid(ServiceError):
    """The input is well-formed but breaks a rule; `fields` says which field and why."""

    status = 422
    code = "invalid"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


def raise_if(errors: dict[str, str], message: str) -> None:
    """Raise Invalid with `message` and the per-field `errors` when there are any; the one copy every app
    uses."""
    if errors:
        raise Invalid(message, fields=errors)
