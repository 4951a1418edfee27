"""Does a gate decision cost more on a large installation? CPU per request, demo-sized and then populated.

Starts from a fresh CONDUCT_HOME (SQLite unless DATABASE_URL is set), loads the demo, and measures in process
(Django's test client, the same middleware and API as the server) the CPU time of four requests, interleaved:
  ping          GET  /api/v1/ping                          (trivial, authenticated)
  evaluate      POST /api/v1/gates/sales_deal/evaluate     (the example deal, not recorded)
  decide_allow  POST /api/v1/gates/sales_deal/decisions    (a deal nothing fires on: decision + ledger entry)
  decide_review POST /api/v1/gates/sales_deal/decisions    (the example deal: two cases, notifications)
Then it adds what a few years of use leave behind (stored parties, supplier portal users, gate decisions,
ledger entries; written through the ledger's own append so the chain stays valid) and measures again.
Every statement a decision runs should find its rows through an index, so the figures should not move.

    .venv/bin/python benchmarks/gates/run_scale.py [--parties 50000] [--users 5000] [--decisions 100000]
        [--entries 100000] [--iterations 300] [--no-write]

Writes benchmarks/gates/results_scale.md (results_scale_postgresql.md on PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_http import ALLOW_SUBJECT, CONDUCT, SUBJECT  # noqa: E402 - the benchmark's own sibling


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parties", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="conduct-scale-")
    os.environ.update({"CONDUCT_HOME": home, "LOG_LEVEL": "WARNING", "INSECURE_COOKIES": "1"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct.config.settings")
    subprocess.run([CONDUCT, "migrate", "-v0"], check=True)
    subprocess.run([CONDUCT, "demo", "load", "--quiet"], check=True)
    token = subprocess.run(
        [CONDUCT, "tokens", "create", "officer", "--scope", "read-write"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[0]

    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    review, allow = json.dumps(SUBJECT), json.dumps(ALLOW_SUBJECT)
    requests = {
        "ping": lambda: client.get("/api/v1/ping"),
        "evaluate": lambda: client.post(
            "/api/v1/gates/sales_deal/evaluate", review, content_type="application/json"
        ),
        "decide_allow": lambda: client.post(
            "/api/v1/gates/sales_deal/decisions", allow, content_type="application/json"
        ),
        "decide_review": lambda: client.post(
            "/api/v1/gates/sales_deal/decisions", review, content_type="application/json"
        ),
    }

    def measure() -> dict[str, tuple[float, float]]:
        for send in requests.values():  # warm: the screening indexes, the pack, the connection
            for _ in range(5):
                response = send()
                assert response.status_code < 300, response.content
        cpu: dict[str, list[float]] = {name: [] for name in requests}
        wall: dict[str, list[float]] = {name: [] for name in requests}
        for _ in range(args.iterations):
            for name, send in requests.items():
                start, start_wall = time.process_time(), time.perf_counter()
                send()
                cpu[name].append(time.process_time() - start)
                wall[name].append(time.perf_counter() - start_wall)
        return {
            name: (1000 * statistics.median(cpu[name]), 1000 * statistics.median(wall[name]))
            for name in requests
        }

    small = measure()
    started = time.perf_counter()
    sizes = populate(args)
    populated_in = time.perf_counter() - started
    large = measure()

    from django.db import connection

    db = connection.vendor
    lines = [
        f"# Gate decisions on a large installation ({db}, in process)",
        "",
        f"Per request, median of {args.iterations} (the four interleaved): this process's CPU time, and the "
        "elapsed time (which includes the database server's work on PostgreSQL), on the demo organisation "
        "and after adding "
        + ", ".join(f"{n:,} {what}" for what, n in sizes.items())
        + f" (added in {populated_in:.0f} s).",
        "",
        "| request | CPU demo, ms | CPU populated, ms | change | elapsed demo, ms | elapsed populated, ms | "
        "change "
        "| CPU per ping, demo | populated | change |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in requests:
        (cpu_small, wall_small), (cpu_large, wall_large) = small[name], large[name]
        per_small, per_large = cpu_small / small["ping"][0], cpu_large / large["ping"][0]
        lines.append(
            f"| {name} | {cpu_small:.3f} | {cpu_large:.3f} | {(cpu_large - cpu_small) / cpu_small:+.0%} | "
            f"{wall_small:.3f} | {wall_large:.3f} | {(wall_large - wall_small) / wall_small:+.0%} | "
            f"{per_small:.2f} | {per_large:.2f} | {(per_large - per_small) / per_small:+.0%} |"
        )
    lines += [
        "",
        f"Run on {time.strftime('%Y-%m-%d')}; {os.cpu_count()} CPUs; 1-minute load average at the end "
        f"{os.getloadavg()[0]:.2f}. `decide_review` opens two cases with their notifications and "
        "appends three ledger entries; `decide_allow` one entry. The two phases run one after the other, "
        "so a machine whose speed drifts moves every request alike, the trivial ping too (seen here: "
        "every request +21 to +28 % in one run, -14 to -18 % in the next); the per-ping columns divide "
        "that out. The ping reads one token, whatever the installation's size.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        name = "results_scale.md" if db == "sqlite" else f"results_scale_{db}.md"
        (HERE / name).write_text(text + "\n")
    return 0


def populate(args: argparse.Namespace) -> dict[str, int]:
    """Rows a few years of use leave behind, in bulk (the ledger through its own append: the chain stays
    valid)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from conduct.apps.accounts.models import OrgUnit, PortalOrganisation, Role, User
    from conduct.apps.audit.services import LedgerItem, ledger_append_many
    from conduct.apps.gates.models import GateDecision
    from conduct.apps.screening.models import ScreenedParty

    unit = OrgUnit.objects.order_by("pk").first()
    portal = PortalOrganisation.objects.order_by("pk").first()
    ScreenedParty.objects.bulk_create(
        [
            ScreenedParty(
                reference=f"scale:{i}",
                kind="customer",
                name=f"Scale Customer {i} Trading Co",
                country="DE",
                org_unit=unit,
                fingerprint="-",
            )
            for i in range(args.parties)
        ],
        batch_size=2000,
    )
    User.objects.bulk_create(
        [
            User(
                username=f"scale-portal-{i}",
                role=Role.SUPPLIER if portal else Role.ANALYST,
                portal_org=portal,
                is_active=True,
            )
            for i in range(args.users)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    GateDecision.objects.bulk_create(
        [
            GateDecision(
                gate="sales_deal",
                reference=f"SO-SCALE-{i % (args.decisions // 3 or 1)}",
                subject={"reference": f"SO-SCALE-{i}"},
                outcome="allow",
                result={"reasons": []},
                policy_version="scale",
                as_of=now.date(),
                actor_label="scale",
                request_hash="-",
                created_at=now,
                org_unit=unit,
            )
            for i in range(args.decisions)
        ],
        batch_size=2000,
    )
    for start in range(0, args.entries, 500):
        with transaction.atomic():
            ledger_append_many(
                actor="scale",
                items=[
                    LedgerItem("scale.fill", "scale", start + i, {"n": start + i})
                    for i in range(min(500, args.entries - start))
                ],
            )
    if connection.vendor == "postgresql":  # as autovacuum would, after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "stored parties": args.parties,
        "portal users": args.users,
        "gate decisions": args.decisions,
        "ledger entries": args.entries,
    }


if __name__ == "__main__":
    sys.exit(main())
