"""The fan-out's LLM back-end with scripted fake models, through the real services and HTTP API.

Drafts run concurrently under ``fanout_max_concurrency`` and the back-end's rate limiter, with
retries and fallback models; a failing or rule-breaking model gives way to the offline draft.
Clusters get short LLM names; a failure keeps the keyword titles.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import BaseMessage

from app.local_client import admin_client
from app.services import open_services
from app.settings import Settings
from bench.fans import VEGAN_FAN, fan_messages
from nodes.llm_backend import LLMBackend, make_limiter
from tests.fakes import RateLimitError, ScriptedChatModel

PROTEIN = "I'd go with whey isolate: 25 g within an hour after training. Code MAYA10 for 10% off"


def canonical(messages: list[BaseMessage]) -> tuple[str, list[str]]:
    """What the prompt gave the model: the canonical answer and the fan's questions."""
    user = str(messages[-1].content)
    answer = user.split("Canonical answer:\n", 1)[1].split("\n\nThe fan asked:", 1)[0]
    asked = user.split("The fan asked:\n", 1)[1].split("\n\n", 1)[0]
    return answer, [ln[2:] for ln in asked.splitlines() if ln.startswith("- ")]


class Writer:
    """A model that rewrites the answer for the fan; tracks how many calls run at once."""

    def __init__(self, delay: float = 0.0, drop_facts_for: str = "") -> None:
        self.delay, self.drop_facts_for = delay, drop_facts_for
        self.in_flight = self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, messages: list[BaseMessage]) -> str:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            time.sleep(self.delay)
            if "name groups of fan questions" in str(messages[0].content):
                return "“Post-workout protein.”\n"
            answer, questions = canonical(messages)
            if self.drop_facts_for and any(self.drop_facts_for in q for q in questions):
                answer = re.sub(r"\d+%?", "", answer)  # breaks the "keep every fact" rule
            return f"Hey! About “{questions[0]}”: {answer} 💪"
        finally:
            with self.lock:
                self.in_flight -= 1


def backend(*models: ScriptedChatModel, retries: int = 1) -> LLMBackend:
    return LLMBackend(models=list(models), specs=[f"fake:{m.model_name}" for m in models],
                      max_retries=retries)  # fmt: skip


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the demo fans' questions analysed and clustered (no LLM)."""
    d = tmp_path_factory.mktemp("fanout-llm")
    with admin_client(Settings(data_dir=d, recluster_interval_s=0)) as c:
        assert c.post("/v1/creators", json={"id": "maya", "name": "Maya"}).status_code == 201
        msgs = fan_messages(100)
        r = c.post("/v1/creators/maya/inbox", json={"messages": msgs})
        assert r.status_code == 200, r.text
        for fan in sorted({m["customer_id"] for m in msgs}):
            assert c.post(f"/v1/creators/maya/conversations/{fan}/end").status_code == 200
    return d


@pytest.fixture
def data_dir(seeded: Path, tmp_path: Path) -> Path:
    """A fresh copy per test: every test answers the protein cluster once."""
    import shutil

    d = tmp_path / "data"
    shutil.copytree(seeded, d)
    return d


def client(data_dir: Path, llm: LLMBackend, **settings: Any) -> TestClient:
    s = Settings(data_dir=data_dir, recluster_interval_s=0, **settings)
    return admin_client(s, services=open_services(s, llm=llm))


def protein_cluster(c: TestClient) -> str:
    for it in c.get("/v1/creators/maya/clusters?limit=200").json()["items"]:
        qs = c.get(f"/v1/creators/maya/clusters/{it['id']}").json()["questions"]
        if any(q["customer_id"] == VEGAN_FAN and "protein" in q["text"] for q in qs):
            return str(it["id"])
    raise AssertionError("no protein cluster")


def answer(c: TestClient) -> list[dict[str, Any]]:
    cid = protein_cluster(c)
    r = c.post(f"/v1/creators/maya/clusters/{cid}/answer", json={"answer": PROTEIN})
    assert r.status_code == 200, r.text
    return list(c.get(f"/v1/creators/maya/clusters/{cid}/drafts").json()["items"])


def test_llm_drafts_concurrent_checked_and_fallback_per_draft(data_dir: Path) -> None:
    writer = Writer(delay=0.05, drop_facts_for="shake")
    model = ScriptedChatModel(model_name="writer", respond=writer)
    with client(data_dir, backend(model), fanout_max_concurrency=4) as c:
        drafts = answer(c)
    assert len(drafts) >= 8
    # Drafts ran in parallel branches, never more than the configured limit at once.
    assert 1 < writer.peak <= 4
    by_backend = {d["checks"]["backend"] for d in drafts}
    llm_written = [d for d in drafts if d["checks"]["backend"] == "fake:writer"]
    assert llm_written and all(d["text"].startswith("Hey! About “") for d in llm_written)
    assert all("MAYA10" in d["text"] and "10%" in d["text"] for d in drafts)  # facts kept
    assert all(d["checks"]["tokens_in"] > 0 for d in llm_written)
    # The model dropped the numbers for one fan: the offline draft replaced it, reason kept.
    broken = [d for d in drafts if "rejected" in d["checks"]["backend"]]
    assert broken and by_backend == {"fake:writer", "offline (fake:writer draft rejected)"}
    assert all("drops facts" in d["checks"]["llm_problems"][0] for d in broken)
    assert all(not d["text"].startswith("Hey! About") for d in broken)
    # The vegan fan's LLM draft still goes to a person, with the conflict named.
    vegan = next(d for d in drafts if d["customer_id"] == VEGAN_FAN)
    assert vegan["status"] == "needs_review"
    assert [(x["type"], x["fact"]) for x in vegan["checks"]["conflicts"]] == [("dietary", "vegan")]


def test_llm_drafts_retry_then_fall_back_to_the_next_model(data_dir: Path) -> None:
    primary = ScriptedChatModel(model_name="primary", fail_with=RateLimitError("429"))
    backup = ScriptedChatModel(model_name="backup", respond=Writer())
    with client(data_dir, backend(primary, backup, retries=1)) as c:
        drafts = answer(c)
    assert {d["checks"]["backend"] for d in drafts} == {"fake:backup"}
    assert primary.calls == 2 * len(drafts)  # one retry each (429 is transient), then backup


def test_every_model_down_gives_offline_drafts(data_dir: Path) -> None:
    down = ScriptedChatModel(model_name="down", fail_with=ValueError("provider down"))
    with client(data_dir, backend(down)) as c:
        drafts = answer(c)
    assert drafts and all(
        d["checks"]["backend"] == "offline (fallback from fake:down)"
        and "provider down" in d["checks"]["llm_error"]
        for d in drafts
    )
    assert down.calls == len(drafts)  # not transient: no retry
    assert {d["status"] for d in drafts} <= {"ready", "needs_review"}


def test_rate_limiter_paces_the_drafts(data_dir: Path) -> None:
    limiter = make_limiter(20.0)
    model = ScriptedChatModel(model_name="paced", respond=Writer(), rate_limiter=limiter)
    with client(data_dir, backend(model), fanout_max_concurrency=8) as c:
        t0 = time.perf_counter()
        drafts = answer(c)
        elapsed = time.perf_counter() - t0
    # 20 requests/s from an empty bucket: n drafts need at least ~n/20 s, however parallel.
    assert len(drafts) >= 8 and elapsed >= 0.8 * len(drafts) / 20


def test_llm_names_clusters_and_keeps_keywords_on_failure(data_dir: Path) -> None:
    model = ScriptedChatModel(model_name="namer", respond=Writer())
    with client(data_dir, backend(model)) as c:
        before = {it["id"]: it for it in c.get("/v1/creators/maya/clusters?limit=200")
                  .json()["items"]}  # fmt: skip
        small = [i for i, it in before.items() if it["size"] < 3]
        locked = max(before, key=lambda i: before[i]["size"])
        assert c.post(f"/v1/creators/maya/clusters/{locked}/rename",
                      json={"title": "My own name"}).status_code == 200  # fmt: skip
        r = c.post("/v1/creators/maya/clusters/recluster")
        assert r.status_code == 200 and r.json()["named"] >= 5
        after = {it["id"]: it for it in c.get("/v1/creators/maya/clusters?limit=200")
                 .json()["items"]}  # fmt: skip
        named = [i for i, it in after.items() if it["title"] == "Post-workout protein"]
        assert len(named) == r.json()["named"]
        assert after[locked]["title"] == "My own name"  # a person's title wins
        assert all(after[i]["title"] != "Post-workout protein" for i in small if i in after)
        # Named once; not again until the cluster grows by half.
        calls = model.calls
        assert c.post("/v1/creators/maya/clusters/recluster").json()["named"] == 0
        assert model.calls == calls
    down = ScriptedChatModel(model_name="down", fail_with=ValueError("provider down"))
    with client(data_dir, backend(down)) as c:
        keyword = c.get("/v1/creators/maya/clusters?limit=200").json()["items"]
        assert c.post("/v1/creators/maya/clusters/recluster").status_code == 200
        again = c.get("/v1/creators/maya/clusters?limit=200").json()["items"]
        assert [it["title"] for it in again] == [it["title"] for it in keyword]
