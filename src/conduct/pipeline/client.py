"""A small JSON client for Conduct's API (urllib: nothing to install, quick to import)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from conduct.pipeline._i18n import _

USAGE = 2
UNAVAILABLE = 4
TIMEOUT = float(os.environ.get("CONDUCT_TIMEOUT", "60") or 60)


class RemoteError(Exception):
    """The server could not be used; one line for the user and the exit code."""

    def __init__(self, message: str, *, exit_code: int = UNAVAILABLE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any

    @property
    def error(self) -> tuple[str, dict[str, str]] | None:
        """(message, fields) of a 4xx answer in the API's error shape, else None."""
        if (
            400 <= self.status < 500
            and isinstance(self.body, dict)
            and isinstance(self.body.get("error"), dict)
        ):
            error = self.body["error"]
            return str(error.get("message", "")), dict(error.get("fields") or {})
        return None


@dataclass(frozen=True)
class Client:
    server: str
    token: str

    @classmethod
    def from_env(cls, server: str) -> Client:
        server = server.strip().rstrip("/")
        parts = urllib.parse.urlsplit(server)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise RemoteError(
                _("--server %(server)s: expected an http(s) URL") % {"server": repr(server)}, exit_code=USAGE
            )
        token = os.environ.get("CONDUCT_TOKEN", "").strip()
        if not token:
            raise RemoteError(
                _(
                    "CONDUCT_TOKEN is not set: create an API token "
                    "(conduct tokens create NAME --scope read-write) and put it in CONDUCT_TOKEN"
                ),
                exit_code=USAGE,
            )
        return cls(server, token)

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: dict[str, str | None] | None = None,
        headers: dict[str, str | None] | None = None,
    ) -> Answer:
        """One request; a 2xx or a 4xx in the error shape comes back, anything else is a RemoteError."""
        url = f"{self.server}/api/v1{path}"
        params = {k: v for k, v in (query or {}).items() if v is not None}
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (http(s) checked)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", "conduct-cli")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            if value is not None:
                request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise RemoteError(
                _("cannot reach %(server)s: %(reason)s") % {"server": self.server, "reason": reason}
            ) from None
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            raise RemoteError(
                _("%(server)s answered %(status)s with something that is not JSON")
                % {"server": self.server, "status": status}
            ) from None
        answer = Answer(status, parsed)
        if not 200 <= status < 300:
            self._refuse(answer)
        return answer

    def _refuse(self, answer: Answer) -> None:
        """Raise RemoteError for a non-2xx answer the verb cannot report: a 401, a 403, a 404 or 405, or
        anything not in the API's error shape. Another 4xx in the error shape goes back to the verb."""
        status, error = answer.status, answer.error
        if status == 401:
            raise RemoteError(
                _("%(server)s refused the token in CONDUCT_TOKEN (401): %(error)s")
                % {"server": self.server, "error": error and error[0]}
            )
        if status == 403:
            raise RemoteError(
                _("%(server)s refused the request (403): %(error)s")
                % {"server": self.server, "error": error and error[0]}
            )
        if error is None or status in {404, 405}:
            detail = f": {error[0]}" if error else ""
            raise RemoteError(
                _("%(server)s answered %(status)s%(detail)s (is it a Conduct server?)")
                % {"server": self.server, "status": status, "detail": detail}
            )
