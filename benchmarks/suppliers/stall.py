"""Do recorded gate decisions stall behind a full risk recompute? (issue 21, reproduction 11; SQLite)

On a fresh CONDUCT_HOME (SQLite file in a temporary folder):
1. Generates N suppliers, 2N certificates and 3N relations with run.py's generator and inserts them with its
   raw bulk insert (the fastest path: no checks; the scores are empty, so the recompute writes every one).
2. Records allowed gate decisions (`gate_decide`, the real service, as a compliance officer; a sales deal
   nothing fires on: benchmarks/gates/run_http.py ALLOW_SUBJECT) in a loop with nothing else running: the
   baseline.
3. Starts a full risk recompute (`risk_recompute_all`, the daily job's code) in a child process, as the worker
   would run it beside the web server, and keeps recording decisions in this process until it ends. Each
   decision waits for SQLite's one writer like a web request does (BEGIN IMMEDIATE, busy timeout 30 s).

Reports the recompute's duration and phases, how many decisions were recorded during it, and p50 / p99 / max
decision latency during the recompute (overall and during its store phase, the only one that writes) and
without it. "Own CPU" is the deciding thread's CPU time; wall minus it is time spent waiting (for the writer
lock or for a CPU on a shared machine). Target (issue 21): interactive writes wait at most a fraction of a
second. Writes benchmarks/suppliers/results_stall.md unless --no-write.

    .venv/bin/python benchmarks/suppliers/stall.py [--suppliers 120000] [--baseline-seconds 15] [--compare]
        [--no-write]

--compare then clears the stored scores and runs the recompute again with all of them in one transaction
(the behaviour before the batched store), for the contrast.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from conduct.apps.accounts.actors import CLI

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "benchmarks" / "gates"))
sys.path.insert(0, str(ROOT / "src"))

from run import generate, raw_bulk_insert, setup_django  # noqa: E402 - benchmarks/suppliers/run.py
from run_http import ALLOW_SUBJECT  # noqa: E402 - benchmarks/gates/run_http.py

Sample = tuple[float, float, float]  # (started, wall ms, own CPU ms); started is time.time()


def child(home: Path, batch: int | None) -> None:
    """The recompute, in its own process: prints a JSON line with its start time and its summary."""
    setup_django(home)
    from conduct.apps.accounts.actors import CLI
    from conduct.apps.suppliers.conf import store_batch_size
    from conduct.apps.suppliers.services import risk_recompute_all

    started = time.time()
    summary = risk_recompute_all(actor=CLI, batch_size=batch)
    ended = time.time()
    print(
        json.dumps(
            {
                "started": started,
                "ended": ended,
                "suppliers": summary.suppliers,
                "seconds": summary.seconds,
                "phases": summary.phases,
                "batches": summary.batches,
                "batch": batch or store_batch_size(),
                "bands": summary.bands,
            }
        ),
        flush=True,
    )


def decide_once(officer: Any, failures: list[Sample] | None = None) -> Sample:
    """One recorded decision, timed. With `failures`, a decision that gave up waiting for the writer lock
    (SQLite's busy timeout) is noted there and its time still returned."""
    from django.db import OperationalError

    from conduct.apps.gates.services import gate_decide

    started, wall, cpu = time.time(), time.perf_counter(), time.thread_time()
    try:
        decided = gate_decide(actor=officer, gate="sales_deal", subject=ALLOW_SUBJECT)
    except OperationalError:
        if failures is None:
            raise
        decided = None
    sample = (started, (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000)
    if decided is None:
        failures.append(sample)  # type: ignore[union-attr]
    else:
        assert decided.decision.outcome == "allow", decided.decision.outcome
    return sample


Measured = tuple[dict[str, Any], dict[str, float], dict[str, float], int]  # result, whole, store, failures


def measure(home: Path, officer: Any, batch: int | None) -> Measured:
    """Run the recompute in a child process while this one records decisions until it ends."""
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(home)]
        + (["--batch", str(batch)] if batch else []),
        env={**os.environ, "CONDUCT_HOME": str(home)},
        stdout=subprocess.PIPE,
        text=True,
    )
    during: list[Sample] = []
    failures: list[Sample] = []
    while proc.poll() is None:
        during.append(decide_once(officer, failures))
    out, _ = proc.communicate()
    assert proc.returncode == 0, proc.returncode
    result = json.loads(out.strip().splitlines()[-1])
    store_from = result["started"] + result["phases"]["gather"] + result["phases"]["score"]
    in_window = [s for s in during if result["started"] <= s[0] <= result["ended"]]
    in_store = [s for s in during if s[0] + s[1] / 1000 >= store_from and s[0] <= result["ended"]]
    print(
        f"recompute (child process, batch {result['batch']}): {result['seconds']:.1f} s, phases "
        f"{result['phases']}, {result['batches']} batches; {len(failures)} decisions gave up (busy timeout)"
    )
    whole, store = figures(in_window), figures(in_store)
    print(line("  during the recompute", whole))
    print(line("  during its store phase", store))
    return result, whole, store, len(failures)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def figures(samples: list[Sample]) -> dict[str, float]:
    if not samples:
        return {"n": 0, "p50": 0.0, "p99": 0.0, "max": 0.0, "wait_max": 0.0}
    walls = [s[1] for s in samples]
    return {
        "n": len(samples),
        "p50": statistics.median(walls),
        "p99": percentile(walls, 0.99),
        "max": max(walls),
        "wait_max": max(s[1] - s[2] for s in samples),
    }


def line(label: str, f: dict[str, float]) -> str:
    return (
        f"{label}: {int(f['n'])} decisions, p50 {f['p50']:.0f} ms, p99 {f['p99']:.0f} ms, max {f['max']:.0f} "
        f"ms (max wall minus own CPU {f['wait_max']:.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=120_000)
    parser.add_argument("--baseline-seconds", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="Then clear the scores and recompute again storing them in one transaction (the old way)",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # internal: run the recompute here
    parser.add_argument("--batch", type=int, help=argparse.SUPPRESS)  # internal: the child's batch size
    args = parser.parse_args()
    if args.child:
        child(args.child, args.batch)
        return
    n = args.suppliers

    work = Path(tempfile.mkdtemp(prefix="conduct-bench-stall-"))
    home = work / "home"
    home.mkdir()
    try:
        started = time.perf_counter()
        paths = generate(work, n, 2 * n, 3 * n, args.seed)
        print(f"generated {n:,} suppliers, {2 * n:,} certificates, {3 * n:,} relations in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        setup_django(home)
        from django.db import connection

        from conduct.apps.accounts.services import orgunit_create, user_create

        root = orgunit_create(actor=CLI, code="hq", name="HQ", kind="headquarters", country="CN")
        officer = user_create(
            actor=CLI,
            username="bench-officer",
            role="compliance_officer",
            scope_units=[root],
            home_unit=root,
        )
        connection.close()
        db = home / "conduct.sqlite3"
        inserted = raw_bulk_insert(db, paths)
        print(f"raw bulk insert: {inserted:.1f} s")

        decide_once(officer)  # warm: the policy pack, the pack version's ledger entry
        baseline: list[Sample] = []
        until = time.perf_counter() + args.baseline_seconds
        while time.perf_counter() < until:
            baseline.append(decide_once(officer))
        print(line("no recompute", figures(baseline)))

        runs = [measure(home, officer, None)]
        if args.compare:
            with connection.cursor() as cursor:  # no scores stored: the recompute writes every one again
                cursor.execute("DELETE FROM suppliers_supplierrisk")
            connection.close()
            runs.append(measure(home, officer, 10 * n))
        if not args.no_write:
            write_results(n, figures(baseline), runs)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def write_results(n: int, base: dict[str, float], runs: list[Measured]) -> None:
    from importlib.metadata import version

    def row(label: str, f: dict[str, float], failed: int | str = "") -> str:
        return (
            f"| {label} | {int(f['n'])} | {f['p50']:.0f} | {f['p99']:.0f} | **{f['max']:.0f}** | "
            f"{f['wait_max']:.0f} | {failed} |"
        )

    target = HERE / "results_stall.md"
    command = " ".join([".venv/bin/python", "benchmarks/suppliers/stall.py", *sys.argv[1:]])
    _, whole, _, failed = runs[0]
    verdict = "within" if whole["max"] < 1000 and not failed else "over"
    rows = [row("no recompute running (baseline)", base)]
    recomputes = []
    for (result_, whole_, store_, failed_), label in zip(
        runs, ("batches (as shipped)", "one transaction (before the fix)"), strict=False
    ):
        size = f"{result_['batch']:,}" if result_["batches"] > 1 else "all"
        rows.append(row(f"during the whole recompute, {label}", whole_, failed_))
        rows.append(row(f"during its store phase, {label}", store_, failed_))
        recomputes.append(
            f"| {label} | {size} | {result_['batches']} | **{result_['seconds']:.1f} s** | "
            f"{result_['phases']} |"
        )
    table = "\n".join(rows)
    contrast = ""
    if len(runs) > 1:
        one, batched = runs[1], runs[0]
        contrast = (
            f" With every score in one transaction the longest decision waited {one[1]['max']:,.0f} ms, "
            f"behind the store phase's one transaction ({one[0]['phases']['store']:.1f} s here; it grows "
            f"with the suppliers and the machine's load, and past the 30 s busy timeout the decision fails). "
            f"The batched store phase takes longer ({batched[0]['phases']['store']:.1f} s) because between "
            f"batches the writer queue lets the waiting decision in ({batched[2]['n']:,.0f} decisions were "
            f"recorded during it) and each batch is its own commit; nothing waits on it."
        )
    recompute_table = "\n".join(recomputes)
    target.write_text(
        f"""# Gate decisions during a full risk recompute (SQLite)

`{command}` on {date.today().isoformat()}: {platform.python_implementation()} {platform.python_version()},
Django {version("django")}, SQLite {sqlite3.sqlite_version}, {platform.machine()} ({os.cpu_count()} CPUs), a
fresh database in a temporary folder. Issue 21, reproduction 11: "a long background write (a risk recompute
over 120,000 suppliers) stalled recorded gate decisions for ~30 s". Target: interactive writes wait at most a
fraction of a second.

Data: {n:,} suppliers, {2 * n:,} certificates, {3 * n:,} relations (run.py's generator, raw bulk insert; no
scores stored yet, so the recompute writes every supplier's score: the worst case). The recompute runs in a
child process (`risk_recompute_all`, as the worker runs it); it stores its scores in batches of
RISK_STORE_BATCH suppliers per transaction. Meanwhile this process records allowed gate decisions one after
another through `gate_decide` as a compliance officer (each a write transaction that waits for SQLite's
writer lock, BEGIN IMMEDIATE, busy timeout 30 s, like a web request).

| recompute | suppliers per transaction | transactions | duration | phases, wall seconds |
|---|---|---|---|---|
{recompute_table}

| decisions | count | p50 ms | p99 ms | max ms | max wall minus own CPU, ms | gave up (busy timeout) |
|---|---|---|---|---|---|---|
{table}

The longest decision during the batched recompute took {whole["max"]:.0f} ms: {verdict} the target of a
fraction of a second.{contrast}

"Own CPU" is the deciding thread's CPU time; wall minus it is time spent waiting, for the writer lock or for a
CPU (the gather and score phases only read, but they take a whole core of a machine that is shared).

Machine load while this ran (1-minute load average at the end): {os.getloadavg()[0]:.1f} on
{os.cpu_count()} CPUs: other work shared the machine, so wall times include waiting for a CPU.
""",
        encoding="utf-8",
    )
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
