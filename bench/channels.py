"""Instagram through the real server (part of ``make bench``): events/s in, replies out, dupes.

``dmpilot serve`` runs in a subprocess on 127.0.0.1 with a fake Graph API (in this process,
also on 127.0.0.1). Signed DM webhooks from many fans are posted by 8 client threads; a share
of them is posted twice (Meta retries) and the fake answers a share of sends with 500 or 429
(fault injection: a 429 and a 500 that Meta calls transient are retried; any other 500 may
have been delivered, so that reply is marked ``unknown`` for a person instead of being sent
again). Measured: webhook acknowledgements per
second and their latency, the time until every reply was sent or marked (end-to-end events/s),
and how many fans got more than one reply (must be 0).

    .venv/bin/python -m bench.channels [--events 400]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from tests.fake_graph import FakeGraph
from tools.instagram import sign

ADMIN = "bench-admin-key-0123456789"
ACCOUNT = "17841400000000042"
SECRETS = {"access_token": "IGAA-bench-token", "app_secret": "bench-app-secret",
           "verify_token": "bench-verify"}  # fmt: skip
QUESTIONS = ("do you have a yoga mat?", "any yoga mats in stock?", "how much is the cork mat?",
             "do you sell foam rollers?", "is the foam roller any good?")  # fmt: skip


def _port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_channels(events: int = 400, retry_share: float = 0.2, fail_share: float = 0.1,
                   seed: int = 7) -> dict[str, Any]:  # fmt: skip
    """Post ``events`` signed DMs (``retry_share`` of them twice); fail ``fail_share`` sends."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp, FakeGraph() as graph:
        port = _port()
        env = {
            **os.environ,
            "DMPILOT_ADMIN_KEY": ADMIN,
            "DMPILOT_RECLUSTER_INTERVAL_S": "0",
            "DMPILOT_GRAPH_API_BASE": graph.url,
            "DMPILOT_CHANNEL_SENDS_PER_SECOND": "1000",
        }
        log = Path(tmp) / "server.log"
        with log.open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "--data-dir", str(Path(tmp) / "data"), "serve",
                 "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=err)  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            admin = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {ADMIN}"},
                                 timeout=60)  # fmt: skip
            admin.post("/v1/creators", json={"id": "b", "name": "Bench"}).raise_for_status()
            for name, price in (("Cork Yoga Mat", 49.0), ("Foam Roller", 25.0)):
                admin.post(
                    "/v1/creators/b/products", json={"name": name, "base_price": price}
                ).raise_for_status()
            admin.put(
                "/v1/creators/b/channels/instagram", json={"account_id": ACCOUNT, **SECRETS}
            ).raise_for_status()
            failures = int(events * fail_share)
            transient = {"error": {"message": "Service temporarily unavailable", "code": 2,
                                   "is_transient": True}}  # fmt: skip
            third = failures // 3
            graph.failures.extend([(500, {})] * third  # may have gone out: unknown
                                  + [(500, {}, transient)] * third  # retried
                                  + [(429, {"Retry-After": "0"})] * (failures - 2 * third))  # fmt: skip
            bodies = []
            for i in range(events):
                ts = int(time.time() * 1000)
                body = {
                    "object": "instagram",
                    "entry": [
                        {
                            "id": ACCOUNT,
                            "time": ts,
                            "messaging": [
                                {
                                    "sender": {"id": f"9{i:06d}"},
                                    "recipient": {"id": ACCOUNT},
                                    "timestamp": ts,
                                    "message": {
                                        "mid": f"mid.bench.{i}",
                                        "text": rng.choice(QUESTIONS),
                                    },
                                }
                            ],
                        }
                    ],
                }
                bodies.append(json.dumps(body).encode())
            posts = bodies + rng.sample(bodies, int(events * retry_share))  # Meta retries
            took: list[float] = []

            def post(raw: bytes) -> int:
                t = time.perf_counter()
                r = httpx.post(f"{url}/v1/webhooks/instagram/b", content=raw, timeout=60,
                               headers={"X-Hub-Signature-256": sign(SECRETS["app_secret"], raw),
                                        "content-type": "application/json"})  # fmt: skip
                took.append((time.perf_counter() - t) * 1000)
                return r.status_code

            t0 = time.perf_counter()
            with ThreadPoolExecutor(8) as pool:
                codes = Counter(pool.map(post, posts))
            ack_s = time.perf_counter() - t0
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                rows = admin.get("/v1/creators/b/channels/instagram").json()["deliveries"]
                if rows.get("sent", 0) + rows.get("unknown", 0) >= events:
                    break
                time.sleep(0.2)
            done_s = time.perf_counter() - t0
            time.sleep(2.0)  # anything sent twice would show by now
            per_fan = Counter(s["body"]["recipient"]["id"] for s in graph.sent)
            status = admin.get("/v1/creators/b/channels/instagram").json()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return {
        "events": events,
        "webhook_posts": len(posts),
        "status_codes": {str(k): v for k, v in codes.items()},
        "ack_per_s": round(len(posts) / ack_s, 1),
        "ack_ms_p50": round(float(np.percentile(took, 50)), 1),
        "ack_ms_p95": round(float(np.percentile(took, 95)), 1),
        "answered_per_s": round(events / done_s, 1),
        "seconds_until_all_sent": round(done_s, 1),
        "injected_send_failures": failures,
        "fans_answered": len(per_fan),
        "fans_answered_twice": sum(n > 1 for n in per_fan.values()),
        "events_by_status": status["events"],
        "deliveries_by_status": status["deliveries"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400)
    args = parser.parse_args()
    print(json.dumps(bench_channels(args.events), indent=2))
