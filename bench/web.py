"""Web app page timings with 10,000 conversations (part of ``make bench``).

A creator gets 10,000 conversation threads in the execution log (3 turns each, written as
rows: running 30,000 real turns would take ~20 minutes and the pages only read the log; one in
ten with a search that found nothing), 200 real agent turns on top, 50 held replies (each
shown with the fan's history and profile), and 1,000 fan messages analysed into clusters, one
of them answered (its drafts and batch approval pending). Each page is then
fetched 20 times through the real app (middleware, session cookie, templates) and the
median and p95 server times are reported. Target: every page under 300 ms.

    .venv/bin/python -m bench.web
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from app.local_client import admin_client
from app.settings import Settings
from bench.fans import fan_messages, recent
from memory.conversations import Execution

HELD = 50  # vegans offered a leather belt: replies held with their context


def bench_web(threads: int = 10_000, runs: int = 20) -> dict[str, Any]:
    """Median and p95 of each page, in ms."""
    with tempfile.TemporaryDirectory() as tmp:
        with admin_client(Settings(data_dir=Path(tmp), recluster_interval_s=0)) as c:
            c.post("/v1/creators", json={"id": "w", "name": "Web"}).raise_for_status()
            key = c.post("/v1/creators/w/keys", json={"name": "bench"}).json()["key"]
            c.post("/v1/creators/w/products", json={"name": "Cork Yoga Mat", "base_price": 49})
            for i in range(200):  # real turns: a thread page has something to show
                c.post(f"/v1/creators/w/conversations/real-{i}/messages",
                       json={"text": "do you have a yoga mat?"}).raise_for_status()  # fmt: skip
            c.post("/v1/creators/w/products", json={"name": "Leather Lifting Belt",
                   "base_price": 59, "description": "cowhide leather"}).raise_for_status()  # fmt: skip
            for i in range(HELD):  # held replies: the approvals page shows each one's context
                for text in ("hi, I'm vegan", "do you have a lifting belt?"):
                    c.post(f"/v1/creators/w/conversations/vegan-{i}/messages",
                           json={"text": text}).raise_for_status()  # fmt: skip
            msgs = recent(fan_messages(1000))
            for start in range(0, len(msgs), 500):  # at most 1,000 per request
                c.post("/v1/creators/w/inbox",
                       json={"messages": msgs[start : start + 500]}).raise_for_status()  # fmt: skip
            for fan in sorted({m["customer_id"] for m in msgs}):
                c.post(f"/v1/creators/w/conversations/{fan}/end")
            svc = c.app.state.services  # type: ignore[attr-defined]
            t0 = datetime.now(UTC) - timedelta(days=10)  # inside the insights periods
            with svc.sessions.begin() as s:
                s.add_all(
                    Execution(
                        id=str(uuid.uuid4()),
                        creator_id="w",
                        customer_id=f"fan-{i:05d}",
                        channel="dm",
                        turn=turn,
                        duration_ms=40.0,
                        intents=["product"],
                        escalated=i % 20 == 0 and turn == 3,
                        misses=[{"query": f"thing {i % 60}", "hits": 0, "out_of_stock": []}]
                        if i % 10 == 0 and turn == 1
                        else None,
                        created_at=t0 + timedelta(seconds=i * 3 + turn),
                    )  # fmt: skip
                    for i in range(threads)
                    for turn in (1, 2, 3)
                )
            c.headers.pop("Authorization")
            c.post("/app/login", data={"key": key}).raise_for_status()
            auth = {"Authorization": f"Bearer {key}"}
            top = c.get("/v1/creators/w/clusters", headers=auth).json()["items"]
            cluster, answered = top[0]["id"], top[1]["id"]
            c.post(f"/v1/creators/w/clusters/{answered}/answer", headers=auth,
                   json={"answer": "Yes, $9.99 flat."}).raise_for_status()  # fmt: skip
            pending = c.get("/v1/creators/w/approvals", headers=auth).json()["total"]
            seen = c.get("/app/approvals").text.split("/app/approvals/list?seen=")[1][:16]
            pages = {
                "approvals": "/app/approvals",
                "approvals_poll_unchanged": f"/app/approvals/list?seen={seen}",
                "clusters": "/app/clusters",
                "cluster": f"/app/clusters/{cluster}",
                "cluster_with_drafts": f"/app/clusters/{answered}",
                "conversations": "/app/conversations",
                "conversations_search": "/app/conversations?q=fan-0999",
                "conversation": "/app/conversations/real-7",
                "catalog_search": "/app/catalog?q=yoga+mat",
                "insights_90_days": "/app/insights?days=90",
                "digest_30_days": "/app/insights/digest?days=30",
            }
            out: dict[str, Any] = {"threads": threads + 200 + HELD, "runs": runs,
                                   "pending_approvals": pending}  # fmt: skip
            for name, path in pages.items():
                took = []
                for _ in range(runs):
                    t = time.perf_counter()
                    r = c.get(path)
                    took.append((time.perf_counter() - t) * 1000)
                    assert r.status_code in (200, 204), (path, r.status_code)
                out[name] = {"p50_ms": round(float(np.median(took)), 1),
                             "p95_ms": round(float(np.percentile(took, 95)), 1)}  # fmt: skip
    out["target"] = "every page < 300 ms server time with 10k conversations"
    return out


if __name__ == "__main__":
    print(json.dumps(bench_web(), indent=2))
