"""The framework library this process uses: loaded once from data/frameworks (conduct.datafiles caches it)."""

from __future__ import annotations

from conduct.core.catalog import Framework, FrameworkLibrary, Requirement
from conduct.datafiles import framework_library

__all__ = ["Framework", "FrameworkLibrary", "Requirement", "framework_library", "requirement_of"]


def requirement_of(urn: str) -> Requirement | None:
    return framework_library().get(urn)
