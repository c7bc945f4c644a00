"""The agent learns from answered clusters; flagged conversational replies wait for approval."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.local_client import admin_client
from app.settings import Settings
from bench.fans import fan_messages

CANADA = "Yes! We ship to Canada: 5-7 business days, $9.99 flat, free over $75."
LEGS = "Try 3 rounds of 15 squats, 12 lunges per leg and 20 jump squats, 3 times a week."


def _cluster_of(c: TestClient, word: str) -> str:
    for it in c.get("/v1/creators/maya/clusters?limit=200").json()["items"]:
        if any(word in r.lower() for r in it["representatives"]):
            return str(it["id"])
    raise AssertionError(word)


def test_agent_reuses_answers_and_holds_risky_replies(tmp_path: Path) -> None:
    with admin_client(Settings(data_dir=tmp_path, recluster_interval_s=0)) as c:
        c.post("/v1/creators", json={"id": "maya", "name": "Maya"})
        msgs = fan_messages(60, seed=5)
        c.post("/v1/creators/maya/inbox", json={"messages": msgs})
        for fan in sorted({m["customer_id"] for m in msgs}):
            c.post(f"/v1/creators/maya/conversations/{fan}/end")
        # Before any answer the agent escalates an advice question and holds the reply.
        r = c.post("/v1/creators/maya/conversations/new-1/messages",
                   json={"text": "how should I train legs at home?"}).json()  # fmt: skip
        assert r["held_for_approval"] and "support escalation" in r["review_reasons"]
        for word, answer in (("canada", CANADA), ("home", LEGS)):  # "leg" is in "leggings" too
            cid = _cluster_of(c, word)
            assert c.post(f"/v1/creators/maya/clusters/{cid}/answer",
                          json={"answer": answer}).status_code == 200  # fmt: skip
        # A new fan asks a covered question: the creator's answer, sent without review.
        r = c.post("/v1/creators/maya/conversations/new-2/messages",
                   json={"text": "hey do you ship to Canada?"}).json()  # fmt: skip
        assert "$9.99 flat" in r["reply"] and not r["held_for_approval"], r
        # An injured fan: same answer, with a caveat, held for a person.
        c.post("/v1/creators/maya/conversations/knee-fan/messages",
               json={"text": "I tore my ACL last year"})  # fmt: skip
        r = c.post("/v1/creators/maya/conversations/knee-fan/messages",
                   json={"text": "any leg exercises I can do at home?"}).json()  # fmt: skip
        assert "jump squats" in r["reply"] and "knee" in r["reply"].lower()
        assert r["held_for_approval"] and any("injury" in x for x in r["review_reasons"])
        pending = c.get("/v1/creators/maya/approvals").json()["items"]
        mine = next(a for a in pending if a["id"] == r["approval_id"])
        assert "injury" in mine["payload"]["description"]
        safe = "Let's keep it knee-friendly: glute bridges and wall sits. Check with your physio!"
        assert c.post(f"/v1/creators/maya/approvals/{r['approval_id']}",
                      json={"type": "edit", "args": {"text": safe}}).status_code == 200  # fmt: skip
        assert c.post(f"/v1/creators/maya/approvals/{r['approval_id']}",
                      json={"type": "accept"}).status_code == 409  # fmt: skip
        sent = [d for d in c.get("/v1/creators/maya/deliveries").json()["items"]
                if d["customer_id"] == "knee-fan"]  # fmt: skip
        assert [d["text"] for d in sent] == [safe]
        # The conversation history holds what the fan got, not the held draft.
        history = c.get("/v1/creators/maya/conversations/knee-fan").json()["history"]
        assert history[-1]["text"] == safe and "jump squats" not in str(history)


def test_conversation_messages_feed_the_inbox_in_batches(tmp_path: Path) -> None:
    with admin_client(Settings(data_dir=tmp_path, recluster_interval_s=0)) as c:
        c.post("/v1/creators", json={"id": "maya", "name": "Maya"})
        svc = c.app.state.services  # type: ignore[attr-defined]
        texts = ["hi!", "do you ship to canada?", "and what about the UK?", "is creatine safe?",
                 "ok thanks", "what size leggings should I get?", "cool", "any discount code?",
                 "how do returns work?"]  # fmt: skip
        for t in texts:
            assert c.post("/v1/creators/maya/conversations/zoe/messages",
                          json={"text": t}).status_code == 200  # fmt: skip
        svc.clusters.flush()
        assert c.get("/v1/creators/maya/clusters").json()["total"] == 0  # 9 < batch of 10
        c.post(
            "/v1/creators/maya/conversations/zoe/messages", json={"text": "when do you restock?"}
        )
        svc.clusters.flush()
        page = c.get("/v1/creators/maya/clusters?limit=50").json()
        questions = {r for it in page["items"] for r in it["representatives"]}
        assert page["total"] >= 5 and "do you ship to canada?" in questions
        assert not any(q in questions for q in ("hi!", "ok thanks", "cool"))  # nothing to answer


def test_conversation_inbox_can_be_switched_off(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, recluster_interval_s=0, conversation_inbox=False)
    with admin_client(settings) as c:
        c.post("/v1/creators", json={"id": "maya", "name": "Maya"})
        for t in ["do you ship to canada?", "is creatine safe?"] * 5:
            assert c.post("/v1/creators/maya/conversations/zoe/messages",
                          json={"text": t}).status_code == 200  # fmt: skip
        assert c.post("/v1/creators/maya/conversations/zoe/end").json()["questions"] == 0
        assert c.get("/v1/creators/maya/clusters").json()["total"] == 0
