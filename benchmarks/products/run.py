"""Matching an SBOM against vulnerability records: the index versus every pair.

1. Reads the real CVE JSON 5 records (shared/data/product-security/cve, else the demo's) as templates and
   generates N records from their shapes (their targets with the product renamed to one of ~N/10 product
   names, their ranges kept, CVSS and KEV flags as found), so that ranges, unknowns, descriptions'
   readings and ADP targets occur in real proportions.
2. Generates a C-component SBOM: names from the same product set (so that matches happen), versions spread
   across the ranges' bounds, some with a CPE or a purl, some without a version (unknown).
3. Builds the index, matches the SBOM (time and peak memory), then times adding one component at a time.
4. Compares with the brute force (every component against every record): on every component with --full,
   otherwise on a sample of components against all N records.

Prints the figures and writes benchmarks/products/results.md (not with --no-write). Targets: <= 2 s per SBOM,
<= 100 ms per component added, the same results as the brute force.

    .venv/bin/python benchmarks/products/run.py [--records 250000] [--components 2000] [--full] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

from conduct.core.products import (  # noqa: E402
    Component,
    Target,
    VulnIndex,
    VulnRecord,
    match_brute_force,
    read_cve5,
)

SOURCES = [
    REPO.parent / "shared" / "data" / "product-security" / "cve",
    REPO.parent.parent / "shared" / "data" / "product-security" / "cve",
    REPO / "data" / "demo" / "products" / "vulnerabilities",
]
VERSIONS = [
    "0.9",
    "1.0.2zg",
    "1.1.1k",
    "1.1.1w",
    "1.2.11",
    "1.31.1",
    "1.36.1",
    "2.38",
    "2020.81",
    "3.0.7",
    "3.0.15",
    "7.68.0",
    "8.4.0",
    "V2.3.8-6",
    "V1.4.0_build221212",
    "5.2.1",
]


def templates() -> list[VulnRecord]:
    folder = next(p for p in SOURCES if p.is_dir())
    records = [
        read_cve5(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("CVE-*.json"))
    ]
    return [r for r in records if r.targets]


def renamed(target: Target, name: str) -> Target:
    return replace(
        target, product=name, keys=(f"name:{name}", *(k for k in target.keys if k.startswith("cpe:")))
    )


def generate(n: int, rng: random.Random) -> tuple[list[VulnRecord], list[str]]:
    shapes = templates()
    names = [f"comp{i}" for i in range(max(1, n // 10))]
    records = []
    for i in range(n):
        shape = shapes[i % len(shapes)]
        name = names[rng.randrange(len(names))]
        records.append(
            VulnRecord(
                cve=f"CVE-2090-{i:07d}",
                cvss=shape.cvss,
                kev=shape.kev or rng.random() < 0.004,
                targets=tuple(renamed(t, name) for t in shape.targets),
            )
        )
    return records, names


def sbom(count: int, names: list[str], rng: random.Random) -> list[Component]:
    components = []
    for i in range(count):
        name = names[rng.randrange(len(names))]
        version = "" if rng.random() < 0.02 else rng.choice(VERSIONS)
        purl = f"pkg:generic/{name}@{version}" if i % 3 == 0 else ""
        components.append(Component(name=name, version=version, purl=purl))
    return components


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=250_000)
    parser.add_argument("--components", type=int, default=2_000)
    parser.add_argument("--sample", type=int, default=100, help="components checked against the brute force")
    parser.add_argument("--full", action="store_true", help="brute force on every component")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rng = random.Random(15)

    started = time.perf_counter()
    records, names = generate(args.records, rng)
    generated = time.perf_counter() - started
    components = sbom(args.components, names, rng)

    tracemalloc.start()
    started = time.perf_counter()
    index = VulnIndex(records)
    built = time.perf_counter() - started
    index_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    index.match(components)  # the peak memory of a match (timed below without tracemalloc)
    match_peak = tracemalloc.get_traced_memory()[1] - index_bytes
    tracemalloc.stop()
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        result = index.match(components)
        timings.append(time.perf_counter() - started)
    matched = max(timings)

    per_component = []
    for component in components[:200]:
        started = time.perf_counter()
        index.match([component])
        per_component.append((time.perf_counter() - started) * 1000)

    checked = components if args.full else components[:: max(1, len(components) // args.sample)]
    started = time.perf_counter()
    brute = match_brute_force(checked, records)
    brute_time = time.perf_counter() - started
    indexed = index.match(checked)
    same = brute == indexed

    shapes = len(templates())
    per = statistics.median(per_component)
    lines = [
        f"records {args.records:,} generated from {shapes} real CVE JSON 5 shapes ({generated:.1f} s); "
        f"SBOM {args.components:,} components",
        f"index build {built:.2f} s (under tracemalloc), {index_bytes / 2**20:.0f} MiB traced",
        f"match the SBOM: {matched * 1000:.0f} ms, slowest of 3 ({len(result.findings):,} findings, "
        f"{len(result.unknown):,} unknown), peak {match_peak / 2**20:.1f} MiB above the index",
        f"one component added: median {per:.2f} ms, max {max(per_component):.2f} ms",
        f"brute force on {len(checked):,} components x {args.records:,} records: {brute_time:.1f} s; same "
        f"results as the index: {same} ({len(brute.findings):,} findings, {len(brute.unknown):,} unknown)",
    ]
    print("\n".join(lines))
    if not args.no_write:
        write(lines, args, matched, per_component, same)
    if not same:
        raise SystemExit("the index and the brute force disagree")


def write(
    lines: list[str], args: argparse.Namespace, matched: float, per_component: list[float], same: bool
) -> None:
    ok = matched <= 2.0 and max(per_component) <= 100 and same
    text = [
        "# Products benchmark: SBOM matching",
        "",
        f"`benchmarks/products/run.py --records {args.records} --components {args.components}"
        f"{' --full' if args.full else ''}` on {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}.",
        "",
        *[f"- {line}" for line in lines],
        "",
        f"Targets (<= 2 s per SBOM, <= 100 ms per component added, equal to the brute force): "
        f"{'met' if ok else 'NOT met'}.",
        "",
        "The index files each record's targets under their keys (name:, cpe:, purl:), so a component is",
        "judged only against the records that name it; the brute force judges every component against every",
        "record",
        "with the same verdict function, so equal results check the index, not the verdicts.",
    ]
    (Path(__file__).parent / "results.md").write_text("\n".join(text) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
