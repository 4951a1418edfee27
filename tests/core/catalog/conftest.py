from collections.abc import Callable
from pathlib import Path

import pytest

from conduct.core.catalog import FrameworkLibrary, load_library

from .samples import DEMO, MAPPING, OTHER

LIBRARY_DIR = Path(__file__).resolve().parents[3] / "data" / "frameworks"

LibraryMaker = Callable[..., Path]


@pytest.fixture(scope="session")
def library() -> FrameworkLibrary:
    return load_library(LIBRARY_DIR)


@pytest.fixture
def make_library(tmp_path: Path) -> LibraryMaker:
    """Write a small valid library (demo, other, one mapping file), with `files` added or replaced.

    A value of None removes that base file.
    """

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = tmp_path / "frameworks"
        contents: dict[str, str | bytes | None] = {
            "demo.yaml": DEMO,
            "other.yaml": OTHER,
            "mappings/demo__other.yaml": MAPPING,
        }
        contents.update(files or {})
        for relative, content in contents.items():
            if content is None:
                continue
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return root

    return make
