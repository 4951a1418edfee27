"""Where the shipped reference data lives: the repository's data/ folder (or CONDUCT_DATA_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

_REPO_DATA = Path(__file__).resolve().parents[2] / "data"


def data_dir() -> Path:
    override = os.environ.get("CONDUCT_DATA_DIR")
    return Path(override) if override else _REPO_DATA


def data_path(*parts: str) -> Path:
    return data_dir().joinpath(*parts)
