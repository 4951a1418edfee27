"""The framework library this process uses: loaded once from data/frameworks (gates.pack caches it)."""

from __future__ import annotations

from conduct.apps.gates.pack import framework_library
from conduct.core.catalog import Framework, FrameworkLibrary, Requirement

__all__ = ["Framework", "FrameworkLibrary", "Requirement", "framework_library", "requirement_of"]


def requirement_of(urn: str) -> Requirement | None:
    return framework_library().get(urn)
