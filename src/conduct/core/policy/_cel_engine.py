"""The CEL engine (the `cel` package of common-expression-language), without its REPL at import.

The package's `__init__` imports its interactive command line (`cel.cli`: typer, prompt_toolkit, pygments,
rich) before the compiled extension that Conduct uses (compile, Program, Context): 70 ms of every process's
start, a tenth of Django's set-up. Imported through here, `cel.cli` is a stand-in module until something
reads from it, when the real one is imported in its place; `cel` itself is the unchanged package.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


class _CliOnFirstUse(types.ModuleType):
    """cel.cli until an attribute of it is read: then the real module, put where the package keeps it."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        package = sys.modules.get("cel")
        if package is not None:
            package.cli = real  # type: ignore[attr-defined]
        return getattr(real, name)


if "cel" not in sys.modules:
    sys.modules.setdefault("cel.cli", _CliOnFirstUse("cel.cli"))

import cel as cel  # noqa: E402 - after the stand-in, which is the point

__all__ = ["cel"]
