"""Instagram end to end against a fake Graph API on 127.0.0.1 (never the network).

Signed webhook in -> the agent's turn -> the reply sent exactly once; bad or missing
signatures and stale events refused; Meta's retried deliveries dropped; 429/500 retried;
the 24-hour and 7-day windows; long replies split; comments answered under the comment.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.local_client import admin_client
from app.settings import Settings
from tests.fake_graph import FakeGraph
from tools.instagram import sign, split_text

ACCOUNT = "17841400000000001"
SECRETS = {"access_token": "IGAA-test-token-123", "app_secret": "app-secret-456",
           "verify_token": "verify-me-789"}  # fmt: skip
FAN = "6543210987654321"
MAT = {"name": "Cork Yoga Mat", "base_price": 49.0, "category": "yoga",
       "description": "Non-slip natural cork yoga mat, 4 mm."}  # fmt: skip
ASK = "do you have a yoga mat?"  # answered by the agent itself (support questions wait)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[TestClient, FakeGraph]]:
    with FakeGraph() as graph:
        settings = Settings(data_dir=tmp_path, recluster_interval_s=0, graph_api_base=graph.url,
                            graph_attempts=3, webhook_max_age_s=10 * 86400)  # fmt: skip
        with admin_client(settings) as c:
            assert c.post("/v1/creators", json={"id": "maya", "name": "Maya"}).status_code == 201
            assert c.post("/v1/creators/maya/products", json=MAT).status_code == 201
            r = c.put("/v1/creators/maya/channels/instagram",
                      json={"account_id": ACCOUNT, **SECRETS})  # fmt: skip
            assert r.status_code == 200, r.text
            yield c, graph


def _dm(mid: str, text: str, sender: str = FAN, ago: timedelta = timedelta(0)) -> dict[str, Any]:
    ts = int((datetime.now(UTC) - ago).timestamp() * 1000)
    return {"object": "instagram", "entry": [{"id": ACCOUNT, "time": ts, "messaging": [
        {"sender": {"id": sender}, "recipient": {"id": ACCOUNT}, "timestamp": ts,
         "message": {"mid": mid, "text": text}}]}]}  # fmt: skip


def _post(c: TestClient, body: dict[str, Any], secret: str = SECRETS["app_secret"]) -> Any:
    raw = json.dumps(body).encode()
    return c.post("/v1/webhooks/instagram/maya", content=raw,
                  headers={"X-Hub-Signature-256": sign(secret, raw),
                           "content-type": "application/json", "Authorization": ""})  # fmt: skip


def _until(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def _deliveries(c: TestClient) -> list[dict[str, Any]]:
    return list(c.get("/v1/creators/maya/deliveries").json()["items"])


def test_handshake_echoes_the_challenge_only_for_the_verify_token(world) -> None:
    c, _ = world
    ok = c.get("/v1/webhooks/instagram/maya", headers={"Authorization": ""},
               params={"hub.mode": "subscribe", "hub.verify_token": SECRETS["verify_token"],
                       "hub.challenge": "1158201444"})  # fmt: skip
    assert ok.status_code == 200 and ok.text == "1158201444"
    bad = c.get("/v1/webhooks/instagram/maya", headers={"Authorization": ""},
                params={"hub.mode": "subscribe", "hub.verify_token": "guess",
                        "hub.challenge": "1"})  # fmt: skip
    assert bad.status_code == 403
    # A creator without Instagram answers like a wrong token: who is connected is not told.
    assert c.get("/v1/webhooks/instagram/nobody", headers={"Authorization": ""},
                 params={"hub.mode": "subscribe", "hub.verify_token": "x",
                         "hub.challenge": "1"}).status_code == 403  # fmt: skip


def test_a_signed_dm_is_answered_and_sent_exactly_once(world) -> None:
    c, graph = world
    body = _dm("mid.1", ASK)
    t0 = time.perf_counter()
    r = _post(c, body)
    assert r.status_code == 200 and r.json() == {"accepted": 1, "duplicates": 0, "ignored": 0}
    assert time.perf_counter() - t0 < 2.0  # acknowledged before the turn runs
    sent = _until(lambda: graph.sent)
    assert sent[0]["node"] == ACCOUNT and sent[0]["body"]["recipient"] == {"id": FAN}
    assert "Cork Yoga Mat" in sent[0]["body"]["message"]["text"]
    assert sent[0]["auth"] == f"Bearer {SECRETS['access_token']}"
    # Meta delivers the same event again (a retry): stored once, answered once.
    again = _post(c, body)
    assert again.json() == {"accepted": 0, "duplicates": 1, "ignored": 0}
    time.sleep(1.5)
    assert len(graph.sent) == 1
    row = _until(lambda: [d for d in _deliveries(c) if d["status"] == "sent"])[0]
    assert row["channel"] == "instagram" and row["external_ids"] == ["mid.fake.1"]
    # The conversation is the agent's thread for this fan, like any other.
    convo = c.get(f"/v1/creators/maya/conversations/ig_{FAN}?channel=dm")
    assert convo.status_code == 200 and "yoga mat" in convo.text.lower()
    # Secrets are never shown.
    status = c.get("/v1/creators/maya/channels/instagram")
    assert status.json()["credentials_set"] == ["access_token", "app_secret", "verify_token"]
    assert not any(v in status.text for v in SECRETS.values())
    assert status.json()["deliveries"] == {"sent": 1} and status.json()["events"] == {"done": 1}


def test_unsigned_forged_and_stale_events_are_refused(world) -> None:
    c, graph = world
    body = _dm("mid.2", "hello?")
    raw = json.dumps(body).encode()
    headers = {"content-type": "application/json", "Authorization": ""}
    assert c.post("/v1/webhooks/instagram/maya", content=raw,
                  headers=headers).status_code == 401  # fmt: skip
    assert _post(c, body, secret="not-the-secret").status_code == 401
    tampered = dict(body, object="instagram")
    tampered["entry"][0]["messaging"][0]["message"]["text"] = "send me everything"
    assert c.post("/v1/webhooks/instagram/maya", content=json.dumps(tampered).encode(),
                  headers={**headers, "X-Hub-Signature-256": sign(SECRETS["app_secret"], raw)}
                  ).status_code == 401  # fmt: skip
    assert _post(c, _dm("mid.3", "old news", ago=timedelta(days=11))).status_code == 403
    # In a fresh body, a stale event is skipped (never processed), the rest stored.
    mixed = _dm("mid.3b", "hello again")
    mixed["entry"].append(_dm("mid.3c", "very old", ago=timedelta(days=11))["entry"][0])
    assert _post(c, mixed).json() == {"accepted": 1, "duplicates": 0, "ignored": 1}
    assert _post(c, {"object": "instagram"}).status_code == 400  # signed, but not an event
    # Echoes of our own messages and read receipts are acknowledged and ignored.
    echo = _dm("mid.4", "our reply")
    echo["entry"][0]["messaging"][0]["message"]["is_echo"] = True
    read = {
        "object": "instagram",
        "entry": [
            {
                "id": ACCOUNT,
                "time": 1,
                "messaging": [
                    {"sender": {"id": FAN}, "recipient": {"id": ACCOUNT}, "read": {"mid": "mid.1"}}
                ],
            }
        ],
    }
    assert _post(c, echo).json() == {"accepted": 0, "duplicates": 0, "ignored": 1}
    assert _post(c, read).json() == {"accepted": 0, "duplicates": 0, "ignored": 1}
    time.sleep(1.0)
    assert c.get("/v1/creators/maya/channels/instagram").json()["events"] == {"done": 1}
    assert c.post("/v1/webhooks/instagram/maya", content=raw, headers={
        **headers, "X-Hub-Signature-256": "sha256=ünïcode".encode("latin-1")}).status_code == 401  # fmt: skip


def test_a_429_is_retried_a_500_or_timeout_is_never_sent_twice(world) -> None:
    c, graph = world
    graph.failures.extend([(429, {"Retry-After": "0"}), (429, {})])
    assert _post(c, _dm("mid.5", ASK)).json()["accepted"] == 1
    _until(lambda: graph.sent)
    time.sleep(1.0)
    assert len(graph.sent) == 1 and graph.calls == 3  # 429 means not sent: retried
    # Meta says a 500 was transient (not processed): sent again.
    graph.failures.append((500, {}, {"error": {"message": "Service temporarily unavailable",
                                               "code": 2, "is_transient": True}}))  # fmt: skip
    assert _post(c, _dm("mid.5a", ASK, sender="504")).json()["accepted"] == 1
    _until(lambda: [s for s in graph.sent if s["body"]["recipient"]["id"] == "504"])
    assert graph.calls == 5
    # Any other 500 may or may not have gone out: not retried, shown as unknown to a person.
    graph.failures.append((500, {}))
    assert _post(c, _dm("mid.5b", ASK, sender="505")).json()["accepted"] == 1
    unknown = _until(lambda: [d for d in _deliveries(c) if d["status"] == "unknown"])
    time.sleep(1.0)
    assert graph.calls == 6 and len(graph.sent) == 2
    # A timeout after the request went out: the fake did deliver it, dmpilot never resends.
    ig = c.app.state.instagram  # type: ignore[attr-defined]
    ig.graph._http.timeout = httpx.Timeout(0.3)
    graph.delay_s = 1.0
    assert _post(c, _dm("mid.5c", ASK, sender="506")).json()["accepted"] == 1
    timed_out = _until(
        lambda: [
            d for d in _deliveries(c) if d["customer_id"] == "ig_506" and d["status"] == "unknown"
        ]
    )
    time.sleep(2.0)
    assert [s["body"]["recipient"]["id"] for s in graph.sent].count("506") == 1, timed_out
    graph.delay_s = 0.0
    ig.graph._http.timeout = httpx.Timeout(10.0)
    # The person checked Instagram and sends the 500 one again: now it goes out, once.
    r = c.post(f"/v1/creators/maya/deliveries/{unknown[0]['id']}/retry")
    assert r.status_code == 200 and r.json()["status"] == "queued", r.text
    _until(lambda: [s for s in graph.sent if s["body"]["recipient"]["id"] == "505"])
    assert c.post(f"/v1/creators/maya/deliveries/{unknown[0]['id']}/retry").status_code == 409


def test_windows_human_agent_tag_and_long_replies(world) -> None:
    c, graph = world
    # A fan who wrote two days ago: the agent's own reply is held, not sent.
    assert _post(c, _dm("mid.6", ASK, sender="111",
                        ago=timedelta(days=2))).json()["accepted"] == 1  # fmt: skip
    held = _until(lambda: [d for d in _deliveries(c) if d["status"] == "held"])
    assert "24-hour" in held[0]["error"] and graph.calls == 0
    # A reply a person approved goes out with the HUMAN_AGENT tag, split to fit.
    assert _post(c, _dm("mid.7", "I was charged twice for my order, I want a person",
                        sender="111", ago=timedelta(days=2))).json()["accepted"] == 1  # fmt: skip
    pending = _until(lambda: c.get("/v1/creators/maya/approvals").json()["items"])
    long = " ".join(["Sorry about the double charge, we refunded it today."] * 45)
    r = c.post(f"/v1/creators/maya/approvals/{pending[0]['id']}",
               json={"type": "response", "args": long})  # fmt: skip
    assert r.status_code == 200, r.text
    parts = _until(lambda: graph.sent if len(graph.sent) >= 3 else None)
    assert len(parts) == len(split_text(long, 1000)) == 3
    assert all(p["body"]["tag"] == "HUMAN_AGENT" for p in parts)
    assert all(len(p["body"]["message"]["text"]) <= 1000 for p in parts)
    assert " ".join(p["body"]["message"]["text"] for p in parts).split() == long.split()
    # Over seven days: nothing may be sent, even approved.
    assert _post(c, _dm("mid.8", ASK, sender="222",
                        ago=timedelta(days=8))).json()["accepted"] == 1  # fmt: skip
    late = _until(lambda: [d for d in _deliveries(c)
                           if d["customer_id"] == "ig_222" and d["status"] == "held"])  # fmt: skip
    assert "7 days" in late[0]["error"]


def test_a_comment_is_answered_under_the_comment_it_answers(world) -> None:
    c, graph = world
    ts = int(datetime.now(UTC).timestamp())
    body = {"object": "instagram", "entry": [{"id": ACCOUNT, "time": ts, "changes": [
        {"field": "comments", "value": {"id": "17865799348089039", "text": ASK,
                                        "from": {"id": "333", "username": "fan333"},
                                        "media": {"id": "media-1"}}}]}]}  # fmt: skip
    assert _post(c, body).json()["accepted"] == 1
    sent = _until(lambda: graph.sent)
    assert sent[0]["kind"] == "reply" and sent[0]["node"] == "17865799348089039"
    assert len(sent[0]["body"]["message"]) <= 300


def test_a_send_cut_by_a_crash_is_not_sent_again(world) -> None:
    c, graph = world
    ig = c.app.state.instagram  # type: ignore[attr-defined]
    svc = c.app.state.services  # type: ignore[attr-defined]
    assert _post(c, _dm("mid.9", ASK, sender="444")).status_code == 200
    _until(lambda: graph.sent)
    from memory.fanout import Delivery

    def recorded() -> bool:  # the worker wrote "sent" (else it would overwrite the crash below)
        with svc.sessions() as s:
            return bool(s.query(Delivery).one().status == "sent")

    _until(recorded)
    with svc.sessions.begin() as s:  # as if the worker died inside the Graph call
        row = s.query(Delivery).one()
        row.status, row.parts_sent = "sending", 0
    assert ig.recover() == {"events": 0, "unknown_sends": 1}
    ig.wake()
    time.sleep(1.5)
    assert len(graph.sent) == 1
    assert _deliveries(c)[0]["status"] == "unknown"


def test_channel_settings_are_per_creator(world) -> None:
    c, _ = world
    assert c.post("/v1/creators", json={"id": "other", "name": "O"}).status_code == 201
    key = c.post("/v1/creators/other/keys", json={"name": "k"}).json()["key"]
    auth = {"Authorization": f"Bearer {key}"}
    assert c.get("/v1/creators/maya/channels/instagram", headers=auth).status_code == 403
    assert c.put("/v1/creators/maya/channels/instagram", headers=auth,
                 json={"account_id": "1", **SECRETS}).status_code == 403  # fmt: skip
    assert c.get("/v1/creators/other/channels/instagram",
                 headers=auth).json()["connected"] is False  # fmt: skip
    # The same Instagram account cannot be connected to two creators.
    assert c.put("/v1/creators/other/channels/instagram", headers=auth,
                 json={"account_id": ACCOUNT, **SECRETS}).status_code == 409  # fmt: skip
    # A webhook for a creator without Instagram answers like a forged one.
    raw = json.dumps(_dm("mid.10", "hi")).encode()
    assert c.post("/v1/webhooks/instagram/other", content=raw, headers={
        "X-Hub-Signature-256": sign(SECRETS["app_secret"], raw), "Authorization": ""}
    ).status_code == 401  # fmt: skip
    # Another creator's deliveries cannot be retried.
    assert c.post("/v1/creators/maya/deliveries/1/retry", headers=auth).status_code == 403
    assert c.post("/v1/creators/other/deliveries/1/retry", headers=auth).status_code == 404


def test_answer_once_reaches_fans_inside_the_window_only(world) -> None:
    """A fan who last wrote two days ago is marked, and the Graph API never hears of them."""
    c, graph = world
    for fan, ago in (("701", timedelta(hours=1)), ("702", timedelta(hours=2)),
                     ("703", timedelta(days=2))):  # fmt: skip
        r = _post(c, _dm(f"mid.fan.{fan}", "do you ship to canada?", sender=fan, ago=ago))
        assert r.json()["accepted"] == 1
    _until(lambda: c.get("/v1/creators/maya/channels/instagram").json()["events"].get("done")
           == 3)  # fmt: skip
    for fan in ("701", "702", "703"):
        assert c.post(f"/v1/creators/maya/conversations/ig_{fan}/end").status_code == 200
    clusters = c.get("/v1/creators/maya/clusters").json()["items"]
    canada = next(cl for cl in clusters if cl["size"] == 3)
    r = c.post(f"/v1/creators/maya/clusters/{canada['id']}/answer",
               json={"answer": "Yes! We ship to Canada in 5-7 days."})  # fmt: skip
    assert r.status_code == 200, r.text
    batch = _until(lambda: c.get("/v1/creators/maya/approvals?kind=send_ready_replies").json()[
        "items"])  # fmt: skip
    assert c.post(f"/v1/creators/maya/approvals/{batch[0]['id']}",
                  json={"type": "accept"}).status_code == 200  # fmt: skip

    def settled() -> dict[str, Any] | None:
        drafts = c.get(f"/v1/creators/maya/clusters/{canada['id']}/drafts").json()["items"]
        by_fan = {d["customer_id"]: d for d in drafts}
        done = all(d.get("delivery_status") in ("sent", "held") for d in by_fan.values())
        return by_fan if len(by_fan) == 3 and done else None

    by_fan = _until(settled)
    assert by_fan["ig_701"]["delivery_status"] == by_fan["ig_702"]["delivery_status"] == "sent"
    assert by_fan["ig_703"]["delivery_status"] == "held"
    assert "24-hour" in by_fan["ig_703"]["delivery_error"]
    canada_sends = [s for s in graph.sent if "Canada in 5-7 days" in s["body"]["message"]["text"]]
    assert sorted(s["body"]["recipient"]["id"] for s in canada_sends) == ["701", "702"]
    assert all("tag" not in s["body"] for s in canada_sends)


def test_a_comment_can_be_answered_privately_once(world) -> None:
    """With ``private_reply`` on, the answer goes in Instagram's one private reply per comment
    and the public reply only points to it; Meta's retry sends neither again."""
    c, graph = world
    r = c.patch(
        "/v1/creators/maya",
        json={
            "channel_settings": {
                "dm": {"max_chars": 1000},
                "comment": {"max_chars": 300, "private_reply": True},
            }
        },
    )
    assert r.status_code == 200, r.text
    ts = int(datetime.now(UTC).timestamp())
    body = {"object": "instagram", "entry": [{"id": ACCOUNT, "time": ts, "changes": [
        {"field": "comments", "value": {"id": "17865799348089111", "text": ASK,
                                        "from": {"id": "444"}, "media": {"id": "m-2"}}}]}]}  # fmt: skip
    assert _post(c, body).json()["accepted"] == 1
    sent = _until(lambda: graph.sent if len(graph.sent) >= 2 else None)
    private = [s for s in sent if s["kind"] == "message"]
    public = [s for s in sent if s["kind"] == "reply"]
    assert len(private) == 1 and private[0]["node"] == ACCOUNT
    assert private[0]["body"]["recipient"] == {"comment_id": "17865799348089111"}
    assert "Cork Yoga Mat" in private[0]["body"]["message"]["text"]
    assert len(public) == 1 and public[0]["node"] == "17865799348089111"
    assert "Cork Yoga Mat" not in public[0]["body"]["message"]
    assert _post(c, body).json()["duplicates"] == 1
    time.sleep(1.0)
    assert len(graph.sent) == 2


def test_one_fans_dms_are_answered_in_order_by_two_workers(tmp_path: Path) -> None:
    """Two app instances (two worker processes' worth of Instagram workers) on one data dir:
    a fan's messages are answered in the order they were sent, each once."""
    with FakeGraph() as graph:
        settings = Settings(data_dir=tmp_path, recluster_interval_s=0, graph_api_base=graph.url,
                            channel_sends_per_second=1000)  # fmt: skip
        with admin_client(settings) as first, admin_client(settings) as second:
            assert (
                first.post("/v1/creators", json={"id": "maya", "name": "Maya"}).status_code == 201
            )
            assert first.post("/v1/creators/maya/products", json=MAT).status_code == 201
            assert first.put("/v1/creators/maya/channels/instagram",
                             json={"account_id": ACCOUNT, **SECRETS}).status_code == 200  # fmt: skip
            texts = [f"question {i}: do you have a yoga mat?" for i in range(6)]
            body = _dm("mid.o.0", texts[0])
            messaging = body["entry"][0]["messaging"]
            for i, text in enumerate(texts[1:], start=1):
                messaging.append({**messaging[0], "timestamp": messaging[0]["timestamp"] + i,
                                  "message": {"mid": f"mid.o.{i}", "text": text}})  # fmt: skip
            assert _post(second, body).json()["accepted"] == 6
            _until(lambda: len(graph.sent) >= 6)
            time.sleep(1.0)
            history = first.get(f"/v1/creators/maya/conversations/ig_{FAN}").json()["history"]
            said = [m["text"] for m in history if m["role"] == "customer"]
            assert said == texts, said
            assert len(graph.sent) == 6


def test_sends_keep_to_the_per_creator_rate(tmp_path: Path) -> None:
    with FakeGraph() as graph:
        settings = Settings(data_dir=tmp_path, recluster_interval_s=0, graph_api_base=graph.url,
                            channel_sends_per_second=2.0)  # fmt: skip
        with admin_client(settings) as c:
            assert c.post("/v1/creators", json={"id": "maya", "name": "Maya"}).status_code == 201
            assert c.put("/v1/creators/maya/channels/instagram",
                         json={"account_id": ACCOUNT, **SECRETS}).status_code == 200  # fmt: skip
            long = " ".join(["A long answer sentence that goes on for a while."] * 120)
            assert _post(c, _dm("mid.r.1", "hi there", sender="808")).json()["accepted"] == 1
            _until(lambda: graph.sent)
            svc = c.app.state.services  # type: ignore[attr-defined]
            t0 = time.monotonic()
            svc.outbox.send("maya", "ig_808", "maya:ig_808:dm", long, "rate:1", "d1")
            _until(lambda: len(graph.sent) >= 1 + len(split_text(long, 1000)))
            parts = len(split_text(long, 1000))
            assert parts >= 6
            # 2 per second, a bucket of 2: the first two at once, then one every half second.
            assert time.monotonic() - t0 >= (parts - 2) / 2.0 - 0.3, parts


def test_a_fans_next_event_waits_while_an_earlier_one_is_open(world) -> None:
    """The ordering rule itself: another worker holding event 1 keeps event 2 waiting."""
    c, _ = world
    svc = c.app.state.services  # type: ignore[attr-defined]
    from memory.channels import ChannelEvent, worker_id

    now = datetime.now(UTC)
    with svc.sessions.begin() as s:
        for i, status in ((1, "working"), (2, "pending")):
            s.add(ChannelEvent(creator_id="maya", channel="instagram", event_id=f"ord-{i}",
                               kind="dm", customer_id="ig_999", sender_id="999", text=ASK,
                               detail={}, sent_at=now, status=status, attempts=0,
                               owner=worker_id() if status == "working" else None))  # fmt: skip
    ig = c.app.state.instagram  # type: ignore[attr-defined]
    ig.wake()
    time.sleep(1.5)

    def status(event_id: str) -> str:
        with svc.sessions() as s:
            return str(s.query(ChannelEvent.status).filter_by(event_id=event_id).scalar())

    assert status("ord-2") == "pending"  # not overtaken
    with svc.sessions.begin() as s:
        s.query(ChannelEvent).filter_by(event_id="ord-1").update({"status": "done"})
    ig.wake()
    _until(lambda: status("ord-2") == "done")
