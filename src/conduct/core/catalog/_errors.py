"""Problems found while loading the framework library, each tied to a file and line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the library data. `line` is 1-based; None when the problem is the file itself."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class CatalogError(Exception):
    """The framework library is invalid. `problems` lists every problem found, in file and line order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.path, p.line if p.line is not None else 0, p.message))
        )
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in the framework library:"
        super().__init__("\n".join([heading, *(f"  {problem}" for problem in self.problems)]))
