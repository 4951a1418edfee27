"""Full supplier-risk recompute: 100,000 suppliers, 300,000 relations, pure Python.

Times score_suppliers(inputs, graph), which is what a full recompute runs: the result of supplier_risk for
every supplier (own risk), propagate over the whole graph, then add_upstream for every supplier that receives
risk from below, computed in bulk (each distinct group of drivers built once). Generating the data is not
timed. Prints each run (wall and CPU seconds) and the median, then one run of the three public steps called
separately, and checks that they give the same scores.

Country risk and questionnaire scores here are drawn at random for every supplier, so nearly every supplier
has its own country driver and questionnaire driver (little to share); the real recompute (run.py) reads
country risk from the country table.

    .venv/bin/python benchmarks/suppliers/risk_recompute.py \
        [--suppliers 100000] [--relations 300000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter

from conduct.core.risk import SupplierRiskInputs, add_upstream, propagate, score_suppliers, supplier_risk

CATEGORIES = (
    "electronics_assembly", "pcb", "plastics", "metals", "textiles", "packaging", "raw_materials",
    "chemicals", "semiconductors", "optics", "software", "logistics",
)  # fmt: skip
CERTS = ("SA8000", "ISO 45001", "ISO 14001")


def make_graph(suppliers: int, relations: int, rng: random.Random) -> dict[int, list[int]]:
    """Tiers 0..4 (5 % / 15 % / 30 % / 30 % / 20 % of suppliers); each relation links a buyer to a
    supplier one tier down, except 1 % that point back up, which makes cycles."""
    shares = (0.05, 0.15, 0.30, 0.30, 0.20)
    bounds, start = [], 0
    for share in shares:
        end = start + int(suppliers * share)
        bounds.append((start, end))
        start = end
    bounds[-1] = (bounds[-1][0], suppliers)
    graph: dict[int, list[int]] = {node: [] for node in range(suppliers)}
    made = 0
    seen: set[tuple[int, int]] = set()
    while made < relations:
        tier = rng.randrange(4)
        buyer = rng.randrange(*bounds[tier])
        if rng.random() < 0.01:
            sub = rng.randrange(*bounds[rng.randrange(tier + 1)])
        else:
            sub = rng.randrange(*bounds[tier + 1])
        if sub == buyer or (buyer, sub) in seen:
            continue
        seen.add((buyer, sub))
        graph[buyer].append(sub)
        made += 1
    return graph


def make_inputs(suppliers: int, rng: random.Random) -> dict[int, SupplierRiskInputs]:
    inputs = {}
    for node in range(suppliers):
        valid = frozenset(c for c in CERTS if rng.random() < 0.3)
        inputs[node] = SupplierRiskInputs(
            country=rng.choice(("CN", "VN", "MY", "DE", "MX", "IN", "TW")),
            country_risk=rng.uniform(5, 90),
            designated_region="XUAR (UFLPA)" if rng.random() < 0.02 else None,
            categories=frozenset(rng.sample(CATEGORIES, rng.randint(0, 3))),
            valid_certificates=valid,
            expiring_certificates=frozenset(c for c in valid if rng.random() < 0.1),
            open_findings_critical=1 if rng.random() < 0.03 else 0,
            open_findings_major=rng.choice((0, 0, 0, 1, 2)),
            open_findings_minor=rng.choice((0, 1, 3)),
            confirmed_matches=frozenset({"sanctions"}) if rng.random() < 0.002 else frozenset(),
            open_screening_alerts=1 if rng.random() < 0.02 else 0,
            questionnaire_score=None if rng.random() < 0.2 else rng.uniform(30, 100),
        )
    return inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20250301)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    graph = make_graph(args.suppliers, args.relations, rng)
    inputs = make_inputs(args.suppliers, rng)
    print(f"{args.suppliers:,} suppliers, {sum(map(len, graph.values())):,} relations")

    walls, cpus = [], []
    for run in range(1, args.runs + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        scores = score_suppliers(inputs, graph)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        print(f"run {run}: score_suppliers {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU")
    print(
        f"median of {args.runs} runs: {statistics.median(walls):.2f} s wall, "
        f"{statistics.median(cpus):.2f} s CPU"
    )

    with_upstream = sum(1 for risk in scores.values() if any(d.name == "upstream" for d in risk.drivers))
    bands = Counter(risk.band for risk in scores.values())
    print(f"suppliers with upstream drivers: {with_upstream:,}; bands: {dict(sorted(bands.items()))}")

    marks = [time.process_time()]
    own = {node: supplier_risk(item) for node, item in inputs.items()}
    marks.append(time.process_time())
    propagated = propagate(graph, own)
    marks.append(time.process_time())
    final = {
        node: add_upstream(risk, propagated[node].contributions) if propagated[node].contributions else risk
        for node, risk in own.items()
    }
    marks.append(time.process_time())
    assert final == scores
    print(
        "steps called separately (CPU, garbage collector left on): "
        f"supplier_risk {marks[1] - marks[0]:.2f} s, propagate {marks[2] - marks[1]:.2f} s, "
        f"add_upstream {marks[3] - marks[2]:.2f} s"
    )


if __name__ == "__main__":
    main()
