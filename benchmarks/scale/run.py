"""Many machines on one (issue 23 §5): two web nodes with separate homes and two RQ workers, against one
PostgreSQL database and one Redis, all on this machine.

  1. Propagation: a list loaded through node A (`conduct lists load` with A's home) is searched on node B's
     API until B finds its name; the time from the end of the load to B's first answer with it.
  2. Full re-screening: PARTIES stored parties (generated names), then OFAC SDN 2021 loaded as a new list
     (every entry new): one worker opens the delta run and queues its chunks, both workers screen them; the
     time from the end of the load to the run's end, and each worker's CPU time.
  3. Delta: stored parties raised to MILLION (stored as screened, as a party registered through Conduct is
     screened then), then OFAC SDN reloaded with CHANGED entries changed (their programme): the time from the
     end of the reload to the end of the delta run (target <= 60 s).
  4. Delta again, with CHANGED other entries changed in their name (what screening reads: every party is
     screened against them).

    .venv/bin/python benchmarks/scale/run.py [--parties 100000] [--million 1000000] [--changed 500]
        [--pg postgres://postgres@127.0.0.1:5432] [--redis redis://127.0.0.1:6379/9] [--no-write]

Drops and creates the database `conduct_scale`; empties the Redis database given. Writes
benchmarks/scale/results.md.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]
CONDUCT = str(Path(sys.executable).with_name("conduct"))
sys.path.insert(0, str(REPO / "benchmarks" / "gates"))
sys.path.insert(0, str(REPO / "benchmarks" / "screening"))
from run_http import cpu_seconds, free_port, server_cpu  # noqa: E402 - the benchmarks' own helpers

SDN = (
    Path(os.environ.get("CONDUCT_SHARED_DATA", REPO.parent / "shared" / "data"))
    / "watchlists"
    / "ofac_sdn_2021"
)
DB = "conduct_scale"
PROBE = "Zephyrine Okonkwo Baptiste Holdings"

INSERT = """
import os, random, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct.config.settings")
django.setup()
sys.path.insert(0, {screening!r})
from run_heldout import clean_names
from conduct.apps.accounts.models import OrgUnit
from django.utils import timezone
from conduct.apps.screening.models import ScreenedParty
unit = OrgUnit.objects.order_by("depth", "id").first()
now = timezone.now()
have = ScreenedParty.objects.count()
names = clean_names({count}, 11)
rng = random.Random(5)
batch = []
for n in range(have, {count}):
    name, kind = names[n]
    batch.append(ScreenedParty(reference=f"scale:{{n}}", kind="customer", name=name, entity_type=kind,
                               country=rng.choice(["GB", "DE", "US", "CN", "BR", "IN", "NG", "FR"]),
                               org_unit=unit, fingerprint="0" * 64, created_at=now, updated_at=now,
                               last_screened_at=None if {unscreened} else now))
    if len(batch) == 5000:
        ScreenedParty.objects.bulk_create(batch)
        batch = []
ScreenedParty.objects.bulk_create(batch)
print(ScreenedParty.objects.count())
"""


def _env(home: Path, args: argparse.Namespace) -> dict[str, str]:
    (home / "user").mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "CONDUCT_HOME": str(home),
        "HOME": str(home / "user"),  # gunicorn's control socket lives under HOME: one per node
        "DATABASE_URL": f"{args.pg}/{DB}",
        "TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "REDIS_URL": args.redis,
        "SECRET_KEY": "scale-benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    }


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{command[:3]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def _search(port: int, token: str, name: str) -> list[dict[str, object]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    body = json.dumps({"name": name}).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request("POST", "/api/v1/screening/search", body=body, headers=headers)
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"search on port {port}: {response.status} {data}")
    return list(data["matches"])


def _wait_ready(port: int, token: str, deadline: float = 120.0) -> None:
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/ping", headers={"Authorization": f"Bearer {token}"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"node on port {port} did not answer")


def _run_state(conn: psycopg.Connection, list_name: str) -> tuple | None:
    return conn.execute(
        "SELECT r.id, r.chunks, jsonb_array_length(r.done), r.parties, r.finished_at, r.started_at, r.counts "
        "FROM screening_deltarun r JOIN screening_watchlist w ON w.id = r.watch_list_id "
        "WHERE w.name = %s ORDER BY r.id DESC LIMIT 1",
        (list_name,),
    ).fetchone()


def _wait_run(conn: psycopg.Connection, list_name: str, after: int, timeout: float) -> tuple[tuple, float]:
    """Wait for the list's delta run newer than run id `after` to finish; (its row, seconds waited)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        row = _run_state(conn, list_name)
        if row is not None and row[0] > after and row[4] is not None:
            return row, time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError(
        f"the delta run of {list_name} did not finish in {timeout} s: {_run_state(conn, list_name)}"
    )


def _changed_sdn(folder: Path, count: int, names: bool = False, base: Path = SDN) -> Path:
    """A copy of `base` (OFAC SDN 2021) with `count` entries changed (seeded choice): their programme, or with
    `names` (other entries) their name's last letter, as a spelling corrected in a list's update would."""
    out = folder / ("sdn_names_changed" if names else "sdn_changed")
    shutil.copytree(base, out, dirs_exist_ok=True)
    lines = (base / "sdn.csv").read_text(encoding="latin-1").splitlines(keepends=True)
    rows = [(n, next(csv.reader([line]), [])) for n, line in enumerate(lines)]
    entries = [n for n, row in rows if len(row) == 12]
    chosen = set(random.Random(4 if names else 3).sample(entries, count))
    with (out / "sdn.csv").open("w", encoding="latin-1", newline="") as f:
        writer = csv.writer(f, lineterminator=lines[0][len(lines[0].rstrip("\r\n")) :] or "\n")
        for n, row in rows:
            if n in chosen and names:
                name = row[1]
                writer.writerow([row[0], name[:-1] + ("Q" if name[-1:] != "Q" else "Z"), *row[2:]])
            elif n in chosen:
                writer.writerow([*row[:3], "SCALETEST", *row[4:]])
            else:
                f.write(lines[n])
    return out


def _insert_parties(count: int, env: dict[str, str], screened: bool) -> int:
    """Stored parties raised to `count` (generated names), marked as screened when they were stored (as
    `party_register` does) or not (as `screen=False` leaves them); how many there are now."""
    code = INSERT.format(
        screening=str(REPO / "benchmarks" / "screening"), count=count, unscreened=not screened
    )
    return int(_run([sys.executable, "-c", code], env).split()[-1])


def _timed_load(
    path: Path,
    after: int,
    workers: list[subprocess.Popen[bytes]],
    db: psycopg.Connection,
    env: dict[str, str],
) -> tuple[dict[str, object], tuple, str]:
    """Load `path` as ofac_sdn through node A and wait for its delta run (newer than run `after`) to end:
    (the figures, the run's row, the load's output)."""
    before = [server_cpu(w.pid, False)[0] for w in workers]
    out = _run([CONDUCT, "lists", "load", str(path), "--name", "ofac_sdn"], env)
    row, waited = _wait_run(db, "ofac_sdn", after, 6 * 3600)
    spent = [server_cpu(w.pid, False)[0] for w in workers]
    figures = {
        "s": waited,
        "run_s": (row[4] - row[5]).total_seconds(),
        "chunks": row[1],
        "parties": row[3],
        "counts": row[6],
        "worker_cpu_s": [cpu_seconds(b, a) for b, a in zip(before, spent, strict=True)],
    }
    return figures, row, out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--million", type=int, default=1_000_000)
    parser.add_argument("--changed", type=int, default=500)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    import redis

    try:
        with psycopg.connect(f"{args.pg}/postgres", autocommit=True, connect_timeout=5) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {DB}")
        redis.Redis.from_url(args.redis, socket_connect_timeout=5).flushdb()
    except (psycopg.OperationalError, redis.exceptions.ConnectionError) as exc:
        print(f"skipped: the scale test needs PostgreSQL ({args.pg}) and Redis ({args.redis}): {exc}")
        return 0
    root = Path(tempfile.mkdtemp(prefix="conduct-scale-"))
    env_a, env_b = _env(root / "a", args), _env(root / "b", args)
    _run([CONDUCT, "migrate", "-v0"], env_a)
    _run([CONDUCT, "demo", "load", "--quiet"], env_a)
    token = _run([CONDUCT, "tokens", "create", "officer", "--scope", "read-write"], env_a).strip().split()[-1]
    ports = free_port(), free_port()
    procs: list[subprocess.Popen[bytes]] = []
    logs = root / "logs"
    logs.mkdir()
    results: dict[str, object] = {"load_start": os.getloadavg()[0]}
    try:
        for label, env, port in (("a", env_a, ports[0]), ("b", env_b, ports[1])):
            serve = [CONDUCT, "serve", "--no-worker", "--workers", "1", "--port", str(port)]
            procs.append(
                subprocess.Popen(
                    serve, env=env, stdout=(logs / f"web-{label}.log").open("wb"), stderr=subprocess.STDOUT
                )
            )
        for label, env in (("a", env_a), ("b", env_b)):
            procs.append(
                subprocess.Popen(
                    [CONDUCT, "worker", "--no-scheduler"],
                    env=env,
                    stdout=(logs / f"worker-{label}.log").open("wb"),
                    stderr=subprocess.STDOUT,
                )
            )
        workers = procs[2:]
        for port in ports:
            _wait_ready(port, token)
        db = psycopg.connect(f"{args.pg}/{DB}", autocommit=True)

        # 1. propagation
        probe = root / "probe.csv"
        probe.write_text(
            f"id,name,aliases,type,country,program,remarks\nP-1,{PROBE},,organization,GB,TEST,\n",
            encoding="utf-8",
        )
        assert not any(m["name"] == PROBE for m in _search(ports[1], token, PROBE))
        _run([CONDUCT, "lists", "load", str(probe), "--name", "scale_probe", "--kind", "sanctions"], env_a)
        loaded = time.monotonic()
        polls = 0
        while True:
            polls += 1
            if any(m["name"] == PROBE for m in _search(ports[1], token, PROBE)):
                break
            time.sleep(0.1)
        results["propagation_s"] = time.monotonic() - loaded
        results["propagation_polls"] = polls
        print("propagation", results["propagation_s"], polls, flush=True)

        # 2. full re-screening of PARTIES
        results["parties"] = _insert_parties(args.parties, env_a, screened=False)
        results["full"], row, _ = _timed_load(SDN, 0, workers, db, env_a)
        print("full", results["full"], flush=True)

        # 3. a delta of CHANGED entries against MILLION parties
        started = time.monotonic()
        results["million"] = _insert_parties(args.million, env_a, screened=True)
        results["million_insert_s"] = time.monotonic() - started
        programmes = _changed_sdn(root, args.changed)
        results["delta"], row, out = _timed_load(programmes, int(row[0]), workers, db, env_a)
        results["reload"] = next(
            (line for line in out.splitlines() if line.startswith("Loaded")), out.strip()
        )
        print("delta", results["delta"], flush=True)

        # 4. a delta of CHANGED entries whose names changed, against MILLION parties
        renamed = _changed_sdn(root, args.changed, names=True, base=programmes)
        results["delta_names"], row, out = _timed_load(renamed, int(row[0]), workers, db, env_a)
        results["reload_names"] = next(
            (line for line in out.splitlines() if line.startswith("Loaded")), out.strip()
        )
        print("delta names", results["delta_names"], flush=True)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
    results["load_end"] = os.getloadavg()[0]
    print(json.dumps(results, default=str, indent=1))
    if not args.no_write:
        (Path(__file__).parent / "results.json").write_text(json.dumps(results, default=str, indent=1) + "\n")
        (Path(__file__).parent / "results.md").write_text(render(results, args))
    shutil.rmtree(root, ignore_errors=True)
    return 0


def _row(step: str, r: dict, what: str) -> str:
    cpu = " s and ".join(f"{c:.0f}" for c in r["worker_cpu_s"])
    return (
        f"| {step} | {r['s']:.1f} s from the {what}'s end ({r['run_s']:.1f} s run), {r['chunks']} chunks, "
        f"{r['parties']:,} parties screened; worker CPU {cpu} s; alerts {r['counts']} |"
    )


def render(r: dict, args: argparse.Namespace) -> str:
    full = r["full"]
    command = f"--parties {args.parties} --million {args.million} --changed {args.changed}"
    return "\n".join(
        [
            "# Two web nodes and two RQ workers on one PostgreSQL and Redis (issue 23 §5)",
            "",
            f"Run: `python benchmarks/scale/run.py {command}` on {time.strftime('%Y-%m-%d')}; "
            f"{os.cpu_count()} CPUs shared by both nodes, both workers and the database; load average "
            f"(1 min) {r['load_start']:.1f} at the start, {r['load_end']:.1f} at the end. Each node: "
            "`conduct serve --no-worker --workers 1` with its own CONDUCT_HOME (its own index artefacts) and "
            "`conduct worker --no-scheduler` (TASKS_BACKEND=django_tasks_rq.RQBackend).",
            "",
            "| step | figure |",
            "|---|---|",
            f"| a list loaded through node A, found by node B's search | {r['propagation_s']:.3f} s after "
            f"the load ended (B's search number {r['propagation_polls']}) |",
            _row(
                f"full re-screening: {full['parties']:,} stored parties against OFAC SDN 2021", full, "load"
            ),
            _row(
                f"delta: {args.changed} entries changed in their programme against {r['million']:,} stored "
                "parties (target <= 60 s)",
                r["delta"],
                "reload",
            ),
            _row(
                f"delta: {args.changed} other entries changed in their name against {r['million']:,} stored "
                "parties (target <= 60 s)",
                r["delta_names"],
                "reload",
            ),
            "",
            f"Parties added for the deltas in {r['million_insert_s']:.0f} s. The reloads: {r['reload']}; "
            f"{r['reload_names']}",
            "",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
