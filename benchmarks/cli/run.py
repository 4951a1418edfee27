"""The CLI in a pipeline (issue 23 §3): wall time per call of `conduct gate check` against a running server
(`--server URL`, CONDUCT_TOKEN) and on the database with the real lists loaded, beside `conduct --version`,
measured in interleaved rounds in one run (medians).

Sets up a fresh CONDUCT_HOME (SQLite unless DATABASE_URL is set): migrate, the demo, the real lists from the
shared data (OFAC SDN 2021, the UN consolidated list and BIS DPL 2021 beside the demo's lists), a read-write
token; starts `conduct serve --no-worker --workers 1` and warms it with one call. Then each round runs
  version  conduct --version
  remote   conduct gate check sales_deal SUBJECT --server URL     (recorded; the server screens the parties)
  local    conduct gate check sales_deal SUBJECT                  (recorded; this process loads the lists)
Targets: remote ≤ 0.3 s, local ≤ 1 s. Writes results.md beside this file.
Usage: python benchmarks/cli/run.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CONDUCT = str(Path(sys.executable).with_name("conduct"))
SUBJECT = REPO / "data" / "examples" / "subjects" / "sales_deal.json"


def _data_root() -> Path:
    for candidate in (REPO.parent / "shared" / "data", Path("/work/shared/data")):
        if (candidate / "watchlists").is_dir():
            return candidate
    raise SystemExit("shared data not found (expected ../shared/data beside the repository)")


WATCHLISTS = _data_root() / "watchlists"
REAL_LISTS = [
    ("ofac_sdn", WATCHLISTS / "ofac_sdn_2021"),
    ("un", WATCHLISTS / "un_consolidated" / "UN_consolidated.xml"),
    ("bis_dpl_2021", WATCHLISTS / "bis_dpl_2021" / "dpl.txt"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(args: list[str], env: dict[str, str], ok: set[int]) -> float:
    started = time.perf_counter()
    ran = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if ran.returncode not in ok:
        raise SystemExit(f"{' '.join(args)} exited {ran.returncode}: {ran.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="conduct-bench-cli-")
    env = {**os.environ, "CONDUCT_HOME": home, "LOG_LEVEL": "WARNING", "CI": "true"}
    env.pop("CONDUCT_URL", None)
    # as an installed package has them: bytecode for Conduct's own modules (PYTHONDONTWRITEBYTECODE, set on
    # some machines, would otherwise make every call compile them again: ~0.7 s)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True, stdout=subprocess.DEVNULL
    )
    subprocess.run([CONDUCT, "migrate", "-v0"], env=env, check=True)
    subprocess.run([CONDUCT, "demo", "load", "--quiet"], env=env, check=True)
    names = 0
    for name, path in REAL_LISTS:
        out = subprocess.run(
            [CONDUCT, "lists", "load", str(path), "--name", name],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        print(out.splitlines()[0], flush=True)
        names += int(out.split(" names")[0].rsplit(" ", 1)[-1])
    token = subprocess.run(
        [CONDUCT, "tokens", "create", "officer", "--scope", "read-write"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [CONDUCT, "serve", "--no-worker", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    remote_env = {**env, "CONDUCT_TOKEN": token}
    decided = {0, 1, 3}
    commands = {
        "version": ([CONDUCT, "--version"], env, {0}),
        "remote": (
            [CONDUCT, "gate", "check", "sales_deal", str(SUBJECT), "--server", url],
            remote_env,
            decided,
        ),
        "local": ([CONDUCT, "gate", "check", "sales_deal", str(SUBJECT)], env, decided),
    }
    times: dict[str, list[float]] = {k: [] for k in commands}
    try:
        for _ in range(900):  # the server preloads first (the name-dictionary file and indexes on a new home)
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        warm = timed(*commands["remote"])  # the server's first screening builds its indexes
        print(f"server warm-up call {warm:.2f} s", flush=True)
        for round_no in range(args.rounds):
            for key, (argv, run_env, ok) in commands.items():
                times[key].append(timed(argv, run_env, ok))
            print(
                f"round {round_no + 1}: " + ", ".join(f"{k} {v[-1]:.3f} s" for k, v in times.items()),
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    med = {k: statistics.median(v) for k, v in times.items()}
    load = os.getloadavg()[1] if hasattr(os, "getloadavg") else float("nan")
    db = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    lines = [
        "# The CLI in a pipeline: wall time per call (benchmarks/cli/run.py)",
        "",
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {db}; "
        f"lists: the demo's plus {', '.join(n for n, _ in REAL_LISTS)} ({names} names in the real lists); "
        f"{args.rounds} interleaved rounds, medians (min-max); load average (5 min) at the end {load:.1f}.",
        "",
        "| call | median | min-max | target |",
        "|---|---|---|---|",
    ]
    targets = {"version": "-", "remote": "≤ 0.3 s", "local": "≤ 1 s"}
    labels = {
        "version": "`conduct --version`",
        "remote": "`conduct gate check sales_deal … --server URL` (recorded)",
        "local": "`conduct gate check sales_deal …` on the database, real lists (recorded)",
    }
    for key in commands:
        spread = f"{min(times[key]):.3f}-{max(times[key]):.3f} s"
        lines.append(f"| {labels[key]} | {med[key]:.3f} s | {spread} | {targets[key]} |")
    lines += [
        "",
        f"remote / version: {med['remote'] / med['version']:.1f}×; local / version: "
        f"{med['local'] / med['version']:.1f}×. Server warm-up call (its first screening): {warm:.2f} s.",
        "",
    ]
    (Path(__file__).parent / "results.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
