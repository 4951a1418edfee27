"""Cold start of screening (issue 23 §1/§2): a fresh process's time to its first screening and its RSS after
it, before (no index artefact: the process builds the index) and after (the artefact is there: it loads it).

Real lists: a fresh CONDUCT_HOME (SQLite) with OFAC SDN 2021, the UN consolidated list and BIS DPL 2021 loaded
through `conduct lists load`; each measured process sets up Django, reads the current lists (building or
loading their indexes) and screens one name. Two names: one whose words the lists hold ("Kim Jong Un"), one
with words they do not ("Gulf Secure Trading FZE"): a query word outside the artefact's table, compared with a
listed name part that the name dictionary knows, still makes that process load the dictionary (rigour's).
Since the name-dictionary file (core.screening._dictionary, built once per installed rigour by `conduct serve`
and the worker), such a query looks its words up in that file instead: the rows say which of the two (index
artefacts, dictionary file) were there. The file is built once, before the rows, as the worker builds it.
Generated list: N names from benchmarks/screening/run.py's generator, in the core engine without Django.

Writes results_coldstart.md beside this file. Usage:
    python benchmarks/screening/run_coldstart.py [--names 1000000] [--skip-real] [--skip-generated]
"""

from __future__ import annotations

import argparse
import json
import mmap
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CONDUCT = str(Path(sys.executable).with_name("conduct"))
QUERIES = ["Kim Jong Un", "Gulf Secure Trading FZE"]


def _status() -> dict[str, float]:
    fields = dict(
        line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line
    )
    return {key: int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM", "RssFile", "RssShmem")}


def _counting_dictionary() -> list[int]:
    """Count the texts this process looks up in rigour's own name dictionary (any loads it)."""
    from conduct.core.screening import _symbols

    asked = [0]
    real = _symbols._analyse_rigour

    def counting(texts: list[str]) -> None:
        asked[0] += len(texts)
        real(texts)

    _symbols._analyse_rigour = counting  # type: ignore[assignment]
    return asked


def child_dictionary() -> dict[str, object]:
    """Build the name-dictionary file as `conduct serve` and the worker do."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct.config.settings")
    django.setup()
    from conduct.apps.screening import dictionary

    started = time.perf_counter()
    ready = dictionary.ensure()
    return {
        "ready": ready,
        "build_s": time.perf_counter() - started,
        "mb": dictionary.path().stat().st_size / 1e6,
    }


def child_real(query: str) -> dict[str, object]:
    started = time.perf_counter()
    asked = _counting_dictionary()
    from conduct.cli import setup  # as wsgi.py and the CLI set Django up

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct.config.settings")
    setup()
    ready = time.perf_counter()
    from conduct.apps.screening import indexes
    from conduct.core.screening import Query

    lists = indexes.current_lists()
    loaded = time.perf_counter()
    matches = indexes.search(lists, Query(query))
    done = time.perf_counter()
    return {
        "django_s": ready - started,
        "lists_s": loaded - ready,
        "search_s": done - loaded,
        "total_s": done - started,
        "dictionary_texts": asked[0],
        "matches": len(matches),
        "stats": dict(indexes.STATS),
        **_status(),
    }


def child_gate() -> dict[str, object]:
    """A fresh process's first gate request: the example sales deal evaluated (the dry run: policy pack,
    the current lists, the parties screened), as a web process's first gate request or a local gate check."""
    started = time.perf_counter()
    asked = _counting_dictionary()
    from conduct.cli import setup  # as wsgi.py and the CLI set Django up

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct.config.settings")
    setup()
    ready = time.perf_counter()
    from conduct.apps.gates.services import gate_evaluate

    subject = json.loads((REPO / "data" / "examples" / "subjects" / "sales_deal.json").read_text())
    decision = gate_evaluate(gate="sales_deal", subject=subject)
    done = time.perf_counter()
    return {
        "django_s": ready - started,
        "lists_s": done - ready,  # the policy pack, the lists and the screening of the deal's parties
        "search_s": 0.0,
        "total_s": done - started,
        "dictionary_texts": asked[0],
        "matches": len(decision.fired),
        **_status(),
    }


def child_generated(size: int, artefact: str, query: str) -> dict[str, object]:
    started = time.perf_counter()
    asked = _counting_dictionary()
    from conduct.core.screening import NameIndex, Query, Screener, use_dictionary_file
    from conduct.core.screening._artefact import dumps, loads
    from conduct.core.screening._dictionary import Dictionary

    if os.environ.get("BENCH_DICTIONARY"):
        use_dictionary_file(lambda: Dictionary.open(Path(os.environ["BENCH_DICTIONARY"])))

    path = Path(artefact)
    if path.exists():  # mapped, as the app maps its artefact files (apps/screening/indexes.py)
        with path.open("rb") as handle:
            index = loads(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    else:
        sys.path.insert(0, str(HERE))
        from run import generate_corpus

        index = NameIndex(("generated", "custom", entry) for entry in generate_corpus(size))
    loaded = time.perf_counter()
    matches = Screener(index).search(Query(query))
    done = time.perf_counter()
    result = {
        "lists_s": loaded - started,
        "search_s": done - loaded,
        "total_s": done - started,
        "dictionary_texts": asked[0],
        "matches": len(matches),
        **_status(),
    }
    if not path.exists():  # as the worker would, after the load
        written = time.perf_counter()
        data = dumps(index)
        path.write_bytes(data)
        result["artefact_write_s"] = time.perf_counter() - written
        result["artefact_mb"] = len(data) / 1e6
    return result


def child_sign(artefact: str) -> dict[str, object]:
    """Give the current version of the list `generated` the generated index, signed as the worker writes a
    version's artefact (so a web process loads it as it would a list of that size; its stored entries are
    not read once the artefact is there)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct.config.settings")
    django.setup()
    from conduct.apps.screening import indexes
    from conduct.apps.screening.models import WatchListVersion
    from conduct.core.screening._artefact import loads

    version = WatchListVersion.objects.select_related("watch_list").get(
        watch_list__name="generated", is_current=True
    )
    with open(artefact, "rb") as handle:
        index = loads(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    started = time.perf_counter()
    path = indexes._path(version, indexes.index_key(version))
    indexes._write(path, index)
    return {"write_s": time.perf_counter() - started, "mb": path.stat().st_size / 1e6}


def generated_app(size: int, env: dict[str, str]) -> list[tuple[str, str, dict[str, object]]]:
    """A fresh web process (Django set up as the server's are) whose one current list is the generated
    index: its first screening, twice."""
    artefact = Path(env["CONDUCT_HOME"]) / f"generated-{size}.nameindex"
    home = Path(env["CONDUCT_HOME"]) / "app"
    app_env = {**env, "CONDUCT_HOME": str(home)}
    subprocess.run([CONDUCT, "migrate", "-v0"], env=app_env, check=True)
    _child(["dictionary"], app_env)  # signed with this home's key, as `conduct serve` builds it
    listed = home / "generated.csv"
    listed.write_text("id,name,type\ngen-0,Placeholder Name,person\n", encoding="utf-8")
    subprocess.run(
        [CONDUCT, "lists", "load", str(listed), "--name", "generated", "--kind", "custom"],
        env=app_env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    SIGNED.update(_child(["sign", str(artefact)], app_env))
    rows = []
    for query in QUERIES:
        rows.append(("signed artefact + dictionary file", query, _child(["real", query], app_env)))
        print(rows[-1], flush=True)
    SIGNED["together"] = side_by_side(app_env)
    print(SIGNED["together"], flush=True)
    return rows


SIGNED: dict[str, object] = {}


def _rollup(pid: int) -> dict[str, float]:
    """A process's memory from /proc/PID/smaps_rollup, MB: RSS, PSS (shared pages split among the processes
    that map them) and its private pages."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        fields[key] = int(value.split()[0]) / 1024
    return {
        "rss": fields["Rss"],
        "pss": fields["Pss"],
        "private": fields["Private_Clean"] + fields["Private_Dirty"],
    }


def side_by_side(env: dict[str, str], count: int = 2) -> list[dict[str, float]]:
    """`count` fresh web processes of the same home, alive together after their first screening: their
    memory as the kernel shares it (the index's mapped file is in every one's RSS, split in their PSS)."""
    release = Path(env["CONDUCT_HOME"]) / "release"
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", "real", QUERIES[0]],
            env={**env, "BENCH_HOLD": str(release)},
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            json.loads(child.stdout.readline())  # its first screening is done; it waits for the release
        return [_rollup(child.pid) for child in children]
    finally:
        release.touch()
        for child in children:
            child.wait(timeout=60)


def _child(argv: list[str], env: dict[str, str]) -> dict[str, object]:
    started = time.perf_counter()
    ran = subprocess.run(
        [sys.executable, __file__, "--child", *argv], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if ran.returncode:
        raise SystemExit(f"child {argv} failed: {ran.stderr[-2000:]}")
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    return result


def real_lists(env: dict[str, str]) -> list[tuple[str, str, dict[str, object]]]:
    sys.path.insert(0, str(REPO / "benchmarks" / "cli"))
    from run import REAL_LISTS

    home = Path(env["CONDUCT_HOME"])
    subprocess.run([CONDUCT, "migrate", "-v0"], env=env, check=True)
    for name, path in REAL_LISTS:
        subprocess.run(
            [CONDUCT, "lists", "load", str(path), "--name", name],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    cache = home / "cache" / "screening"
    rows = []
    for query in QUERIES:  # without the dictionary file: as before it existed
        shutil.rmtree(cache, ignore_errors=True)
        _child(["real", query], env)  # writes the index artefacts
        rows.append(("artefacts", query, _child(["real", query], env)))
        print(rows[-1], flush=True)
    built = _child(["dictionary"], env)
    print(built, flush=True)
    for query in QUERIES:
        for artefact in cache.glob("*.nameindex"):
            artefact.unlink()
        rows.append(("dictionary file", query, _child(["real", query], env)))
        rows.append(("artefacts + dictionary file", query, _child(["real", query], env)))
        print(rows[-2], rows[-1], flush=True)
    for _ in range(2):  # a gate request, twice (the second run's figures are as steady as the first's)
        rows.append(("artefacts + dictionary file", "gate: the example sales deal", _child(["gate"], env)))
        print(rows[-1], flush=True)
    DICTIONARY.update(built)
    return rows


DICTIONARY: dict[str, object] = {}


def generated(size: int, env: dict[str, str]) -> list[tuple[str, str, dict[str, object]]]:
    """One build (it writes the artefact, as the worker would), then a fresh process per query loading it."""
    artefact = Path(env["CONDUCT_HOME"]) / f"generated-{size}.nameindex"
    files = list((Path(env["CONDUCT_HOME"]) / "cache" / "screening").glob("names-*.sqlite3"))
    if files:
        env = {**env, "BENCH_DICTIONARY": str(files[0])}
    label = " + dictionary file" if files else ""
    rows = [("none" + label, QUERIES[0], _child(["generated", str(size), str(artefact), QUERIES[0]], env))]
    for query in QUERIES:
        rows.append(("artefact" + label, query, _child(["generated", str(size), str(artefact), query], env)))
        print(rows[-1], flush=True)
    return rows


def _table(title: str, rows: list[tuple[str, str, dict[str, object]]], target: str) -> list[str]:
    lines = [
        f"## {title}",
        "",
        "| on disk | query | wall s | of which Django s | lists s | first search s | RSS after MB "
        "| of which mapped files MB | peak RSS MB | rigour's dictionary loaded |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for when, query, r in rows:
        django_s = f"{r['django_s']:.2f}" if "django_s" in r else "-"
        looked = "yes" if r["dictionary_texts"] else "no"
        lines.append(
            f"| {when} | {query} | {r['wall_s']:.2f} | {django_s} | {r['lists_s']:.2f} | {r['search_s']:.2f} "
            f"| {r['VmRSS']:.0f} | {r['RssFile']:.0f} | {r['VmHWM']:.0f} | {looked} |"
        )
    extra = [r for _, _, r in rows if "artefact_mb" in r]
    if extra:
        lines.append("")
        lines.append(
            f"Artefact: {extra[0]['artefact_mb']:.1f} MB, written in {extra[0]['artefact_write_s']:.1f} s "
            "(after the build: the entries, names and postings as mapped records and arrays; up to "
            "200,000 names also the name dictionary's symbols of every listed text)."
        )
    lines += ["", f"Target: {target}.", ""]
    return lines


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        kind, *rest = sys.argv[2:]
        if kind == "dictionary":
            out = child_dictionary()
        elif kind == "real":
            out = child_real(rest[0])
        elif kind == "gate":
            out = child_gate()
        elif kind == "sign":
            out = child_sign(rest[0])
        else:
            out = child_generated(int(rest[0]), rest[1], rest[2])
        print(json.dumps(out), flush=True)
        if os.environ.get("BENCH_HOLD"):  # side_by_side: stay alive until every process is measured
            while not Path(os.environ["BENCH_HOLD"]).exists():
                time.sleep(0.05)
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--skip-generated", action="store_true")
    parser.add_argument("--out", default="results_coldstart.md", help="file name beside this script")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="conduct-bench-cold-")
    env = {**os.environ, "CONDUCT_HOME": home, "LOG_LEVEL": "WARNING", "CI": "true"}
    env.pop("DATABASE_URL", None)
    # as an installed package has them: bytecode for Conduct's own modules (PYTHONDONTWRITEBYTECODE, set on
    # some machines, would otherwise make every fresh process compile them again: ~0.4 s of its Django)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True, stdout=subprocess.DEVNULL
    )
    lines = [
        "# Screening cold start: first screening of a fresh process (benchmarks/screening/run_coldstart.py)",
        "",
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite; "
        f"load average (1 min) at the start {os.getloadavg()[0]:.1f}. Each row is one fresh process: wall "
        "from its start to its first answer (Conduct's modules compiled, as installed). 'On disk' says what "
        "the process found: the index artefacts "
        "(without them it builds the indexes) and the name-dictionary file (without it, a word that "
        "needs the dictionary loads rigour's).",
        "",
    ]
    try:
        if not args.skip_real:
            rows = real_lists(env)
            lines += _table("Real lists (OFAC SDN 2021, UN, BIS DPL 2021)", rows, "≤ 1 s, RSS ≤ 250 MB")
            lines += [
                f"Dictionary file: {DICTIONARY['mb']:.1f} MB, built in {DICTIONARY['build_s']:.1f} s "
                "(once per installed rigour, in a child process). The gate rows: a fresh process evaluates "
                "the example sales deal (data/examples/subjects/sales_deal.json, the dry run); their "
                "'lists s' is the whole evaluation (the policy pack, the lists, the parties screened).",
                "",
            ]
        if not args.skip_generated:
            rows = generated(args.names, env)
            lines += _table(f"Generated list ({args.names:,} names, core only)", rows, "≤ 3 s")
            rows = generated_app(args.names, env)
            lines += _table(f"Generated list ({args.names:,} names) in a web process", rows, "≤ 3 s")
            lines += [
                f"Signed artefact: {SIGNED['mb']:.1f} MB, written in {SIGNED['write_s']:.1f} s. The web "
                "process sets Django up as the server's do and reads the current list versions; the one "
                "current version (the list `generated`) has this index's signed artefact, so its entries are "
                "not read from the database (as for any version whose artefact the worker wrote).",
                "",
                "Two such processes alive together after their first screening (/proc/PID/smaps_rollup): "
                + "; ".join(
                    f"RSS {m['rss']:.0f} MB, PSS {m['pss']:.0f} MB, private {m['private']:.0f} MB"
                    for m in SIGNED["together"]  # type: ignore[union-attr]
                )
                + ". The mapped index is in each one's RSS and split between them in PSS: it counts once.",
                "",
            ]
    finally:
        shutil.rmtree(home, ignore_errors=True)
    lines.append(f"Load average (1 min) at the end {os.getloadavg()[0]:.1f}.")
    (HERE / args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
