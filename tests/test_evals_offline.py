"""Evaluation runs through langsmith.evaluate make no network call."""

import socket

import pytest

from evals.search_eval import load_rows, run_search_eval


@pytest.fixture()
def no_network(monkeypatch):
    real = socket.socket.connect
    attempts = []

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not host.startswith(("127.", "::1", "localhost", "/")):
            attempts.append(address)
            raise OSError(f"network call attempted: {address}")
        return real(self, address)

    real_resolve = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if isinstance(host, str) and host not in ("localhost", "127.0.0.1", "::1"):
            attempts.append(host)
            raise OSError(f"name resolution attempted: {host}")
        return real_resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.delenv("LANGSMITH_API_KEY", raising=False)
    return attempts


def test_search_eval_via_langsmith_is_offline(demo_services, no_network):
    rows = load_rows()[:10]
    result = run_search_eval(demo_services.search, "demo", rows)
    assert result["summary"]["all"]["n"] == 10
    assert no_network == []


def test_intent_eval_via_langsmith_is_offline(demo_services, no_network):
    from app.services import Services
    from evals.intent_eval import run_intent_eval
    from graphs.state import Context
    from memory.conversations import ConversationStore
    from nodes.analyze_intent import product_types
    from nodes.offline.nlu import get_classifier

    svc: Services = demo_services
    ctx = Context(search=svc.search, conversations=ConversationStore(svc.sessions),
                  classifier=get_classifier(svc.embedder))  # fmt: skip
    summary = run_intent_eval(ctx.classifier, product_types(ctx, "demo"))["summary"]
    assert summary["all"]["n"] >= 90 and summary["all"]["intent_accuracy"] >= 0.85
    assert no_network == []


def test_trajectory_eval_runs_the_graph_offline(demo_services, no_network):
    """The graph's own LangChain runs must not reach the networked LangSmith client."""
    from langchain_core.tracers.langchain import wait_for_all_tracers

    from dmpilot.demo import demo_catalog
    from evals.trajectory_eval import load_rows as load_trajectories
    from evals.trajectory_eval import run_trajectory_eval

    names = [p["name"] for p in demo_catalog()]
    ctx = demo_services.agent_context("demo")
    result = run_trajectory_eval(demo_services.agent, ctx, "demo", names, load_trajectories()[:4])
    wait_for_all_tracers()
    assert result["summary"]["all"]["n"] == 4
    assert result["summary"]["all"]["length_ok"] == 1.0
    assert no_network == []
