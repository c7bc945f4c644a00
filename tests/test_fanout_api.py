"""Fan-out end to end through the HTTP API: inbox -> clusters -> answers -> drafts -> approvals.

Real SQLite, Chroma, MiniLM and the compiled fan-out graph with its SQLite checkpointer; the
app is restarted in the middle of the approvals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.local_client import admin_client
from app.settings import Settings
from bench.fans import CHATTY_FAN, INJURED_FAN, VEGAN_FAN, fan_messages

PROTEIN = (
    "I'd go with whey isolate: 25 g within an hour after training. Use code MAYA10 for 10% off 💪"
)
LEGS = (
    "Try this circuit: 3 rounds of 15 squats, 12 lunges per leg and 20 jump squats, 3 times a "
    "week. Progressive overload is the key!"
)
CANADA = "Yes! We ship to Canada: 5-7 business days, $9.99 flat, free over $75 🇨🇦"


def _app(tmp: Path) -> TestClient:
    return admin_client(Settings(data_dir=tmp, recluster_interval_s=0))


def _cluster_with(c: TestClient, fan: str, word: str) -> str:
    for it in c.get("/v1/creators/maya/clusters?limit=200").json()["items"]:
        detail = c.get(f"/v1/creators/maya/clusters/{it['id']}").json()
        if any(q["customer_id"] == fan and word in q["text"] for q in detail["questions"]):
            return str(it["id"])
    raise AssertionError(f"no cluster holds {fan}'s question about {word}")


def _approvals(c: TestClient) -> list[dict[str, Any]]:
    """Every pending approval, read in small pages (the pages must add up to the total)."""
    items: list[dict[str, Any]] = []
    while True:
        r = c.get(f"/v1/creators/maya/approvals?limit=7&offset={len(items)}")
        assert r.status_code == 200
        page = r.json()
        items += page["items"]
        if len(page["items"]) < 7:
            assert page["total"] == len(items) == len({a["id"] for a in items})
            return items


def test_fanout_end_to_end_with_restart(tmp_path: Path) -> None:
    msgs = fan_messages(200)
    fans = sorted({m["customer_id"] for m in msgs})
    with _app(tmp_path) as c:
        assert c.post("/v1/creators", json={"id": "maya", "name": "Maya"}).status_code == 201
        r = c.post("/v1/creators/maya/inbox", json={"messages": msgs})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["accepted"] == len(msgs) and body["duplicates"] == 0
        assert body["chats_analysed"] == 1  # the chatty fan reached 10 messages; others wait
        again = c.post("/v1/creators/maya/inbox", json={"messages": msgs[:5]}).json()
        assert again["accepted"] == 0 and again["duplicates"] == 5  # retried upload: no dupes
        for fan in fans:
            assert c.post(f"/v1/creators/maya/conversations/{fan}/end").status_code == 200
        page = c.get("/v1/creators/maya/clusters?limit=200&sort=size").json()
        sizes = [it["size"] for it in page["items"]]
        # ~10 distinct questions from 200 fans: big clusters appear, largest first.
        assert sum(s >= 10 for s in sizes) >= 7 and sizes == sorted(sizes, reverse=True)
        assert page["items"][0]["representatives"] and page["items"][0]["title"]
        protein = _cluster_with(c, VEGAN_FAN, "protein")
        legs = _cluster_with(c, INJURED_FAN, "leg")
        canada = _cluster_with(c, CHATTY_FAN, "anada")
        assert len({protein, legs, canada}) == 3

        for cid, answer in ((protein, PROTEIN), (legs, LEGS), (canada, CANADA)):
            r = c.post(f"/v1/creators/maya/clusters/{cid}/answer", json={"answer": answer})
            assert r.status_code == 200, r.text
            assert r.json()["drafts"].get("ready", 0) >= 5
        assert c.post(f"/v1/creators/maya/clusters/{canada}/answer",
                      json={"answer": CANADA}).status_code == 409  # fmt: skip

        drafts = {
            d["customer_id"]: d
            for cid in (protein, legs)
            for d in c.get(f"/v1/creators/maya/clusters/{cid}/drafts").json()["items"]
        }
        vegan, knee = drafts[VEGAN_FAN], drafts[INJURED_FAN]
        assert vegan["status"] == "needs_review" and knee["status"] == "needs_review"
        assert [(x["type"], x["fact"]) for x in vegan["checks"]["conflicts"]] == [
            ("dietary", "vegan")
        ]
        assert ("injury", "knee") in [(x["type"], x["fact"]) for x in knee["checks"]["conflicts"]]
        assert "MAYA10" in vegan["text"] and "10%" in vegan["text"]  # substance kept
        assert c.get("/v1/creators/maya/deliveries").json()["items"] == []  # nothing sent yet

        pending = _approvals(c)
        reviews = {a["payload"]["action_request"]["args"]["draft_id"]: a for a in pending
                   if a["kind"] == "send_reply"}  # fmt: skip
        batches = [a for a in pending if a["kind"] == "send_ready_replies"]
        assert vegan["id"] in reviews and knee["id"] in reviews and len(batches) == 3
        assert "vegan" in reviews[vegan["id"]]["payload"]["description"]
        # Invalid decisions are 4xx and consume nothing.
        vegan_ap = reviews[vegan["id"]]["id"]
        assert (
            c.post(f"/v1/creators/maya/approvals/{vegan_ap}", json={"type": "edit"}).status_code
            == 400
        )
        assert (
            c.post("/v1/creators/maya/approvals/nope", json={"type": "accept"}).status_code == 404
        )
        assert (
            c.post(f"/v1/creators/maya/approvals/{vegan_ap}", json={"type": "maybe"}).status_code
            == 422
        )
        edited = "Hey! For you I'd pick our vegan pea protein: 25 g after training. Code MAYA10."
        r = c.post(
            f"/v1/creators/maya/approvals/{vegan_ap}",
            json={"type": "edit", "args": {"text": edited}},
        )
        assert r.status_code == 200, r.text
        assert (
            c.post(f"/v1/creators/maya/approvals/{vegan_ap}", json={"type": "accept"}).status_code
            == 409
        )
        # Sent at its own decision: it does not wait for the cluster's other approvals.
        sent_now = c.get("/v1/creators/maya/deliveries").json()["items"]
        assert [(d["draft_id"], d["text"]) for d in sent_now] == [(vegan["id"], edited)]
        batch_protein = next(b for b in batches if protein_ids(b, drafts, protein))
        assert c.post(f"/v1/creators/maya/approvals/{batch_protein['id']}",
                      json={"type": "accept"}).status_code == 200  # fmt: skip
    # Restart: a new app on the same data directory sees the same pending approvals.
    with _app(tmp_path) as c:
        pending = _approvals(c)
        ids = {a["id"] for a in pending}
        assert vegan_ap not in ids and batch_protein["id"] not in ids
        knee_ap = next(
            a["id"] for a in pending
            if a["kind"] == "send_reply"
            and a["payload"]["action_request"]["args"]["draft_id"] == knee["id"]
        )  # fmt: skip
        assert (
            c.post(f"/v1/creators/maya/approvals/{knee_ap}", json={"type": "ignore"}).status_code
            == 200
        )
        for a in _approvals(c):
            if a["kind"] == "send_ready_replies":
                assert (
                    c.post(
                        f"/v1/creators/maya/approvals/{a['id']}", json={"type": "accept"}
                    ).status_code
                    == 200
                )
            else:  # any other flagged draft: the creator writes the reply herself
                r = c.post(
                    f"/v1/creators/maya/approvals/{a['id']}",
                    json={"type": "response", "args": "Thanks! I'll DM you details."},
                )
                assert r.status_code == 200  # fmt: skip
        assert _approvals(c) == []

        sent = c.get("/v1/creators/maya/deliveries").json()["items"]
        keys = [d["idempotency_key"] for d in sent]
        assert len(keys) == len(set(keys))  # exactly once
        by_customer = {d["customer_id"]: d for d in sent if d["draft_id"] == vegan["id"]}
        assert by_customer[VEGAN_FAN]["text"] == edited
        assert all(d["draft_id"] != knee["id"] for d in sent)  # ignored: never sent
        all_drafts = [
            d
            for cid in (protein, legs, canada)
            for d in c.get(f"/v1/creators/maya/clusters/{cid}/drafts").json()["items"]
        ]
        approved = [d for d in all_drafts if d["status"] == "sent"]
        assert len(approved) == len(sent) and {d["id"] for d in approved} == {
            d["draft_id"] for d in sent
        }
        statuses = {cid: c.get(f"/v1/creators/maya/clusters/{cid}").json()["status"]
                    for cid in (protein, legs, canada)}  # fmt: skip
        assert set(statuses.values()) == {"sent"}


def protein_ids(batch: dict[str, Any], drafts: dict[str, Any], cluster: str) -> bool:
    """Whether a batch approval holds drafts of ``cluster``."""
    ids = set(batch["payload"]["action_request"]["args"]["draft_ids"])
    return any(d["id"] in ids and d["cluster_id"] == cluster for d in drafts.values())
