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
    from memory.conversations import ConversationStore
    from nodes.analyze_intent import product_types
    from nodes.offline.nlu import get_classifier
    from nodes.state import Context

    svc: Services = demo_services
    ctx = Context(search=svc.search, conversations=ConversationStore(svc.sessions),
                  classifier=get_classifier(svc.embedder))  # fmt: skip
    summary = run_intent_eval(ctx.classifier, product_types(ctx, "demo"))["summary"]
    assert summary["all"]["n"] >= 400 and summary["all"]["intent_accuracy"] > 0.5  # it ran
    assert no_network == []


def test_trajectory_eval_runs_the_graph_offline(demo_services, no_network):
    """The graph's own LangChain runs must not reach the networked LangSmith client."""
    from langchain_core.tracers.langchain import wait_for_all_tracers

    from app.demo import demo_catalog
    from evals.trajectory_eval import load_rows as load_trajectories
    from evals.trajectory_eval import run_trajectory_eval

    names = [p["name"] for p in demo_catalog()]
    ctx = demo_services.agent_context("demo")
    result = run_trajectory_eval(demo_services.agent, ctx, "demo", names, load_trajectories()[:4])
    wait_for_all_tracers()
    assert result["summary"]["all"]["n"] == 4
    assert result["summary"]["all"]["length_ok"] == 1.0
    assert no_network == []


class FakeLangSmith:
    """Records what an upload would send; stores examples like the service does."""

    def __init__(self):
        self.datasets, self.examples, self.calls = {}, {}, []

    def has_dataset(self, *, dataset_name):
        return dataset_name in self.datasets

    def read_dataset(self, *, dataset_name):
        return self.datasets[dataset_name]

    def create_dataset(self, name, description=""):
        from types import SimpleNamespace

        self.datasets[name] = SimpleNamespace(id=f"ds-{name}", name=name)
        self.calls.append(("create_dataset", name))
        return self.datasets[name]

    def list_examples(self, dataset_id):
        from types import SimpleNamespace

        return [SimpleNamespace(id=i) for i in self.examples.get(dataset_id, {})]

    def create_examples(self, *, dataset_id, examples):
        self.examples.setdefault(dataset_id, {}).update({e["id"]: e for e in examples})
        self.calls.append(("create_examples", len(examples)))

    def update_examples(self, *, dataset_id, updates):
        self.examples[dataset_id].update({e["id"]: e for e in updates})
        self.calls.append(("update_examples", len(updates)))


def test_dataset_upload_is_idempotent_by_example_id():
    from evals.ls import upsert_dataset

    rows = load_rows()[:5]
    fake = FakeLangSmith()
    assert upsert_dataset(fake, "dmpilot-search", rows) == {"created": 5, "updated": 0}
    assert upsert_dataset(fake, "dmpilot-search", rows) == {"created": 0, "updated": 5}
    assert len(fake.examples["ds-dmpilot-search"]) == 5
    assert [c for c in fake.calls if c[0] == "create_dataset"] == [
        ("create_dataset", "dmpilot-search")
    ]


def test_upload_without_a_key_and_model_without_a_key_say_so(monkeypatch, capsys):
    from evals.run import main

    monkeypatch.delenv("LANGSMITH_API_KEY", raising=False)
    assert main(["--upload"]) == 2
    assert "LANGSMITH_API_KEY" in capsys.readouterr().out
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("DMPILOT_OPENAI_API_KEY", raising=False)
    assert main(["--model", "openai:gpt-4o-mini"]) == 0
    assert "skipped" in capsys.readouterr().out
