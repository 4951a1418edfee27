"""Memory of `conduct serve` (issue 23 §2): RSS and PSS of every process that `conduct serve` starts (the
server, which is gunicorn's master, its web workers and the task worker) after screening names over HTTP with
the real lists loaded. Targets: a web worker's RSS ≤ 250 MB; the whole tree ≤ 1.2 GB (sum of PSS, which counts
pages the processes share once).

Sets up a fresh CONDUCT_HOME (SQLite): migrate, the demo, the real lists (OFAC SDN 2021, the UN consolidated
list and BIS DPL 2021, as benchmarks/cli/run.py loads them; `--no-real-lists` skips them), a read-write token.
Starts `conduct serve` (default workers unless `--workers N`; with the task worker), times it to its first
healthy answer (/healthz), then screens names through POST /api/v1/screening/search from a few client threads
so that every web worker serves some: ~40 names in several scripts plus variants with words the lists do not
hold. Then reads /proc/PID/smaps_rollup of the server and each of its descendants, stops the server (SIGTERM)
and deletes the home. A process holding the listening socket is gunicorn's (master or web worker); the task
worker is the server's child without it.

Writes results_memory.md beside this file (and prints it). Usage:
    python benchmarks/screening/run_memory.py [--requests 440] [--clients 4] [--workers N]
        [--no-real-lists] [--env SCREENING_PRELOAD=0 ...] [--out results_memory.md] [--keep-log PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CONDUCT = str(Path(sys.executable).with_name("conduct"))
HEALTHY_WITHIN_S = 300.0
WORKER_TARGET_MB = 250.0
TOTAL_TARGET_MB = 1200.0
BASE_NAMES = [
    "Kim Jong Un",
    "Vladimir Putin",
    "Владимир Путин",
    "Ali Khamenei",
    "علي خامنئي",
    "محمد علي",
    "Bashar al-Assad",
    "بشار الأسد",
    "Nicolas Maduro Moros",
    "Osama bin Laden",
    "Igor Sechin",
    "Игорь Сечин",
    "Roman Abramovich",
    "Роман Абрамович",
    "Alisher Usmanov",
    "Viktor Bout",
    "Ramzan Kadyrov",
    "Рамзан Кадыров",
    "Joaquín Guzmán Loera",
    "Mohammed Hassan",
    "Li Wei",
    "习近平",
    "中兴通讯",
    "华为技术有限公司",
    "Huawei Technologies Co., Ltd.",
    "Hikvision",
    "ZTE Corporation",
    "Rosneft Oil Company",
    "Роснефть",
    "Sberbank of Russia",
    "Сбербанк России",
    "Gazprom Neft",
    "Islamic Revolutionary Guard Corps",
    "Bank Melli Iran",
    "بانک ملی ایران",
    "Korea Mining Development Trading Corporation",
    "Gulf Secure Trading FZE",
    "Acme Industrial Supplies GmbH",
    "Maria Schmidt",
    "Nordic Timber Logistics AB",
]
COMMON_WORDS = [
    "Holdings",
    "Trading",
    "Group",
    "International",
    "Logistics",
    "Partners",
    "Consulting",
    "Shipping",
    "Services",
    "Limited",
    "Capital",
    "Global",
    "Marine",
    "Energy",
    "Systems",
    "Electronics",
]


@dataclass
class Proc:
    pid: int
    ppid: int
    comm: str
    cmdline: str
    start_ticks: int
    cpu_s: float
    mem_kb: dict[str, int] = field(default_factory=dict)
    role: str = "other"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def query_names(count: int, seed: int = 23) -> list[str]:
    """The base names first, then variants of them: a number or a common word (often not in any list)."""
    rng = random.Random(seed)
    names = list(BASE_NAMES)
    while len(names) < count:
        base = rng.choice(BASE_NAMES)
        extra = str(rng.randint(2, 999)) if rng.random() < 0.4 else rng.choice(COMMON_WORDS)
        names.append(f"{base} {extra}" if rng.random() < 0.7 else f"{extra} {base}")
    return names[:count]


def _run(args: list[str], env: dict[str, str]) -> str:
    ran = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if ran.returncode:
        raise SystemExit(f"{' '.join(args)} exited {ran.returncode}: {ran.stderr[-2000:]}")
    return ran.stdout


def setup_home(env: dict[str, str], real_lists: bool) -> tuple[str, list[str], int]:
    """Migrate, the demo, the real lists (optionally). The token, the real lists loaded, their names."""
    _run([CONDUCT, "migrate", "-v0"], env)
    _run([CONDUCT, "demo", "load", "--quiet"], env)
    loaded: list[str] = []
    names = 0
    if real_lists:
        sys.path.insert(0, str(REPO / "benchmarks" / "cli"))
        from run import REAL_LISTS  # benchmarks/cli/run.py (this directory's run.py is not imported)

        for name, path in REAL_LISTS:
            started = time.perf_counter()
            out = _run([CONDUCT, "lists", "load", str(path), "--name", name], env)
            print(f"{out.splitlines()[0]} ({time.perf_counter() - started:.0f} s)", flush=True)
            names += int(out.split(" names")[0].rsplit(" ", 1)[-1])
            loaded.append(name)
    token = _run([CONDUCT, "tokens", "create", "officer", "--scope", "read-write"], env).strip()
    return token, loaded, names


def start_server(env: dict[str, str], port: int, workers: int | None, log: Path) -> subprocess.Popen[bytes]:
    argv = [CONDUCT, "serve", "--port", str(port)]
    if workers:
        argv += ["--workers", str(workers)]
    with log.open("wb") as out:
        return subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)


def log_tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError as error:
        return f"(no log: {error})"


def wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> float:
    """Seconds from now (just after the start) to the first answer of /healthz; exits if the server ends or
    does not answer in time."""
    started = time.perf_counter()
    while time.perf_counter() - started < HEALTHY_WITHIN_S:
        if server.poll() is not None:
            print(f"the server exited {server.returncode} before answering; its log:\n{log_tail(log)}")
            raise SystemExit(1)
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).read()
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    print(f"the server did not answer /healthz within {HEALTHY_WITHIN_S:.0f} s; its log:\n{log_tail(log)}")
    stop_server(server, [])
    raise SystemExit(1)


def screen_one(url: str, token: str, name: str) -> tuple[float, str, int, int]:
    """(seconds, name, HTTP status, matches) of one search."""
    body = json.dumps({"name": name}).encode()
    request = urllib.request.Request(
        f"{url}/api/v1/screening/search",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            payload = json.loads(response.read())
            status, matches = response.status, len(payload.get("matches", []))
    except urllib.error.HTTPError as error:
        error.read()
        status, matches = error.code, -1
    except OSError:
        status, matches = 0, -1
    return time.perf_counter() - started, name, status, matches


def screen_all(url: str, token: str, names: list[str], clients: int) -> list[tuple[float, str, int, int]]:
    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(lambda n: screen_one(url, token, n), names))


def _read_proc(pid: int) -> Proc | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    comm = stat[stat.index("(") + 1 : stat.rindex(")")]
    rest = stat[stat.rindex(")") + 2 :].split()  # fields from the 3rd (state) on
    ticks = os.sysconf("SC_CLK_TCK")
    cpu_s = (int(rest[11]) + int(rest[12])) / ticks  # utime, stime
    return Proc(pid, int(rest[1]), comm, cmdline.strip(), int(rest[19]), cpu_s)


def process_tree(root: int) -> list[Proc]:
    """The root and all its descendants, by the parent links in /proc/*/stat."""
    procs = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            proc = _read_proc(int(entry.name))
            if proc is not None:
                procs[proc.pid] = proc
    tree, todo = [], [root]
    while todo:
        pid = todo.pop(0)
        if pid in procs:
            tree.append(procs[pid])
            todo += sorted(p.pid for p in procs.values() if p.ppid == pid)
    return tree


def read_memory(proc: Proc) -> None:
    try:
        text = Path(f"/proc/{proc.pid}/smaps_rollup").read_text()
    except OSError:
        return
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            proc.mem_kb[key] = int(value.split()[0])


def _listening_inode(port: int) -> str | None:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                return cols[9]
    return None


def _holds_socket(pid: int, inode: str) -> bool:
    target = f"socket:[{inode}]"
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(fd) == target:
                return True
        except OSError:
            continue
    return False


def classify(tree: list[Proc], root: int, port: int) -> None:
    """gunicorn's master is the serve process itself; a child of it that holds the listening socket is a web
    worker; the earliest-started child without it is the task worker (forked before gunicorn starts)."""
    inode = _listening_inode(port)
    others = []
    for proc in tree:
        if proc.pid == root:
            proc.role = "server (gunicorn master)"
        elif proc.ppid == root and inode and _holds_socket(proc.pid, inode):
            proc.role = "web worker"
        elif proc.ppid == root:
            others.append(proc)
    if others:
        first = min(others, key=lambda p: p.start_ticks)
        first.role = "task worker"
    for proc in tree:
        if proc.role == "other" and proc.ppid != root:
            proc.role = f"other (child of {proc.ppid})"


def stop_server(server: subprocess.Popen[bytes], tree: list[Proc]) -> list[int]:
    """SIGTERM, up to 30 s, then SIGKILL; the pids of the tree still there afterwards (then killed)."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    time.sleep(1)
    left = [p.pid for p in tree if p.pid != server.pid and _read_proc(p.pid) is not None]
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def latency_lines(results: list[tuple[float, str, int, int]]) -> list[str]:
    times = [r[0] for r in results]
    slowest = max(results)
    statuses: dict[int, int] = {}
    for r in results:
        statuses[r[2]] = statuses.get(r[2], 0) + 1
    with_matches = sum(1 for r in results if r[3] > 0)
    first = results[: len(BASE_NAMES)]
    return [
        "## Screening over HTTP",
        "",
        f"{len(results)} requests; HTTP status: "
        + ", ".join(f"{code or 'no answer'} × {n}" for code, n in sorted(statuses.items()))
        + f"; {with_matches} with matches.",
        "",
        "| median | p99 | max | mean |",
        "|---|---|---|---|",
        f"| {statistics.median(times) * 1000:.0f} ms | {_pct(times, 0.99) * 1000:.0f} ms "
        f"| {max(times) * 1000:.0f} ms | {statistics.fmean(times) * 1000:.0f} ms |",
        "",
        f"Slowest: {slowest[1]!r} {slowest[0] * 1000:.0f} ms (HTTP {slowest[2]}). "
        f"The first {len(first)} requests (the base names; each worker's first screenings among them): "
        f"median {statistics.median(r[0] for r in first) * 1000:.0f} ms, "
        f"max {max(r[0] for r in first) * 1000:.0f} ms.",
        "",
    ]


def _mb(proc: Proc, key: str) -> float:
    return proc.mem_kb.get(key, 0) / 1024


def totals(tree: list[Proc]) -> tuple[float, float]:
    """(sum of PSS, sum of RSS) in MB."""
    return sum(_mb(p, "Pss") for p in tree), sum(_mb(p, "Rss") for p in tree)


def memory_lines(tree: list[Proc], before: tuple[float, float]) -> list[str]:
    lines = [
        "## Memory after the requests (/proc/PID/smaps_rollup)",
        "",
        "USS = private pages only (Private_Clean + Private_Dirty): what the process costs by itself.",
        "",
        "| role | pid | ppid | RSS MB | PSS MB | USS MB | CPU s | command |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in tree:
        uss = _mb(p, "Private_Clean") + _mb(p, "Private_Dirty")
        command = p.cmdline[:60] or p.comm
        lines.append(
            f"| {p.role} | {p.pid} | {p.ppid} | {_mb(p, 'Rss'):.0f} | {_mb(p, 'Pss'):.0f} | {uss:.0f} "
            f"| {p.cpu_s:.1f} | `{command}` |"
        )
    pss, rss = totals(tree)
    web = [p for p in tree if p.role == "web worker"]
    largest = max(web, key=lambda p: _mb(p, "Rss")) if web else None
    lines += [
        "",
        f"Totals: PSS {pss:.0f} MB (all {len(tree)} processes, shared pages counted once); "
        f"RSS {rss:.0f} MB (shared pages counted in every process). Just after the first healthy answer, "
        f"before any request: PSS {before[0]:.0f} MB, RSS {before[1]:.0f} MB.",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    if largest is not None:
        worker_rss = _mb(largest, "Rss")
        met = "yes" if worker_rss <= WORKER_TARGET_MB else "no"
        lines.append(
            f"| web worker RSS ≤ {WORKER_TARGET_MB:.0f} MB | largest {worker_rss:.0f} MB (pid {largest.pid}; "
            f"its PSS {_mb(largest, 'Pss'):.0f} MB) | {met} |"
        )
    else:
        lines.append(f"| web worker RSS ≤ {WORKER_TARGET_MB:.0f} MB | no web worker identified | - |")
    met = "yes" if pss <= TOTAL_TARGET_MB else "no"
    lines += [f"| all ≤ {TOTAL_TARGET_MB / 1000:.1f} GB (sum of PSS) | {pss:.0f} MB | {met} |", ""]
    return lines


def log_lines(log: Path, left: list[int]) -> list[str]:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    notable = [
        line
        for line in text.splitlines()
        if any(word in line for word in ("ERROR", "CRITICAL", "Traceback", "WARNING", "error", "Error"))
    ]
    lines = ["## Server log", "", f"{len(text.splitlines())} lines; {len(notable)} with warnings or errors."]
    if notable:
        lines += ["", "```", *notable[:20], "```"]
    if left:
        lines += ["", f"Still running after the server stopped (then killed): {left}."]
    return [*lines, ""]


def _machine(load_start: tuple[float, ...]) -> str:
    end = os.getloadavg()
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite; "
        f"load average (1/5 min) at the start {load_start[0]:.1f}/{load_start[1]:.1f}, "
        f"at the end {end[0]:.1f}/{end[1]:.1f}."
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=440)
    parser.add_argument("--clients", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=None, help="web workers (default: serve's own)")
    parser.add_argument("--real-lists", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--env", action="append", default=[], metavar="KEY=VALUE", help="added to the server's environment"
    )
    parser.add_argument("--out", default="results_memory.md", help="file name beside this script")
    parser.add_argument("--keep-log", type=Path, default=None, help="copy the server's log here")
    args = parser.parse_args()
    for item in args.env:
        if "=" not in item:
            parser.error(f"--env {item!r}: expected KEY=VALUE")
    return args


def measure(args: argparse.Namespace, env: dict[str, str], home: Path) -> list[str]:
    token, loaded, listed = setup_home(env, args.real_lists)
    server_env = {**env, **dict(item.split("=", 1) for item in args.env)}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = home / "serve.log"
    names = query_names(args.requests)
    server = start_server(server_env, port, args.workers, log)
    tree: list[Proc] = []
    try:
        healthy = wait_healthy(url, server, log)
        print(f"healthy after {healthy:.1f} s", flush=True)
        tree = process_tree(server.pid)
        for proc in tree:
            read_memory(proc)
        before = totals(tree)
        results = screen_all(url, token, names, args.clients)
        tree = process_tree(server.pid)
        for proc in tree:
            read_memory(proc)
        classify(tree, server.pid, port)
    finally:
        left = stop_server(server, tree)
    web = sum(1 for p in tree if p.role == "web worker")
    served = f"--workers {args.workers}" if args.workers else "its default"
    lists = f"the demo's plus {', '.join(loaded)} ({listed:,} names)" if loaded else "the demo's only"
    extra = f"; server environment: {', '.join(args.env)}" if args.env else ""
    setup = [
        "## Setup",
        "",
        f"Lists: {lists}. {len(names)} searches ({len(BASE_NAMES)} base names in Latin, Cyrillic, Arabic "
        f"and Chinese script, then variants with a number or a common word) from {args.clients} client "
        f"threads. `conduct serve` with {served} "
        f"web workers ({web} found) and the task worker{extra}. First healthy answer (/healthz) "
        f"{healthy:.1f} s after the start.",
        "",
    ]
    return setup + latency_lines(results) + memory_lines(tree, before) + log_lines(log, left)


def main() -> None:
    args = parse_args()
    load_start = os.getloadavg()
    home = Path(tempfile.mkdtemp(prefix="conduct-bench-memory-"))
    env = {**os.environ, "CONDUCT_HOME": str(home), "LOG_LEVEL": "WARNING", "CI": "true"}
    env.pop("DATABASE_URL", None)
    env.pop("CONDUCT_URL", None)
    try:
        body = measure(args, env, home)
    finally:
        if args.keep_log and (home / "serve.log").exists():
            shutil.copyfile(home / "serve.log", args.keep_log)
        shutil.rmtree(home, ignore_errors=True)
    lines = [
        "# Memory of `conduct serve` after screening (benchmarks/screening/run_memory.py)",
        "",
        _machine(load_start),
        "",
        *body,
        "Targets (issue 23 §2): a web worker's RSS after screening with the real lists ≤ "
        f"{WORKER_TARGET_MB:.0f} MB; `make run` on a 2-CPU machine ≤ {TOTAL_TARGET_MB / 1000:.1f} GB in all.",
    ]
    (HERE / args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
