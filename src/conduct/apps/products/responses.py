"""HTTP responses the disclosure pages and API both give (here, so that the pages need not import the API)."""

from __future__ import annotations

from django.http import HttpResponse


def attachment_response(name: str, content: bytes) -> HttpResponse:
    """A reporter's file as a download only (never rendered: it may be a proof of concept)."""
    response = HttpResponse(content, content_type="application/octet-stream")
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._-") or "file"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
