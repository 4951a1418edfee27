"""Suppliers at scale: import, full risk recompute and the supplier list page, on a fresh SQLite database.

1. Generates CSVs of N suppliers, 2N certificates and 3N relations (a tiered graph with a few cycles, about 1
%
   of suppliers in a designated region, dates in mixed but unambiguous forms) into a temporary folder.
2. Imports them through the real importer (`supplier_import(commit=True)`: parse, check every row, write) on a
   freshly migrated database, and compares with a raw bulk insert of the same rows (csv + executemany into a
   copy of the empty database: no checks, no models) for the ratio.
3. Re-imports the same files (everything unchanged: the idempotent path).
4. Recomputes every supplier's risk (`risk_recompute_all`: gather facts, score, propagate, store).
5. Times the supplier list page (Django test client, in process: server time) over mixed filters and sorts.

Prints the figures and writes benchmarks/suppliers/results.md (not for --quick or --no-write). Targets: import
<= 60 s, recompute <= 10 s, list page p95 <= 200 ms at 100,000 suppliers.

    .venv/bin/python benchmarks/suppliers/run.py [--quick] [--suppliers 100000] [--requests 50] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from risk_recompute import make_graph  # noqa: E402 - the shared tiered-graph generator

COUNTRIES = [
    ("CN", 30), ("VN", 12), ("MY", 8), ("TW", 6), ("IN", 8), ("MX", 6), ("DE", 5), ("TH", 5), ("ID", 5),
    ("PL", 3), ("CZ", 3), ("US", 4), ("JP", 3), ("KR", 2),
]  # fmt: skip
REGIONS = {
    "CN": ["Guangdong", "Jiangsu", "Zhejiang", "Sichuan", "Henan"],
    "VN": ["Bac Ninh", "Hai Phong", "Binh Duong"],
    "MY": ["Penang", "Johor"],
    "IN": ["Tamil Nadu", "Karnataka"],
    "MX": ["Nuevo Leon", "Jalisco"],
}
CATEGORIES = ["electronics_assembly", "pcb", "semiconductors", "plastics", "metals", "chemicals", "packaging",
              "logistics", "software", "services", "raw_materials", "textiles"]  # fmt: skip
STANDARDS = ["SA8000", "ISO 45001", "ISO 14001", "ISO 9001"]
WORDS = [
    "Pacific", "Golden", "Dragon", "River", "Precision", "United", "Star", "Delta", "Summit", "Lotus",
    "Jade", "Harbor", "Eastern", "Silver", "Orient", "Phoenix", "Apex", "Bright", "Crown", "Grand",
]  # fmt: skip
KINDS = [
    "Electronics", "Plastics", "Metal Works", "Components", "Circuits", "Packaging", "Chemicals",
    "Textiles", "Logistics", "Materials",
]  # fmt: skip
SUFFIXES = ["Co., Ltd.", "Ltd", "JSC", "Sdn Bhd", "S.A. de C.V.", "GmbH", "Pvt Ltd", "Inc."]


def _date_text(day: date, rng: random.Random) -> str:
    """ISO mostly; some day-first and ISO-with-midnight forms (always unambiguous: day > 12 for the
    slashes)."""
    roll = rng.random()
    if roll < 0.1 and day.day > 12:
        return day.strftime("%d/%m/%Y")
    if roll < 0.15:
        return day.isoformat() + "T00:00:00"
    return day.isoformat()


def generate(folder: Path, suppliers: int, certificates: int, relations: int, seed: int) -> dict[str, Path]:
    rng = random.Random(seed)
    countries = [c for c, w in COUNTRIES for _ in range(w)]
    today = date.today()
    paths = {k: folder / f"{k}.csv" for k in ("suppliers", "certificates", "relations")}
    with paths["suppliers"].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "external_id",
                "name",
                "country",
                "region",
                "categories",
                "parent_external_id",
                "registration_id",
                "status",
            ]
        )
        for n in range(suppliers):
            country = rng.choice(countries)
            region = rng.choice(REGIONS.get(country, [""]))
            if country == "CN" and rng.random() < 0.03:
                region = rng.choice(["Xinjiang", "Urumqi", "Kashgar"])
            parent = f"S{rng.randrange(n):07d}" if n > 100 and rng.random() < 0.05 else ""
            out.writerow(
                [
                    f"S{n:07d}",
                    f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)} {n} {rng.choice(SUFFIXES)}",
                    country,
                    region,
                    ";".join(rng.sample(CATEGORIES, rng.randint(1, 3))),
                    parent,
                    f"{country}-{n:09d}",
                    rng.choice(["active", "active", "active", "prospect", "onboarding", "suspended"]),
                ]
            )
    with paths["certificates"].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["supplier_external_id", "standard", "number", "issuer", "valid_from", "valid_until"])
        for n in range(certificates):
            start = today - timedelta(days=rng.randint(0, 1400))  # about 22 % expired, 7 % expiring
            until = start + timedelta(days=1095)
            out.writerow(
                [
                    f"S{rng.randrange(suppliers):07d}",
                    rng.choice(STANDARDS),
                    f"C-{n:08d}",
                    rng.choice(["SGS", "Bureau Veritas", "TÜV SÜD", "Intertek", "DNV"]),
                    _date_text(start, rng),
                    _date_text(until, rng),
                ]
            )
    graph = make_graph(suppliers, relations, rng)
    with paths["relations"].open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["buyer_external_id", "supplier_external_id"])
        for buyer, subs in graph.items():
            for sub in subs:
                out.writerow([f"S{buyer:07d}", f"S{sub:07d}"])
    return paths


def setup_django(home: Path) -> None:
    os.environ["CONDUCT_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "conduct.config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    # The list page is measured for a signed-in officer (force_login): no second-factor step (issue 20).
    os.environ["MFA_REQUIRED_ROLES"] = "none"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def raw_bulk_insert(db: Path, paths: dict[str, Path]) -> float:
    """The floor: read the same CSVs and insert the rows with executemany, no checks, into an empty copy."""
    started = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    now = datetime.now().isoformat(sep=" ")
    unit = con.execute("SELECT id FROM accounts_orgunit ORDER BY path LIMIT 1").fetchone()[0]
    ids: dict[str, int] = {}
    with con:
        with paths["suppliers"].open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            rows = []
            for n, r in enumerate(reader, start=1):
                ids[r[0]] = n
                rows.append(
                    (
                        n,
                        r[0],
                        r[1],
                        "[]",
                        r[6],
                        "[]",
                        r[2],
                        r[3],
                        "",
                        "",
                        r[4],
                        1,
                        r[7] or "prospect",
                        unit,
                        now,
                        now,
                    )
                )
        con.executemany(
            "INSERT INTO suppliers_supplier (id, external_id, name, aliases, registration_id, "
            "other_registration_ids,"
            " country, region, address, designated_region, categories, tier, status, org_unit_id, created_at,"
            " updated_at, risk_band) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'')",
            rows,
        )
        with paths["certificates"].open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            con.executemany(
                "INSERT INTO suppliers_certificate (supplier_id, standard, number, issuer, "
                "accreditation_body, scope,"
                " valid_from, valid_until, file, file_name, file_type, file_sha256, "
                "withdrawn_reason, created_at,"
                " updated_at) VALUES (?,?,?,?,'','',?,?,'','','','','',?,?)",
                ((ids[r[0]], r[1], r[2], r[3], r[4][:10], r[5][:10], now, now) for r in reader),
            )
        with paths["relations"].open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            con.executemany(
                "INSERT INTO suppliers_supplierrelation (buyer_id, supplier_id, created_at) VALUES (?,?,?)",
                ((ids[r[0]], ids[r[1]], now) for r in reader),
            )
    con.close()
    return time.perf_counter() - started


LIST_QUERIES = [
    "",
    "?sort=-risk",
    "?country=CN",
    "?risk_band=high",
    "?category=pcb",
    "?certificate_status=expiring",
    "?certificate_status=none",
    "?tier=2",
    "?status=active&sort=country",
    "?q=Dragon",
    "?country=VN&risk_band=medium",
    "?category=textiles&sort=-risk",
    "?page=500",
    "?sort=tier&page=20",
    "?overdue=1",
    "?certificate_status=expired",
    "?risk_band=critical&sort=-risk",
    "?country=MY&category=metals",
    "?sort=-updated",
    "?tier=3&sort=-risk",
]


def time_list_page(requests: int) -> tuple[list[float], dict[str, float]]:
    from django.conf import settings
    from django.test import Client, override_settings

    from conduct.apps.accounts.models import User

    # No collectstatic in a temporary home: serve static names unhashed (the page's own work is unchanged).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        return _time_list_page(Client(), User.objects.get(username="bench-officer"), requests)


def _time_list_page(client: Any, officer: Any, requests: int) -> tuple[list[float], dict[str, float]]:
    client.force_login(officer)
    client.get("/suppliers/")  # warm: templates, url resolver, caches
    timings: list[float] = []
    per_query: dict[str, list[float]] = {}
    for n in range(requests):
        query = LIST_QUERIES[n % len(LIST_QUERIES)]
        started = time.perf_counter()
        response = client.get("/suppliers/" + query)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (query, response.status_code)
        timings.append(elapsed)
        per_query.setdefault(query or "(no filter)", []).append(elapsed)
    return timings, {q: statistics.median(v) for q, v in per_query.items()}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 suppliers: a smoke run")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (database and CSVs)")
    args = parser.parse_args()
    n = 2_000 if args.quick else args.suppliers
    certs, rels = 2 * n, 3 * n

    work = Path(tempfile.mkdtemp(prefix="conduct-bench-suppliers-"))
    home = work / "home"
    home.mkdir()
    try:
        started = time.perf_counter()
        paths = generate(work, n, certs, rels, args.seed)
        generated = time.perf_counter() - started
        sizes = {k: p.stat().st_size for k, p in paths.items()}
        print(
            f"generated {n:,} suppliers, {certs:,} certificates, {rels:,} relations in {generated:.1f} s "
            f"({sum(sizes.values()) / 1e6:.1f} MB of CSV)"
        )

        setup_django(home)
        from django.db import connection

        from conduct.apps.accounts.actors import CLI
        from conduct.apps.accounts.services import orgunit_create, user_create
        from conduct.apps.suppliers.models import Certificate, Supplier, SupplierRelation
        from conduct.apps.suppliers.services import ImportSource, risk_recompute_all, supplier_import

        root = orgunit_create(actor=CLI, code="hq", name="HQ", kind="headquarters", country="CN")
        user_create(
            actor=CLI,
            username="bench-officer",
            role="compliance_officer",
            scope_units=[root],
            home_unit=root,
        )
        connection.close()
        db = home / "conduct.sqlite3"
        empty = work / "empty.sqlite3"
        sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        shutil.copy(db, empty)

        raw = raw_bulk_insert(empty, paths)
        print(f"raw bulk insert (csv + executemany, no checks): {raw:.1f} s")

        sources = [ImportSource(p.name, path=p) for p in paths.values()]
        started, cpu = time.perf_counter(), time.process_time()
        report = supplier_import(actor=CLI, sources=sources, commit=True, unit=root)
        imported, imported_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert report.committed, report.problems[:10]
        counts = (Supplier.objects.count(), Certificate.objects.count(), SupplierRelation.objects.count())
        assert counts == (n, certs, rels), counts
        print(
            f"import (checked, one transaction): {imported:.1f} s ({imported_cpu:.1f} s CPU) = "
            f"{imported / raw:.1f} x "
            f"the raw insert; {sum(counts) / imported:,.0f} rows/s"
        )

        started = time.perf_counter()
        preview = supplier_import(actor=CLI, sources=sources, commit=False, unit=root)
        previewed = time.perf_counter() - started
        assert preview.ok
        started = time.perf_counter()
        again = supplier_import(actor=CLI, sources=sources, commit=True, unit=root)
        reimported = time.perf_counter() - started
        assert again.counts["suppliers"]["unchanged"] == n and again.counts["certificates"]["created"] == 0
        print(
            f"preview of the same files: {previewed:.1f} s; re-import (all unchanged, no "
            f"duplicates): {reimported:.1f} s"
        )

        recomputes = []  # (wall, cpu, phases): the first writes every score, the second only what changed
        for _ in range(2):
            started, cpu = time.perf_counter(), time.process_time()
            summary = risk_recompute_all(actor=CLI)
            recomputes.append((time.perf_counter() - started, time.process_time() - cpu, summary.phases))
        for label, (wall, cpu_s, phases) in zip(
            ("first (writes all)", "again (writes changes)"), recomputes, strict=True
        ):
            print(f"full risk recompute, {label}: {wall:.1f} s ({cpu_s:.1f} s CPU; {phases})")
        print(f"bands {dict(sorted(summary.bands.items()))}")

        timings, per_query = time_list_page(args.requests)
        print(
            f"supplier list page, {len(timings)} requests: p50 {statistics.median(timings):.0f} ms, "
            f"p95 {p95(timings):.0f} ms, max {max(timings):.0f} ms"
        )
        for query, median in sorted(per_query.items(), key=lambda kv: -kv[1]):
            print(f"  {median:7.1f} ms  /suppliers/{query if query != '(no filter)' else ''}")

        if not args.no_write and not args.quick:
            write_results(
                n,
                certs,
                rels,
                sizes,
                raw,
                imported,
                imported_cpu,
                previewed,
                reimported,
                recomputes,
                timings,
                per_query,
                summary.bands,
                args,
            )
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def write_results(
    n: int,
    certs: int,
    rels: int,
    sizes: dict[str, int],
    raw: float,
    imported: float,
    imported_cpu: float,
    previewed: float,
    reimported: float,
    recomputes: list[tuple[float, float, dict[str, float]]],
    timings: list[float],
    per_query: dict[str, float],
    bands: dict[str, int],
    args: Any,
) -> None:
    from importlib.metadata import version

    target = HERE / "results.md"
    rows = "\n".join(
        f"| `/suppliers/{q if q != '(no filter)' else ''}` | {m:.1f} |"
        for q, m in sorted(per_query.items(), key=lambda kv: -kv[1])
    )
    target.write_text(
        f"""# Suppliers benchmark

`{" ".join([".venv/bin/python", "benchmarks/suppliers/run.py", *sys.argv[1:]])}` on
{date.today().isoformat()}:
{platform.python_implementation()} {platform.python_version()}, Django {version("django")}, SQLite
{sqlite3.sqlite_version}, {platform.machine()} ({os.cpu_count()} CPUs), a fresh database in a temporary
folder.

Data: {n:,} suppliers, {certs:,} certificates, {rels:,} relations ({sum(sizes.values()) / 1e6:.1f} MB of CSV):
tiers 1-5 with about 1 % of relations pointing back up (cycles), about 1 % of suppliers in a designated
region,
dates mostly ISO with some `31/12/2027` and `2027-12-31T00:00:00`.

| measure | result | target |
|---|---|---|
| import through the real importer (parse, check every row, write; one transaction) | **{imported:.1f} s**
({imported_cpu:.1f} s CPU) | <= 60 s |
| raw bulk insert of the same rows (csv + executemany, no checks) | {raw:.1f} s | |
| ratio import / raw | {imported / raw:.1f} x | |
| preview of the same files (check only) | {previewed:.1f} s | |
| re-import of the same files (all unchanged, no duplicates) | {reimported:.1f} s | |
| full risk recompute, first (gather facts, score and propagate, store every score) |
**{recomputes[0][0]:.1f} s** ({recomputes[0][1]:.1f} s CPU) | <= 10 s |
| full risk recompute again, as the daily job runs (stores only what changed) | {recomputes[1][0]:.1f} s
({recomputes[1][1]:.1f} s CPU) | |
| supplier list page, server time, p50 / p95 over {len(timings)} requests | {statistics.median(timings):.0f}
/ **{p95(timings):.0f} ms** | p95 <= 200 ms |

Risk bands after the recompute: {", ".join(f"{k} {v:,}" for k, v in sorted(bands.items()))}. Recompute
phases, wall
seconds (first run): {recomputes[0][2]}; `score` is conduct.core.risk.score_suppliers (own risk, propagation,
upstream).

Machine load while this ran (1-minute load average at the end): {os.getloadavg()[0]:.1f} on {os.cpu_count()}
CPUs. Wall
times include waiting for the CPU when other work shares the machine; CPU seconds are this process's own.

List page medians by query (an officer scoped to the whole organisation; 50 rows a page; the count is exact up
to 10,000 and shown as "more than 10,000" beyond):

| query | median ms |
|---|---|
{rows}
""",
        encoding="utf-8",
    )
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
