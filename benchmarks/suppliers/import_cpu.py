"""One import on a fresh SQLite database, printing wall and CPU seconds: for before/after comparisons of the
importer (run it alternately in two checkouts, e.g. a `git worktree` of the earlier commit, and compare the
medians of CPU seconds).

    .venv/bin/python benchmarks/suppliers/import_cpu.py [--suppliers 20000]

Data as run.py generates it: N suppliers, 2N certificates, 3N relations.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=20_000)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import run  # the generator and Django set-up of the full benchmark

    n = args.suppliers
    work = Path(tempfile.mkdtemp(prefix="conduct-bench-import-"))
    try:
        home = work / "home"
        home.mkdir()
        paths = run.generate(work, n, 2 * n, 3 * n, 20261128)
        run.setup_django(home)
        from conduct.apps.accounts.actors import CLI
        from conduct.apps.accounts.services import orgunit_create
        from conduct.apps.suppliers.services import ImportSource, supplier_import

        root = orgunit_create(actor=CLI, code="hq", name="HQ", kind="headquarters", country="CN")
        sources = [ImportSource(p.name, path=p) for p in paths.values()]
        started, cpu = time.perf_counter(), time.process_time()
        report = supplier_import(actor=CLI, sources=sources, commit=True, unit=root, queue_followup=False)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert report.committed, report.problems[:10]
        print(f"import of {n:,} suppliers: wall {wall:.2f} s, CPU {cpu:.2f} s")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
