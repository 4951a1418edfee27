"""Helpers for the supplier tests: the demo supply chain by external id, and small files to import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def supplier(db: None) -> Callable[[str], Any]:
    """supplier("ACME-001") -> that demo supplier."""
    from conduct.apps.suppliers.models import Supplier

    return lambda external_id: Supplier.objects.get(external_id=external_id)


@pytest.fixture
def acme(supplier: Callable[[str], Any]) -> Any:
    return supplier("ACME-001")


@pytest.fixture
def media(tmp_path: Any, settings: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
