"""HTTP gate decisions per second vs a trivial authenticated JSON endpoint on the same server.

Starts `conduct serve --no-worker` on a fresh CONDUCT_HOME (SQLite unless DATABASE_URL is set), loads the
demo, creates a read-write token, then drives three endpoints with the same keep-alive client threads:
  ping      GET  /api/v1/ping                               (trivial, authenticated)
  evaluate  POST /api/v1/gates/sales_deal/evaluate          (decision, not recorded)
  decide    POST /api/v1/gates/sales_deal/decisions         (the example deal: review, referred to two bodies,
                                                             so two cases, three ledger entries, notifications)
  decide_allow  the same endpoint with a deal nothing fires on (decision + one ledger entry)
Prints requests/s for each and the ratios to ping, and writes results_http.md (SQLite) or
results_http_postgresql.md. Usage: python benchmarks/gates/run_http.py [--seconds 10]
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
# A deal no rule of the default pack fires on: a commercial customer, a standard-tier capability, no public space.
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


def drive(port: int, token: str, method: str, path: str, body: bytes | None, seconds: float, threads: int) -> dict:
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
        return {"requests": 0, "rps": 0.0, "p50_ms": float("inf"), "p99_ms": float("inf"), "failures": len(failures)}
    return {
        "requests": sum(counts),
        "rps": sum(counts) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "failures": len(failures),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes (the server's default here)")
    parser.add_argument("--server-threads", type=int, default=2, help="threads per gunicorn process (its default)")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="conduct-bench-")
    env = {**os.environ, "CONDUCT_HOME": home, "LOG_LEVEL": "WARNING", "INSECURE_COOKIES": "1"}
    subprocess.run([CONDUCT, "migrate", "-v0"], env=env, check=True)
    subprocess.run([CONDUCT, "demo", "load", "--quiet"], env=env, check=True)
    token = subprocess.run([CONDUCT, "tokens", "create", "officer", "--scope", "read-write"], env=env, check=True,
                           capture_output=True, text=True).stdout.strip()
    port = free_port()
    server = subprocess.Popen([CONDUCT, "serve", "--no-worker", "--port", str(port), "--workers", str(args.workers),
                               "--threads", str(args.server_threads)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        body = json.dumps(SUBJECT).encode()
        allow_body = json.dumps(ALLOW_SUBJECT).encode()
        # Warm up: each gunicorn process loads the policy pack, rigour's name tables and the screening index
        # on first use (tens of seconds on this machine); measure only once every process has them.
        drive(port, token, "GET", "/api/v1/ping", None, 2, args.threads)
        for _ in range(10):
            warm = drive(port, token, "POST", "/api/v1/gates/sales_deal/evaluate", body, 5, args.threads)
            if warm["p99_ms"] < 1000:
                break
        results = {
            "ping": drive(port, token, "GET", "/api/v1/ping", None, args.seconds, args.threads),
            "evaluate": drive(port, token, "POST", "/api/v1/gates/sales_deal/evaluate", body, args.seconds, args.threads),
            "decide": drive(port, token, "POST", "/api/v1/gates/sales_deal/decisions", body, args.seconds, args.threads),
            "decide_allow": drive(port, token, "POST", "/api/v1/gates/sales_deal/decisions", allow_body, args.seconds,
                                  args.threads),
        }
    finally:
        server.terminate()
        server.wait(15)
    db = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    lines = [f"# Gates over HTTP ({db}, {args.workers} gunicorn workers x {args.server_threads} threads, {args.threads} client threads, "
             f"{args.seconds:.0f} s each)", "", "| endpoint | req/s | p50 ms | p99 ms | ratio to ping | failures |",
             "|---|---|---|---|---|---|"]
    for name, r in results.items():
        ratio = r["rps"] / results["ping"]["rps"]
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {ratio:.2f} | {r['failures']} |")
    lines += ["", f"Run on {time.strftime('%Y-%m-%d')}; 1-minute load average at the end {os.getloadavg()[0]:.2f} on "
              f"{os.cpu_count()} CPUs (the client threads share the machine with the server). `decide` is the example "
              "deal (review: two cases, three ledger entries, notifications); `decide_allow` a deal nothing fires on."]
    text = "\n".join(lines)
    print(text)
    name = "results_http.md" if db == "sqlite" else f"results_http_{db}.md"
    (Path(__file__).with_name(name)).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
