"""The web app's decisions, cluster edits, long work and error pages (TestClient, real stores).

Each test drives the pages as a browser would (forms, redirects, the htmx fragments) over the
real SQLite, Chroma, MiniLM and compiled graphs, and checks the result through the JSON API.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.local_client import admin_client
from app.settings import Settings
from bench.fans import fan_messages, recent


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """Creator ``k`` with 60 fans' questions clustered, signed in through the form."""
    with admin_client(Settings(data_dir=tmp_path, recluster_interval_s=0)) as c:
        assert c.post("/v1/creators", json={"id": "k", "name": "Kay"}).status_code == 201
        key = c.post("/v1/creators/k/keys", json={"name": "web"}).json()["key"]
        msgs = recent(fan_messages(60))
        assert c.post("/v1/creators/k/inbox", json={"messages": msgs}).status_code == 200
        for fan in sorted({m["customer_id"] for m in msgs}):
            assert c.post(f"/v1/creators/k/conversations/{fan}/end").status_code == 200
        c.headers.pop("Authorization")
        assert c.post("/app/login", data={"key": key}).status_code == 200
        yield c, key


def _api(c: TestClient, key: str, method: str, path: str, **kw: Any) -> Any:
    r = c.request(method, path, headers={"Authorization": f"Bearer {key}"}, **kw)
    assert r.status_code < 300, r.text
    return r.json()


def _held_reply(c: TestClient, key: str) -> str:
    """A vegan asks for a belt that is leather: the reply is held with the conflict."""
    _api(c, key, "POST", "/v1/creators/k/products", json={
        "name": "Leather Lifting Belt", "base_price": 59.0,
        "description": "Genuine cowhide leather belt"})  # fmt: skip
    _api(c, key, "POST", "/v1/creators/k/conversations/vee/messages",
         json={"text": "hi! I'm vegan"})  # fmt: skip
    out = _api(c, key, "POST", "/v1/creators/k/conversations/vee/messages",
               json={"text": "do you have a lifting belt?"})  # fmt: skip
    assert out["held_for_approval"], out
    return str(out["approval_id"])


def test_a_held_reply_shows_its_context_and_an_edit_is_delivered(web) -> None:
    c, key = web
    approval = _held_reply(c, key)
    page = c.get("/app/approvals").text
    card = page[page.index(f'id="ap-{approval}"') :]
    card = card[: card.index("</article>")]
    # The fan's own words, what dmpilot learned, and the conflict it found, next to the buttons.
    assert "do you have a lifting belt?" in card and "hi! I&#39;m vegan" in card, card
    assert "vegan" in card.split("<h3>What dmpilot knows</h3>")[1]
    assert "high-severity conflict: material (vegan)" in card  # a leather belt
    assert 'href="/app/conversations/vee?channel=dm"' in card
    # The list poll swaps nothing while the list is unchanged, and everything when it changed.
    seen = re.search(r"/app/approvals/list\?seen=(\w+)", page)
    assert seen is not None
    assert c.get(f"/app/approvals/list?seen={seen.group(1)}").status_code == 204
    assert c.get("/app/approvals/list?seen=stale").status_code == 200
    # An empty edit is refused with a readable page, and nothing is decided.
    r = c.post(f"/app/approvals/{approval}", data={"type": "edit", "text": "  "})
    assert r.status_code == 422 and "<h1>" in r.text and "cannot be empty" in r.text
    edited = "Sorry, that belt is leather. The cork yoga block is vegan, want the link?"
    r = c.post(f"/app/approvals/{approval}", data={"type": "edit", "text": edited})
    assert r.status_code == 200 and "Decision saved." in r.text
    # The decision and its delivery are on the page; the fan's history holds the edited text.
    recent_ = r.text[r.text.index('id="recent"') :]
    assert "sent edited" in recent_ and edited in recent_ and "1 delivered" in recent_, recent_
    sent = _api(c, key, "GET", "/v1/creators/k/deliveries")["items"]
    assert [d["text"] for d in sent] == [edited]
    convo = c.get("/app/conversations/vee").text
    assert edited in convo
    # Deciding twice is a conflict, shown as a page.
    again = c.post(f"/app/approvals/{approval}", data={"type": "accept"})
    assert again.status_code == 409 and "already decided" in again.text
    assert c.post("/app/approvals/nope", data={"type": "accept"}).status_code == 404


def test_a_reply_still_held_is_not_shown_as_said(web) -> None:
    c, key = web
    first = _held_reply(c, key)
    second = _api(c, key, "POST", "/v1/creators/k/conversations/vee/messages",
                  json={"text": "and a leather belt in size M?"})  # fmt: skip
    assert second["held_for_approval"], second
    page = c.get("/app/approvals").text
    for approval in (first, second["approval_id"]):
        card = page[page.index(f'id="ap-{approval}"') :]
        said = card[: card.index("</ol>")]
        assert "Heads up" not in said, said  # neither held reply reached the fan
        assert "and a leather belt in size M?" in said
    thread = c.get("/app/conversations/vee").text
    assert thread.count("held for <a") == 2  # the thread marks both as not sent
    r = c.post(f"/app/approvals/{first}", data={"type": "accept"})
    card = r.text[r.text.index(f'id="ap-{second["approval_id"]}"') :]
    assert "Heads up" in card[: card.index("</ol>")]  # the first one was sent: now it was said


def test_your_own_words_and_a_cluster_batch_from_its_page(web) -> None:
    c, key = web
    approval = _held_reply(c, key)
    own = "Hi! Our belts are leather, so not for you. I'll DM you when a vegan one lands."
    r = c.post(f"/app/approvals/{approval}", data={"type": "response", "text": own})
    assert r.status_code == 200 and "your own reply" in r.text
    assert own in [d["text"] for d in _api(c, key, "GET", "/v1/creators/k/deliveries")["items"]]
    # Answer the biggest cluster from its page; send its ready drafts from the same page.
    biggest = _api(c, key, "GET", "/v1/creators/k/clusters")["items"][0]
    r = c.post(f"/app/clusters/{biggest['id']}/answer",
               data={"answer": "Yes! Canada in 5-7 days, $9.99 flat."})  # fmt: skip
    assert r.status_code == 200 and "Drafts ready." in r.text
    batch = re.search(r'action="/app/approvals/(\w+)"[^>]*class="card batch"', r.text)
    assert batch is not None, r.text
    page = c.get("/app/approvals")  # a pending batch is listed with a link to its cluster
    assert page.status_code == 200 and "ready replies" in page.text
    assert f'href="/app/clusters/{biggest["id"]}"' in page.text
    ready = _api(c, key, "GET", f"/v1/creators/k/clusters/{biggest['id']}/drafts")["items"]
    n_ready = sum(d["status"] == "ready" for d in ready)
    r = c.post(f"/app/approvals/{batch.group(1)}",
               data={"type": "accept", "next": f"/app/clusters/{biggest['id']}"})  # fmt: skip
    assert r.status_code == 200 and f"/app/clusters/{biggest['id']}" in str(r.url)
    assert r.text.count(">sent<") >= n_ready > 0
    # A fan of the inbox has a page too: what they asked and the reply they were sent.
    fan = next(d for d in ready if d["status"] == "ready")
    page = c.get(f"/app/conversations/{fan['customer_id']}")
    assert page.status_code == 200 and "Yes! Canada in 5-7 days" in page.text
    # A "next" that leaves the app is ignored.
    other = _api(c, key, "GET", "/v1/creators/k/clusters")["items"][1]
    c.post(f"/app/clusters/{other['id']}/answer", data={"answer": "Leggings restock Friday."})
    pending = _api(c, key, "GET", "/v1/creators/k/approvals?kind=send_ready_replies")["items"]
    r = c.post(f"/app/approvals/{pending[0]['id']}",
               data={"type": "ignore", "next": "//evil.example/x"}, follow_redirects=False)  # fmt: skip
    assert r.headers["location"].startswith("/app/approvals?")


def test_rename_split_merge_and_recluster_from_the_pages(web) -> None:
    c, key = web
    items = _api(c, key, "GET", "/v1/creators/k/clusters?limit=50")["items"]
    a, b = items[0]["id"], items[1]["id"]
    r = c.post(f"/app/clusters/{a}/rename", data={"title": "Shipping to Canada"})
    assert r.status_code == 200 and "<h1>Shipping to Canada</h1>" in r.text
    assert c.post(f"/app/clusters/{a}/rename", data={"title": ""}).status_code == 422
    detail = _api(c, key, "GET", f"/v1/creators/k/clusters/{a}")
    moved = [q["id"] for q in detail["questions"][:2]]
    r = c.post(f"/app/clusters/{a}/split", data={"question": moved, "title": "Two of them"})
    assert r.status_code == 200 and "Split off from" in r.text
    new_id = str(r.url).split("/app/clusters/")[1].split("?")[0]
    assert {q["id"] for q in _api(c, key, "GET", f"/v1/creators/k/clusters/{new_id}")
            ["questions"]} == set(moved)  # fmt: skip
    everyone = [q["id"] for q in _api(c, key, "GET", f"/v1/creators/k/clusters/{a}")["questions"]]
    r = c.post(f"/app/clusters/{a}/split", data={"question": everyone})
    assert r.status_code == 400 and "at least one question" in r.text and "<h1>" in r.text
    r = c.post("/app/clusters/merge", data={"cluster": [b, new_id], "title": "Merged"})
    assert r.status_code == 200 and "<h1>Merged</h1>" in r.text
    size_b = _api(c, key, "GET", f"/v1/creators/k/clusters/{b}")["size"]
    assert size_b == items[1]["size"] + 2
    one = c.post("/app/clusters/merge", data={"cluster": [b]},
                 headers={"Referer": f"{c.base_url}/app/clusters"})  # fmt: skip
    assert one.status_code == 422 and "Tick at least two of the clusters to merge." in one.text
    assert 'href="/app/clusters">← Back to where you were' in one.text
    none = c.post("/app/clusters/merge", data={})
    assert "Please choose the clusters to merge." in none.text and "Field required" not in none.text
    blank = c.post(f"/app/clusters/{b}/rename", data={"title": "   "})
    assert blank.status_code == 422 and "pattern" not in blank.text
    assert c.post("/app/clusters/c-x/rename", data={"title": "t"}).status_code == 422
    # An answered cluster is frozen: splitting it is refused on a page that says why.
    c.post(f"/app/clusters/{a}/answer", data={"answer": "5-7 days to Canada."})
    keep = [q["id"] for q in _api(c, key, "GET", f"/v1/creators/k/clusters/{a}")["questions"]]
    r = c.post(f"/app/clusters/{a}/split", data={"question": keep[:1]})
    assert r.status_code == 400 and "already answered" in r.text
    merged = {q["id"] for q in _api(c, key, "GET", f"/v1/creators/k/clusters/{b}")["questions"]}
    r = c.post("/app/clusters/recluster")
    assert r.status_code == 200 and "Re-clustered." in r.text
    # A person's merge outranks the clustering: the merged cluster keeps its questions and title.
    after = _api(c, key, "GET", f"/v1/creators/k/clusters/{b}")
    assert {q["id"] for q in after["questions"]} == merged and after["title"] == "Merged"
    assert keep == [q["id"] for q in _api(c, key, "GET", f"/v1/creators/k/clusters/{a}")
                    ["questions"]]  # fmt: skip


def test_long_work_shows_progress_until_done(web, monkeypatch) -> None:
    import app.web as web_module

    c, key = web
    monkeypatch.setattr(web_module, "QUICK_S", 0.0)  # every job shows its progress page
    rows = "\n".join(f"Band {i},{10 + i % 50}" for i in range(1500))
    r = c.post("/app/catalog/import", files={"file": ("big.csv", f"name,price\n{rows}\n".encode())},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"].startswith("/app/jobs/")
    job = r.headers["location"]
    page = c.get(job).text
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        frag = c.get(f"{job}/progress").text
        seen.append(frag)
        if "Done in" in frag or "Failed" in frag:
            break
        time.sleep(0.2)
    assert "Done in" in seen[-1] and "1500 created" in seen[-1], seen[-1]
    assert "hx-trigger" not in seen[-1]  # the poll stops when the work is done
    assert any(re.search(r"importing products: \d+ of 1500", s, re.I) for s in seen), seen[:3]
    assert _api(c, key, "GET", "/v1/creators/k/products?limit=1")["total"] == 1500
    # A fan-out job redirects the page to its drafts when done (htmx follows HX-Redirect).
    cid = _api(c, key, "GET", "/v1/creators/k/clusters")["items"][0]["id"]
    r = c.post(f"/app/clusters/{cid}/answer", data={"answer": "Yes, $9.99."},
               follow_redirects=False)  # fmt: skip
    job = r.headers["location"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        frag = c.get(f"{job}/progress")
        if "HX-Redirect" in frag.headers:
            break
        time.sleep(0.2)
    assert frag.headers["HX-Redirect"] == f"/app/clusters/{cid}?done=Drafts+ready."
    # Another creator's job is not found; neither is a forgotten one.
    assert c.get("/app/jobs/" + "0" * 32).status_code == 404


def test_jobs_are_shared_rows_one_per_kind_and_settle_when_their_process_died(web) -> None:
    from memory.catalog import ConflictError
    from memory.jobs import JobRow, JobStore

    c, _ = web
    store = JobStore(c.app.state.services.sessions, max_runtime_s=60)  # type: ignore[attr-defined]
    a = store.start("k", "answer:c-1", "Answering c-1")
    store.start("k", "answer:c-2", "Answering c-2")  # another cluster: both run
    with pytest.raises(ConflictError):
        store.start("k", "answer:c-1", "again")
    assert store.get("other", a["id"]) is None  # another creator's job is not found
    with c.app.state.services.sessions.begin() as s:  # type: ignore[attr-defined]
        s.get(JobRow, a["id"]).owner = "no-such-host-here:1"  # type: ignore[union-attr]
    assert store.get("k", a["id"])["status"] == "running"  # another host: assumed alive
    with c.app.state.services.sessions.begin() as s:  # type: ignore[attr-defined]
        s.get(JobRow, a["id"]).owner = f"{socket.gethostname()[:40]}:999999999"  # type: ignore[union-attr]
    gone = store.get("k", a["id"])
    assert gone["status"] == "failed" and "server stopped" in gone["message"]
    assert store.start("k", "answer:c-1", "Answering c-1 again")["status"] == "running"
    # The progress poll of a job nobody knows stops itself (htmx: 286 stops polling).
    r = c.get("/app/jobs/" + "f" * 32 + "/progress")
    assert r.status_code == 286 and "hx-trigger" not in r.text


def test_errors_are_pages_in_the_app_and_json_in_the_api(web) -> None:
    c, key = web
    r = c.delete("/app/approvals")
    assert r.status_code == 405 and r.headers["allow"] == "GET" and "<h1>" in r.text
    r = c.get("/app/clusters/c-999999")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "unknown cluster" in r.text and 'href="/app/approvals"' in r.text
    r = c.get("/app/nowhere")
    assert r.status_code == 404 and "<h1>" in r.text
    api = c.get("/v1/creators/k/clusters/c-999999", headers={"Authorization": f"Bearer {key}"})
    assert api.status_code == 404 and api.json()["detail"].startswith("unknown cluster")


def test_insights_show_unmet_demand_and_the_digest_links_to_its_sources(web) -> None:
    c, key = web
    _api(c, key, "POST", "/v1/creators/k/products", json={
        "name": "Merino Running Socks", "base_price": 19.0,
        "variants": [{"options": {"size": "M"}, "price": 19.0, "stock": 0},
                     {"options": {"size": "L"}, "price": 19.0, "stock": 0}]})  # fmt: skip
    for fan, said in (("sox", "do you have merino running socks?"),
                      ("surf", "do you sell surfboards?"), ("surf2", "any surfboards?"),
                      ("angry", "I was charged twice for my order, I want a refund")):  # fmt: skip
        _api(c, key, "POST", f"/v1/creators/k/conversations/{fan}/messages", json={"text": said})
    page = c.get("/app/insights?days=7").text
    gone = page[page.index('id="gone"') : page.index('id="none"')]
    assert "Merino Running Socks" in gone, gone
    none = page[page.index('id="none"') : page.index('id="look"')]
    assert "surfboards" in none and 'href="/app/conversations/surf' in none, none
    assert "merino" not in none  # it was found, only out of stock
    with c.app.state.services.sessions() as s:  # type: ignore[attr-defined]
        kept = s.execute(text("select count(*), count(misses) from executions")).one()
    assert 0 < kept[1] < kept[0]  # turns that met the demand keep SQL NULL, not JSON null
    look = page[page.index('id="look"') :]
    assert 'href="/app/conversations/angry?channel=dm"' in look, look
    assert re.search(r"(\d+) escalated", page) and "0 escalated" not in page
    # The digest: a file to keep, styles inside, absolute links back to the sources.
    r = c.get("/app/insights/digest?days=30")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith('attachment; filename="dmpilot-digest-k-')
    assert "<style>" in r.text and "/app/static/app.css" not in r.text
    assert "label:has(> input" in r.text  # the styles as written, not HTML-escaped
    top = _api(c, key, "GET", "/v1/creators/k/clusters")["items"][0]["id"]
    base = str(c.base_url).rstrip("/")
    assert f'href="{base}/app/clusters/{top}"' in r.text
    assert f'href="{base}/app/conversations/angry?channel=dm"' in r.text


def test_conversation_pages_follow_new_messages(web) -> None:
    c, key = web
    _api(c, key, "POST", "/v1/creators/k/conversations/live-fan/messages", json={"text": "hi"})
    page = c.get("/app/conversations").text
    seen = re.search(r"part=rows&(?:amp;)?seen=(\w+)", page)
    assert seen is not None, page
    rows = f"/app/conversations?q=&part=rows&seen={seen.group(1)}"
    assert c.get(rows).status_code == 204  # nothing new: nothing swapped
    thread = c.get("/app/conversations/live-fan").text
    turn = re.search(r"part=thread&(?:amp;)?seen=(\d+)", thread)
    assert turn is not None and turn.group(1) == "1", thread
    live = "/app/conversations/live-fan?channel=dm&part=thread&seen=1"
    assert c.get(live).status_code == 204
    _api(c, key, "POST", "/v1/creators/k/conversations/live-fan/messages",
         json={"text": "do you ship to Canada?"})  # fmt: skip
    _api(c, key, "POST", "/v1/creators/k/conversations/new-fan/messages", json={"text": "hey"})
    r = c.get(live)
    assert r.status_code == 200 and "do you ship to Canada?" in r.text and "seen=2" in r.text
    assert "<html" not in r.text  # the fragment alone
    r = c.get(rows)
    assert r.status_code == 200 and r.text.index("new-fan") < r.text.index("live-fan")
