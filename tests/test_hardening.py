"""Hostile input gets a clear 4xx and loses nothing (issue 15): every case was a 500 or worse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.local_client import admin_client
from app.settings import Settings

HUGE = 9223372036854775808  # 2**63: one past SQLite's INTEGER


@pytest.fixture(scope="module")
def c(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("hard"), recluster_interval_s=0,
                        max_body_bytes=64 * 1024)  # fmt: skip
    with admin_client(settings) as client:
        assert client.post("/v1/creators", json={"id": "shop", "name": "Shop"}).status_code == 201
        for name, price in (("Cork Yoga Mat", 70), ("Travel Yoga Mat", 39), ("Vegan Protein", 30)):
            r = client.post("/v1/creators/shop/products", json={"name": name, "base_price": price})
            assert r.status_code == 201
        yield client


def test_out_of_range_integers_are_422(c: TestClient) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        r = c.request(method, f"/v1/creators/shop/products/{HUGE}", json={"name": "x"})
        assert r.status_code == 422, (method, r.text)
    body = {"name": "Mat", "variants": [{"price": 10, "stock": 99999999999999999999}]}
    r = c.post("/v1/creators/shop/products", json=body)
    assert r.status_code == 422 and "stock" in r.text
    r = c.post("/v1/creators/shop/catalog/compare", json={"product_ids": [1, HUGE]})
    assert r.status_code == 422
    assert c.get(f"/v1/creators/shop/products?offset={HUGE}").status_code == 422
    assert c.get("/v1/creators/shop/catalog/search?q=mat&max_price=nan").status_code == 422


def test_one_bad_row_never_loses_an_import(c: TestClient) -> None:
    products = [
        {"id": 1, "title": "Good Mat", "variants": [{"price": "20.00", "inventory_quantity": 3}]},
        {"id": 2, "title": "Bad Mat",
         "variants": [{"price": "20.00", "inventory_quantity": 99999999999999999999}]},
        {"id": 3, "title": "Other Good Mat", "variants": [{"price": "25.00"}]},
    ]  # fmt: skip
    r = c.post("/v1/creators/shop/catalog/import?format=shopify",
               files={"file": ("p.json", json.dumps({"products": products}))})  # fmt: skip
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["created"] == 2 and [e["row"] for e in out["errors"]] == [2], out


def test_deep_nesting_is_refused_with_a_reason(c: TestClient) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    r = c.post("/v1/creators/shop/catalog/import?format=json", files={"file": ("d.json", deep)})
    assert r.status_code == 400 and "nested" in r.json()["detail"], r.text
    r = c.post("/v1/creators/shop/conversations/deep/messages", content=deep[:60_000],
               headers={"content-type": "application/json"})  # fmt: skip
    assert 400 <= r.status_code < 500


def test_a_chunked_body_is_cut_off_at_the_limit(c: TestClient) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(1000):  # 64 MB offered, 64 KiB allowed
            sent += 1
            yield b" " * 65_536

    r = c.post("/v1/creators/shop/conversations/big/messages", content=chunks(),
               headers={"content-type": "application/json"})  # fmt: skip
    assert r.status_code == 413 and "larger than" in r.json()["detail"]
    r = c.post("/v1/creators/shop/conversations/big/messages", json={"text": "still fine?"})
    assert r.status_code == 200


def say(c: TestClient, who: str, text: str) -> dict[str, Any]:
    r = c.post(f"/v1/creators/shop/conversations/{who}/messages", json={"text": text})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_questions_per_message_are_bounded_and_never_dropped_silently(c: TestClient) -> None:
    out = say(c, "spam", ("is the cork mat vegan? " * 200)[:4000])
    assert len(out["questions"]) == 1
    many = " ".join(f"do you have a {w} mat?" for w in
                    ["red", "blue", "green", "pink", "black", "white", "grey", "gold",
                     "silver", "purple", "orange", "brown", "beige"])  # fmt: skip
    out = say(c, "many", many)
    assert len(out["questions"]) == 8
    assert out["held_for_approval"] and any("5 more questions" in r for r in out["review_reasons"])


def test_reply_limits_are_validated(c: TestClient) -> None:
    for bad in (0, -5, 10**9, "long"):
        r = c.post("/v1/creators", json={"id": f"lim{abs(hash(str(bad))) % 1000}", "name": "L",
                                         "channel_settings": {"dm": {"max_chars": bad}}})  # fmt: skip
        assert r.status_code == 422, (bad, r.text)
    r = c.post("/v1/creators", json={"id": "lim-ok", "name": "L",
                                     "channel_settings": {"dm": {"max_chars": 500}}})  # fmt: skip
    assert r.status_code == 201 and r.json()["channel_settings"]["dm"] == {
        "max_chars": 500,
        "private_reply": False,
    }


def test_control_and_bidi_characters_are_stripped(c: TestClient) -> None:
    r = c.post("/v1/creators/shop/products",
               json={"name": "Safe\u202eMat\x00", "base_price": 5, "tags": ["a\x07b"]})  # fmt: skip
    assert r.status_code == 201
    assert r.json()["name"] == "SafeMat" and r.json()["tags"] == ["ab"]
    say(c, "bidi", "do you have the cork mat\u202e?\x00")
    history = c.get("/v1/creators/shop/conversations/bidi").json()["history"]
    assert history[0]["text"] == "do you have the cork mat?"


def test_a_retried_message_or_decision_acts_once(c: TestClient) -> None:
    url = "/v1/creators/shop/conversations/retry/messages"
    first = c.post(url, json={"text": "do you have yoga mats?"}, headers={"Idempotency-Key": "m-1"})
    again = c.post(url, json={"text": "do you have yoga mats?"}, headers={"Idempotency-Key": "m-1"})
    assert first.status_code == again.status_code == 200
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["execution_id"] == first.json()["execution_id"]
    history = c.get("/v1/creators/shop/conversations/retry").json()["history"]
    assert len(history) == 2  # one turn, not two
    other = c.post(url, json={"text": "and blocks?"}, headers={"Idempotency-Key": "m-1"})
    assert other.status_code == 422 and "different request" in other.json()["detail"]
    assert (
        c.post(url, json={"text": "x"}, headers={"Idempotency-Key": "bad key!"}).status_code == 422
    )

    held = say(c, "refund", "I was charged twice for my order, I want to talk to a person")
    assert held["held_for_approval"]
    decide = f"/v1/creators/shop/approvals/{held['approval_id']}"
    body = {"type": "response", "args": "So sorry! I've refunded the second charge."}
    one = c.post(decide, json=body, headers={"Idempotency-Key": "d-1"})
    two = c.post(decide, json=body, headers={"Idempotency-Key": "d-1"})
    assert one.status_code == two.status_code == 200 and two.json() == one.json()
    assert c.post(decide, json=body).status_code == 409  # without the key: decided twice
    sent = [d for d in c.get("/v1/creators/shop/deliveries").json()["items"]
            if d["customer_id"] == "refund"]  # fmt: skip
    assert len(sent) == 1


def test_health_sees_lost_vectors_and_they_are_rebuilt(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    import shutil
    import subprocess
    import sys

    import httpx

    from tests.test_crash import ADMIN, Server

    data = tmp_path_factory.mktemp("health")
    settings = Settings(data_dir=data, recluster_interval_s=0)
    with admin_client(settings) as c:
        c.post("/v1/creators", json={"id": "h", "name": "H"})
        for n in ("Cork Yoga Mat", "Travel Yoga Mat", "Foam Roller"):
            assert (
                c.post("/v1/creators/h/products", json={"name": n, "base_price": 9}).status_code
                == 201
            )
        assert c.get("/health").json()["vector_store"] == "ok"
        svc = c.app.state.services  # type: ignore[attr-defined]
        svc.vectors.delete("h", ["1"])  # the vector store loses one
        r = c.get("/health")
        assert r.status_code == 503 and "h has 2 of 3 product vectors" in r.json()["vector_store"]
    out = subprocess.run([sys.executable, "-m", "app.cli", "--data-dir", str(data), "reindex"],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert out.returncode == 0 and "h: 2 vectors before, 3 products embedded" in out.stdout
    with admin_client(settings) as c:
        assert c.get("/health").status_code == 200
    shutil.rmtree(data / "chroma")  # the whole vector store is gone: rebuilt at start-up
    server = Server(data)  # a new process, as after a real loss (Chroma caches per process)
    try:
        server.start()  # waits for /health 200: the rebuild is what makes it healthy
        hits = httpx.get(f"{server.url}/v1/creators/h/catalog/search", params={"q": "yoga mat"},
                         headers={"Authorization": f"Bearer {ADMIN}"}, timeout=60).json()["hits"]  # fmt: skip
        assert {h["name"] for h in hits} >= {"Cork Yoga Mat", "Travel Yoga Mat"}
    finally:
        server.stop()


def test_health_fails_when_store_files_vanish_under_the_running_server(tmp_path) -> None:
    """Open handles keep answering after their files are deleted: /health must not say ok."""
    settings = Settings(data_dir=tmp_path, recluster_interval_s=0, maintenance_interval_s=0)
    with admin_client(settings) as c:
        assert c.post("/v1/creators", json={"id": "h", "name": "H"}).status_code == 201
        assert (
            c.post("/v1/creators/h/conversations/a/messages", json={"text": "hi"}).status_code
            == 200
        )
        ok = c.get("/health")
        assert ok.status_code == 200 and ok.json()["checkpoints"] == "ok", ok.json()
        settings.checkpoint_path.unlink()
        r = c.get("/health")
        assert r.status_code == 503 and "checkpoints.sqlite3 is missing" in r.json()["checkpoints"]
        settings.sqlite_path.unlink()
        assert "dmpilot.sqlite3 is missing" in c.get("/health").json()["database"]
        assert (
            c.get("/v1/creators/h").status_code == 200
        )  # the handle still answers: why /health checks
