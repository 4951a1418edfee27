"""In-process gate decision latency (screening excluded) for a policy pack of 300+ rules.

Builds a pack from the default rules plus generated, realistic variants (per-country, per-sector,
per-capability, threshold and certificate rules), loads it with `load_pack`, and times `PolicyPack.evaluate`
per gate. Prints the figures and writes benchmarks/gates/results_inprocess.md.

    .venv/bin/python benchmarks/gates/run_inprocess.py [--iterations 3000] [--variants 75] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

from conduct.core.policy import DEFAULT_PACK_DIR, GATES, PolicyPack, load_pack

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 11, 28)
CITE = "urn:conduct:us_state_surveillance_guidance_2020:DOS-2"
COUNTRIES = [
    "AE",
    "AF",
    "BY",
    "CN",
    "CU",
    "EG",
    "ER",
    "ET",
    "IR",
    "KP",
    "LY",
    "MM",
    "RU",
    "SA",
    "SY",
    "TJ",
    "TM",
    "UZ",
    "VE",
    "VN",
    "YE",
    "ZW",
    "KZ",
    "AZ",
    "BH",
]
CAPABILITIES = [
    "facial_recognition",
    "face_search",
    "gait_recognition",
    "emotion_recognition",
    "licence_plate_recognition",
    "crowd_tracking",
    "phone_tracking",
    "voice_identification",
]
SECTORS = [
    "law_enforcement",
    "public_security",
    "military",
    "intelligence",
    "detention",
    "education",
    "transport",
    "utilities",
]


def _rule(
    gate: str, n: int, when: str, message: str, *, for_each: str | None = None, outcome: str = "review"
) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": f"bench.{gate}.{n:03d}",
        "title": f"Generated {gate} rule {n}",
        "gates": [gate],
        "when": when,
        "outcome": outcome,
        "severity": "medium",
        "message": message,
        "cites": [CITE],
    }
    if for_each:
        rule["for_each"] = for_each
    return rule


def generated_rules(gate: str, count: int) -> list[dict[str, Any]]:
    """`count` realistic variants for one gate, cycling through a few rule shapes."""
    rules: list[dict[str, Any]] = []
    for n in range(count):
        country = COUNTRIES[n % len(COUNTRIES)]
        capability = CAPABILITIES[n % len(CAPABILITIES)]
        sector = SECTORS[n % len(SECTORS)]
        shape = n % 5
        if gate == "sales_deal":
            options = [
                _rule(
                    gate,
                    n,
                    f'party.country == "{country}" && party.security_sector',
                    "Security end user {party.name} in " + country,
                    for_each="party in facts.parties",
                ),
                _rule(
                    gate,
                    n,
                    f'facts.capabilities.names.exists(c, c == "{capability}") && facts.parties.exists(p, '
                    f'p.sector == "{sector}")',
                    f"{capability} for {sector}",
                ),
                _rule(
                    gate,
                    n,
                    f"subject.value != null && subject.value > {1_000_000 + n * 50_000}.0",
                    "Deal value {subject.value}",
                ),
                _rule(
                    gate,
                    n,
                    f"facts.deployment.camera_count > {500 + n * 10} && facts.any_government_party",
                    "{facts.deployment.camera_count} cameras",
                ),
                _rule(
                    gate,
                    n,
                    f'item.quantity > {1000 + n} && item.high.exists(c, c == "{capability}")',
                    "Item {item.sku}",
                    for_each="item in facts.items",
                ),
            ]
        elif gate == "app_launch":
            options = [
                _rule(
                    gate,
                    n,
                    f'subject.app.markets.exists(m, m == "{country}") && facts.biometric_data',
                    "Biometric app in " + country,
                ),
                _rule(
                    gate,
                    n,
                    f'transfer.country == "{country}" && transfer.mechanism != "adequacy"',
                    "Transfer to {transfer.country}",
                    for_each="transfer in facts.transfers",
                ),
                _rule(
                    gate,
                    n,
                    f'sdk.country == "{country}"',
                    "SDK {sdk.name} from {sdk.country}",
                    for_each="sdk in facts.sdks",
                ),
                _rule(
                    gate,
                    n,
                    f'facts.capabilities.high.exists(c, c == "{capability}") && !facts.dpia_approved',
                    f"{capability} without DPIA",
                ),
                _rule(
                    gate,
                    n,
                    '"location" in facts.personal_data && facts.markets.exists(m, m.high_hr_risk && '
                    f'm.country == "{country}")',
                    "Location data in " + country,
                ),
            ]
        elif gate == "supplier_onboarding":
            category = ["pcb", "metals", "plastics", "textiles", "chemicals"][n % 5]
            options = [
                _rule(
                    gate,
                    n,
                    f'site.country == "{country}" && facts.categories.exists(c, c == "{category}")',
                    "{site.path} in " + country,
                    for_each="site in facts.sites",
                ),
                _rule(
                    gate,
                    n,
                    'facts.certificates.exists(c, c.standard_key == "iso_14001" && c.valid && c.valid_until '
                    f'< "2026-12-{(n % 28) + 1:02d}")',
                    "ISO 14001 expiring soon",
                ),
                _rule(
                    gate,
                    n,
                    f'facts.supplier.country == "{country}" && !facts.valid_standards.exists(s, s == '
                    '"sa8000")',
                    "Supplier in " + country,
                ),
                _rule(
                    gate,
                    n,
                    f'site.country_risk.high_hr_risk && "{category}" in facts.categories',
                    "{site.path} high risk",
                    for_each="site in facts.sites",
                ),
                _rule(
                    gate,
                    n,
                    f"facts.screening.parties.exists(p, p.best_score >= 0.{70 + n % 20} && p.list_kind == "
                    '"custom")',
                    "Custom list hit",
                ),
            ]
        else:
            options = [
                _rule(
                    gate,
                    n,
                    f"vulnerability.cvss >= {4.0 + (n % 30) / 10:.1f} && "
                    f'vulnerability.id.startsWith("CVE-20{10 + n % 16}")',
                    "{vulnerability.id}",
                    for_each="vulnerability in facts.vulnerabilities",
                ),
                _rule(
                    gate,
                    n,
                    'subject.product.type == "nvr" && facts.capabilities.high.exists(c, c == '
                    f'"{capability}")',
                    f"NVR with {capability}",
                ),
                _rule(
                    gate,
                    n,
                    f"facts.support.days_left != null && facts.support.days_left < {30 + n}",
                    "Support ends in {facts.support.days_left} days",
                ),
                _rule(gate, n, f'facts.insecure_services.exists(s, s == "svc{n}")', f"Service svc{n}"),
                _rule(
                    gate,
                    n,
                    f'subject.firmware.version.startsWith("{n % 9}.") && facts.max_cvss >= 6.5',
                    "Firmware {subject.firmware.version}",
                ),
            ]
        rules.append(options[shape])
    return rules


SUBJECTS: dict[str, dict[str, Any]] = {
    "sales_deal": {
        "reference": "BENCH-1",
        "exporter_country": "DE",
        "value": 250000.0,
        "parties": [
            {
                "role": "customer",
                "name": "Gulf Systems Integration LLC",
                "country": "AE",
                "sector": "commercial",
            },
            {"role": "end_user", "name": "City Transport Authority", "country": "AE", "sector": "transport"},
            {
                "role": "consignee",
                "name": "Jebel Ali Freight",
                "country": "AE",
                "sector": "commercial",
                "region": "Dubai",
            },
        ],
        "items": [
            {"sku": "CAM-4MP", "capabilities": ["motion_detection", "line_crossing"], "quantity": 400},
            {"sku": "NVR-64", "capabilities": ["people_counting", "vehicle_counting"], "quantity": 10},
            {"sku": "AI-LIC-LPR", "capabilities": ["licence_plate_recognition"], "quantity": 1},
        ],
        "deployment": {"public_space": True, "camera_count": 400, "purpose": "traffic management"},
    },
    "app_launch": {
        "app": {"name": "Conduct View", "version": "4.2.0", "markets": ["GB", "DE", "FR", "AE"]},
        "capabilities": ["motion_detection", "people_counting", "face_search"],
        "personal_data": ["video", "identifiers", "location"],
        "assessments": {"dpia": "approved", "security_test": "passed"},
        "privacy_policy": True,
        "default_credentials": False,
        "vulnerability_disclosure_policy": True,
        "data_transfers": [{"country": "DE", "mechanism": "adequacy"}, {"country": "US", "mechanism": "scc"}],
        "third_party_sdks": [
            {"name": "MapKit", "vendor": "Cartography GmbH", "country": "DE"},
            {"name": "CrashLog", "vendor": "Telemetry Inc", "country": "US"},
            {"name": "PushHub", "vendor": "Notify Ltd", "country": "GB"},
        ],
    },
    "supplier_onboarding": {
        "supplier": {
            "name": "Precision Moulding s.r.o.",
            "country": "CZ",
            "parent": "Eastern Polymer Holdings",
            "aliases": ["PM Plastics"],
        },
        "sites": [
            {"country": "CZ", "region": "South Moravian Region"},
            {"country": "VN", "region": "Bac Ninh"},
            {"country": "MY", "region": "Penang"},
        ],
        "categories": ["plastics", "pcb", "electronics_assembly"],
        "certificates": [
            {"standard": "ISO 45001:2018", "valid_from": "2025-01-01", "valid_until": "2027-12-31"},
            {"standard": "ISO 14001:2015", "valid_until": "2027-12-31"},
            {"standard": "SA8000:2014", "valid_until": "2026-06-30"},
        ],
        "saq_completed": True,
    },
    "product_release": {
        "product": {"name": "Sentinel Dome", "model": "SD-4K-IR", "type": "ip_camera"},
        "firmware": {"version": "5.7.1"},
        "capabilities": ["motion_detection", "line_crossing", "intrusion_detection", "face_search"],
        "security": {
            "unique_default_passwords": True,
            "support_period_end": "2031-12-31",
            "vulnerability_disclosure_policy": True,
            "insecure_services_enabled": ["upnp"],
            "open_vulnerabilities": [
                {"id": "CVE-2026-1001", "cvss": 5.3},
                {"id": "CVE-2025-2002", "cvss": 7.5},
            ],
            "signed_firmware": True,
        },
    },
}


def build_pack(workdir: Path, variants: dict[str, int]) -> PolicyPack:
    shutil.copytree(DEFAULT_PACK_DIR, workdir, dirs_exist_ok=True)
    for gate, count in variants.items():
        if count:
            (workdir / f"zz_generated_{gate}.yaml").write_text(
                yaml.safe_dump({"rules": generated_rules(gate, count)})
            )
    return load_pack(workdir)


def plain_pack(pack: PolicyPack) -> PolicyPack:
    """The same pack with every rule evaluated as written (`load_pack(..., optimise=False)`)."""
    return load_pack(pack.path, optimise=False)


def measure(pack: PolicyPack, gate: str, iterations: int) -> dict[str, Any]:
    subject = SUBJECTS[gate]
    for _ in range(min(300, iterations)):
        pack.evaluate(gate, subject, today=TODAY)
    wall, cpu = [], []
    for _ in range(iterations):
        start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
        pack.evaluate(gate, subject, today=TODAY)
        cpu.append(time.thread_time_ns() - start_cpu)
        wall.append(time.perf_counter_ns() - start)
    wall.sort()
    cpu.sort()
    decision = pack.evaluate(gate, subject, today=TODAY)
    return {
        "rules": len(pack.rules_for(gate)),
        "fired": len(decision.reasons),
        "outcome": decision.outcome,
        "p50": wall[len(wall) // 2] / 1e6,
        "p90": wall[int(len(wall) * 0.90)] / 1e6,
        "p99": wall[int(len(wall) * 0.99)] / 1e6,
        "max": wall[-1] / 1e6,
        "mean": statistics.fmean(wall) / 1e6,
        "cpu_p50": cpu[len(cpu) // 2] / 1e6,
        "cpu_p99": cpu[int(len(cpu) * 0.99)] / 1e6,
    }


def table(title: str, pack: PolicyPack, results: dict[str, dict[str, Any]]) -> str:
    lines = [
        f"### {title}",
        "",
        f"Pack: {len(pack.rules)} rules, version `{pack.version}`.",
        "",
        "| gate | rules run | reasons | outcome | p50 ms | p90 ms | p99 ms | max ms | mean ms | CPU p50 ms | "
        "CPU p99 ms |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for gate, r in results.items():
        lines.append(
            f"| {gate} | {r['rules']} | {r['fired']} | {r['outcome']} | {r['p50']:.3f} | {r['p90']:.3f} | "
            f"{r['p99']:.3f} | {r['max']:.3f} | {r['mean']:.3f} | {r['cpu_p50']:.3f} | {r['cpu_p99']:.3f} |"
        )
    return "\n".join(lines)


NOTES = """### How the engine gets there (measured before and after, in this order)

1. Plain (section C): one `cel.Context` holding the whole subject and facts, each rule's CEL as written.
   In the `cel` binding (0.10) every field selection deep-copies the map it selects from, so
   `facts.parties` costs as much as copying all the facts, and each Python string costs ~2 us to
   convert into the context. First measurement on this machine: sales_deal p50 6.6 ms / p99 12.8 ms for
   85 rules, 300 rules on one gate p50 8.6 ms.
2. Each `subject.a.b` / `facts.a.b` chain became its own top-level CEL variable, and each gate's context
   holds only what its rules read (list elements cut to the fields used): sales_deal p50 1.6 ms.
3. `for_each` rules run as one indexed list (`[when(x[0]), when(x[1]), ...]`) compiled per collection
   length instead of a comprehension (~1.5 us per element in the binding); facts are frozen lazily;
   country and region lookups are cached: sales_deal p50 ~0.7 ms, 300-rule gate p50 ~1.0 ms.
4. `list.exists(...)` / `list.all(...)` over subject or facts lists written out the same way; the lists'
   lengths are read once per decision: the 58 such rules of the 300-rule gate went from 141 us to 53 us.
5. Batches (`_batch.py`): a call into the binding costs more than most rules, so the rules of a gate that
   read the same lists run up to 32 at a time as one CEL list; a for_each rule's slot is
   `(when(x[0]) || when(x[1]) || ...)` and only a slot that is not false sends the rule to its own program.
   300-rule gate, CPU p50 (interleaved A/B against step 4): -31%.
6. Pre-filter (`_probe.py`): top-level `&&` conjuncts that compare a value with a literal
   (`party.country == "AE"`, `facts.deployment.camera_count > 530`,
   `facts.capabilities.names.exists(c, c == "face_search")`, a bare boolean) are indexed by the value they
   read, and one look-up per value finds the rules that are certainly false; they do not run (293 of the
   300 rules for the benchmark deal). With step 5: -51% against step 4.
7. Flat context (`_flat.py`): converting values into the binding costs 1.5-3 us per string, container or
   map key, so only what the programs about to run read goes in, each list element's field as its own
   variable; a program that fails runs again over the full structured context, so errors read as before.
   Also: projections compiled to functions once per pack, a reason's paths looked up once. Steps 5-7
   against step 4, interleaved on a quiet machine (CPU p50): 300-rule gate 1.52 -> 0.65 ms, section A
   0.96/0.64/0.83/0.58 -> 0.65/0.35/0.55/0.46 ms, default pack 0.62/0.27/0.33/0.20 -> 0.54/0.26/0.31/0.21
   ms (interleaving two engines in one process costs both some cache: run alone, the 300-rule gate takes
   ~0.5 ms). None of 5-7 changes a decision (each module says why): every decision of the default pack's
   examples and of these packs over 600 random subjects was diffed before and after, and a differential
   fuzz (random rules and subjects with odd value types) found the same 30,000 decisions as the step-4 engine.

Garbage collection is not behind the tail: over 3300 evaluations of the 300-rule gate CPython ran two
generation-0 collections (0.1 ms at most) and nothing older, so the engine does not `gc.freeze()`.
The figures swing by up to 2x between runs on this shared 2-CPU machine (other test suites run at the
same time; compare the load averages), and with more runnable processes than CPUs the wall-clock p99
catches the scheduler's 4 ms time slices (see p90 vs p99). The CPU columns are the engine's own cost.
Compare sections A/B with C from the same run. In a quiet moment during development (load 0.4, 3000
runs per gate) the 300-rule gate took p50 0.52 ms / p99 0.83 ms wall (CPU p99 0.82 ms), and section A
p99 0.76 / 0.46 / 0.68 / 0.53 ms.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--variants", type=int, default=75, help="generated rules per gate (default 75)")
    parser.add_argument("--no-plain", action="store_true", help="skip the unoptimised comparison run")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; do not rewrite results_inprocess.md"
    )
    args = parser.parse_args()

    load_before = os.getloadavg()
    sections = []
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        pack = build_pack(Path(tmp) / "spread", dict.fromkeys(GATES, args.variants))
        load_ms = (time.perf_counter() - started) * 1000
        spread = {gate: measure(pack, gate, args.iterations) for gate in GATES}
        sections.append(
            table(f"A. {len(pack.rules)}-rule pack, rules spread over the four gates", pack, spread)
        )
        print(sections[-1], end="\n\n")
        single = build_pack(
            Path(tmp) / "single", {"sales_deal": 300 - len(pack.rules_for("sales_deal")) + args.variants}
        )
        worst = {"sales_deal": measure(single, "sales_deal", args.iterations)}
        sections.append(table("B. Stress: 300 rules on one gate (sales_deal)", single, worst))
        print(sections[-1], end="\n\n")
        default = load_pack(DEFAULT_PACK_DIR)
        shipped = {gate: measure(default, gate, args.iterations) for gate in GATES}
        sections.append(table("D. The shipped default pack alone", default, shipped))
        print(sections[-1], end="\n\n")
        if not args.no_plain:
            slow, slow_single = plain_pack(pack), plain_pack(single)
            runs = max(300, args.iterations // 3)
            plain = {gate: measure(slow, gate, runs) for gate in GATES}
            plain["sales_deal (300 rules)"] = measure(slow_single, "sales_deal", runs)
            title = (
                "C. Before optimisation, for comparison: the same packs loaded with `optimise=False` (each "
                "rule's CEL as written, for_each as `map`, one context holding the whole subject and facts)"
            )
            sections.append(table(title, pack, plain))
            print(sections[-1], end="\n\n")
    load_after = os.getloadavg()

    env = (
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"common-expression-language {version('common-expression-language')}; {args.iterations} timed runs "
        "per "
        f"gate after warm-up; screening excluded (NullScreener); as_of {TODAY}. Load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (other work shares the machine: wall-clock "
        f"tails include time the process was not running; CPU columns are this thread's CPU time). "
        f"Loading and compiling the {len(pack.rules)}-rule pack took {load_ms:.0f} ms."
    )
    print(env)
    if not args.no_write:
        text = "\n".join(
            [
                "# In-process gate decision latency",
                "",
                "Produced by `benchmarks/gates/run_inprocess.py` (`make bench`); each figure is the time of "
                "one",
                "`PolicyPack.evaluate(gate, subject)` call: subject validation, derived facts, every rule of "
                "the",
                "gate, and the Decision with its reasons. Screening is excluded (NullScreener). Target: p99 "
                "<= 2 ms",
                "with 300 rules. The generated rules are realistic variants of the default ones "
                "(per-country,",
                "per-sector, per-capability, threshold and certificate rules; see `generated_rules`).",
                "",
                env,
                "",
                *(f"{section}\n" for section in sections),
                NOTES,
            ]
        )
        (HERE / "results_inprocess.md").write_text(text)
        print(f"wrote {HERE / 'results_inprocess.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
