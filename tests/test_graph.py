"""The compiled graph directly, with an in-memory checkpointer (no HTTP)."""

import importlib.util
import json
from pathlib import Path

from langgraph.checkpoint.memory import InMemorySaver

from graphs.agent import compile_agent, thread_id
from nodes.offline.nlu import get_classifier
from nodes.state import Context

ROOT = Path(__file__).resolve().parent.parent


def test_langgraph_json_loads_the_compiled_graph():
    spec = json.loads((ROOT / "langgraph.json").read_text())
    path, attr = spec["graphs"]["agent"].split(":")
    mod_spec = importlib.util.spec_from_file_location("lg_agent", ROOT / path)
    module = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)
    graph = getattr(module, attr)
    nodes = set(graph.get_graph().nodes)
    assert {"load_context", "analyze_intent", "agent", "tools", "detect_conflicts",
            "generate_response", "save_state"} <= nodes  # fmt: skip


def test_state_stays_bounded_and_tool_traffic_is_dropped(demo_services):
    from memory.conversations import ConversationStore

    graph = compile_agent(InMemorySaver())
    ctx = Context(
        search=demo_services.search,
        conversations=ConversationStore(demo_services.sessions),
        classifier=get_classifier(demo_services.embedder),
        history_messages=6,
    )
    cfg = {"configurable": {"thread_id": thread_id("demo", "bounded", "dm")}}
    for text in ["show me hoodies", "under $60", "does the first one come in M?", "show me socks",
                 "compare the first two", "show me yoga mats", "how much is the first one"]:  # fmt: skip
        out = graph.invoke(
            {"creator_id": "demo", "customer_id": "bounded", "channel": "dm", "text": text},
            cfg, context=ctx,
        )  # fmt: skip
    msgs = out["messages"]
    assert len(msgs) <= 6 + 2
    assert all(m.type in {"human", "ai"} and not getattr(m, "tool_calls", None) for m in msgs)
    assert out["summary"]  # older turns folded into the summary
    assert out["turn"] == 7


def test_grounding_guard_matches_whole_product_names_only():
    from nodes.generate_response import mentions

    assert mentions("men's classic pullover hoodie", "try the men's classic pullover hoodie!")
    # "Women's ..." must not count as a mention of the men's product (it made the guard reject
    # correct drafts about women's products).
    assert not mentions("men's classic pullover hoodie", "the women's classic pullover hoodie")
