"""kill -9 of the real server between an Instagram DM's steps: the reply goes out exactly once.

The server is ``dmpilot serve`` in a subprocess pointed at a fake Graph API on 127.0.0.1. A
fault injected in the server process kills it (SIGKILL) once, at one of two points:
- ``before_queue``: the turn ran and its answer is stored, the outbox row is not written yet;
- ``before_send``: the outbox row is committed, the Graph API has not been called.
After a restart on the same data dir the reply is sent once, the turn is not run again, and
Meta's retry of the same webhook changes nothing.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.fake_graph import FakeGraph
from tests.test_crash import ADMIN, Server, _rows
from tools.instagram import sign

ACCOUNT = "17841400000000009"
SECRETS = {"access_token": "IGAA-crash-token-1", "app_secret": "crash-app-secret-2",
           "verify_token": "crash-verify-3"}  # fmt: skip

KILL = {
    "before_queue": """
import os, signal, pathlib
import tools.channels as tc
_send = tc.OutboxAdapter.send
def send(self, *args, **kwargs):
    flag = pathlib.Path({flag!r})
    if kwargs.get("automatic") and not flag.exists():
        flag.write_text("killed")
        os.kill(os.getpid(), signal.SIGKILL)
    return _send(self, *args, **kwargs)
tc.OutboxAdapter.send = send
""",
    "before_send": """
import os, signal, pathlib
import app.channels as ch
_send = ch.Instagram._send
def send(self, delivery_id):
    flag = pathlib.Path({flag!r})
    if not flag.exists():
        flag.write_text("killed")
        os.kill(os.getpid(), signal.SIGKILL)
    return _send(self, delivery_id)
ch.Instagram._send = send
""",
}


@pytest.mark.parametrize("point", sorted(KILL))
def test_a_kill_between_the_steps_of_a_dm_sends_the_reply_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    flag = tmp_path / "killed"
    with FakeGraph() as graph:
        monkeypatch.setenv("DMPILOT_GRAPH_API_BASE", graph.url)
        monkeypatch.setenv("DMPILOT_SECRET_KEY", "")  # the key file in the data dir
        server = Server(data_dir)
        server.prelude = KILL[point].format(flag=str(flag))
        try:
            server.start()
            admin = {"Authorization": f"Bearer {ADMIN}"}
            with httpx.Client(base_url=server.url, headers=admin, timeout=60) as c:
                assert c.post("/v1/creators", json={"id": "k", "name": "Kay"}).status_code == 201
                assert c.post("/v1/creators/k/products", json={
                    "name": "Cork Yoga Mat", "base_price": 49.0, "category": "yoga"}
                ).status_code == 201  # fmt: skip
                assert c.put("/v1/creators/k/channels/instagram",
                             json={"account_id": ACCOUNT, **SECRETS}).status_code == 200  # fmt: skip
                ts = int(time.time() * 1000)
                body = json.dumps({"object": "instagram", "entry": [{"id": ACCOUNT, "time": ts,
                    "messaging": [{"sender": {"id": "555"}, "recipient": {"id": ACCOUNT},
                                   "timestamp": ts, "message": {"mid": "mid.crash.1",
                                                               "text": "do you have a yoga mat?"}}]}]}
                                  ).encode()  # fmt: skip
                hook = {"X-Hub-Signature-256": sign(SECRETS["app_secret"], body),
                        "content-type": "application/json"}  # fmt: skip
                assert c.post("/v1/webhooks/instagram/k", content=body,
                              headers=hook).json()["accepted"] == 1  # fmt: skip
            assert server.proc is not None
            server.proc.wait(timeout=60)  # the fault kills it
            assert flag.exists() and not graph.sent
            queued = _rows(data_dir, "SELECT status FROM deliveries")
            assert queued == ([("queued",)] if point == "before_send" else []), queued

            server.start()  # recovery: the event replays its stored turn, the row is sent
            deadline = time.monotonic() + 60
            while not graph.sent and time.monotonic() < deadline:
                time.sleep(0.1)
            with httpx.Client(base_url=server.url, headers=admin, timeout=60) as c:
                again = c.post("/v1/webhooks/instagram/k", content=body, headers=hook).json()
                assert again == {"accepted": 0, "duplicates": 1, "ignored": 0}
                time.sleep(1.5)
                assert len(graph.sent) == 1, graph.sent
                assert "Cork Yoga Mat" in graph.sent[0]["body"]["message"]["text"]
                history = c.get("/v1/creators/k/conversations/ig_555", params={"channel": "dm"})
                said = [m for m in history.json()["history"] if m["role"] == "customer"]
                assert len(said) == 1 and history.json()["turns"] == 1, history.json()
            assert _rows(data_dir, "SELECT status FROM deliveries") == [("sent",)]
        finally:
            server.stop()
