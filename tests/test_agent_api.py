"""Seed scenarios of the agent issue, through the HTTP API with the offline back-end.

Every test goes through the real app: FastAPI -> compiled LangGraph (SQLite checkpointer) ->
offline NLU/planner -> ToolNode -> hybrid search (SQLite, Chroma, ONNX embeddings) -> replies.
"""

import json
import re

import pytest

from app.demo import DEMO_CREATOR, demo_catalog
from app.local_client import admin_client
from app.settings import Settings


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("agent")


@pytest.fixture(scope="module")
def client(data_dir):
    with admin_client(Settings(data_dir=data_dir)) as c:
        assert c.post("/v1/creators", json=DEMO_CREATOR).status_code == 201
        body = json.dumps({"products": demo_catalog()}).encode()
        r = c.post("/v1/creators/demo/catalog/import", files={"file": ("d.json", body)})
        assert r.json()["created"] == 203
        yield c


def say(client, customer, text, channel="dm"):
    r = client.post(
        f"/v1/creators/demo/conversations/{customer}/messages",
        json={"text": text, "channel": channel},
    )
    assert r.status_code == 200, r.text
    return r.json()


def names(out):
    return [p["name"] for p in out["products"]]


def assert_grounded(out):
    """Every price in the reply is a price of a returned product or variant."""
    prices = set(re.findall(r"\$(\d+(?:,\d{3})*\.\d{2})", out["reply"]))
    allowed = {f"{p['price']:.2f}" for p in out["products"]}
    for p in out["products"]:
        allowed.add(f"{p['price']:.2f}")
    assert out["products"] or not prices or out["conflicts"], out["reply"]
    return prices, allowed


def test_simple_search(client):
    out = say(client, "simple", "Show me dresses")
    assert out["questions"][0]["intent"] == "product_search"
    assert out["products"] and all("Dress" in n for n in names(out))
    for p in out["products"]:
        assert p["name"] in out["reply"] and p["url"] in out["reply"]
        assert f"${p['price']:.2f}" in out["reply"] or p["name"] in out["reply"]


def test_price_filtered_search(client):
    out = say(client, "price", "Do you have leggings under $50?")
    assert out["questions"][0]["entities"]["max_price"] == 50
    assert out["products"] and all(p["price"] <= 50 for p in out["products"])
    assert all("Leggings" in n for n in names(out))


def test_three_turn_refinement(client):
    first = say(client, "refine", "Show me dresses")
    second = say(client, "refine", "something more casual")
    assert "Casual" in names(second)[0] or "Lounge" in names(second)[0]
    third = say(client, "refine", "under $60")
    assert third["products"] and all(p["price"] <= 60 for p in third["products"])
    assert all("Dress" in n for n in names(third))
    assert first["execution_id"] != third["execution_id"]


def test_variant_question_with_follow_up(client):
    say(client, "variant", "Show me the pocket running leggings")
    out = say(client, "variant", "does the first one come in small?")
    assert out["questions"][0]["intent"] == "variant_question"
    assert "Pocket Running Leggings" in out["reply"] and " S" in out["reply"]
    out = say(client, "variant", "Medium please")
    # "medium" is the shop's size M and a resistance band's weight "Medium": one filter on
    # either option, and the leggings in focus have the size
    assert out["questions"][0]["entities"]["options"] == {"size|weight": ["M", "Medium"]}
    assert "Pocket Running Leggings in M" in out["reply"]


def test_comparison(client):
    say(client, "compare", "Show me protein powder")
    out = say(client, "compare", "compare the first two")
    assert out["questions"][0]["intent"] == "comparison"
    assert len(out["products"]) == 2
    assert "more affordable" in out["reply"]
    out = say(
        client, "compare2", "what's the difference between the foam roller and the massage gun?"
    )
    assert {"Foam Roller", "Massage Gun"} <= set(names(out)) or "Foam Roller" in out["reply"]


def test_no_results(client):
    out = say(client, "none", "Do you sell snowboards?")
    assert out["products"] == []
    assert "couldn't find" in out["reply"].lower()


def test_ambiguous_message_gets_a_clarifying_question(client):
    out = say(client, "vague", "I need something nice")
    assert out["products"] == []
    assert "?" in out["reply"] and (
        "budget" in out["reply"].lower() or "looking for" in out["reply"].lower()
    )


def test_multiple_filters_in_one_message(client):
    out = say(client, "filters", "black leggings size M under $50 please")
    e = out["questions"][0]["entities"]
    assert e["colors"] == ["black"] and e["sizes"] == ["M"] and e["max_price"] == 50
    assert out["products"] and all(
        "Leggings" in n and p["price"] <= 50
        for n, p in zip(names(out), out["products"], strict=True)
    )


def test_emoji_and_non_latin(client):
    out = say(client, "emoji", "do you have yoga mats?? 🧘‍♀️💜")
    assert any("Mat" in n for n in names(out))
    out = say(client, "emoji", "¿tienen leggings negros? 😍")
    assert out["reply"]


def test_long_message(client):
    text = (
        "Hey Maya! I've been following you for about a year now and your home workouts changed my life. "
        "I started with just bodyweight stuff but I'm ready to add some equipment at home. I live in a small "
        "apartment so space is tight, and I don't want anything too loud because of the neighbours downstairs. "
        "I'm a beginner with weights and honestly a bit scared of hurting myself. My partner trains too, "
        "so whatever we get should work for both of us, and we'd rather buy once than twice. "
        "Could you recommend adjustable dumbbells that don't take much space?"
    )
    assert len(text) > 500
    out = say(client, "long", text)
    assert any("Dumbbell" in n for n in names(out))
    assert len(out["reply"]) <= 1000


def test_multi_question_message(client):
    out = say(client, "multi", "How often should I train abs and what protein should I take?")
    assert [q["intent"] for q in out["questions"]] == ["general_question", "product_search"]
    assert any("Protein" in n for n in names(out))


def test_vegan_whey_conflict(client):
    say(client, "vegan", "I'm vegan btw")
    out = say(client, "vegan", "how much is the whey protein isolate?")
    kinds = {(c["type"], c["fact"]) for c in out["conflicts"]}
    assert ("dietary", "vegan") in kinds
    assert "vegan" in out["reply"].lower()
    rec = say(client, "vegan", "what protein powder do you recommend?")
    assert rec["products"] and not any("Whey" in n for n in names(rec))


def test_support_escalation(client):
    out = say(client, "support", "My order hasn't arrived and it's been 3 weeks, I want a refund")
    assert out["escalated"] is True
    assert out["questions"][0]["intent"] == "support"
    assert out["products"] == []


def test_comment_channel_limit(client):
    out = say(
        client, "comment", "show me all your hoodies and joggers and leggings", channel="comment"
    )
    assert len(out["reply"]) <= 300


def test_bad_input(client):
    url = "/v1/creators/demo/conversations/bad/messages"
    assert client.post(url, json={"text": ""}).status_code == 422
    assert client.post(url, json={"text": "   \n "}).status_code == 422
    assert client.post(url, json={"text": "x" * 10_000}).status_code == 422
    assert client.post(url, json={"text": "💪🔥🙏"}).status_code == 422
    assert client.post(url, json={"text": "hi", "channel": "email"}).status_code == 422
    assert (
        client.post("/v1/creators/nobody/conversations/x/messages", json={"text": "hi"}).status_code
        == 404
    )
    assert client.post(url, json={"text": "hi", "extra": 1}).status_code == 422


def test_conversation_and_execution_log(client):
    out = say(client, "logged", "Show me kettlebells")
    conv = client.get("/v1/creators/demo/conversations/logged").json()
    assert conv["history"][-1]["role"] == "assistant" and conv["shown_products"]
    assert conv["stage"] == "browsing"
    say(client, "logged", "how much is the first one?")
    assert client.get("/v1/creators/demo/conversations/logged").json()["stage"] == "deciding"
    ex = client.get(f"/v1/creators/demo/executions/{out['execution_id']}").json()
    assert [n["node"] for n in ex["nodes"]][:2] == ["load_context", "analyze_intent"]
    assert ex["model"] == "offline" and ex["intents"] == ["product_search"]
    assert client.get("/v1/creators/demo/executions/nope").status_code == 404
    assert client.get("/v1/creators/demo/conversations/never-seen").status_code == 404


def test_resume_after_restart(client, data_dir):
    say(client, "restart", "I'm vegan. Show me protein powder")
    # A fresh app on the same files: checkpoint, profile and shown products survive.
    with admin_client(Settings(data_dir=data_dir)) as fresh:
        out = say(fresh, "restart", "compare the first two")
        assert out["questions"][0]["intent"] == "comparison" and len(out["products"]) == 2
        conv = fresh.get("/v1/creators/demo/conversations/restart").json()
        assert conv["profile"]["diet"] == ["vegan"] and conv["turns"] == 2


def test_streaming_sends_nodes_tokens_and_done(client):
    with client.stream("POST", "/v1/creators/demo/conversations/streamer/messages/stream",
                       json={"text": "show me foam rollers"}) as r:  # fmt: skip
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    events = re.findall(r"event: (\w+)\ndata: (.*)\n\n", body)
    kinds = [k for k, _ in events]
    assert kinds[-1] == "done" and "token" in kinds
    nodes = [json.loads(d)["node"] for k, d in events if k == "node"]
    assert nodes[:3] == ["load_context", "analyze_intent", "agent"] and "tools" in nodes
    done = json.loads(events[-1][1])
    assert "".join(json.loads(d)["token"] for k, d in events if k == "token") == done["reply"]
    assert (
        client.post(
            "/v1/creators/demo/conversations/x/messages/stream", json={"text": " "}
        ).status_code
        == 422
    )


def test_a_client_leaving_mid_stream_does_not_block_the_fan(client):
    """The turn is kept and its lock released: the fan's next message is answered."""
    import threading

    url = "/v1/creators/demo/conversations/leaver/messages"
    with client.stream("POST", f"{url}/stream", json={"text": "show me foam rollers"}) as r:
        next(r.iter_lines())  # one record, then the client goes away
    codes: list[int] = []
    nxt = threading.Thread(  # a daemon: a regression fails here instead of hanging the suite
        target=lambda: codes.append(
            client.post(url, json={"text": "the cheapest one?"}).status_code
        ),
        daemon=True,
    )
    nxt.start()
    nxt.join(timeout=60)
    assert codes == [200], "the fan's next message waited on the lock of an abandoned stream"
    history = client.get("/v1/creators/demo/conversations/leaver").json()["history"]
    assert [h["role"] for h in history] == ["customer", "assistant"] * 2


def test_same_thread_turns_run_in_order_and_threads_in_parallel(client):
    import concurrent.futures

    def send(customer, text):
        return say(client, customer, text)

    texts = [f"show me hoodies {i}" for i in range(6)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda t: send("ordered", t), texts))
        list(pool.map(lambda i: send(f"parallel-{i}", "show me socks"), range(4)))
    conv = client.get("/v1/creators/demo/conversations/ordered").json()
    assert conv["turns"] == 6
    history = conv["history"]
    # Strictly alternating customer/assistant: no interleaved or lost turns.
    assert [h["role"] for h in history] == ["customer", "assistant"] * (len(history) // 2)
    for i in range(4):
        assert client.get(f"/v1/creators/demo/conversations/parallel-{i}").json()["turns"] == 1


def test_offline_nlu_quality_on_the_intents_dataset(client):
    """evals/datasets/intents.jsonl (hand-annotated; never used as training data)."""
    from app.services import Services
    from evals.intent_eval import run_intent_eval
    from nodes.analyze_intent import product_types

    svc: Services = client.app.state.services
    ctx = svc.agent_context("demo")
    m = run_intent_eval(ctx.classifier, product_types(ctx, "demo"))["summary"]["all"]
    # Coarse floors a little under today's level on all 402 messages (intent accuracy 0.78,
    # macro-F1 0.79, entity P/R 0.85/0.70 since the fresh batches 4-6 joined); the gate in
    # tests/test_eval_gate.py catches smaller regressions against evals/baseline.json.
    assert m["intent_accuracy"] >= 0.75 and m["intent_macro_f1"] >= 0.75
    assert m["split_count_accuracy"] >= 0.93 and m["segment_f1"] >= 0.95
    assert m["entity_recall"] >= 0.65 and m["entity_precision"] >= 0.8


def test_conflicts_from_everyday_phrasing(client):
    """Facts stated the way DMs state them reach the conflict check of the agent."""
    say(client, "ankle", "rolled my ankle last week 😩")
    out = say(client, "ankle", "do you sell jump ropes?")
    assert ("injury", "ankle") in {(c["type"], c["fact"]) for c in out["conflicts"]}, out
    say(client, "budget", "I only have $20 to spend")
    out = say(client, "budget", "show me massage guns")
    assert "budget" in {c["type"] for c in out["conflicts"]}, out
    say(client, "pesc", "I'm vegetarian, fish is fine though")
    out = say(client, "pesc", "how much is the omega 3 fish oil?")
    assert not [c for c in out["conflicts"] if c["type"] == "dietary"], out


def test_facts_no_pattern_lists_come_from_the_trained_classifier(client):
    """Phrasings no rule lists (checked below) still teach the fact, via the clause classifier."""
    from nodes.offline.profile import learn

    lactose, eggs = "whey shakes give me awful cramps", "sesame and eggs make my face swell"
    assert learn([lactose]) == {} and learn([eggs]) == {}  # the patterns alone learn nothing
    say(client, "cramps", lactose)
    out = say(client, "cramps", "how much is the whey protein concentrate?")
    assert ("dietary", "lactose_intolerant") in {(c["type"], c["fact"]) for c in out["conflicts"]}
    say(client, "swell", eggs)
    out = say(client, "swell", "is the egg white protein any good?")
    assert "allergy" in {c["type"] for c in out["conflicts"]}, out
