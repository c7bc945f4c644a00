"""Bounded storage: checkpoints pruned to the latest per thread, data purged after retention."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from app.local_client import admin_client
from app.settings import Settings

ADMIN = "admin-key-retention-0001"


def _checkpoints(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT thread_id, count(*) FROM checkpoints GROUP BY thread_id"))


def test_pruning_keeps_every_thread_working(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, admin_key=SecretStr(ADMIN), recluster_interval_s=0,
                        maintenance_interval_s=0)  # fmt: skip
    with admin_client(settings) as c:
        svc = c.app.state.services  # type: ignore[attr-defined]
        assert c.post("/v1/creators", json={"id": "r", "name": "Rae"}).status_code == 201
        api = "/v1/creators/r/conversations/zoe"
        for text in ("hi, I'm vegan", "do you ship to canada?", "what's your return policy?"):
            assert c.post(f"{api}/messages", json={"text": text}).status_code == 200
        held = c.post(f"{api}/messages", json={"text": "I was charged twice, I want a person"})
        assert held.json()["held_for_approval"]
        before = _checkpoints(settings.checkpoint_path)
        assert before["r:zoe:dm"] == 4, before  # one per turn

        done = svc.maintain()
        after = _checkpoints(settings.checkpoint_path)
        assert set(after) == set(before) and set(after.values()) == {1}, after
        assert done["checkpoints"] == sum(before.values()) - len(before)
        assert svc.maintain()["checkpoints"] == 0  # nothing left to prune

        # The thread still has its history, its profile and its next turn ...
        convo = c.get(api).json()
        texts = [m["text"] for m in convo["history"]]
        assert "hi, I'm vegan" in texts and "I was charged twice, I want a person" in texts
        assert c.post(f"{api}/messages", json={"text": "thanks"}).status_code == 200
        # ... and the held reply, paused on a pruned thread, is still decided and delivered.
        approval = held.json()["approval_id"]
        r = c.post(f"/v1/creators/r/approvals/{approval}",
                   json={"type": "response", "args": "A person will refund you today."})  # fmt: skip
        assert r.status_code == 200, r.text
        sent = c.get("/v1/creators/r/deliveries").json()["items"]
        assert [d["text"] for d in sent] == ["A person will refund you today."]


def test_retention_purges_old_messages_and_executions(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, admin_key=SecretStr(ADMIN), recluster_interval_s=0,
                        maintenance_interval_s=0, retain_messages_days=30,
                        retain_executions_days=30, fanout_batch_size=1)  # fmt: skip
    now = datetime.now(UTC)
    with admin_client(settings) as c:
        assert c.post("/v1/creators", json={"id": "r", "name": "Rae"}).status_code == 201
        old = c.post("/v1/creators/r/conversations/ann/messages", json={"text": "any mats?"})
        new = c.post("/v1/creators/r/conversations/bob/messages", json={"text": "any bands?"})
        msgs = [{"customer_id": f"fan{i}", "chat_id": f"ig:fan{i}", "text": "do you ship to canada?",
                 "timestamp": (now - timedelta(days=d)).isoformat()}
                for i, d in enumerate([90, 45, 2])]  # fmt: skip
        assert c.post("/v1/creators/r/inbox", json={"messages": msgs}).status_code == 200
    with sqlite3.connect(settings.sqlite_path) as db:  # ann's turn was 100 days ago
        stamp = (now - timedelta(days=100)).strftime("%Y-%m-%d %H:%M:%S.%f")
        db.execute("UPDATE executions SET created_at = ? WHERE id = ?",
                   (stamp, old.json()["execution_id"]))  # fmt: skip
        inbox_before = db.execute("SELECT count(*) FROM inbox_messages").fetchone()[0]

    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "--data-dir", str(tmp_path), "maintain"],
        capture_output=True, text=True, timeout=120,
        env={"DMPILOT_RETAIN_MESSAGES_DAYS": "30", "DMPILOT_RETAIN_EXECUTIONS_DAYS": "30",
             "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "messages: 2 deleted" in out.stdout and "executions: 1 deleted" in out.stdout, out.stdout

    with admin_client(settings) as c:
        ex = "/v1/creators/r/executions"
        assert c.get(f"{ex}/{old.json()['execution_id']}").status_code == 404
        assert c.get(f"{ex}/{new.json()['execution_id']}").status_code == 200
    with sqlite3.connect(settings.sqlite_path) as db:
        left = db.execute("SELECT count(*) FROM inbox_messages").fetchone()[0]
    assert left == inbox_before - 2
