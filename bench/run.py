"""``make bench``: embedding speed and hybrid search latency at 10k and 100k products.

Results are printed and saved to ``bench/results/latest.json`` (and a timestamped copy).
Generated catalogs are built once under ``.dmpilot/bench/`` and reused; the build figures
(import + embedding throughput) are stored with them. ``BENCH_SKIP_100K=1`` skips the 100k run
(its first build takes several minutes on 2 cores).
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from app.services import open_services
from app.settings import Settings
from bench.catalog import ADJ, MATERIALS, PALETTE, TYPES, synthetic_catalog
from memory.embeddings import MiniLMEmbeddings
from memory.importers import import_catalog
from memory.schemas import CreatorIn
from tools.search_schemas import SearchFilters

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CACHE = ROOT / ".dmpilot" / "bench"


def pct(values: list[float], q: float) -> float:
    """Percentile in the same unit as ``values``."""
    return float(np.percentile(np.asarray(values), q))


def bench_embeddings() -> dict[str, Any]:
    """Throughput on short sentences and single-query latency, cache disabled."""
    emb = MiniLMEmbeddings(threads=2, batch_size=32, cache_size=0)
    rng = random.Random(1)
    words = "train abs protein vegan leggings size medium blue shipping canada order refund".split()
    sentences = [
        f"{rng.choice(['How', 'Can', 'Do', 'What', 'Is'])} {' '.join(rng.sample(words, 6))} {i}?"
        for i in range(2000)
    ]
    emb.encode(sentences[:64])  # warm-up
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        emb.encode(sentences)
        runs.append(len(sentences) / (time.perf_counter() - t0))
    singles = []
    for s in sentences[:300]:
        t0 = time.perf_counter()
        emb.encode([s + " single"])
        singles.append((time.perf_counter() - t0) * 1000)
    return {
        "sentences_per_s_median": round(statistics.median(runs), 1),
        "sentences_per_s_runs": [round(r, 1) for r in runs],
        "single_query_ms_p50": round(pct(singles, 50), 2),
        "single_query_ms_p95": round(pct(singles, 95), 2),
        "target": ">= 300 sentences/s, single <= 6 ms",
    }


def build_catalog(n: int) -> tuple[Path, dict[str, Any]]:
    """Build (or reuse) a generated catalog of ``n`` products; returns dir and build stats."""
    data_dir = CACHE / f"catalog-{n}"
    meta_path = data_dir / "build.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("pristine"):  # older caches had bench conversations written into them
            return data_dir, meta
    if data_dir.exists():
        import shutil

        shutil.rmtree(data_dir)
    settings = Settings(data_dir=data_dir, import_batch_size=1000, embedding_cache_size=0)
    svc = open_services(settings)
    svc.catalog.create_creator(CreatorIn(id="bench", name="Bench Shop"))
    products = synthetic_catalog(n)
    payload = json.dumps({"products": products})
    t0 = time.perf_counter()
    last = [t0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 10 or done == total:
            rate = done / (now - t0)
            print(f"  built {done}/{total} products ({rate:.0f}/s)", file=sys.stderr, flush=True)
            last[0] = now

    report = import_catalog(
        svc.catalog, "bench", payload, fmt="json", batch_size=1000, progress=progress
    )
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    idx = svc.search.index("bench")
    index_s = time.perf_counter() - t1
    svc.close()
    meta = {
        "products": n,
        "variants": sum(len(p["variants"]) for p in products),
        "import_and_embed_s": round(build_s, 1),
        "products_per_s": round(n / build_s, 1),
        "embedded": report.embedded,
        "search_index_build_s": round(index_s, 2),
        "index_size": idx.size,
        "pristine": True,  # the agent benchmarks run on copies (bench.agent.fresh_copy)
    }
    meta_path.write_text(json.dumps(meta, indent=2))
    return data_dir, meta


def bench_queries(seed: int, count: int) -> list[tuple[str, SearchFilters]]:
    """A mix of plain, price, colour/size and category queries, all with distinct text."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        _, kind, lo, hi, apparel = TYPES[i % len(TYPES)]
        text = f"{rng.choice(ADJ).lower()} {rng.choice(MATERIALS)} {kind.lower()} for {rng.choice(['gym', 'home', 'running', 'yoga'])} {i}"
        mix = i % 4
        if mix == 0:
            f = SearchFilters()
        elif mix == 1:
            f = SearchFilters(max_price=round(rng.uniform(lo, hi), 0))
        elif mix == 2 and apparel:
            f = SearchFilters(colors=[rng.choice(PALETTE)], sizes=[rng.choice(["S", "M", "L"])])
        else:
            f = SearchFilters(categories=[kind.split()[0]], min_price=lo, max_price=hi / 1.5)
        out.append((text, f))
    return out


def bench_search(n: int, queries: int = 300) -> dict[str, Any]:
    """Search latency (query embedding included, embedding cache off) on a built catalog."""
    data_dir, build = build_catalog(n)
    svc = open_services(Settings(data_dir=data_dir, embedding_cache_size=0))
    svc.embedder._cache_size = 0  # the shared embedder may carry a cache from earlier use
    t0 = time.perf_counter()
    svc.search.index("bench")
    load_s = time.perf_counter() - t0
    for q, f in bench_queries(99, 20):
        svc.search.search("bench", q, f)  # warm-up
    times: list[float] = []
    by_kind: dict[str, list[float]] = {}
    strategies: dict[str, int] = {}
    empty = 0
    for i, (q, f) in enumerate(bench_queries(7, queries)):
        t = time.perf_counter()
        res = svc.search.search("bench", q, f, limit=10)
        ms = (time.perf_counter() - t) * 1000
        times.append(ms)
        kind = ["plain", "price", "color+size", "category+price"][i % 4]
        by_kind.setdefault(kind, []).append(ms)
        strategies[res.strategy] = strategies.get(res.strategy, 0) + 1
        empty += not res.hits
    svc.close()
    return {
        "products": n,
        "queries": queries,
        "p50_ms": round(pct(times, 50), 2),
        "p95_ms": round(pct(times, 95), 2),
        "p99_ms": round(pct(times, 99), 2),
        "p95_ms_by_kind": {k: round(pct(v, 95), 2) for k, v in by_kind.items()},
        "strategies": strategies,
        "queries_without_hits": empty,
        "index_load_s": round(load_s, 2),
        "build": build,
    }


def main() -> int:
    """Run every benchmark, print a table, save JSON."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    print("== embeddings", flush=True)
    results["embeddings"] = bench_embeddings()
    print(json.dumps(results["embeddings"], indent=2), flush=True)
    sizes = [10_000] if os.environ.get("BENCH_SKIP_100K") else [10_000, 100_000]
    for n in sizes:
        print(f"== search at {n:,} products", flush=True)
        results[f"search_{n}"] = bench_search(n)
        print(json.dumps(results[f"search_{n}"], indent=2), flush=True)
    from bench.agent import bench_graph, bench_http

    agent_dir, _ = build_catalog(10_000)
    print("== agent turns through the compiled graph (10k catalog)", flush=True)
    results["agent_graph"] = bench_graph(agent_dir)
    print(json.dumps(results["agent_graph"], indent=2), flush=True)
    print("== agent turns over HTTP (uvicorn on localhost, 10k catalog)", flush=True)
    results["agent_http"] = bench_http(agent_dir)
    print(json.dumps(results["agent_http"], indent=2), flush=True)
    print("== agent turns over HTTP, 2 workers", flush=True)
    results["agent_http_2_workers"] = bench_http(agent_dir, workers=2)
    print(json.dumps(results["agent_http_2_workers"], indent=2), flush=True)
    from bench.clustering import bench_clustering

    print("== clustering 10,000 questions from raw text", flush=True)
    results["clustering"] = bench_clustering()
    print(json.dumps(results["clustering"], indent=2), flush=True)
    from bench.fanout import bench_fanout

    print("== fan-out: 1,000 fan messages analysed, one answer drafted for 1,000 chats", flush=True)
    results["fanout"] = bench_fanout()
    print(json.dumps(results["fanout"], indent=2), flush=True)
    from bench.channels import bench_channels

    print("== Instagram: signed DM webhooks through the real server, faults injected", flush=True)
    results["channels"] = bench_channels()
    print(json.dumps(results["channels"], indent=2), flush=True)
    from bench.web import bench_web

    print("== web app pages with 10k conversations", flush=True)
    results["web"] = bench_web()
    print(json.dumps(results["web"], indent=2), flush=True)
    from bench.soak import run as soak

    minutes = int(os.environ.get("SOAK_MINUTES", "5"))
    print(
        f"== soak: the real server under a mixed load for {minutes} min (SOAK_MINUTES)", flush=True
    )
    soaked = soak(minutes, rate=600.0, max_requests=minutes * 2000 + 100)
    results["soak"] = {"verdict": soaked["verdict"], "per_minute": soaked["per_minute"]}
    print(json.dumps(results["soak"]["verdict"], indent=2), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in ("latest.json", f"{stamp}.json"):
        (RESULTS / name).write_text(json.dumps(results, indent=2))
    e = results["embeddings"]
    print("\nsummary")
    print(f"  embeddings: {e['sentences_per_s_median']} sentences/s (target >= 300), "
          f"single query p50 {e['single_query_ms_p50']} ms (target <= 6)")  # fmt: skip
    for n in sizes:
        s = results[f"search_{n}"]
        target = 15 if n == 10_000 else 50
        print(f"  search {n:>7,}: p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms (target <= {target}); "
              f"build {s['build']['products_per_s']} products/s incl. embedding")  # fmt: skip
    g, h = results["agent_graph"], results["agent_http"]
    print(f"  agent turn (graph): p50 {g['p50_ms']} ms, p95 {g['p95_ms']} ms (target 25/50); "
          f"turn 1-10 p50 {g['first_10_p50_ms']} ms, turn 191-200 p50 {g['last_10_p50_ms']} ms; "
          f"checkpoint db {g['db_mb_after_turn_200']} MB after 200 turns (target <= 5)")  # fmt: skip
    print(f"  catalog vocabulary build (10k products, from SQL): {g['vocabulary_build_s']} s "
          f"(target <= 5), {g['vocabulary_terms']} terms")  # fmt: skip
    print(f"  agent turn (HTTP): p50 {h['sequential_p50_ms']} ms, p95 {h['sequential_p95_ms']} ms; "
          f"8 clients: {h['turns_per_s']} turns/s (target >= 100), errors {h['errors']}")  # fmt: skip
    w = results["agent_http_2_workers"]
    print(f"  agent turn (HTTP, 2 workers): p50 {w['sequential_p50_ms']} ms; "
          f"8 clients: {w['turns_per_s']} turns/s, errors {w['errors']}")  # fmt: skip
    c = results["clustering"]
    if "skipped" not in c:
        print(f"  clustering {c['questions']:,} questions: {c['total_s']} s from raw text "
              f"(embedding {c['embed_s']} s; target <= 60), incremental p95 "
              f"{c['incremental_ms_p95']} ms at {c['arrival_clusters']:,} clusters")  # fmt: skip
    f = results["fanout"]
    print(f"  fan-out: {f['drafts']} drafts in {f['fanout_s']} s through the graph (target <= 10); "
          f"analysis {f['analyse_messages_per_s']} messages/s")  # fmt: skip
    print(f"saved bench/results/latest.json and {stamp}.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
