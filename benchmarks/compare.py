"""Before/after CPU comparison of two checkouts of Conduct on the same machine, interleaved.

Runs the same in-process workload against two source trees (`--before` and `--after`, each a checkout whose
`src/` is put first on PYTHONPATH), alternating A B A B ... for `--rounds` rounds, and prints the median of
each figure with its spread and the change. Every figure is CPU time of the measuring process
(`time.process_time`): on a machine shared with other work, wall time mostly measures the neighbours.

Each tree gets a prepared CONDUCT_HOME once (migrated SQLite database, the demo, an API token and a
compliance officer over its own unit); every round copies it, so each round starts from the same rows.
A round, in a fresh process:
  import      supplier_import(commit=True) of N suppliers, 2N certificates, 3N relations (the CSVs of
              benchmarks/suppliers/run.py), CPU seconds and SQL statements
  list        the supplier list page over the 20 queries of benchmarks/suppliers/run.py, CPU ms per request
  ping        GET /api/v1/ping with a bearer token (the middleware stack, authentication, a trivial view)
  page        GET /login/ signed out (the middleware stack and one template)
  decide_allow / decide   POST /api/v1/gates/sales_deal/decisions (a deal nothing fires on; the example deal:
              review, two cases, three ledger entries), CPU ms per request
and the SQL statements per request of each.

    python benchmarks/compare.py --before /tmp/orig --after . [--rounds 7] [--suppliers 20000] [--import-only]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SEED = 20261128
REQUESTS = {"list": 60, "ping": 400, "page": 200, "decide_allow": 120, "decide": 60}
ALLOW_SUBJECT = {
    "reference": "SO-BENCH-ALLOW",
    "parties": [{"role": "customer", "name": "Northwind Retail Group", "country": "NL", "sector": "retail"}],
    "items": [{"sku": "NV-CAM-2MP", "capabilities": ["people_counting"], "quantity": 40}],
    "deployment": {"public_space": False, "camera_count": 40, "purpose": "store footfall"},
    "exporter_country": "NL",
}


def _env(tree: Path, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(tree / "src"),
        "CONDUCT_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "conduct.config.settings",
        "LOG_LEVEL": "WARNING",
        "INSECURE_COOKIES": "1",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        # The pages are measured for a signed-in officer (force_login): no second-factor step (issue 20).
        "MFA_REQUIRED_ROLES": "none",
    }


def prepare(tree: Path, home: Path) -> str:
    """Migrated database, the demo and a read-write token for the demo's officer; returns the token."""
    home.mkdir(parents=True)
    conduct = str(Path(sys.executable).with_name("conduct"))
    env = _env(tree, home)
    subprocess.run([conduct, "migrate", "-v0"], env=env, check=True)
    subprocess.run([conduct, "demo", "load", "--quiet"], env=env, check=True)
    token = subprocess.run(
        [conduct, "tokens", "create", "officer", "--scope", "read-write"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    code = (
        "import django; django.setup()\n"
        "from conduct.apps.accounts.services import orgunit_create, user_create\n"
        "try:\n    from conduct.apps.accounts.actors import CLI as A\n"  # the pre-refactor code took None
        "except ImportError:\n    A = None\n"
        "root = orgunit_create(actor=A, code='bench', name='Bench', kind='headquarters', country='CN')\n"
        "user_create(actor=A, username='bench-officer', role='compliance_officer', scope_units=[root],"
        " home_unit=root)\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return token


# --- the probe: runs inside the tree under test ------------------------------------------------------------


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)


def _timed(client: Any, count: int, call: Any) -> dict[str, float]:
    from django.db import connection

    call(0)  # warm
    counter = _Counter()
    with connection.execute_wrapper(counter):
        call(0)
    statements = counter.n
    started = time.process_time()
    for n in range(count):
        call(n)
    return {"cpu_ms": 1000 * (time.process_time() - started) / count, "queries": statements}


MEASURES = ("import", "list", "page", "ping", "decide_allow", "decide")


def probe(csv_folder: Path, token: str, import_only: bool = False) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings

    from conduct.apps.accounts.models import OrgUnit, User
    from conduct.apps.suppliers.services import ImportSource, supplier_import

    try:
        from conduct.apps.accounts.actors import CLI as actor
    except ImportError:  # before the one Actor: None was the command line
        actor = None
    sys.path.insert(0, str(HERE / "suppliers"))
    from run import LIST_QUERIES  # the benchmark's own mix of filters and sorts

    results: dict[str, Any] = {}
    sources = [ImportSource(p.name, path=p) for p in sorted(csv_folder.glob("*.csv"))]
    root = OrgUnit.objects.get(code="bench")
    counter = _Counter()
    started = time.process_time()
    with connection.execute_wrapper(counter):
        report = supplier_import(actor=actor, sources=sources, commit=True, unit=root)
    results["import"] = {"cpu_ms": 1000 * (time.process_time() - started), "queries": counter.n}
    assert report.committed, report.problems[:5]
    if import_only:
        return results

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        pages = Client()
        pages.force_login(User.objects.get(username="bench-officer"))

        def listing(n: int) -> None:
            assert pages.get("/suppliers/" + LIST_QUERIES[n % len(LIST_QUERIES)]).status_code == 200

        results["list"] = _timed(pages, REQUESTS["list"], listing)
        anonymous = Client()

        def page(n: int) -> None:
            assert anonymous.get("/login/").status_code == 200

        results["page"] = _timed(anonymous, REQUESTS["page"], page)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def ping(n: int) -> None:
        assert api.get("/api/v1/ping").status_code == 200

    results["ping"] = _timed(api, REQUESTS["ping"], ping)
    # The example deal as it was before issue 25 (no distributor), so that both trees accept the same subject.
    example = (HERE / "data" / "sales_deal_reviewed.json").read_text()
    for name, body in (("decide_allow", json.dumps(ALLOW_SUBJECT)), ("decide", example)):

        def decide(n: int, body: str = body) -> None:
            response = api.post("/api/v1/gates/sales_deal/decisions", body, content_type="application/json")
            assert response.status_code in (200, 201), response.content[:300]

        results[name] = _timed(api, REQUESTS[name], decide)
    return results


# --- the driver ---------------------------------------------------------------------------------------------


def run_round(
    tree: Path, base: Path, work: Path, csv_folder: Path, token: str, import_only: bool
) -> dict[str, Any]:
    home = work / "round"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(base, home)
    done = subprocess.run(
        [sys.executable, __file__, "--probe", str(csv_folder), "--token", token]
        + (["--import-only"] if import_only else []),
        env=_env(tree, home),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"the probe failed in {tree}:\n{done.stderr[-3000:]}")
    shutil.rmtree(home, ignore_errors=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="checkout of the old code (e.g. a worktree at af2e775)")
    parser.add_argument("--after", type=Path, default=HERE.parent)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--suppliers", type=int, default=20_000)
    parser.add_argument(
        "--work", type=Path, help="keep the prepared homes and CSVs here and reuse them on the next run"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave results_compare.md")
    parser.add_argument("--import-only", action="store_true", help="measure and report the import alone")
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(probe(args.probe, args.token, args.import_only)))
        return 0
    if args.before is None:
        parser.error("--before is required")
    sys.path.insert(0, str(HERE / "suppliers"))
    from run import generate

    work = args.work.resolve() if args.work else Path(tempfile.mkdtemp(prefix="conduct-compare-"))
    try:
        csv_folder = work / f"csv-{args.suppliers}"
        if not csv_folder.exists():
            csv_folder.mkdir(parents=True)
            n = args.suppliers
            generate(csv_folder, n, 2 * n, 3 * n, SEED)
        trees = {"before": args.before.resolve(), "after": args.after.resolve()}
        tokens = {}
        for name, tree in trees.items():
            if not (work / name / "token").exists():
                shutil.rmtree(work / name, ignore_errors=True)
                token = prepare(tree, work / name)
                (work / name / "token").write_text(token)
            tokens[name] = (work / name / "token").read_text()
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
        for number in range(args.rounds):
            for name, tree in trees.items():
                runs[name].append(
                    run_round(tree, work / name, work, csv_folder, tokens[name], args.import_only)
                )
            print(f"round {number + 1}/{args.rounds} done", file=sys.stderr)
        text = report(runs, args)
        print(text)
        if not args.no_write:
            (HERE / "results_compare.md").write_text(RESULTS_HEAD + text + "\n")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


RESULTS_HEAD = """# Before/after: CPU per operation of two checkouts

Written by `python benchmarks/compare.py --before DIR` (the `after` side is this checkout). Each round runs
the same work in a fresh process per checkout, alternating before/after, from copies of one prepared home
per checkout (migrated SQLite database, the demo, an API token, a compliance officer over a unit of their
own): the supplier import (`supplier_import(commit=True)`; CSVs of benchmarks/suppliers/run.py), the supplier
list page over that run's 20 queries, the login page signed out, `GET /api/v1/ping` and `POST
/api/v1/gates/sales_deal/decisions` (`decide_allow`: a deal no rule fires on; `decide`: the example deal,
reviewed). Figures are CPU time of the measuring process (`time.process_time`), in process through Django's
test client (the whole middleware stack and the view, no HTTP server); medians over the rounds, with the
range. On a machine shared with other work, wall time mostly measures the neighbours; CPU time moves far
less, but still with them (caches, frequency): the range of each row is the run-to-run noise. SQL: the
statements one operation runs (counted once per side).

"""


def report(runs: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> str:
    lines = [
        f"{args.rounds} interleaved rounds, {args.suppliers:,} suppliers; CPU of the measuring process, "
        f"median (min-max); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        "",
        "| measure | before | after | change | SQL before / after |",
        "|---|---:|---:|---:|---:|",
    ]
    for key in ("import",) if args.import_only else MEASURES:
        values = {name: [r[key]["cpu_ms"] for r in rs] for name, rs in runs.items()}
        queries = {name: rs[0][key]["queries"] for name, rs in runs.items()}
        med = {name: statistics.median(v) for name, v in values.items()}
        unit = "s" if key == "import" else "ms"
        scale = 1000 if key == "import" else 1
        cells = [
            f"{med[name] / scale:.2f} ({min(v) / scale:.2f}-{max(v) / scale:.2f}) {unit}"
            for name, v in values.items()
        ]
        change = 100 * (med["after"] / med["before"] - 1)
        sql = f"{queries['before']} / {queries['after']}"
        lines.append(f"| {key} | {cells[0]} | {cells[1]} | {change:+.1f} % | {sql} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
