"""Where the shipped reference data lives: the repository's data/ folder (or CONDUCT_DATA_DIR)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from conduct.core.catalog import FrameworkLibrary, load_library

_REPO_DATA = Path(__file__).resolve().parents[2] / "data"


def data_dir() -> Path:
    override = os.environ.get("CONDUCT_DATA_DIR")
    return Path(override) if override else _REPO_DATA


def data_path(*parts: str) -> Path:
    return data_dir().joinpath(*parts)


@lru_cache(maxsize=1)
def framework_library() -> FrameworkLibrary:
    """The framework library in data/frameworks, loaded and validated once per process."""
    return load_library(data_path("frameworks"))
