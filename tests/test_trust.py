"""Who may call what: keys, the per-creator isolation matrix, browser safety (issue 15).

The matrix is built from the app's own route table, so a route added later is checked
without anyone remembering to add it here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from app.main import create_app
from app.settings import Settings

ADMIN = "admin-key-for-tests-0123456789"
PUBLIC = {"/health", "/openapi.json"}
# Meta and Shopify call these with a signature (or verify token) instead of a key:
# tests/test_instagram.py and tests/test_shopify.py show unsigned and forged calls refused.
SIGNED = {"/v1/webhooks/instagram/{creator_id}", "/v1/webhooks/shopify/{creator_id}"}


def _client(settings: Settings, key: str | None = None) -> TestClient:
    """A client of a new app (enter it with ``with`` to open its services)."""
    return _on(create_app(settings), key)


def _on(app: Any, key: str | None = None) -> TestClient:
    """Another client of an app whose services are open."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return TestClient(app, base_url="http://127.0.0.1", headers=headers)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Two creators with a catalog, a conversation, clusters and a held reply each."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("trust"), admin_key=SecretStr(ADMIN),
        recluster_interval_s=0,
    )  # fmt: skip
    with _client(settings, ADMIN) as admin:
        w: dict[str, Any] = {"settings": settings, "app": admin.app}
        for cid in ("alpha", "beta"):
            assert admin.post("/v1/creators", json={"id": cid, "name": cid}).status_code == 201
            r = admin.post(f"/v1/creators/{cid}/keys", json={"name": "tests"})
            assert r.status_code == 201, r.text
            w[cid] = {"key": r.json()["key"], "key_id": r.json()["id"]}
        beta = w["beta"]
        c = _on(admin.app, beta["key"])  # beta builds its data with its own key
        r = c.post("/v1/creators/beta/products", json={"name": "Cork Yoga Mat", "base_price": 70})
        assert r.status_code == 201, r.text
        beta["product_id"] = r.json()["id"]
        r = c.post("/v1/creators/beta/conversations/fan-b/messages",
                   json={"text": "I was charged twice for my order, I want a person"})  # fmt: skip
        assert r.status_code == 200, r.text
        out = r.json()
        assert out["held_for_approval"], out
        beta["execution_id"], beta["approval_id"] = out["execution_id"], out["approval_id"]
        msgs = [
            {"customer_id": f"f{i}", "chat_id": f"f{i}", "text": t,
             "timestamp": f"2026-11-0{1 + i % 9}T10:00:00Z"}
            for i, t in enumerate(["do you ship to canada?", "shipping to canada?",
                                   "can you ship to Canada", "is the mat vegan?"] * 3)
        ]  # fmt: skip
        assert c.post("/v1/creators/beta/inbox", json={"messages": msgs}).status_code == 200
        for i in range(len(msgs)):
            c.post(f"/v1/creators/beta/conversations/f{i}/end")
        clusters = c.get("/v1/creators/beta/clusters").json()["items"]
        assert clusters
        beta["cluster_id"] = clusters[0]["id"]
        beta["snapshot"] = _snapshot(c)
        w["revoked"] = admin.post("/v1/creators/alpha/keys", json={}).json()
        assert admin.delete(f"/v1/creators/alpha/keys/{w['revoked']['id']}").status_code == 204
        yield w


def _snapshot(c: TestClient) -> dict[str, Any]:
    """What must not change when another creator's key attacks beta."""
    return {
        "products": c.get("/v1/creators/beta/products").json(),
        "approvals": c.get("/v1/creators/beta/approvals").json(),
        "clusters": c.get("/v1/creators/beta/clusters").json(),
        "conversation": c.get("/v1/creators/beta/conversations/fan-b").json()["history"],
        "creator": c.get("/v1/creators/beta").json(),
        "keys": [k["id"] for k in _on(c.app, ADMIN).get("/v1/creators/beta/keys").json()],
    }  # fmt: skip


def _routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, path) the app serves, from its OpenAPI document."""
    return [
        (method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops
    ]


def _fill(path: str, values: dict[str, Any]) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        assert name in values, f"add a value for path parameter '{name}' to the isolation test"
        return str(values[name])

    return re.sub(r"\{(\w+)\}", one, path)


def _beta_values(w: dict[str, Any]) -> dict[str, Any]:
    b = w["beta"]
    return {
        "creator_id": "beta", "product_id": b["product_id"], "customer_id": "fan-b",
        "execution_id": b["execution_id"], "cluster_id": b["cluster_id"],
        "approval_id": b["approval_id"], "key_id": b["key_id"], "delivery_id": 1,
    }  # fmt: skip


def test_every_route_needs_a_key_of_its_creator(world: dict[str, Any]) -> None:
    app = world["app"]
    routes = [(m, p) for m, p in _routes(app) if p not in PUBLIC | SIGNED]
    assert len(routes) >= 30
    values = _beta_values(world)
    anon = _on(world["app"])
    alpha = _on(world["app"], world["alpha"]["key"])
    revoked = _on(world["app"], world["revoked"]["key"])
    forged = _on(world["app"], world["alpha"]["key"][:-4] + "AAAA")
    checked = 0
    for method, template in routes:
        url = _fill(template, values)
        for who, client, want in (("no key", anon, 401), ("revoked key", revoked, 401),
                                  ("forged key", forged, 401), ("alpha's key", alpha, 403)):  # fmt: skip
            r = client.request(method, url, json={})
            assert r.status_code == want, f"{who}: {method} {url} -> {r.status_code} {r.text}"
            assert world["beta"]["key"] not in r.text and ADMIN not in r.text
            checked += 1
    beta = _on(world["app"], world["beta"]["key"])
    assert _snapshot(beta) == world["beta"]["snapshot"], "beta's data changed"
    world["checked"] = checked
    print(f"isolation: {checked} checks over {len(routes)} operations, all refused")


def test_a_creator_key_reaches_its_own_data_but_not_admin_routes(world: dict[str, Any]) -> None:
    beta = _on(world["app"], world["beta"]["key"])
    admin_only = [(m, p) for m, p in _routes(world["app"])
                  if not p.startswith("/v1/creators/{creator_id}") or "/keys" in p
                  or (m, p) == ("DELETE", "/v1/creators/{creator_id}")]  # fmt: skip
    assert ("POST", "/v1/creators") in admin_only and ("GET", "/metrics") in admin_only
    for method, template in admin_only:
        if template in PUBLIC | SIGNED:
            continue
        r = beta.request(method, _fill(template, _beta_values(world)), json={})
        assert r.status_code == 403 and "admin" in r.json()["detail"], (method, template, r.text)
    assert beta.get("/metrics").status_code == 403
    for method, template in _routes(world["app"]):
        if (
            method == "GET"
            and template.startswith("/v1/creators/{creator_id}")
            and ("/keys" not in template)
        ):
            r = beta.get(_fill(template, _beta_values(world)))
            assert r.status_code not in (401, 403), (template, r.text)
    assert beta.get("/health").status_code == 200  # public


def test_another_creators_object_ids_are_not_found(world: dict[str, Any]) -> None:
    """Alpha's key on alpha's paths, with beta's ids in them: nothing of beta's is reached."""
    b = world["beta"]
    alpha = _on(world["app"], world["alpha"]["key"])
    base = "/v1/creators/alpha"
    pid, ap, ex, cl = b["product_id"], b["approval_id"], b["execution_id"], b["cluster_id"]
    for method, url, body in [
        ("GET", f"{base}/products/{pid}", None),
        ("PATCH", f"{base}/products/{pid}", {"name": "stolen"}),
        ("DELETE", f"{base}/products/{pid}?hard=true", None),
        ("GET", f"{base}/products/{pid}/variants", None),
        ("POST", f"{base}/approvals/{ap}", {"type": "response", "args": "http://phish.example"}),
        ("GET", f"{base}/executions/{ex}", None),
        ("GET", f"{base}/clusters/{cl}", None),
        ("POST", f"{base}/clusters/{cl}/rename", {"title": "stolen"}),
        ("POST", f"{base}/clusters/{cl}/answer", {"answer": "stolen"}),
        ("GET", f"{base}/clusters/{cl}/drafts", None),
    ]:
        r = alpha.request(method, url, json=body)
        assert r.status_code == 404, f"{method} {url} -> {r.status_code} {r.text}"
    conv = alpha.get(f"{base}/conversations/fan-b")
    assert conv.status_code == 404 and "charged twice" not in conv.text
    assert alpha.get(f"{base}/approvals").json()["items"] == []
    assert alpha.get(f"{base}/deliveries").json()["items"] == []
    beta = _on(world["app"], b["key"])
    assert _snapshot(beta) == b["snapshot"]


def test_keys_are_issued_once_listed_without_secrets_and_revoked(world: dict[str, Any]) -> None:
    admin = _on(world["app"], ADMIN)
    r = admin.post("/v1/creators/alpha/keys", json={"name": "inbox app"})
    assert r.status_code == 201
    new = r.json()
    assert new["key"].startswith(f"dmp_{new['id']}_") and new["active"]
    listed = admin.get("/v1/creators/alpha/keys").json()
    assert new["id"] in [k["id"] for k in listed]
    assert new["key"] not in admin.get("/v1/creators/alpha/keys").text
    assert "key" not in listed[0]
    c = _on(world["app"], new["key"])
    assert c.get("/v1/creators/alpha").status_code == 200
    assert admin.delete(f"/v1/creators/alpha/keys/{new['id']}").status_code == 204
    r = c.get("/v1/creators/alpha")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert admin.delete(f"/v1/creators/beta/keys/{new['id']}").status_code == 404
    assert admin.post("/v1/creators/nobody/keys", json={}).status_code == 404
    assert admin.post("/v1/creators/alpha/keys", json={"name": "x" * 101}).status_code == 422
    assert admin.get("/v1/creators").status_code == 200
    assert _on(world["app"], "Bearer-less-garbage").get("/v1/creators/alpha").status_code == 401


def test_without_an_admin_key_admin_routes_are_closed(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with _client(settings, "anything-at-all-here") as c:
        assert c.post("/v1/creators", json={"id": "x", "name": "x"}).status_code == 401
        assert c.get("/health").status_code == 200


def test_browser_safety(world: dict[str, Any]) -> None:
    settings = world["settings"]
    key = world["beta"]["key"]
    c = _on(world["app"], key)
    url = "/v1/creators/beta/catalog/search?q=mat"
    assert c.get(url, headers={"Origin": "https://evil.example"}).status_code == 200
    # A state-changing request from another site's page is refused, key or not.
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"}):  # fmt: skip
        r = c.patch("/v1/creators/beta", json={"name": "pwned"}, headers=headers)
        assert r.status_code == 403 and "cross-site" in r.json()["detail"], headers
    r = c.patch("/v1/creators/beta", json={"name": "beta"},
                headers={"Origin": "http://127.0.0.1"})  # fmt: skip
    assert r.status_code == 200
    # No CORS by default: a browser gets no Access-Control-Allow-Origin.
    assert (
        "access-control-allow-origin"
        not in c.get(url, headers={"Origin": "https://evil.example"}).headers
    )
    # DNS rebinding: a Host this server is not configured for is refused.
    assert c.get(url, headers={"Host": "evil.example"}).status_code == 400
    allowed = settings.model_copy(update={"cors_origins": ["https://inbox.example"]})
    with _client(allowed, key) as c:
        pre = c.options("/v1/creators/beta/products", headers={
            "Origin": "https://inbox.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})  # fmt: skip
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == "https://inbox.example"
        r = c.patch("/v1/creators/beta", json={"name": "beta"},
                    headers={"Origin": "https://inbox.example"})  # fmt: skip
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == "https://inbox.example"


def test_per_key_rate_limit(world: dict[str, Any]) -> None:
    limited = world["settings"].model_copy(update={"key_requests_per_minute": 3})
    with _client(limited, world["beta"]["key"]) as c:
        codes = [c.get("/v1/creators/beta").status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        assert int(c.get("/v1/creators/beta").headers["retry-after"]) >= 1
        other = _on(c.app, world["alpha"]["key"])  # buckets are per key
        assert other.get("/v1/creators/alpha").status_code == 200


def test_cli_creates_creators_and_keys_that_the_api_accepts(world: dict[str, Any]) -> None:
    settings = world["settings"]
    data = str(settings.data_dir)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app.cli", "--data-dir", data, *args],
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    assert cli("creator", "create", "gamma", "--name", "Gamma").returncode == 0
    assert cli("creator", "create", "gamma").returncode == 2  # taken
    assert cli("creator", "create", "Not A Slug").returncode == 2
    out = cli("key", "create", "--creator", "gamma", "--name", "cli")
    assert out.returncode == 0, out.stderr
    key = out.stdout.strip()
    assert "not shown again" in out.stderr
    c = _on(world["app"], key)
    assert c.get("/v1/creators/gamma").json()["name"] == "Gamma"
    assert c.get("/v1/creators/beta").status_code == 403
    listing = cli("key", "list", "--creator", "gamma").stdout
    key_id = key.split("_")[1]
    assert key_id in listing and key not in listing
    assert cli("key", "revoke", key_id, "--creator", "gamma").returncode == 0
    c = _on(world["app"], key)
    assert c.get("/v1/creators/gamma").status_code == 401
    assert "gamma" in cli("creator", "list").stdout
