"""HTTP gate decisions per second vs a trivial authenticated JSON endpoint on the same server.

Starts `conduct serve --no-worker` on a fresh CONDUCT_HOME (SQLite unless DATABASE_URL is set), loads the
demo, creates a read-write token, then drives four endpoints with the same keep-alive client threads:
  ping      GET  /api/v1/ping                               (trivial, authenticated)
  evaluate  POST /api/v1/gates/sales_deal/evaluate          (decision, not recorded)
  decide    POST /api/v1/gates/sales_deal/decisions         (the example deal: review, referred to two bodies,
                                                             so two cases, three ledger entries,
                                                             notifications)
  decide_allow  the same endpoint with a deal nothing fires on (decision + one ledger entry)
The endpoints are measured in interleaved rounds (ping, evaluate, decide, decide_allow, then again), so that a
machine whose speed drifts (a shared virtual machine) slows every endpoint alike; each figure is the median
over the rounds, and each ratio the median of the rounds' ratios. Beside requests/s it reports the server's
CPU time per request (the gunicorn processes, plus the PostgreSQL server's processes when it runs on this
machine), read from /proc: throughput on a saturated server follows it, and it moves far less than req/s
when other work shares the machine. Writes results_http.md (SQLite) or results_http_postgresql.md.
Usage: python benchmarks/gates/run_http.py [--rounds 5] [--seconds 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CONDUCT = str(Path(sys.executable).with_name("conduct"))
SUBJECT = json.loads((REPO / "data" / "examples" / "subjects" / "sales_deal.json").read_text())
# A deal no rule of the default pack fires on: a commercial customer, a standard-tier capability, no public
# space.
ALLOW_SUBJECT = {
    "reference": "SO-BENCH-ALLOW",
    "parties": [{"role": "customer", "name": "Northwind Retail Group", "country": "NL", "sector": "retail"}],
    "items": [{"sku": "NV-CAM-2MP", "capabilities": ["people_counting"], "quantity": 40}],
    "deployment": {"public_space": False, "camera_count": 40, "purpose": "store footfall"},
    "exporter_country": "NL",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent pid, command name, CPU ticks used so far) for every process, from /proc (Linux)."""
    found: dict[int, tuple[int, str, int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), comm, int(fields[11]) + int(fields[12]))
    return found


def server_cpu(root: int, database: bool) -> tuple[dict[int, int], dict[int, int]]:
    """CPU ticks used so far, per process, by the server (`root` and its descendants) and by the PostgreSQL
    server's processes on this machine (when `database`); empty where /proc is not there."""
    procs = _processes()
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _, _) in procs.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    app = {pid: procs[pid][2] for pid in tree if pid in procs}
    db = {pid: ticks for pid, (_, comm, ticks) in procs.items() if database and comm.startswith("postgres")}
    return app, db


def cpu_seconds(before: dict[int, int], after: dict[int, int]) -> float:
    """CPU seconds the processes used between two readings. A process that started meanwhile counts whole; one
    that ended meanwhile (PostgreSQL closes a connection's backend when Conduct recycles it) is left out."""
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items()) / CLOCK_TICKS


def drive(
    port: int, token: str, method: str, path: str, body: bytes | None, seconds: float, threads: int
) -> dict:
    stop = time.perf_counter() + seconds
    counts: list[int] = []
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        n = 0
        mine: list[float] = []
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t0)
            if response.status >= 300:
                with lock:
                    failures.append(f"{response.status}")
            n += 1
        conn.close()
        with lock:
            counts.append(n)
            latencies.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    t0 = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    if not latencies:  # nothing finished in the window (a worker still warming up): no figures
        return {
            "requests": 0,
            "rps": 0.0,
            "p50_ms": float("inf"),
            "p99_ms": float("inf"),
            "failures": len(failures),
        }
    return {
        "requests": sum(counts),
        "rps": sum(counts) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "failures": len(failures),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds over the endpoints")
    parser.add_argument("--seconds", type=float, default=4.0, help="per endpoint per round")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--workers", type=int, default=4, help="gunicorn processes (the server's default here)"
    )
    parser.add_argument(
        "--server-threads", type=int, default=2, help="threads per gunicorn process (its default)"
    )
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="conduct-bench-")
    env = {**os.environ, "CONDUCT_HOME": home, "LOG_LEVEL": "WARNING", "INSECURE_COOKIES": "1"}
    db = "postgresql" if env.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    subprocess.run([CONDUCT, "migrate", "-v0"], env=env, check=True)
    subprocess.run([CONDUCT, "demo", "load", "--quiet"], env=env, check=True)
    token = subprocess.run(
        [CONDUCT, "tokens", "create", "officer", "--scope", "read-write"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = free_port()
    server = subprocess.Popen(
        [
            CONDUCT,
            "serve",
            "--no-worker",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.server_threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    body = json.dumps(SUBJECT).encode()
    allow_body = json.dumps(ALLOW_SUBJECT).encode()
    endpoints = {
        "ping": ("GET", "/api/v1/ping", None),
        "evaluate": ("POST", "/api/v1/gates/sales_deal/evaluate", body),
        "decide": ("POST", "/api/v1/gates/sales_deal/decisions", body),
        "decide_allow": ("POST", "/api/v1/gates/sales_deal/decisions", allow_body),
    }
    rounds: list[dict[str, dict]] = []
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        # Warm up: each gunicorn process loads the policy pack, rigour's name tables and the screening index
        # on first use (tens of seconds on this machine); measure only once every process has them.
        drive(port, token, "GET", "/api/v1/ping", None, 2, args.threads)
        for _ in range(10):
            warm = drive(port, token, *endpoints["evaluate"], 5, args.threads)
            if warm["p99_ms"] < 1000:
                break
        drive(port, token, *endpoints["decide_allow"], 2, args.threads)
        for _ in range(args.rounds):
            this: dict[str, dict] = {}
            for name, (method, path, payload) in endpoints.items():
                app0, db0 = server_cpu(server.pid, db == "postgresql")
                result = drive(port, token, method, path, payload, args.seconds, args.threads)
                app1, db1 = server_cpu(server.pid, db == "postgresql")
                done = max(result["requests"], 1)
                result["app_cpu_ms"] = 1000 * cpu_seconds(app0, app1) / done
                result["db_cpu_ms"] = 1000 * cpu_seconds(db0, db1) / done
                this[name] = result
            rounds.append(this)
    finally:
        server.terminate()
        server.wait(15)

    def median(name: str, key: str) -> float:
        return statistics.median(r[name][key] for r in rounds)

    def ratios(name: str) -> list[float]:
        return sorted(r[name]["rps"] / r["ping"]["rps"] for r in rounds)

    def cpu(r: dict) -> float:
        return float(r["app_cpu_ms"] + r["db_cpu_ms"])

    lines = [
        f"# Gates over HTTP ({db}, {args.workers} gunicorn workers x {args.server_threads} threads, "
        f"{args.threads} client threads, {args.rounds} interleaved rounds of {args.seconds:g} s per "
        "endpoint)",
        "",
        "| endpoint | req/s | p50 ms | p99 ms | ratio to ping (median, range) | server CPU ms/request "
        "(app + database) | CPU ratio | failures |",
        "|---|---:|---:|---:|---|---|---:|---:|",
    ]
    for name in endpoints:
        spread = ratios(name)
        by_cpu = [cpu(r["ping"]) / cpu(r[name]) for r in rounds if cpu(r[name]) > 0]  # none: /proc not there
        cpu_ratio = statistics.median(by_cpu) if by_cpu else float("nan")
        lines.append(
            f"| {name} | {median(name, 'rps'):.0f} | {median(name, 'p50_ms'):.1f} | "
            f"{median(name, 'p99_ms'):.1f} | "
            f"{statistics.median(spread):.2f} ({spread[0]:.2f}-{spread[-1]:.2f}) | "
            f"{median(name, 'app_cpu_ms') + median(name, 'db_cpu_ms'):.2f} ({median(name, 'app_cpu_ms'):.2f} "
            "+ "
            f"{median(name, 'db_cpu_ms'):.2f}) | {cpu_ratio:.2f} | "
            f"{sum(r[name]['failures'] for r in rounds)} |"
        )
    lines += [
        "",
        f"Run on {time.strftime('%Y-%m-%d')}; 1-minute load average at the end {os.getloadavg()[0]:.2f} on "
        f"{os.cpu_count()} CPUs (the client threads share the machine with the server). `evaluate` is the "
        "dry run of the example deal (the decision, screening included, not recorded); `decide` records "
        "the example deal (review: two cases, three ledger entries, notifications); `decide_allow` "
        "records a deal nothing fires on (the decision and one ledger entry). CPU ratio: the server's CPU "
        "per ping over its CPU per request of the endpoint, the median over the rounds.",
    ]
    text = "\n".join(lines)
    print(text)
    name = "results_http.md" if db == "sqlite" else f"results_http_{db}.md"
    (Path(__file__).with_name(name)).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
