"""Providers the product register implements for other apps."""

from __future__ import annotations

from typing import Any

from conduct.events._bus import Provider

release_facts: Provider[..., dict[str, Any] | None] = Provider(
    "products.release_facts",
    "release_facts(model, version) -> the release's register facts for the product_release gate (product,"
    " release status and support period, SBOM presence, findings and unknown ranges after VEX, each with its"
    " source, disclosure policy) or None when the register has no such release.",
)
