"""Agent turn benchmarks (part of ``make bench``): latency through the compiled graph and the
HTTP API on the 10k catalog, growth from turn 1 to 200 of one thread, and HTTP throughput
with 8 concurrent clients on a real uvicorn server on localhost.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from langgraph.checkpoint.sqlite import SqliteSaver

from app.services import open_services
from app.settings import Settings
from graphs.agent import compile_agent
from tools.vocabulary_build import build_vocabulary

TURNS = [
    "show me hoodies", "under $60", "does the first one come in M?", "show me yoga mats",
    "compare the first two", "how much is the first one", "I'm vegan, what protein do you have?",
    "where is my order", "black leggings size M under $50", "How often should I train abs and what protein should I take?",
]  # fmt: skip


def _pct(xs: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(xs), q)), 2)


def _db_mb(path: str) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return round(os.path.getsize(path) / 1e6, 3)


def fresh_copy(data_dir: Path) -> Path:
    """A throw-away copy of the built catalog, so runs never see each other's conversations."""
    tmp = Path(tempfile.mkdtemp(prefix="dmpilot-bench-"))
    shutil.copytree(data_dir, tmp / "data", ignore=shutil.ignore_patterns("checkpoints*", "locks"))
    return tmp / "data"


def bench_graph(data_dir: Path, creator: str = "bench") -> dict[str, Any]:
    """Turn latency through the compiled graph, per node, and growth over 200 turns."""
    data_dir = fresh_copy(data_dir)
    svc = open_services(Settings(data_dir=data_dir))
    svc.search.index(creator)
    builds = []
    for _ in range(3):  # the catalog vocabulary, from SQL alone (no index rebuild)
        t0 = time.perf_counter()
        vocab = build_vocabulary(svc.catalog, creator)
        builds.append(time.perf_counter() - t0)
    ctx = svc.agent_context(creator)

    def turns(
        thread: str, context: Any, tag: str = ""
    ) -> tuple[list[float], dict[str, list[float]], dict[int, float]]:
        """200 turns of one thread, checkpointed in a database of its own (for its size)."""
        path = tempfile.mktemp(suffix=".sqlite")
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        graph = compile_agent(SqliteSaver(conn))
        cfg = {"configurable": {"thread_id": f"{creator}:{thread}:dm"}}
        times: list[float] = []
        per_node: dict[str, list[float]] = {}
        size_at: dict[int, float] = {}
        for i in range(200):
            t0 = time.perf_counter()
            out = graph.invoke(
                {"creator_id": creator, "customer_id": thread, "channel": "dm", "text": f"{TURNS[i % len(TURNS)]} {tag}{i}"},
                cfg, context=context, durability="exit",
            )  # fmt: skip
            times.append((time.perf_counter() - t0) * 1000)
            for entry in out["log"]:
                per_node.setdefault(entry["node"], []).append(entry["ms"])
            if i + 1 in (1, 200):
                conn.commit()
                size_at[i + 1] = _db_mb(path)
        return times, per_node, size_at

    # First the graph alone, on the same texts and in the same cold process as this figure had
    # before the redesign moved the route's work into the graph (recording the fan inbox,
    # holding a flagged reply for approval) ...
    bare, _, _ = turns(
        "bare",
        dataclasses.replace(ctx, record_inbox=False, reply_approval=None, approvals=None),
    )
    # ... then the turn as served: its questions go to the fan inbox (every 10th message of
    # the chat also clusters them in a background thread, which competes for the cores) and a
    # flagged reply (a support escalation) is held in its approval thread. Other texts ("g"),
    # so no classifier or embedding cache answers them.
    times, per_node, size_at = turns("growth", ctx, tag="g")
    assert svc.clusters is not None
    svc.clusters.flush()
    svc.close()
    shutil.rmtree(data_dir.parent, ignore_errors=True)
    return {
        "turns": 200,
        "p50_ms": _pct(times, 50),
        "p95_ms": _pct(times, 95),
        "first_10_p50_ms": round(statistics.median(times[:10]), 2),
        "last_10_p50_ms": round(statistics.median(times[-10:]), 2),
        "db_mb_after_turn_1": size_at[1],
        "db_mb_after_turn_200": size_at[200],
        "per_node_p50_ms": {k: _pct(v, 50) for k, v in per_node.items()},
        "graph_only_p50_ms": _pct(bare, 50),
        "graph_only_p95_ms": _pct(bare, 95),
        "vocabulary_build_s": round(statistics.median(builds), 3),
        "vocabulary_terms": sum(len(t) for t in vocab.index.values()),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _clients(
    base: str, creator: str, clients: int, per_client: int, headers: dict[str, str]
) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    errors = 0

    async def one(cid: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=30, headers=headers) as http:
            for i in range(per_client):
                t0 = time.perf_counter()
                r = await http.post(
                    f"/v1/creators/{creator}/conversations/load-{cid}/messages",
                    json={"text": f"{TURNS[i % len(TURNS)]} {i}"},
                )
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += r.status_code != 200

    t0 = time.perf_counter()
    await asyncio.gather(*(one(c) for c in range(clients)))
    return latencies, time.perf_counter() - t0, errors


def bench_http(
    data_dir: Path, creator: str = "bench", workers: int = 1, embedding_threads: int = 2
) -> dict[str, Any]:
    """Sequential latency and 8-client throughput against a uvicorn server on localhost."""
    data_dir = fresh_copy(data_dir)
    port = _free_port()
    admin_key = secrets.token_urlsafe(24)
    headers = {"Authorization": f"Bearer {admin_key}"}
    env = {
        **os.environ,
        "DMPILOT_ADMIN_KEY": admin_key,
        "DMPILOT_DATA_DIR": str(data_dir),
        "DMPILOT_EMBEDDING_THREADS": str(embedding_threads),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--workers", str(workers)],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        # Warm the index and the classifier.
        for i in range(5):
            httpx.post(
                f"{base}/v1/creators/{creator}/conversations/warm/messages",
                json={"text": TURNS[i]},
                headers=headers,
                timeout=120,
            )
        seq, _, seq_err = asyncio.run(_clients(base, creator, 1, 60, headers))
        par, wall, par_err = asyncio.run(_clients(base, creator, 8, 40, headers))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(data_dir.parent, ignore_errors=True)
    return {
        "workers": workers,
        "embedding_threads": embedding_threads,
        "sequential_p50_ms": _pct(seq, 50),
        "sequential_p95_ms": _pct(seq, 95),
        "concurrent_clients": 8,
        "concurrent_turns": len(par),
        "turns_per_s": round(len(par) / wall, 1),
        "concurrent_p50_ms": _pct(par, 50),
        "concurrent_p95_ms": _pct(par, 95),
        "errors": seq_err + par_err,
    }
