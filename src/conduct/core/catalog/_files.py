"""The library's files as read from disk: their bytes, the names problems use, and the content hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from conduct.core.catalog._errors import Problem


@dataclass(frozen=True)
class SourceFile:
    path: Path
    display: str  # as the caller named it, for problems
    relative: str  # inside the library, for the content hash
    data: bytes


def source_files(directory: Path, root: Path, problems: list[Problem]) -> list[SourceFile]:
    files: list[SourceFile] = []
    for file in sorted(directory.iterdir()):
        if not file.is_file():
            continue
        if file.suffix == ".yml":
            problems.append(Problem(str(file), None, "library files must end in .yaml, not .yml"))
            continue
        if file.suffix != ".yaml":
            continue
        relative = file.relative_to(root).as_posix()
        files.append(SourceFile(path=file, display=str(file), relative=relative, data=file.read_bytes()))
    return files


def content_hash(files: list[SourceFile]) -> str:
    digest = hashlib.sha256()
    for source in sorted(files, key=lambda s: s.relative):
        digest.update(source.relative.encode())
        digest.update(b"\0")
        digest.update(source.data)
        digest.update(b"\0")
    return digest.hexdigest()


def decode(source: SourceFile, problems: list[Problem]) -> str | None:
    try:
        return source.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(source.display, None, f"file is not UTF-8 text ({exc.reason} at byte {exc.start})")
        )
        return None
