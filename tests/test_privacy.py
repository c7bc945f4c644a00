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


def test_deleting_a_creator_leaves_no_trace_and_spares_the_others(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, admin_key=SecretStr("admin-key-privacy-0001"),
                        recluster_interval_s=0, fanout_batch_size=1)  # fmt: skip
    mark = "quokka-5150"  # in gone's catalog, messages and answers, nowhere else
    t0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with admin_client(settings) as c:
        for cid in ("gone", "stay"):
            assert c.post("/v1/creators", json={"id": cid, "name": cid.title()}).status_code == 201
            product = {"name": f"Trail mat {mark if cid == 'gone' else 'plain'}", "base_price": 30}
            assert c.post(f"/v1/creators/{cid}/products", json=product).status_code == 201
        key = c.post("/v1/creators/gone/keys", json={"name": "laptop"}).json()["key"]
        api = "/v1/creators/gone"
        assert c.post(f"{api}/conversations/zoe/messages",
                      json={"text": f"{mark}: any trail mats?"}).status_code == 200  # fmt: skip
        held = c.post(f"{api}/conversations/zoe/messages",
                      json={"text": f"I was charged twice ({mark}), I want a person"})  # fmt: skip
        assert held.json()["held_for_approval"]
        msgs = [{"customer_id": f"f{i}", "chat_id": f"ig:f{i}", "text": f"do you ship to canada? {mark}",
                 "timestamp": (t0 + timedelta(minutes=i)).isoformat()} for i in range(3)]  # fmt: skip
        assert c.post(f"{api}/inbox", json={"messages": msgs}).status_code == 200
        cluster = c.get(f"{api}/clusters").json()["items"][0]["id"]
        assert c.post(f"{api}/clusters/{cluster}/answer",
                      json={"answer": f"Yes, {mark} ships to Canada."}).status_code == 200  # fmt: skip
        assert c.post("/v1/creators/stay/conversations/ann/messages",
                      json={"text": "any trail mats?"}).status_code == 200  # fmt: skip
        assert _files_with(tmp_path, mark.encode()), "the test would prove nothing"

        r = c.delete(api)
        assert r.status_code == 200, r.text
        counts = r.json()
        assert counts["products"] == 1 and counts["api_keys"] == 1 and counts["executions"] == 2
        assert counts["checkpoint_threads"] >= 3  # zoe's thread, her held reply, the fan-out

        assert c.get(api).status_code == 404 and c.delete(api).status_code == 404
        assert c.get(api, headers={"Authorization": f"Bearer {key}"}).status_code == 401
        assert "gone" not in {x["id"] for x in c.get("/v1/creators").json()}
        # Another creator with the same id starts empty: no cached catalog, vectors or clusters.
        assert c.post("/v1/creators", json={"id": "gone", "name": "New"}).status_code == 201
        assert c.get(f"{api}/catalog/search", params={"q": "trail mat"}).json()["hits"] == []
        assert c.get(f"{api}/clusters").json()["items"] == []
        assert c.get(f"{api}/approvals").json()["total"] == 0
        assert c.get(f"{api}/conversations/zoe").status_code == 404
        # The other creator is untouched.
        stay = c.get("/v1/creators/stay/catalog/search", params={"q": "trail mat"}).json()
        assert [p["name"] for p in stay["hits"]] == ["Trail mat plain"]
        assert c.get("/v1/creators/stay/conversations/ann").status_code == 200
    assert _files_with(tmp_path, mark.encode()) == []


def test_dropping_a_creators_vectors_removes_their_files(tmp_path: Path) -> None:
    """Chroma leaves a deleted collection's HNSW directory on disk; ``drop`` removes it."""
    import numpy as np

    from memory.vectors import VectorStore

    store = VectorStore(tmp_path)
    rng = np.random.default_rng(7)
    for cid in ("gone", "stay"):  # enough vectors that the index is written to disk
        store.upsert(cid, [f"{cid}-{i}" for i in range(1500)],
                     rng.random((1500, 384), dtype=np.float32))  # fmt: skip
    dirs = {d.name for d in tmp_path.iterdir() if d.is_dir()}
    assert len(dirs) == 2, dirs  # one HNSW segment directory per collection
    store.drop("gone")
    left = {d.name for d in tmp_path.iterdir() if d.is_dir()}
    assert len(left) == 1 and left < dirs, left
    assert len(store.query("stay", rng.random(384, dtype=np.float32), 3)) == 3
