"""Shopify kept in sync, against a fake Admin API on 127.0.0.1 (never the network).

A full sync reads every cursor page (a 429 on the way is waited out), a second one changes
nothing, a product gone from the shop is deactivated; signed webhooks change what the agent
recommends within the request; forged webhooks and retried deliveries change nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.local_client import admin_client
from app.settings import Settings
from tests.fake_shopify import FakeShopify
from tools.shopify import sign

SHOP = "maya-fit.myshopify.com"
SECRETS = {"access_token": "shpat_test_0123456789", "webhook_secret": "shpss_test_abcdef"}
FOREIGN = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "catalogs"
MAT = {"id": 7001, "title": "Cork Yoga Mat", "handle": "cork-yoga-mat", "product_type": "Yoga",
       "body_html": "<p>Non-slip natural cork yoga mat, 4 mm.</p>", "vendor": "Maya",
       "options": [{"name": "Title", "position": 1}],
       "variants": [{"id": 8001, "title": "Default Title", "option1": "Default Title",
                     "price": "49.00", "inventory_quantity": 5}]}  # fmt: skip


def _world(tmp: Path, fake: FakeShopify) -> TestClient:
    settings = Settings(data_dir=tmp, recluster_interval_s=0,
                        shopify_api_base=f"{fake.url}/{{shop}}/admin/api/2025-10")  # fmt: skip
    return admin_client(settings)


def _connect(c: TestClient) -> None:
    assert c.post("/v1/creators", json={"id": "maya", "name": "Maya"}).status_code == 201
    r = c.put("/v1/creators/maya/channels/shopify", json={"shop": SHOP, **SECRETS})
    assert r.status_code == 200, r.text


def _hook(c: TestClient, topic: str, body: dict[str, Any], webhook_id: str,
          secret: str = SECRETS["webhook_secret"]) -> Any:  # fmt: skip
    raw = json.dumps(body).encode()
    return c.post("/v1/webhooks/shopify/maya", content=raw, headers={
        "X-Shopify-Hmac-Sha256": sign(secret, raw), "X-Shopify-Topic": topic,
        "X-Shopify-Webhook-Id": webhook_id, "X-Shopify-Shop-Domain": SHOP,
        "content-type": "application/json", "Authorization": ""})  # fmt: skip


def _ask(c: TestClient, text: str, fan: str = "fan-1") -> str:
    r = c.post(f"/v1/creators/maya/conversations/{fan}/messages", json={"text": text})
    assert r.status_code == 200, r.text
    return str(r.json()["reply"])


@pytest.fixture
def foreign_products() -> list[dict[str, Any]]:
    path = FOREIGN / "vendure_demo_shopify.json"
    if not path.exists():
        pytest.skip(f"{path} not found")
    return list(json.loads(path.read_text())["products"])


def test_full_sync_reads_every_page_and_mirrors_deletions(tmp_path, foreign_products) -> None:
    with FakeShopify(foreign_products, page_size=10) as fake, _world(tmp_path, fake) as c:
        _connect(c)
        fake.failures.append((429, {"Retry-After": "0"}))
        r = c.post("/v1/creators/maya/channels/shopify/sync")
        assert r.status_code == 200, r.text
        n = len(foreign_products)
        report = r.json()
        assert report["pages"] == -(-n // 10) and report["products"] == n, report
        assert report["created"] + len(report["errors"]) == n and report["deactivated"] == 0
        assert all(q["token"] == SECRETS["access_token"] for q in fake.requests)
        assert [q["query"].get("page_info") for q in fake.requests[1:3]] == [None, "10"]
        hits = c.get("/v1/creators/maya/catalog/search", params={"q": "laptop"}).json()
        assert any(h["name"] == "Laptop" for h in hits["hits"]), hits
        again = c.post("/v1/creators/maya/channels/shopify/sync").json()
        assert again["created"] == 0 and again["updated"] == 0 and again["deactivated"] == 0
        gone = fake.products.pop(0)
        third = c.post("/v1/creators/maya/channels/shopify/sync").json()
        assert third["deactivated"] == 1
        hits = c.get("/v1/creators/maya/catalog/search", params={"q": gone["title"]}).json()
        assert all(h["name"] != gone["title"] for h in hits["hits"])
        status = c.get("/v1/creators/maya/channels/shopify").json()
        assert status["last_sync"]["deactivated"] == 1
        assert status["credentials_set"] == ["access_token", "webhook_secret"]
        assert not any(v in json.dumps(status) for v in SECRETS.values())


def test_webhooks_change_what_the_agent_recommends_at_once(tmp_path) -> None:
    with FakeShopify([MAT]) as fake, _world(tmp_path, fake) as c:
        _connect(c)
        assert c.post("/v1/creators/maya/channels/shopify/sync").json()["created"] == 1
        assert "49" in _ask(c, "do you have a yoga mat?")
        # A forged webhook changes nothing.
        cheaper = json.loads(json.dumps(MAT))
        cheaper["variants"][0]["price"] = "39.00"
        cheaper["variants"][0]["inventory_item_id"] = 900_008_001
        assert _hook(c, "products/update", cheaper, "w-1", secret="wrong").status_code == 401
        assert "49" in _ask(c, "do you have a yoga mat?", "fan-2")
        # The price change is live for the very next message.
        r = _hook(c, "products/update", cheaper, "w-2")
        assert r.status_code == 200 and r.json() == {"applied": True, "duplicate": False,
                                                     "topic": "products/update"}  # fmt: skip
        reply = _ask(c, "do you have a yoga mat?", "fan-3")
        assert "39" in reply and "49" not in reply, reply
        # Shopify retries the same delivery: applied once.
        assert _hook(c, "products/update", cheaper, "w-2").json()["duplicate"] is True
        # Two locations: one sells out, the other still has 2 (read back from the API).
        fake.levels["900008001"] = [{"location_id": 1, "available": 0},
                                    {"location_id": 2, "available": 2}]  # fmt: skip
        stock_change = {"inventory_item_id": 900_008_001, "location_id": 1, "available": 0}
        assert _hook(c, "inventory_levels/update", stock_change, "w-3a").json()["applied"]
        pid = c.get("/v1/creators/maya/catalog/search", params={"q": "yoga mat"}).json()[
            "hits"][0]["product_id"]  # fmt: skip
        stock = c.get(f"/v1/creators/maya/products/{pid}/variants").json()["variants"]
        assert [v["stock"] for v in stock] == [2]
        # An update older than the stored version (delivered late) is not applied.
        newer = dict(cheaper, updated_at="2026-12-01T00:00:00-05:00")
        late = dict(cheaper, updated_at="2020-01-01T00:00:00-05:00",
                    variants=[dict(cheaper["variants"][0], price="99.00")])  # fmt: skip
        assert _hook(c, "products/update", newer, "w-2b").json()["applied"] is True
        assert _hook(c, "products/update", late, "w-2c").json()["applied"] is False
        # Sold out everywhere: no longer offered as in stock.
        fake.levels["900008001"] = [{"location_id": 1, "available": 0},
                                    {"location_id": 2, "available": 0}]  # fmt: skip
        assert _hook(c, "inventory_levels/update", stock_change, "w-3").json()["applied"]
        in_stock = c.get("/v1/creators/maya/catalog/search",
                         params={"q": "yoga mat", "in_stock": "true"}).json()  # fmt: skip
        assert in_stock["relaxed"], in_stock  # only found by relaxing "in stock"
        pid = in_stock["hits"][0]["product_id"]
        variants = c.get(f"/v1/creators/maya/products/{pid}/variants").json()
        assert [v["stock"] for v in variants["variants"]] == [0], variants
        # Deleted in the shop: gone from search.
        assert _hook(c, "products/delete", {"id": 7001}, "w-4").json()["applied"] is True
        hits = c.get("/v1/creators/maya/catalog/search", params={"q": "yoga mat"}).json()
        assert all(h["name"] != "Cork Yoga Mat" for h in hits["hits"])


def test_webhooks_of_another_shop_or_creator_are_refused(tmp_path) -> None:
    with FakeShopify([MAT]) as fake, _world(tmp_path, fake) as c:
        _connect(c)
        raw = json.dumps(MAT).encode()
        headers = {"X-Shopify-Hmac-Sha256": sign(SECRETS["webhook_secret"], raw),
                   "X-Shopify-Topic": "products/create", "Authorization": ""}  # fmt: skip
        other = c.post(
            "/v1/webhooks/shopify/maya",
            content=raw,
            headers={**headers, "X-Shopify-Shop-Domain": "evil.myshopify.com"},
        )
        assert other.status_code == 403
        assert c.post("/v1/webhooks/shopify/maya", content=raw,
                      headers={"X-Shopify-Topic": "products/create",
                               "Authorization": ""}).status_code == 401  # fmt: skip
        assert c.post("/v1/webhooks/shopify/nobody", content=raw,
                      headers=headers).status_code == 401  # fmt: skip
        assert (
            c.put(
                "/v1/creators/maya/channels/shopify",
                json={"shop": "https://evil.example", **SECRETS},
            ).status_code
            == 422
        )
        assert c.post("/v1/creators", json={"id": "other", "name": "O"}).status_code == 201
        key = c.post("/v1/creators/other/keys", json={"name": "k"}).json()["key"]
        auth = {"Authorization": f"Bearer {key}"}
        assert c.get("/v1/creators/maya/channels/shopify", headers=auth).status_code == 403
        assert c.post("/v1/creators/maya/channels/shopify/sync",
                      headers=auth).status_code == 403  # fmt: skip
        assert c.put("/v1/creators/other/channels/shopify", headers=auth,
                     json={"shop": SHOP, **SECRETS}).status_code == 409  # fmt: skip
