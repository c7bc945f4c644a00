"""``dmpilot demo`` (and ``make run``): a first run leaves every web page something to show."""

from __future__ import annotations

from pathlib import Path

from app.cli import load_demo
from app.local_client import admin_client
from app.settings import Settings


def test_the_demo_seeds_an_inbox_and_conversations_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, recluster_interval_s=0)
    first = load_demo(settings, quiet=True)
    assert first["created"] > 100 and first["fan_messages"] == 73 and first["conversations"] == 2
    again = load_demo(settings, quiet=True)  # a re-run upserts the catalog, adds no messages
    assert again["created"] == 0 and again["fan_messages"] == 0 == again["conversations"]
    with admin_client(settings) as c:
        clusters = c.get("/v1/creators/demo/clusters?limit=50").json()["items"]
        assert len(clusters) >= 5 and sum(x["size"] for x in clusters) >= 60
        held = c.get("/v1/creators/demo/approvals").json()["items"]
        assert [a["kind"] for a in held] == ["send_reply"]  # the vegan offered whey, held
        c.headers.pop("Authorization")
        assert c.post("/app/login", data={"key": first["key"]}).status_code == 200
        page = c.get("/app/approvals").text
        assert "demo-vegan" in page and "which protein powder do you have?" in page
