"""The web app's sign-in, isolation and cross-site rules (TestClient; the browser test drives
the journeys)."""

from __future__ import annotations

from pathlib import Path

from app.local_client import admin_client
from app.settings import Settings
from bench.fans import fan_messages, recent


def test_sessions_are_per_creator_and_end_with_their_key(tmp_path: Path) -> None:
    with admin_client(Settings(data_dir=tmp_path, recluster_interval_s=0)) as c:
        for cid in ("maya", "other"):
            assert c.post("/v1/creators", json={"id": cid, "name": cid}).status_code == 201
        maya = c.post("/v1/creators/maya/keys", json={"name": "web"}).json()
        other = c.post("/v1/creators/other/keys", json={"name": "web"}).json()
        msgs = recent(fan_messages(30))
        c.post("/v1/creators/maya/inbox", json={"messages": msgs})
        for fan in sorted({m["customer_id"] for m in msgs}):
            c.post(f"/v1/creators/maya/conversations/{fan}/end")
        cluster = c.get("/v1/creators/maya/clusters").json()["items"][0]["id"]
        c.headers.pop("Authorization")
        # No session: every page sends the browser to the sign-in form.
        for path in ("/app/approvals", "/app/clusters", f"/app/clusters/{cluster}"):
            r = c.get(path, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/app/login", path
        # A made-up key signs nobody in.
        assert c.post("/app/login", data={"key": "x" * 40}).status_code == 401
        # Another creator's session does not reach maya's cluster.
        r = c.post("/app/login", data={"key": other["key"]}, follow_redirects=False)
        assert r.status_code == 303 and "HttpOnly" in r.headers["set-cookie"]
        assert "samesite=strict" in r.headers["set-cookie"].lower()
        assert c.get(f"/app/clusters/{cluster}").status_code == 404
        assert c.post(f"/app/clusters/{cluster}/answer", data={"answer": "hi"}).status_code == 404
        assert "No questions yet" in c.get("/app/clusters").text
        assert "No conversations" in c.get("/app/conversations").text
        assert c.get("/app/conversations/fan-001").status_code == 404
        # Maya's session sees it; a page of another site cannot post with her cookie.
        c.post("/app/login", data={"key": maya["key"]})
        assert c.get(f"/app/clusters/{cluster}").status_code == 200
        page = c.get("/app/insights?days=30").text
        assert "What fans ask most" in page and f'href="/app/clusters/{cluster}"' in page
        assert c.get("/app/insights?days=13").status_code == 200  # an odd period: 7 days
        assert c.get("/app/conversations?q=%25&offset=-5").status_code == 200  # odd input
        assert "must be a number" in c.get("/app/catalog?q=mat&max_price=abc").text
        r = c.post("/app/catalog/import", files={"file": ("c.csv", b"name,price\nCork Mat,49\n")})
        assert r.status_code == 200 and "1 created" in r.text, r.text
        assert c.post("/app/catalog/import", files={"file": ("e.csv", b"  ")}).status_code == 400
        assert c.post(f"/app/clusters/{cluster}/answer", data={"answer": "hi"},
                      headers={"Origin": "https://evil.example"}).status_code == 403  # fmt: skip
        # Revoking the key ends the sessions opened with it.
        admin = {"Authorization": f"Bearer {c.app.state.services.settings.admin_key.get_secret_value()}"}  # type: ignore[attr-defined]  # fmt: skip
        assert c.delete(f"/v1/creators/maya/keys/{maya['id']}", headers=admin).status_code in (
            200, 204)  # fmt: skip
        r = c.get("/app/clusters", follow_redirects=False)
        assert r.status_code == 303
