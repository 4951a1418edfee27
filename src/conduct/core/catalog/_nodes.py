"""Checking the shape of a catalog file's YAML nodes, so that every problem names the line it came from."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from enum import StrEnum
from typing import TypeVar

import yaml

from conduct.core._yaml import STR_TAG, YamlProblem, compose_node, describe, line_of
from conduct.core.catalog._errors import Problem

E = TypeVar("E", bound=StrEnum)


def compose(text: str, path: str, problems: list[Problem]) -> yaml.Node | None:
    """Parse one YAML document into nodes; a problem (with its line) is recorded and gives None."""
    try:
        return compose_node(text)
    except YamlProblem as exc:
        problems.append(Problem(path, exc.line, exc.message))
        return None


class NodeReader:
    """Checks the shape of YAML nodes for one file, recording problems instead of raising.

    Readers take `None` for a key that is absent (already reported by `mapping` when required) and return
    None.
    """

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def report(self, node: yaml.Node | None, message: str) -> None:
        self.problems.append(Problem(self.path, line_of(node) if node is not None else None, message))

    def mapping(
        self,
        node: yaml.Node,
        what: str,
        required: Collection[str],
        optional: Collection[str] = (),
    ) -> dict[str, yaml.Node] | None:
        """The mapping's values by key; reports non-mappings, duplicate, unknown and missing keys."""
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} must be a mapping, got {describe(node)}")
            return None
        allowed = set(required) | set(optional)
        values: dict[str, yaml.Node] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != STR_TAG:
                self.report(key_node, f"{what}: keys must be text, got {describe(key_node)}")
                continue
            key = str(key_node.value)
            if key in seen:
                self.report(key_node, f"{what}: duplicate key {key!r}")
                continue
            seen.add(key)
            if key not in allowed:
                self.report(key_node, f"{what}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
                continue
            values[key] = value_node
        for key in required:
            if key not in seen:
                self.report(node, f"{what}: missing required key {key!r}")
        return values

    def sequence(
        self, node: yaml.Node | None, what: str, *, allow_empty: bool = False
    ) -> list[yaml.Node] | None:
        if node is None:
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"{what} must be a list, got {describe(node)}")
            return None
        items: list[yaml.Node] = list(node.value)
        if not items and not allow_empty:
            self.report(node, f"{what} must not be empty")
            return None
        return items

    def text(self, node: yaml.Node | None, what: str, *, single_line: bool = False) -> str | None:
        """A non-empty text scalar, trimmed."""
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != STR_TAG:
            self.report(
                node,
                f"{what} must be text, got {describe(node)} (quote it if it looks like a number or date)",
            )
            return None
        value = str(node.value).strip()
        if not value:
            self.report(node, f"{what} must not be empty")
            return None
        if single_line and "\n" in value:
            self.report(node, f"{what} must be a single line")
            return None
        return value

    def text_list(
        self, node: yaml.Node | None, what: str, *, allow_empty: bool = False
    ) -> tuple[str, ...] | None:
        items = self.sequence(node, what, allow_empty=allow_empty)
        if items is None:
            return None
        values = [self.text(item, f"{what} entry") for item in items]
        if any(value is None for value in values):
            return None
        return tuple(value for value in values if value is not None)

    def text_map(self, node: yaml.Node | None, what: str) -> dict[str, str] | None:
        """A mapping of text keys to text values (keys are free, e.g. fact names)."""
        if node is None:
            return None
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} must be a mapping, got {describe(node)}")
            return None
        result: dict[str, str] = {}
        ok = True
        for key_node, value_node in node.value:
            key = self.text(key_node, f"{what} key", single_line=True)
            value = self.text(value_node, f"{what} value")
            if key is None or value is None:
                ok = False
                continue
            if key in result:
                self.report(key_node, f"{what}: duplicate key {key!r}")
                ok = False
                continue
            result[key] = value
        return result if ok else None

    def threshold_map(self, node: yaml.Node | None, what: str) -> dict[str, str | int | float | bool] | None:
        """A mapping of text keys to scalar values (text, number or true/false)."""
        if node is None:
            return None
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} must be a mapping, got {describe(node)}")
            return None
        result: dict[str, str | int | float | bool] = {}
        ok = True
        for key_node, value_node in node.value:
            key = self.text(key_node, f"{what} key", single_line=True)
            value = self.scalar(value_node, f"{what} value")
            if key is None or value is None:
                ok = False
                continue
            if key in result:
                self.report(key_node, f"{what}: duplicate key {key!r}")
                ok = False
                continue
            result[key] = value
        return result if ok else None

    def scalar(self, node: yaml.Node | None, what: str) -> str | int | float | bool | None:
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode):
            raw = str(node.value)
            try:
                if node.tag == STR_TAG and raw.strip():
                    return raw.strip()
                if node.tag == "tag:yaml.org,2002:bool":
                    return raw.lower() in ("true", "yes", "on", "y")
                if node.tag == "tag:yaml.org,2002:int":
                    return int(raw.replace("_", ""), 0)
                if node.tag == "tag:yaml.org,2002:float":
                    return float(raw.replace("_", ""))
            except ValueError:
                pass
        self.report(node, f"{what} must be text, a number or true/false, got {describe(node)}")
        return None

    def choice(self, node: yaml.Node | None, enum: type[E], what: str, hint: str = "") -> E | None:
        value = self.text(node, what, single_line=True)
        if value is None:
            return None
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.report(node, f"{what} {value!r} is not one of: {allowed}{hint}")
            return None

    def iso_date(self, node: yaml.Node | None, what: str) -> date | None:
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag in (STR_TAG, "tag:yaml.org,2002:timestamp"):
            try:
                return date.fromisoformat(str(node.value).strip())
            except ValueError:
                pass
        self.report(node, f"{what} must be a date written YYYY-MM-DD")
        return None
