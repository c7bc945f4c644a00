"""A fan's data: exported whole, and deleted so that no file in the data directory keeps it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from app.local_client import admin_client
from app.settings import Settings

SECRET = "elephant-7731"  # in every message Zoe sends, and nowhere else


def _files_with(root: Path, needle: bytes) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and needle in p.read_bytes().lower()]  # fmt: skip


def test_export_then_delete_leaves_no_trace(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, admin_key=SecretStr("admin-key-privacy-0001"),
                        recluster_interval_s=0, fanout_batch_size=1)  # fmt: skip
    t0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with admin_client(settings) as c:
        assert c.post("/v1/creators", json={"id": "p", "name": "Pia"}).status_code == 201
        api = "/v1/creators/p"
        zoe = f"{api}/conversations/zoe/messages"
        assert c.post(zoe, json={"text": f"hi! I'm {SECRET}, vegan, do you ship to canada?"},
                      headers={"Idempotency-Key": "z-1"}).status_code == 200  # fmt: skip
        held = c.post(zoe, json={"text": f"I was charged twice ({SECRET}), I want a person"})
        assert held.json()["held_for_approval"]
        assert c.post(f"{api}/conversations/ben/messages",
                      json={"text": "green-tiger-4242 here: do you ship to canada?"}).status_code == 200  # fmt: skip
        msgs = [{"customer_id": who, "chat_id": f"ig:{who}", "timestamp": (t0 + timedelta(minutes=i)).isoformat(),
                 "text": f"do you ship to canada? ({SECRET})" if who == "zoe" else "do you ship to canada?"}
                for i, who in enumerate(["zoe", "ann", "bob", "cid"])]  # fmt: skip
        assert c.post(f"{api}/inbox", json={"messages": msgs}).status_code == 200
        cluster = next(cl["id"] for cl in c.get(f"{api}/clusters").json()["items"]
                       if "canada" in str(cl).lower())  # fmt: skip
        assert c.post(f"{api}/clusters/{cluster}/answer",
                      json={"answer": "Yes! Canada in 5-7 days."}).status_code == 200  # fmt: skip

        export = c.get(f"{api}/customers/zoe/export")
        assert export.status_code == 200 and SECRET in export.text
        assert export.json()["conversations"]["dm"]["messages"]
        # A fan-out with Zoe's draft still waits: deleting now would break it.
        r = c.delete(f"{api}/customers/zoe")
        assert r.status_code == 409 and cluster in r.json()["detail"]
        for a in c.get(f"{api}/approvals").json()["items"]:
            if a["thread_id"].startswith("fanout:"):
                assert (
                    c.post(f"{api}/approvals/{a['id']}", json={"type": "accept"}).status_code == 200
                )
        assert any(d["customer_id"] == "zoe" for d in c.get(f"{api}/deliveries").json()["items"])
        assert _files_with(tmp_path, SECRET.encode()), "the test would prove nothing"

        r = c.delete(f"{api}/customers/zoe")
        assert r.status_code == 200, r.text
        counts = r.json()
        # two turns; her two DMs feed the inbox too, besides her bulk-uploaded message
        assert (
            counts["executions"] == 2 and counts["inbox_messages"] == 3 and counts["approvals"] >= 1
        )

        assert c.get(f"{api}/customers/zoe/export").status_code == 404
        assert c.get(f"{api}/conversations/zoe").status_code == 404
        assert all(d["customer_id"] != "zoe" for d in c.get(f"{api}/deliveries").json()["items"])
        assert SECRET not in str(c.get(f"{api}/approvals").json())
        # Everyone else is untouched.
        assert (
            c.get(f"{api}/conversations/ben").json()["history"][0]["text"].startswith("green-tiger")
        )
        assert {d["customer_id"] for d in c.get(f"{api}/deliveries").json()["items"]} >= {
            "ann",
            "bob",
        }
        # Not in any file of the data directory: databases, write-ahead logs, vectors.
        assert _files_with(tmp_path, SECRET.encode()) == []
        # A retry of Zoe's first message is a new turn, not a replay of deleted data.
        again = c.post(zoe, json={"text": "hello again"}, headers={"Idempotency-Key": "z-1"})
        assert again.status_code == 200 and "idempotent-replayed" not in again.headers
