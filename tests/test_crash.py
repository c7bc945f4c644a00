"""kill -9 of the real server while it drafts and while it delivers: nothing lost, nothing twice.

The server runs as a subprocess on 127.0.0.1 (``dmpilot serve``); the test reads the SQLite
file (WAL) to kill it at the right moment, restarts it on the same data directory and lets
the start-up recovery finish what the kill interrupted.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from app.local_client import admin_client
from app.settings import Settings

ADMIN = "admin-key-for-crash-tests-01"
FANS = 600


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``dmpilot serve`` in a subprocess; ``kill()`` is a kill -9."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir, self.port = data_dir, _port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.start_args: list[str] = []
        self.prelude = ""  # Python run in the server process before the CLI (fault injection)
        self.log = data_dir.parent / f"{data_dir.name}-server.log"  # beside the data dir

    def start(self) -> None:
        env = {**os.environ, "DMPILOT_ADMIN_KEY": ADMIN, "DMPILOT_RECLUSTER_INTERVAL_S": "0"}
        head = ([sys.executable, "-c", f"{self.prelude}\nimport sys\nfrom app.cli import main\n"
                 "sys.exit(main(sys.argv[1:]))"] if self.prelude
                else [sys.executable, "-m", "app.cli"])  # fmt: skip
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [*head, "--data-dir", str(self.data_dir), "serve",
                 "--port", str(self.port), *self.start_args],
                env=env, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert self.proc.poll() is None, "the server died at start-up"
            time.sleep(0.2)
        raise AssertionError("the server did not start within 120 s")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.url}/v1/creators/k",
                            headers={"Authorization": f"Bearer {ADMIN}"}, timeout=120)  # fmt: skip


def _rows(data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{data_dir / 'dmpilot.sqlite3'}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


def _kill_when(server: Server, data_dir: Path, ready: Callable[[], bool], limit: float) -> bool:
    """Kill -9 as soon as ``ready()``; True when it was (False: the work ended first)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if ready():
            server.kill()
            return True
        time.sleep(0.01)
    server.kill()
    return False


def _in_background(call: Callable[[], Any]) -> threading.Thread:
    def run() -> None:
        try:
            call()
        except httpx.HTTPError:
            pass  # the server was killed under this request

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _wait(check: Callable[[], bool], limit: float = 180) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("recovery did not finish in time")


@pytest.fixture()
def seeded(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """600 fans who asked the same thing, in one cluster."""
    settings = Settings(data_dir=tmp_path, admin_key=SecretStr(ADMIN), recluster_interval_s=0,
                        fanout_batch_size=1)  # fmt: skip
    t0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with admin_client(settings) as c:
        assert c.post("/v1/creators", json={"id": "k", "name": "Kay"}).status_code == 201
        msgs = [{"customer_id": f"fan{i}", "chat_id": f"ig:fan{i}", "text": "do you ship to canada?",
                 "timestamp": (t0 + timedelta(seconds=i)).isoformat()} for i in range(FANS)]  # fmt: skip
        assert c.post("/v1/creators/k/inbox", json={"messages": msgs}).status_code == 200
        clusters = c.get("/v1/creators/k/clusters").json()["items"]
        assert clusters[0]["size"] == FANS, clusters[:2]
        yield tmp_path, clusters[0]["id"]


def test_kill_during_drafting_and_during_delivery_loses_nothing(seeded: tuple[Path, str]) -> None:
    data_dir, cluster = seeded
    server = Server(data_dir)
    try:
        server.start()
        with server.api() as api:
            answering = _in_background(lambda: api.post(
                f"/clusters/{cluster}/answer", json={"answer": "Yes! Canada in 5-7 days, $9.99."}))  # fmt: skip
            status = f"SELECT status FROM question_clusters WHERE id = '{cluster}'"
            killed = _kill_when(server, data_dir, lambda: _rows(data_dir, status) == [("drafting",)],
                                limit=60)  # fmt: skip
            answering.join(timeout=30)
        assert killed, "the fan-out ended before the kill: nothing was tested"
        drafts_at_kill = _rows(data_dir, "SELECT count(*) FROM fan_drafts")[0][0]

        server.start()  # recovery resumes the fan-out
        with server.api() as api:
            # The cluster leaves ``drafting`` a moment before its approval rows are written
            # (store_drafts commits, then the interrupt is synced): wait for both.
            def batch_listed() -> bool:
                if api.get(f"/clusters/{cluster}").json()["status"] == "drafting":
                    return False
                return bool(api.get("/approvals?kind=send_ready_replies").json()["total"])

            _wait(batch_listed)
            drafts = api.get(f"/clusters/{cluster}/drafts").json()["items"]
            fans = [d["customer_id"] for d in drafts]
            assert len(fans) == FANS and len(set(fans)) == FANS, (len(fans), len(set(fans)))
            batch = api.get("/approvals?kind=send_ready_replies").json()["items"]
            print(f"drafting kill: {drafts_at_kill} drafts stored at the kill, {len(fans)} after")

            # Accept the batch and kill while it delivers.
            deciding = _in_background(
                lambda: api.post(f"/approvals/{batch[0]['id']}", json={"type": "accept"})
            )
            sent = "SELECT count(*) FROM deliveries"
            killed = _kill_when(server, data_dir, lambda: _rows(data_dir, sent)[0][0] > 0,
                                limit=60)  # fmt: skip
            deciding.join(timeout=30)
        delivered_at_kill = _rows(data_dir, sent)[0][0]

        server.start()  # recovery applies the recorded decision again
        with server.api() as api:
            ready = sum(d["status"] in ("ready", "approved", "sent") for d in drafts)
            _wait(lambda: len(api.get("/deliveries").json()["items"]) >= ready)
            time.sleep(1)  # anything sent twice would show up now
            out = api.get("/deliveries").json()["items"]
            per_fan = [d["customer_id"] for d in out]
            assert len(per_fan) == len(set(per_fan)) == ready, (len(per_fan), len(set(per_fan)))
            assert (
                api.post(f"/approvals/{batch[0]['id']}", json={"type": "accept"}).status_code == 409
            )
        print(f"delivery kill ({'during' if killed else 'after'} sending): {delivered_at_kill} "
              f"delivered at the kill, {len(per_fan)} after, each fan once")  # fmt: skip
    finally:
        server.stop()


# The server kills itself (-9) just as the agent thread's checkpoint is about to be written,
# while the flag file exists: the turn's SQL writes (execution log, held reply) are committed,
# its checkpoint is not. With "<flag>-2" it dies after the checkpoint, just before the response
# is stored under the client's Idempotency-Key.
KILL_AT_CHECKPOINT = """
import os, signal
from langgraph.checkpoint.sqlite import SqliteSaver
_put = SqliteSaver.put
def put(self, config, *args, **kwargs):
    if config["configurable"]["thread_id"] == "k:victim:dm" and os.path.exists({flag!r}):
        os.kill(os.getpid(), signal.SIGKILL)
    return _put(self, config, *args, **kwargs)
SqliteSaver.put = put
from memory.idempotency import IdempotencyStore
_keep = IdempotencyStore.put
def keep(self, creator_id, key, *args, **kwargs):
    if key == "victim-3" and os.path.exists({flag!r} + "-2"):
        os.kill(os.getpid(), signal.SIGKILL)
    return _keep(self, creator_id, key, *args, **kwargs)
IdempotencyStore.put = keep
"""


def test_kill_between_a_turns_writes_and_its_checkpoint_leaves_one_turn(tmp_path: Path) -> None:
    flag = tmp_path / "kill-at-checkpoint"
    server = Server(tmp_path)
    server.prelude = KILL_AT_CHECKPOINT.format(flag=str(flag))
    victim_execs = "SELECT count(*) FROM executions WHERE customer_id = 'victim'"
    pending = "SELECT count(*) FROM approvals WHERE status = 'pending'"
    held = {"text": "I was charged twice, I want a person"}
    try:
        server.start()
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {ADMIN}"},
                          timeout=120) as admin:  # fmt: skip
            assert admin.post("/v1/creators", json={"id": "k", "name": "Kay"}).status_code == 201
        with server.api() as api:
            assert api.post("/conversations/victim/messages",
                            json={"text": "do you ship to canada?"}).status_code == 200  # fmt: skip
            before = _rows(tmp_path, pending)[0][0]  # the first reply may be held too
            flag.write_text("")
            with pytest.raises(httpx.HTTPError):  # the server dies under the request
                api.post("/conversations/victim/messages", json=held,
                         headers={"Idempotency-Key": "victim-2"})  # fmt: skip
        server.proc.wait(timeout=30)  # type: ignore[union-attr]
        # The kill hit the window: the turn's rows are there, its checkpoint is not.
        assert _rows(tmp_path, victim_execs)[0][0] == 2
        assert _rows(tmp_path, pending)[0][0] == before + 1

        flag.unlink()
        server.start()  # start-up recovery undoes the unfinished turn
        _wait(lambda: _rows(tmp_path, victim_execs)[0][0] == 1
              and _rows(tmp_path, pending)[0][0] == before)  # fmt: skip
        with server.api() as api:
            retry = api.post("/conversations/victim/messages", json=held,
                             headers={"Idempotency-Key": "victim-2"})  # fmt: skip
            assert retry.status_code == 200 and retry.json()["held_for_approval"], retry.text
            approvals = api.get("/approvals").json()
            assert approvals["total"] == before + 1, approvals
            mine = [a for a in approvals["items"] if a["id"] == retry.json()["approval_id"]]
            history = [m["text"] for m in api.get("/conversations/victim").json()["history"]]
            assert history.count(held["text"]) == 1, history
            assert _rows(tmp_path, victim_execs)[0][0] == 2
            decided = api.post(f"/approvals/{mine[0]['id']}", json={"type": "accept"})
            assert decided.status_code == 200, decided.text
            sent = [d["text"] for d in api.get("/deliveries").json()["items"]]
            assert sent == [retry.json()["reply"]], sent

            # Killed after the checkpoint, before the response was kept: the retry is answered
            # from the checkpoint, not by a second turn.
            Path(f"{flag}-2").write_text("")
            with pytest.raises(httpx.HTTPError):
                api.post("/conversations/victim/messages", json={"text": "thanks!"},
                         headers={"Idempotency-Key": "victim-3"})  # fmt: skip
        server.proc.wait(timeout=30)  # type: ignore[union-attr]
        assert _rows(tmp_path, victim_execs)[0][0] == 3
        Path(f"{flag}-2").unlink()
        server.start()
        _wait(lambda: not _rows(tmp_path, "SELECT count(*) FROM turns_in_flight")[0][0])
        with server.api() as api:
            again = api.post("/conversations/victim/messages", json={"text": "thanks!"},
                             headers={"Idempotency-Key": "victim-3"})  # fmt: skip
            assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
            assert _rows(tmp_path, victim_execs)[0][0] == 3
            history = [m["text"] for m in api.get("/conversations/victim").json()["history"]]
            assert history.count("thanks!") == 1, history
    finally:
        server.stop()


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_workers_leave_when_their_master_is_killed(tmp_path: Path) -> None:
    server = Server(tmp_path)
    server.start_args = ["--workers", "2"]
    workers: set[int] = set()
    try:
        server.start()
        assert server.proc is not None
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:  # uvicorn's spawned workers
            workers = {w for c in _children(server.proc.pid) for w in {c} | _children(c)}
            time.sleep(0.2)
        assert workers, "no worker processes found"
        server.kill()  # the master only
        deadline = time.monotonic() + 30
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(w) for w in workers), "workers kept serving without their master"
        with socket.socket() as s:  # no one listens on the port: a new server could take it
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            s.bind(("127.0.0.1", server.port))
            s.listen()
    finally:
        server.stop()
        for w in workers | (_children(server.proc.pid) if server.proc else set()):
            if _alive(w):  # only processes this test started
                os.kill(w, signal.SIGKILL)
