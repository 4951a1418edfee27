"""Compiled policy packs and their evaluation: subject -> facts -> CEL rules -> Decision."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import Any

from ._batch import RERUN, Batch, make_batches
from ._cel_engine import cel
from ._compile import Expanded, Unrolled
from ._decision import Decision, EvaluationError, Reason, build_decision, freeze
from ._errors import SubjectError
from ._examples import PolicyExample
from ._facts import derive_facts
from ._flat import Activation, Flattener, convertible
from ._plan import HAS_PREFIX, VARIABLE_PREFIX, GatePlan, Rewritten
from ._probe import PreFilter, Probe, find_probes
from ._reference import ReferenceData
from ._screening import NullScreener, Screener, ScreeningThresholds
from ._subjects import GATES, check_gate, normalize_subject
from ._template import MISSING, Template, resolve, resolve_parts


@dataclass(frozen=True)
class ForEach:
    """`for_each: party in facts.parties`: the rule is tested once per element, bound to `name`."""

    name: str
    collection: str


@dataclass(frozen=True)
class Rule:
    """A rule as written in its file (the compiled program lives in the pack)."""

    id: str
    title: str
    gates: tuple[str, ...]
    when: str
    outcome: str
    severity: str
    message: str
    cites: tuple[str, ...]
    conditions: tuple[str, ...] = ()
    refer_to: str | None = None
    for_each: ForEach | None = None
    description: str | None = None
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    program: cel.Program  # compiled from `rewritten.source`
    rewritten: Rewritten
    unrolled: Unrolled | None  # for_each rules: the per-element form, faster than `map`
    expanded: Expanded | None  # other rules: `list.exists/all(...)` written out per element
    plain: cel.Program  # the rule as written (for_each as `map`), over the whole subject and facts
    paths: tuple[str, ...]  # the dotted paths `when` reads, reported as the reason's values
    message: Template
    conditions: tuple[Template, ...]

    def probes(self, position: int) -> tuple[int, tuple[Probe, ...], str | None]:
        """(position, the rule's probes, its for_each collection or None): one rule's entry in a
        `PreFilter`."""
        for_each = self.rule.for_each
        if for_each is None:
            return position, find_probes(self.rule.when, None), None
        return position, find_probes(self.rule.when, for_each.name), for_each.collection

    def lists_read(self) -> tuple[str, ...]:
        """The lists whose lengths pick this rule's program."""
        if self.rule.for_each is not None:
            return (self.rule.for_each.collection,)
        return self.expanded.paths if self.expanded is not None else ()

    def program_for(self, lengths: Mapping[str, int]) -> cel.Program | None:
        """The program that decides this rule, given the lengths of the lists it reads (-1: not a list);
        None when its for_each list is empty (nothing to test)."""
        for_each = self.rule.for_each
        if for_each is not None:
            length = lengths[for_each.collection]
            if length == 0:
                return None
            if self.unrolled is not None and length > 0:
                return self.unrolled.program(length, cel.compile) or self.program
            return self.program
        if self.expanded is not None:
            key = tuple(lengths[path] for path in self.expanded.paths)
            return self.expanded.program(key, cel.compile) or self.program
        return self.program

    def batch_form(self, lengths: Mapping[str, int]) -> tuple[str, bool]:
        """This rule's slot in a batch (see `Batch`): CEL source, and whether it only screens the rule
        (false: nothing to report; anything else: run `program_for`) instead of giving its exact result."""
        for_each = self.rule.for_each
        if for_each is not None:
            length = lengths[for_each.collection]
            if length == 0:
                return "false", True
            if self.unrolled is not None and 0 < length <= Unrolled.MAX_UNROLLED:
                return self.unrolled.summary(length), True
        program = self.program_for(lengths)
        return (program or self.program).source, False

    @cached_property
    def _split_paths(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((path, tuple(path.split("."))) for path in self.paths)

    def reason(self, scope: Mapping[str, Any], target: str | None) -> Reason:
        # Each path is looked up once, for the reason's values and for the message and conditions.
        resolved = {path: resolve_parts(scope, parts) for path, parts in self._split_paths}
        values = {path: value for path, value in resolved.items() if value is not MISSING}
        rule = self.rule
        return Reason(
            rule=rule.id,
            title=rule.title,
            outcome=rule.outcome,
            severity=rule.severity,
            message=self.message.render(scope, resolved),
            cites=rule.cites,
            values=freeze(values),
            refer_to=rule.refer_to,
            conditions=tuple(template.render(scope, resolved) for template in self.conditions),
            target=target,
        )


_WHOLE = Rewritten("", {}, {}, {"subject", "facts"}, exact=False)
_INTERNAL_NAME = re.compile(rf"\b(?:{VARIABLE_PREFIX}|{HAS_PREFIX})(\w+)")


def describe_error(exc: BaseException) -> str:
    """A short message for a rule's evaluation error, written in the rule's own names."""
    if isinstance(exc, KeyError):
        return f"no such field: {exc.args[0]!r}" if exc.args else "no such field"
    text = " ".join(str(exc).split())
    text = _INTERNAL_NAME.sub(lambda match: match.group(1).replace("__", "."), text)
    if "Undefined variable" in text:
        text += " (the subject or facts have no such field)"
    return f"{type(exc).__name__}: {text[:300]}"


class PolicyPack:
    """A loaded, compiled policy pack. Build it with `load_pack`; evaluate it as often as you like."""

    def __init__(
        self,
        *,
        path: Path,
        rules: tuple[CompiledRule, ...],
        examples: tuple[PolicyExample, ...],
        version: str,
        reference: ReferenceData,
        optimise: bool = True,
    ) -> None:
        self._path = path
        self._examples = examples
        self._version = version
        self._reference = reference
        if not optimise:  # every rule as written, over one context holding everything
            rules = tuple(
                dataclasses.replace(r, program=r.plain, unrolled=None, expanded=None, rewritten=_WHOLE)
                for r in rules
            )
        self._compiled = rules
        self._by_gate = {gate: tuple(r for r in rules if gate in r.rule.gates) for gate in GATES}
        self._plans: dict[str, tuple[GatePlan, list[tuple[str, tuple[str, ...], Callable[[Any], Any]]]]] = {}
        for gate, gate_rules in self._by_gate.items():
            plan = GatePlan()
            for compiled in gate_rules:
                plan.add(compiled.rewritten)
                if compiled.rule.for_each is not None:
                    plan.collections.add(compiled.rule.for_each.collection)
                if compiled.expanded is not None:
                    plan.collections.update(compiled.expanded.paths)
            self._plans[gate] = (plan, plan.compile())
        # Rules are pre-filtered (see `PreFilter`) and run in batches (see `Batch`), except in the plain form
        # kept for comparison.
        self._flattener = Flattener()
        self._flat_programs: dict[int, tuple[cel.Program, cel.Program | None, frozenset[str]]] = {}
        self._batches: dict[str, tuple[Batch, ...] | None] = {}
        self._prefilters: dict[str, PreFilter | None] = {}
        for gate, gate_rules in self._by_gate.items():
            self._batches[gate] = make_batches(gate_rules, self._flattener) if optimise else None
            self._prefilters[gate] = (
                PreFilter.build([r.probes(i) for i, r in enumerate(gate_rules)]) if optimise else None
            )

    @property
    def path(self) -> Path:
        return self._path

    @property
    def version(self) -> str:
        """Content hash of the pack's rule files, e.g. `sha256:3f1c…` (16 hex digits)."""
        return self._version

    @property
    def reference(self) -> ReferenceData:
        return self._reference

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(compiled.rule for compiled in self._compiled)

    @property
    def examples(self) -> tuple[PolicyExample, ...]:
        return self._examples

    def rules_for(self, gate: str) -> tuple[Rule, ...]:
        check_gate(gate)
        return tuple(compiled.rule for compiled in self._by_gate[gate])

    def rule(self, rule_id: str) -> Rule:
        for compiled in self._compiled:
            if compiled.rule.id == rule_id:
                return compiled.rule
        raise KeyError(rule_id)

    def __repr__(self) -> str:
        return f"<PolicyPack {self._path} {self._version} rules={len(self._compiled)}>"

    def evaluate(
        self,
        gate: str,
        subject: Mapping[str, Any],
        *,
        screener: Screener | None = None,
        today: date | None = None,
        thresholds: ScreeningThresholds | None = None,
        unit_country: str | None = None,
    ) -> Decision:
        """Decide `subject` at `gate`.

        The decision date is the subject's `as_of`, else `today`, else the current UTC date. `unit_country`
        is the country of the org unit deciding: a sales deal's exporter when the subject names none. Raises
        `SubjectError` (every bad field) for an invalid subject and `ValueError` for an unknown gate.
        """
        check_gate(gate)
        normalized, field_errors = normalize_subject(gate, subject, self._reference)
        if field_errors:
            raise SubjectError(gate, field_errors)
        as_of = (
            date.fromisoformat(normalized["as_of"])
            if normalized.get("as_of")
            else today or datetime.now(tz=UTC).date()
        )
        facts, fact_errors = derive_facts(
            gate,
            normalized,
            reference=self._reference,
            screener=screener or NullScreener(),
            thresholds=thresholds or ScreeningThresholds(),
            as_of=as_of,
            unit_country=unit_country,
        )
        errors = [EvaluationError(None, "screening", message) for message in fact_errors]
        reasons: list[Reason] = []
        rules_evaluated = self._run_rules(gate, {"subject": normalized, "facts": facts}, reasons, errors)
        return build_decision(
            gate=gate,
            as_of=as_of,
            reasons=reasons,
            errors=errors,
            policy_version=self._version,
            reference_version=self._reference.version,
            rules_evaluated=rules_evaluated,
            facts=facts,
        )

    def _run_rules(
        self, gate: str, scope: dict[str, Any], reasons: list[Reason], errors: list[EvaluationError]
    ) -> int:
        """Run the gate's rules over `scope`, adding to `reasons` and `errors`; returns how many ran."""
        rules = self._by_gate[gate]
        plan, variables = self._plans[gate]
        batches = self._batches[gate]
        try:
            activation = Activation(plan.context(variables, scope), self._flattener)
            # The whole plan goes to CEL up front (as it always did) unless it surely converts: see `_flat`.
            structured = batches is None or not convertible(activation.values)
            if structured:
                activation.structured()
        except Exception as exc:  # values CEL cannot hold: no rule can run, so the decision is a review
            errors.append(EvaluationError(None, "facts", describe_error(exc)))
            rules = ()
            activation, structured = Activation({}, self._flattener), True
        # Lists that rules iterate, read once per decision; their lengths pick each rule's written-out form.
        lists = {path: resolve(scope, path) for path in plan.collections}
        lengths = {path: len(value) if isinstance(value, list) else -1 for path, value in lists.items()}
        pending: list[tuple[int, Any]]  # (rule position, its result or RERUN), in the gate's rule order
        if structured:
            pending = [(position, RERUN) for position in range(len(rules))]
        else:
            assert batches is not None
            pending = self._run_batches(gate, batches, activation, scope, lists, lengths)
        for position, result in pending:
            compiled = rules[position]
            if result is RERUN:
                program = compiled.program_for(lengths)
                if program is None:
                    continue
                try:
                    result = self._execute(program, activation, structured)
                except Exception as exc:  # any evaluation failure is a named review, never a silent pass
                    errors.append(EvaluationError(compiled.rule.id, "rule", describe_error(exc)))
                    continue
            for_each = compiled.rule.for_each
            if for_each is not None:
                if type(result) is not list or not all(hit is False for hit in result):  # usual case: no hit
                    self._record_each(compiled, result, lists[for_each.collection], scope, reasons, errors)
            elif result is True:
                reasons.append(compiled.reason(scope, None))
            elif result is not False:
                message = f"`when` must be true or false, got {result!r}"
                errors.append(EvaluationError(compiled.rule.id, "rule", message))
        return len(rules)

    def _run_batches(
        self,
        gate: str,
        batches: tuple[Batch, ...],
        activation: Activation,
        scope: dict[str, Any],
        lists: dict[str, Any],
        lengths: dict[str, int],
    ) -> list[tuple[int, Any]]:
        """The gate's batch programs over the flat context: (rule position, result or RERUN) in rule order."""
        prefilter = self._prefilters[gate]
        skipped = prefilter.false_rules(scope, lists) if prefilter is not None else 0
        runs = [(batch, *batch.prepare(lengths, skipped)) for batch in batches]
        # One flat context for every batch program about to run (each addition would rebuild CEL's own).
        context = activation.flat({name for _, entry, _ in runs if entry is not None for name in entry[2]})
        pending: list[tuple[int, Any]] = []
        for batch, entry, alive in runs:
            if alive:
                pending += batch.run(entry, alive, context)
        pending.sort(key=itemgetter(0))
        return pending

    def _execute(self, program: cel.Program, activation: Activation, structured: bool) -> Any:
        """A rule's result: from its flat form if that runs, else (and for errors) from the program itself
        over the structured context (see `Activation`)."""
        if not structured:
            entry = self._flat_programs.get(id(program))
            if entry is None or entry[0] is not program:
                entry = self._flat_programs[id(program)] = self._flat_form(program)
            flat, names = entry[1], entry[2]
            if flat is not None:
                try:
                    result = flat.execute(activation.flat(names))
                except Exception:  # decided again below, to report the error as the rule's own program does
                    result = RERUN
                if result is not RERUN:
                    return result
        return program.execute(activation.structured())

    def _flat_form(self, program: cel.Program) -> tuple[cel.Program, cel.Program | None, frozenset[str]]:
        source = self._flattener.flatten(program.source)
        try:
            flat = program if source == program.source else cel.compile(source)
        except (ValueError, RuntimeError):
            return program, None, frozenset()
        return program, flat, frozenset(flat.variables())

    @staticmethod
    def _record_each(
        compiled: CompiledRule,
        result: Any,
        elements: Any,
        scope: dict[str, Any],
        reasons: list[Reason],
        errors: list[EvaluationError],
    ) -> None:
        """A for_each rule's verdicts: one per element, each hit its own reason."""
        rule = compiled.rule
        for_each = rule.for_each
        assert for_each is not None
        if not isinstance(result, list):
            errors.append(EvaluationError(rule.id, "rule", f"`when` must be true or false, got {result!r}"))
            return
        hits = []
        for index, hit in enumerate(result):
            if hit is True:
                hits.append(index)
            elif hit is not False:
                errors.append(EvaluationError(rule.id, "rule", f"`when` must be true or false, got {hit!r}"))
                return
        if not hits:
            return
        if not isinstance(elements, list) or len(elements) != len(result):
            errors.append(EvaluationError(rule.id, "rule", f"cannot read {for_each.collection} back"))
            return
        for index in hits:
            element = elements[index]
            target = element.get("path") if isinstance(element, dict) else None
            bound = {**scope, for_each.name: element}
            reasons.append(compiled.reason(bound, target or f"{for_each.collection}[{index}]"))
