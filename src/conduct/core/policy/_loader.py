"""Loading a policy pack: read every rule file, validate everything, compile each CEL expression once."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conduct.core._yaml import LocatedDict, LocatedList, YamlProblem, load_located

from ._cel_engine import cel
from ._compile import Rewritten, expand, macro_bindings, read_paths, rewrite, unroll
from ._errors import PolicyError, PolicyProblem
from ._example_reading import ExampleSource, read_example, suggest
from ._examples import PolicyExample
from ._facts import FACT_NAMES
from ._pack import CompiledRule, ForEach, PolicyPack, Rule
from ._reference import ReferenceData, load_reference_data
from ._rule_fields import RULE_ID_PATTERN, check_rule_keys, read_verdict
from ._subjects import GATES
from ._template import Template, is_path, parse_template

URN_PATTERN = re.compile(r"^urn:conduct:([a-z0-9]+(?:_[a-z0-9]+)*):([A-Za-z0-9][A-Za-z0-9._-]*)$")
_FOR_EACH = re.compile(r"^\s*([A-Za-z_]\w*)\s+in\s+(\S+)\s*$")

FILE_KEYS = ("description", "rules", "examples")
ROOTS = ("subject", "facts")
_CEL_FUNCTIONS = frozenset(
    {
        "size",
        "contains",
        "startsWith",
        "endsWith",
        "matches",
        "int",
        "uint",
        "double",
        "string",
        "bytes",
        "timestamp",
        "duration",
        "dyn",
        "type",
        "getFullYear",
        "getMonth",
        "getDate",
        "getDayOfMonth",
        "getDayOfWeek",
        "getDayOfYear",
        "getHours",
        "getMinutes",
        "getSeconds",
        "getMilliseconds",
    }
)
_CEL_TYPE_NAMES = frozenset(
    {"int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type"}
)
_RESERVED = frozenset(
    {
        "true",
        "false",
        "null",
        "in",
        "as",
        "break",
        "const",
        "continue",
        "else",
        "for",
        "function",
        "if",
        "import",
        "let",
        "loop",
        "package",
        "namespace",
        "return",
        "var",
        "void",
        "while",
    }
)


def load_pack(
    path: Path | str,
    *,
    reference: ReferenceData | None = None,
    known_urns: Collection[str] | None = None,
    optimise: bool = True,
) -> PolicyPack:
    """Load and compile the pack in `path` (a folder of YAML rule files, or one file).

    `reference` defaults to the repository's data/ folder. With `known_urns`, every cited URN must be one of
    them. `optimise=False` evaluates each rule's CEL exactly as written over the whole subject and facts
    (slower; for comparison and diagnosis). Raises `PolicyError` listing every problem (file, line, rule
    id, message).
    """
    return _PackReader(Path(path), reference or load_reference_data(), known_urns).read(optimise=optimise)


def _when_text(when: str | bool) -> str:
    """`when: true` in YAML is a boolean; as CEL it is the literal `true`."""
    return ("true" if when else "false") if isinstance(when, bool) else when.strip()


@dataclass
class _Reporter:
    """Records problems for one rule, at the line of the key concerned."""

    reader: _PackReader
    file: str
    rule_id: str | None
    data: LocatedDict

    def __call__(self, key: str | None, message: str) -> None:
        self.at(self.data.line_of(key) if key else self.data.line, message)

    def at(self, line: int | None, message: str) -> None:
        self.reader.problem(self.file, line, self.rule_id, message)


def _compiled_rule(
    rule: Rule,
    compiled: tuple[cel.Program, Rewritten, cel.Program],
    message: Template,
    conditions: list[Template],
    roots: set[str],
) -> CompiledRule:
    """The rule with its programs: the fast and plain CEL programs, the unrolled and expanded forms."""
    for_each = rule.for_each
    # Values reported with a reason: what `when` read, then what the message and conditions show.
    shown = [path for template in (message, *conditions) for path in template.paths]
    paths = tuple(dict.fromkeys((*read_paths(rule.when, roots), *shown)))
    program, rewritten, plain = compiled
    unrolled = unroll(rule.when, for_each.name, for_each.collection) if for_each else None
    if unrolled is not None:
        try:
            unrolled.precompile(cel.compile)
        except (ValueError, RuntimeError):
            unrolled = None  # keep the comprehension form, which compiled
    expanded = expand(rewritten.source) if for_each is None else None
    return CompiledRule(
        rule, program, rewritten, unrolled, expanded, plain, paths, message, tuple(conditions)
    )


@dataclass
class _PendingExample:
    example: PolicyExample
    gates: tuple[str, ...]


@dataclass
class _PackReader:
    root: Path
    reference: ReferenceData
    known_urns: Collection[str] | None
    problems: list[PolicyProblem] = field(default_factory=list)
    rules: list[CompiledRule] = field(default_factory=list)
    examples: list[_PendingExample] = field(default_factory=list)

    def problem(self, file: str, line: int | None, rule_id: str | None, message: str) -> None:
        self.problems.append(PolicyProblem(file, line, rule_id, message))

    def files(self) -> list[Path]:
        if self.root.is_file():
            return [self.root]
        if not self.root.is_dir():
            self.problem(str(self.root), None, None, "no such policy pack folder or file")
            return []
        found = sorted(p for p in self.root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        if not found:
            self.problem(str(self.root), None, None, "the folder holds no .yaml rule files")
        return found

    def read(self, *, optimise: bool = True) -> PolicyPack:
        digest = hashlib.sha256()
        for file in self.files():
            name = str(file)
            try:
                raw = file.read_bytes()
            except OSError as exc:
                self.problem(name, None, None, f"cannot read: {exc.strerror or exc}")
                continue
            relative = file.relative_to(self.root).as_posix() if file != self.root else file.name
            digest.update(relative.encode() + b"\0" + raw + b"\0")
            self.read_file(name, raw)
        self.check_rule_ids()
        self.check_examples()
        if self.problems:
            raise PolicyError(self.problems)
        return PolicyPack(
            path=self.root,
            rules=tuple(self.rules),
            examples=tuple(pending.example for pending in self.examples),
            version=f"sha256:{digest.hexdigest()[:16]}",
            reference=self.reference,
            optimise=optimise,
        )

    def read_file(self, name: str, raw: bytes) -> None:
        try:
            data = load_located(raw.decode("utf-8"))
        except UnicodeDecodeError:
            self.problem(name, None, None, "not UTF-8 text")
            return
        except YamlProblem as exc:
            self.problem(name, exc.line, None, exc.message)
            return
        if not isinstance(data, LocatedDict):
            self.problem(name, 1, None, "a rule file must be a mapping with a `rules` list")
            return
        for key in data:
            if key not in FILE_KEYS:
                self.problem(name, data.line_of(key), None, f"unknown key {key!r}{suggest(key, FILE_KEYS)}")
        rules = data.get("rules")
        if not isinstance(rules, LocatedList):
            self.problem(name, data.line_of("rules"), None, "`rules` must be a list of rules")
        else:
            for index, entry in enumerate(rules):
                self.read_rule(name, rules.line_of(index), entry)
        examples = data.get("examples")
        if examples is not None:
            if not isinstance(examples, LocatedList):
                self.problem(name, data.line_of("examples"), None, "`examples` must be a list")
            else:
                for index, entry in enumerate(examples):
                    self.read_example(name, examples.line_of(index), entry, None, GATES, index)

    def read_rule(self, name: str, line: int, data: Any) -> None:
        if not isinstance(data, LocatedDict):
            self.problem(name, line, None, "each rule must be a mapping")
            return
        raw_id = data.get("id")
        rule_id = raw_id if isinstance(raw_id, str) and RULE_ID_PATTERN.match(raw_id) else None
        count = len(self.problems)
        bad = _Reporter(self, name, rule_id, data)
        check_rule_keys(data, raw_id, rule_id, bad)
        title = data.get("title")
        gates = self.read_gates(data, bad)
        for_each = self.read_for_each(data, gates, bad)
        outcome, severity, refer_to = read_verdict(data, bad)
        roots = {*ROOTS, *([for_each.name] if for_each else [])}
        message = self.read_template(data, "message", roots, bad)
        conditions = self.read_conditions(data, roots, bad)
        cites = self.read_cites(data, bad)
        description = data.get("description")
        if description is not None and not isinstance(description, str):
            bad("description", "`description` must be a string")
        compiled = self.compile_when(data, gates, for_each, bad)
        if len(self.problems) > count or compiled is None or message is None or rule_id is None:
            self.read_rule_examples(name, data, rule_id, gates)
            return
        rule = Rule(
            id=rule_id,
            title=str(title).strip(),
            gates=gates,
            when=_when_text(data["when"]),
            outcome=str(outcome),
            severity=str(severity),
            message=message.source,
            cites=cites,
            conditions=tuple(template.source for template in conditions),
            refer_to=refer_to,
            for_each=for_each,
            description=" ".join(description.split()) if isinstance(description, str) else None,
            file=name,
            line=data.line,
        )
        self.rules.append(_compiled_rule(rule, compiled, message, conditions, roots))
        self.read_rule_examples(name, data, rule_id, gates)

    def read_gates(self, data: LocatedDict, bad: _Reporter) -> tuple[str, ...]:
        raw = data.get("gates")
        if raw is None:
            return ()
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not items or not all(isinstance(gate, str) for gate in items):
            bad("gates", "`gates` must be a gate name or a non-empty list of gate names")
            return ()
        gates: list[str] = []
        for gate in items:
            if gate not in GATES:
                bad("gates", f"unknown gate {gate!r}{suggest(gate, GATES)}; gates are: {', '.join(GATES)}")
            elif gate not in gates:
                gates.append(gate)
        return tuple(gates)

    def check_facts(self, paths: tuple[str, ...], gates: tuple[str, ...], key: str, bad: _Reporter) -> None:
        for path in paths:
            parts = path.split(".")
            if parts[0] != "facts":
                continue
            if len(parts) == 1:
                bad(key, "read a named fact (`facts.<name>`), not `facts` as a whole")
                continue
            for gate in gates:
                if parts[1] not in FACT_NAMES[gate]:
                    hint = suggest(parts[1], FACT_NAMES[gate])
                    bad(key, f"unknown fact 'facts.{parts[1]}' for gate {gate}{hint}")

    def read_for_each(self, data: LocatedDict, gates: tuple[str, ...], bad: _Reporter) -> ForEach | None:
        raw = data.get("for_each")
        if raw is None:
            return None
        match = _FOR_EACH.match(raw) if isinstance(raw, str) else None
        if match is None:
            bad("for_each", "`for_each` must read '<name> in <dotted path>', e.g. 'party in facts.parties'")
            return None
        name, collection = match.groups()
        if name in ROOTS or name in _RESERVED or name in _CEL_TYPE_NAMES:
            bad("for_each", f"{name!r} cannot be used as the for_each name")
            return None
        if not is_path(collection) or collection.split(".")[0] not in ROOTS:
            bad("for_each", f"{collection!r} must be a dotted path under subject or facts")
            return None
        self.check_facts((collection,), gates, "for_each", bad)
        return ForEach(name, collection)

    def read_template(self, data: LocatedDict, key: str, roots: set[str], bad: _Reporter) -> Template | None:
        raw = data.get(key)
        if raw is None:
            return None
        if not isinstance(raw, str) or not raw.strip():
            bad(key, f"`{key}` must be a non-empty string")
            return None
        template, problems = parse_template(" ".join(raw.split()), roots)
        for problem in problems:
            bad(key, f"{key}: {problem}")
        return None if problems else template

    def read_conditions(self, data: LocatedDict, roots: set[str], bad: _Reporter) -> list[Template]:
        raw = data.get("conditions")
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(item, str) and item.strip() for item in raw):
            bad("conditions", "`conditions` must be a list of non-empty strings")
            return []
        templates = []
        for item in raw:
            template, problems = parse_template(" ".join(item.split()), roots)
            for problem in problems:
                bad("conditions", f"condition: {problem}")
            templates.append(template)
        return templates

    def read_cites(self, data: LocatedDict, bad: _Reporter) -> tuple[str, ...]:
        raw = data.get("cites")
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw:
            bad("cites", "`cites` must be a non-empty list of requirement URNs")
            return ()
        cites: list[str] = []
        lines = raw.item_lines if isinstance(raw, LocatedList) else []
        for index, urn in enumerate(raw):
            line = lines[index] if index < len(lines) else data.line_of("cites")
            if not isinstance(urn, str) or not URN_PATTERN.match(urn):
                bad.at(line, f"bad URN {urn!r}: expected urn:conduct:<framework>:<requirement id>")
            elif self.known_urns is not None and urn not in self.known_urns:
                bad.at(line, f"unknown requirement URN {urn!r}{suggest(urn, self.known_urns)}")
            elif urn not in cites:
                cites.append(urn)
        return tuple(cites)

    def compile_when(
        self, data: LocatedDict, gates: tuple[str, ...], for_each: ForEach | None, bad: _Reporter
    ) -> tuple[cel.Program, Rewritten, cel.Program] | None:
        when = data.get("when")
        if when is None:
            return None
        if not isinstance(when, str | bool) or (isinstance(when, str) and not when.strip()):
            bad("when", "`when` must be a CEL expression (a string)")
            return None
        expression = _when_text(when)
        source = f"{for_each.collection}.map({for_each.name}, ({expression}))" if for_each else expression
        try:
            program = cel.compile(source)
        except (ValueError, RuntimeError) as exc:
            bad("when", f"CEL syntax error in `when`: {' '.join(str(exc).split())}")
            return None
        allowed = {*ROOTS, *([for_each.name] if for_each else []), *macro_bindings(source), *_CEL_TYPE_NAMES}
        for variable in program.variables():
            if variable not in allowed:
                bad(
                    "when",
                    f"unknown name {variable!r} in `when`{suggest(variable, allowed)}; "
                    f"rules read subject, facts{' and ' + for_each.name if for_each else ''}",
                )
        for function in program.functions():
            if function[0].isalpha() and function not in _CEL_FUNCTIONS:
                bad("when", f"unknown CEL function {function!r}{suggest(function, _CEL_FUNCTIONS)}")
        self.check_facts(read_paths(expression, {"facts"}), gates, "when", bad)
        rewritten = rewrite(source)
        try:
            fast = cel.compile(rewritten.source)
        except (ValueError, RuntimeError):  # the rewrite is ours: keep the rule as written, just slower
            rewritten = Rewritten(source, {}, {}, set(ROOTS), exact=False)
            fast = program
        return fast, rewritten, program

    def read_rule_examples(
        self, name: str, data: LocatedDict, rule_id: str | None, gates: tuple[str, ...]
    ) -> None:
        raw = data.get("examples")
        if raw is None:
            return
        if not isinstance(raw, LocatedList):
            self.problem(name, data.line_of("examples"), rule_id, "`examples` must be a list")
            return
        for index, entry in enumerate(raw):
            self.read_example(name, raw.line_of(index), entry, rule_id, gates, index)

    def read_example(
        self, name: str, line: int, data: Any, rule_id: str | None, gates: tuple[str, ...], index: int
    ) -> None:
        example = read_example(
            ExampleSource(name, line, rule_id, gates, index), data, self.reference, self.problem
        )
        if example is not None:
            self.examples.append(_PendingExample(example, (example.gate,)))

    def check_rule_ids(self) -> None:
        seen: dict[str, Rule] = {}
        for compiled in self.rules:
            rule = compiled.rule
            if rule.id in seen:
                first = seen[rule.id]
                self.problem(
                    rule.file,
                    rule.line,
                    rule.id,
                    f"duplicate rule id (first defined at {first.file}:{first.line})",
                )
            else:
                seen[rule.id] = rule

    def check_examples(self) -> None:
        gates_of = {compiled.rule.id: compiled.rule.gates for compiled in self.rules}
        for pending in self.examples:
            example = pending.example
            for rule_id in (*example.must_fire, *example.must_not_fire):
                if rule_id not in gates_of:
                    self.problem(
                        example.file,
                        example.line,
                        example.rule_id,
                        f"example {example.name!r}: unknown rule id {rule_id!r}{suggest(rule_id, gates_of)}",
                    )
                elif example.gate not in gates_of[rule_id]:
                    self.problem(
                        example.file,
                        example.line,
                        example.rule_id,
                        f"example {example.name!r}: rule {rule_id!r} does not apply to gate {example.gate}",
                    )
