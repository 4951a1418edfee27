"""Running the rules of a gate a batch at a time: one CEL program `[rule 1, rule 2, ...]` per batch.

Calling into the `cel` binding once per rule costs more than most rules do: every call sets up an
environment, converts the result back to Python, and costs a few Python steps around it. A batch runs up
to `SIZE` rules that read the same lists in one call (in flat form, see `_flat`). A batch can never change
a decision, because a slot only stands for what the rule alone would give:

- a rule that is not for_each has its own CEL source in its slot, so the slot holds exactly the rule's
  result (true, false, or a value that is not a boolean);
- a for_each rule's slot is `(when(x[0]) || when(x[1]) || ...)`, which is false exactly when every
  element's test is false (CEL's `||` is true when either side is true, and otherwise an error unless both
  sides are false), so only then can the rule be skipped; otherwise its own per-element program runs;
- when any slot fails, the list fails: then every rule of the batch runs on its own, reporting its error.

Batches group rules by the lists whose lengths pick their programs, so a batch's program is compiled once
per combination of those lengths (on first use, up to `MAX_VARIANTS`; beyond that, or if the compiler
refuses the batch, its rules run one by one). When the pre-filter (`_probe`) rules out most of a batch, the
rest run one by one instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._cel_engine import cel
from ._flat import Flattener

if TYPE_CHECKING:
    from ._pack import CompiledRule

RERUN: Any = object()  # "run this rule's own program" (its batch slot was not false, or the batch failed)


class Batch:
    SIZE = 32
    MAX_VARIANTS = 32

    def __init__(
        self, members: Sequence[tuple[int, CompiledRule]], paths: tuple[str, ...], flattener: Flattener
    ) -> None:
        self.positions = tuple(position for position, _ in members)  # the rules' places in the gate's order
        self.mask = sum(1 << position for position in self.positions)
        self.rules = tuple(rule for _, rule in members)
        self.paths = paths  # the lists whose lengths pick the rules' programs
        self._flattener = flattener
        self._programs: dict[
            tuple[int, ...], tuple[cel.Program, tuple[bool, ...], frozenset[str]] | None
        ] = {}

    def program(
        self, lengths: Mapping[str, int]
    ) -> tuple[cel.Program, tuple[bool, ...], frozenset[str]] | None:
        """The batch program (in flat form, see `Flattener`) for these list lengths, whether each slot only
        screens its rule, and the names the program reads."""
        key = tuple(lengths[path] for path in self.paths)
        found = self._programs.get(key, RERUN)
        if found is not RERUN:
            return found  # type: ignore[no-any-return]
        if len(self._programs) >= self.MAX_VARIANTS:
            return None
        forms = [rule.batch_form(lengths) for rule in self.rules]
        # A newline ends each slot, so a `// comment` at the end of a rule cannot swallow the next one.
        source = self._flattener.flatten("[" + ", ".join(f"({text}\n)" for text, _ in forms) + "]")
        try:
            program = cel.compile(source)
        except (ValueError, RuntimeError):
            entry = None
        else:
            entry = (program, tuple(screen_only for _, screen_only in forms), frozenset(program.variables()))
        self._programs[key] = entry
        return entry

    def prepare(
        self, lengths: Mapping[str, int], skipped: int
    ) -> tuple[tuple[cel.Program, tuple[bool, ...], frozenset[str]] | None, int]:
        """What to run: (the batch program, or None to run the rules on their own; the rules that may hold,
        as a mask). The rules in the `skipped` mask (bit n: the gate's rule n) are certainly false (see
        `PreFilter`); when most of the batch is, the others run on their own."""
        alive = self.mask & ~skipped
        if alive != self.mask and alive.bit_count() * 3 <= len(self.positions):
            return None, alive
        return self.program(lengths), alive

    def run(
        self,
        entry: tuple[cel.Program, tuple[bool, ...], frozenset[str]] | None,
        alive: int,
        context: cel.Context,
    ) -> list[tuple[int, Any]]:
        """(position, result) for each rule that needs a look: its own result, or `RERUN`."""
        if entry is not None:
            program, screen_only, _ = entry
            try:
                results = program.execute(context)
            except Exception:  # some rule fails: each rule runs alone and reports its own error
                results = None
            if type(results) is list and len(results) == len(self.positions):
                positions = self.positions
                return [
                    (positions[index], RERUN if screen_only[index] else result)
                    for index, result in enumerate(results)
                    if result is not False
                ]
        return [(position, RERUN) for position in self.positions if alive >> position & 1]


def make_batches(rules: Sequence[CompiledRule], flattener: Flattener) -> tuple[Batch, ...]:
    """A gate's rules in batches of rules that read the same lists (each batch in the gate's order)."""
    groups: dict[tuple[str, ...], list[tuple[int, CompiledRule]]] = {}
    for position, rule in enumerate(rules):
        groups.setdefault(rule.lists_read(), []).append((position, rule))
    return tuple(
        Batch(members[start : start + Batch.SIZE], paths, flattener)
        for paths, members in groups.items()
        for start in range(0, len(members), Batch.SIZE)
    )
