"""Screening benchmark: accuracy on labelled data, latency and memory on real lists and on a generated
1,000,000-name corpus, side by side with a brute-force rapidfuzz scan.

    python benchmarks/screening/run.py            # full run (1,000,000 generated names)
    python benchmarks/screening/run.py --quick    # 100,000 generated names, smaller samples

Writes benchmarks/screening/results.md and results.json next to this file.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from conduct.core.screening import (  # noqa: E402
    ALERT_THRESHOLD,
    EntryName,
    ListEntry,
    NameIndex,
    Query,
    Screener,
    analyse_name,
    read_list,
    score_pair,
)


def _data_root() -> Path:
    for candidate in (ROOT.parent / "shared" / "data", Path("/work/shared/data")):
        if (candidate / "watchlists").is_dir():
            return candidate
    raise SystemExit("shared data not found (expected ../shared/data beside the repository)")


DATA = _data_root()
WATCHLISTS = DATA / "watchlists"
NAMES = DATA / "name-matching"
LISTS = {
    "ofac_sdn": WATCHLISTS / "ofac_sdn_2021",
    "ofac_non_sdn": WATCHLISTS / "ofac_non_sdn_consolidated",
    "un": WATCHLISTS / "un_consolidated" / "UN_consolidated.xml",
    "bis_dpl": WATCHLISTS / "bis_dpl_2021" / "dpl.txt",
    "us_csl_2019": WATCHLISTS / "us_csl_samples" / "csl_2019_sample.csv",
    "us_csl_2025": WATCHLISTS / "us_csl_samples" / "consolidated_2025_sample.csv",
}
OUT = Path(__file__).resolve().parent

COMPANY_WORDS = [
    "global",
    "trading",
    "industrial",
    "technology",
    "electronics",
    "logistics",
    "shipping",
    "petroleum",
    "energy",
    "mining",
    "construction",
    "engineering",
    "capital",
    "investment",
    "holdings",
    "group",
    "international",
    "services",
    "systems",
    "solutions",
    "pharma",
    "medical",
    "agro",
    "textile",
    "steel",
    "metals",
    "chemical",
    "aviation",
    "marine",
    "development",
    "resources",
    "commerce",
    "import",
    "export",
    "digital",
    "security",
    "networks",
    "communications",
    "consulting",
    "partners",
    "ventures",
]
LEGAL_FORMS = [
    "LLC",
    "Ltd.",
    "Co., Ltd.",
    "GmbH",
    "S.A.",
    "Inc.",
    "JSC",
    "OOO",
    "PLC",
    "Pte. Ltd.",
    "B.V.",
    "AG",
    "",
]


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[rank]


def read_rows(name: str, limit: int | None = None) -> list[dict[str, str]]:
    with open(NAMES / "yente" / name, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows[:limit] if limit else rows


def query_of(row: dict[str, str]) -> Query:
    return Query(
        row["full_name"],
        entity_type="person",
        country=row["nationality"] or None,
        birth_date=row["date_of_birth"] or None,
    )


# --- corpus ----------------------------------------------------------------------------------------


def generate_corpus(size: int, seed: int = 20260828) -> list[ListEntry]:
    """Deterministic synthetic list: 85% people built from the yente negatives' name columns (every
    script they contain), 15% companies from surnames + company words + a legal form."""
    rng = random.Random(seed)
    rows = read_rows("negatives_global.csv") + read_rows("negatives_us.csv")
    firsts = sorted({r["first_name"] for r in rows if r["first_name"]})
    middles = sorted({r["middle_name"] for r in rows if r["middle_name"]})
    lasts = sorted({r["last_name"] for r in rows if r["last_name"]})
    latin_lasts = [name for name in lasts if name.isascii()]
    entries: list[ListEntry] = []
    for number in range(size):
        if rng.random() < 0.85:
            parts = [rng.choice(firsts)]
            if rng.random() < 0.3:
                parts.append(rng.choice(middles))
            parts.append(rng.choice(lasts))
            entries.append(ListEntry(f"gen-{number}", "person", (EntryName(" ".join(parts)),)))
        else:
            words = [rng.choice(latin_lasts)] + rng.sample(COMPANY_WORDS, rng.choice((1, 2)))
            name = " ".join(words).title() + " " + rng.choice(LEGAL_FORMS)
            entries.append(ListEntry(f"gen-{number}", "organization", (EntryName(name.strip()),)))
    return entries


# --- accuracy ---------------------------------------------------------------------------------------


def cases_accuracy() -> dict[str, object]:
    with open(NAMES / "nomenklatura" / "cases.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    tp = fp = fn = tn = 0
    for row in rows:
        entity_type = "organization" if row["schema"] in ("Company", "Organization") else None
        predicted = score_pair(row["name1"], row["name2"], entity_type).score >= ALERT_THRESHOLD
        actual = row["is_match"] == "true"
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
        tn += not predicted and not actual
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "cases": len(rows),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def cross_script() -> dict[str, object]:
    passed, failures = 0, []
    with open(NAMES / "watchman-labelled" / "cross_script_pairs.csv", encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    for line in lines:
        query, expected, minimum = line.split(",")[:3]
        score = score_pair(query, expected).score
        if score >= float(minimum):
            passed += 1
        else:
            failures.append(f"{query} -> {expected}: {score:.2f} < {minimum}")
    return {"pairs": len(lines), "passed": passed, "failures": failures}


def un_recall(screener: Screener) -> dict[str, object]:
    out: dict[str, object] = {}
    for name in ("positives_un_untreated.csv", "positives_un_treated.csv"):
        rows = read_rows(name)
        hits = sum(1 for row in rows if screener.search(query_of(row), limit=5))
        name_only = sum(1 for row in rows if screener.search(Query(row["full_name"]), limit=5))
        out[name] = {
            "queries": len(rows),
            "recall": round(hits / len(rows), 4),
            "recall_name_only": round(name_only / len(rows), 4),
        }
    return out


def negatives(screener: Screener, sample: int) -> dict[str, object]:
    out: dict[str, object] = {}
    for name in ("negatives_global.csv", "negatives_us.csv"):
        rows = read_rows(name, sample)
        alerts = [row["full_name"] for row in rows if screener.search(query_of(row), limit=1)]
        name_only = sum(1 for row in rows if screener.search(Query(row["full_name"]), limit=1))
        out[name] = {
            "queries": len(rows),
            "alerts": len(alerts),
            "alerts_per_1000": round(1000 * len(alerts) / len(rows), 2),
            "name_only_alerts_per_1000": round(1000 * name_only / len(rows), 2),
            "examples": alerts[:10],
        }
    return out


# --- speed ------------------------------------------------------------------------------------------


def timed_queries(screener: Screener, queries: list[Query]) -> dict[str, float]:
    """Latency one query at a time; the load average is kept because other work on a shared machine
    inflates the tail."""
    for query in queries[:50]:
        screener.search(query)  # warm caches
    times = []
    for query in queries:
        start = time.perf_counter()
        screener.search(query)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "queries": len(times),
        "p50_ms": round(percentile(times, 50), 3),
        "p90_ms": round(percentile(times, 90), 3),
        "p99_ms": round(percentile(times, 99), 3),
        "max_ms": round(max(times), 3),
        "mean_ms": round(statistics.fmean(times), 3),
        "names_per_s": round(1000 / statistics.fmean(times), 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def mixed_queries(sample: int, seed: int = 7) -> list[Query]:
    rng = random.Random(seed)
    rows = read_rows("negatives_global.csv") + read_rows("negatives_us.csv")
    positives = read_rows("positives_un_untreated.csv") + read_rows("positives_un_treated.csv")
    chosen = rng.sample(rows, sample // 2) + rng.sample(positives, min(len(positives), sample // 2))
    rng.shuffle(chosen)
    return [query_of(row) for row in chosen]


def recall_at_10(index: NameIndex, screener: Screener, brute_sample: int) -> dict[str, object]:
    """UN positives against the corpus + UN list: is the listed person among the 10 best results?
    Ground truth: the UN entry one of whose names normalises to the untreated query."""
    by_text: dict[str, set[int]] = {}
    for indexed in index.names:
        list_id, _, entry = index.entries[indexed.entry]
        if list_id == "un":
            by_text.setdefault(indexed.form.text, set()).add(indexed.entry)
    untreated = read_rows("positives_un_untreated.csv")
    treated = read_rows("positives_un_treated.csv")
    cases: list[tuple[str, set[int]]] = []
    for clean, noisy in zip(untreated, treated, strict=True):
        targets = by_text.get(analyse_name(clean["full_name"])[0].text)
        if targets:
            cases.append((clean["full_name"], targets))
            cases.append((noisy["full_name"], targets))
    found = 0
    index_times = []
    for name, targets in cases:
        start = time.perf_counter()
        matches = screener.search(Query(name), threshold=0.0, limit=10)
        index_times.append((time.perf_counter() - start) * 1000)
        hit_entries = {id(m.entry) for m in matches}
        if any(id(index.entries[t][2]) in hit_entries for t in targets):
            found += 1
    rng = random.Random(11)
    sample = rng.sample(cases, min(brute_sample, len(cases)))
    texts = [indexed.form.text for indexed in index.names]
    owners = [indexed.entry for indexed in index.names]
    brute_found = 0
    brute_times = []
    sample_index_found = 0
    sample_index_times = []
    for name, targets in sample:
        query_text = analyse_name(name)[0].text
        start = time.perf_counter()
        ranked = process.extract(query_text, texts, scorer=fuzz.WRatio, limit=40)
        seen: list[int] = []
        for _, _, position in ranked:
            if owners[position] not in seen:
                seen.append(owners[position])
            if len(seen) == 10:
                break
        brute_times.append((time.perf_counter() - start) * 1000)
        brute_found += any(target in seen for target in targets)
        start = time.perf_counter()
        matches = screener.search(Query(name), threshold=0.0, limit=10)
        sample_index_times.append((time.perf_counter() - start) * 1000)
        hit_entries = {id(m.entry) for m in matches}
        sample_index_found += any(id(index.entries[t][2]) in hit_entries for t in targets)
    return {
        "queries": len(cases),
        "index_recall_at_10": round(found / len(cases), 4),
        "index_p50_ms": round(percentile(index_times, 50), 3),
        "index_p99_ms": round(percentile(index_times, 99), 3),
        "brute_sample": len(sample),
        "brute_recall_at_10": round(brute_found / len(sample), 4),
        "index_recall_at_10_same_sample": round(sample_index_found / len(sample), 4),
        "brute_mean_ms": round(statistics.fmean(brute_times), 2),
        "index_mean_ms_same_sample": round(statistics.fmean(sample_index_times), 3),
        "speedup": round(statistics.fmean(brute_times) / statistics.fmean(sample_index_times), 1),
    }


def build_index(items: list[tuple[str, str, ListEntry]], trace: bool) -> tuple[NameIndex, dict[str, float]]:
    """Build and measure. tracemalloc (Python heap peak) only when asked: it slows a big build ~3x."""
    gc.collect()
    before = rss_mb()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    index = NameIndex(items)
    seconds = time.perf_counter() - start
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    start = time.perf_counter()
    index.warm_up()
    warm = time.perf_counter() - start
    return index, {
        "names": len(index),
        "vocabulary": index.vocabulary_size,
        "build_s": round(seconds, 2),
        "cross_script_warm_up_s": round(warm, 2),
        "python_heap_peak_mb": round(traced_peak / 2**20, 1) if trace else "not traced",
        "rss_growth_mb": round(rss_mb() - before, 1),  # includes the name dictionary on first warm-up
        "process_peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000-name corpus and smaller samples")
    args = parser.parse_args()
    corpus_size = 100_000 if args.quick else 1_000_000
    negatives_sample = 2_000 if args.quick else 5_000
    latency_sample = 400 if args.quick else 2_000
    brute_sample = 30 if args.quick else 100
    results: dict[str, object] = {
        "machine": (
            f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, 1 core"
        ),
        "mode": "quick" if args.quick else "full",
    }
    print("accuracy: nomenklatura cases ...", flush=True)
    results["cases"] = cases_accuracy()
    print(results["cases"], flush=True)
    results["cross_script"] = cross_script()
    print(results["cross_script"], flush=True)

    start = time.perf_counter()
    parsed = {list_id: read_list(path) for list_id, path in LISTS.items()}
    results["lists"] = {
        list_id: {"format": p.format, "entries": len(p.entries)} for list_id, p in parsed.items()
    }
    results["read_lists_s"] = round(time.perf_counter() - start, 2)
    un_index = NameIndex(parsed["un"].index_items("un"))
    all_items = [item for list_id, p in parsed.items() for item in p.index_items(list_id)]
    all_index, all_build = build_index(all_items, trace=True)
    results["real_lists_index"] = all_build
    print("real lists index", all_build, flush=True)
    results["un_positives"] = un_recall(Screener(un_index))
    print(results["un_positives"], flush=True)
    results["negatives"] = negatives(Screener(all_index), negatives_sample)
    print(
        {k: {kk: vv for kk, vv in v.items() if kk != "examples"} for k, v in results["negatives"].items()},
        flush=True,
    )  # type: ignore[union-attr]
    results["latency_real_lists"] = timed_queries(Screener(all_index), mixed_queries(latency_sample))
    print("latency real lists", results["latency_real_lists"], flush=True)

    print(f"generating {corpus_size:,} names ...", flush=True)
    corpus = generate_corpus(corpus_size)
    items = [("generated", "custom", entry) for entry in corpus]
    items += list(parsed["un"].index_items("un"))
    del corpus
    big_index, big_build = build_index(items, trace=args.quick)
    del items
    results["corpus_index"] = big_build
    print("corpus index", big_build, flush=True)
    screener = Screener(big_index)
    results["latency_corpus"] = timed_queries(screener, mixed_queries(latency_sample))
    print("latency corpus", results["latency_corpus"], flush=True)
    results["recall_at_10_corpus"] = recall_at_10(big_index, screener, brute_sample)
    print("recall@10", results["recall_at_10_corpus"], flush=True)
    results["process_peak_rss_mb"] = round(peak_rss_mb(), 1)
    (OUT / "results.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (OUT / "results.md").write_text(render(results), encoding="utf-8")
    print(f"wrote {OUT / 'results.md'}")


def render(results: dict[str, object]) -> str:
    r = results
    cases = r["cases"]
    cross = r["cross_script"]
    un = r["un_positives"]
    neg = r["negatives"]
    lines = [
        "# Screening benchmark",
        "",
        f"Run: `python benchmarks/screening/run.py{' --quick' if r['mode'] == 'quick' else ''}`"
        f" - {r['machine']}.",
        "",
        "## Accuracy",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| nomenklatura cases.csv F1 at {ALERT_THRESHOLD} ({cases['cases']} pairs) | {cases['f1']} "  # type: ignore[index]
        f"(P {cases['precision']}, R {cases['recall']}) | >= 0.90 (logic-v2: 0.79) |",  # type: ignore[index]
        f"| cross-script pairs at their min_score | {cross['passed']}/{cross['pairs']} | all |",  # type: ignore[index]
    ]
    for name, value in un.items():  # type: ignore[union-attr]
        lines.append(
            f"| recall, {name} vs UN list (name + DOB + nationality) | {value['recall']} "
            f"(name only {value['recall_name_only']}) | >= 0.98 |"
        )
    for name, value in neg.items():  # type: ignore[union-attr]
        lines.append(
            f"| alerts per 1,000, first {value['queries']} of {name} vs all lists | "
            f"{value['alerts_per_1000']} (name only {value['name_only_alerts_per_1000']}) | <= 2 |"
        )
    lines += [
        "",
        "## Speed and memory (1 core)",
        "",
        "| measure | real lists | generated corpus |",
        "|---|---|---|",
    ]
    real, big = r["real_lists_index"], r["corpus_index"]
    lat_real, lat_big = r["latency_real_lists"], r["latency_corpus"]
    for label, key in (
        ("names indexed", "names"),
        ("vocabulary", "vocabulary"),
        ("build s", "build_s"),
        ("cross-script warm-up s", "cross_script_warm_up_s"),
        ("Python heap peak MB (tracemalloc)", "python_heap_peak_mb"),
        ("RSS growth MB", "rss_growth_mb"),
        ("process peak RSS MB", "process_peak_rss_mb"),
    ):
        lines.append(f"| {label} | {real[key]} | {big[key]} |")  # type: ignore[index]
    for label, key in (
        ("query p50 ms", "p50_ms"),
        ("query p90 ms", "p90_ms"),
        ("query p99 ms", "p99_ms"),
        ("query max ms", "max_ms"),
        ("names/s (one at a time)", "names_per_s"),
        ("machine load average, 1 min (2 cores, shared)", "load_average_1min"),
    ):
        lines.append(f"| {label} | {lat_real.get(key, '-')} | {lat_big.get(key, '-')} |")  # type: ignore[union-attr]
    rec = r["recall_at_10_corpus"]
    lines += [
        "",
        "## Index vs brute force (generated corpus + UN list)",
        "",
        "Queries: UN positives (untreated and treated) whose untreated name is a UN name;"
        " target: that UN entry.",
        "Brute force: rapidfuzz `process.extract(query, all normalised names, scorer=WRatio)`.",
        "",
        "| measure | index | brute force |",
        "|---|---|---|",
        f"| recall@10 (same {rec['brute_sample']} queries) | {rec['index_recall_at_10_same_sample']} | "  # type: ignore[index]
        f"{rec['brute_recall_at_10']} |",  # type: ignore[index]
        f"| mean ms per query (same queries) | {rec['index_mean_ms_same_sample']} | {rec['brute_mean_ms']} |",  # type: ignore[index]
        f"| speed ratio | {rec['speedup']}x | 1x |",  # type: ignore[index]
        f"| recall@10, all {rec['queries']} queries | {rec['index_recall_at_10']} | - |",  # type: ignore[index]
        "",
        f"Process peak RSS for the whole run: {r['process_peak_rss_mb']} MB.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
