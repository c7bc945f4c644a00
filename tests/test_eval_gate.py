"""The evaluation gate in CI: search and NLU headline metrics against evals/baseline.json."""

from evals import gate
from evals.conflict_eval import run_conflict_eval
from evals.intent_eval import run_intent_eval
from evals.search_eval import load_rows, run_search_eval


def test_gate_logic_flags_drops_beyond_tolerance():
    base = {"a": 0.90, "b": 0.80}
    assert gate.check({"a": 0.89, "b": 0.80}, base, 0.02) == []
    failures = gate.check({"a": 0.85}, base, 0.02)
    assert any(f.startswith("a:") for f in failures) and any("b: missing" in f for f in failures)


def test_quality_gate_against_the_committed_baseline(demo_services):
    from memory.conversations import ConversationStore
    from nodes.analyze_intent import product_types
    from nodes.offline.nlu import get_classifier
    from nodes.state import Context

    ctx = Context(search=demo_services.search, conversations=ConversationStore(demo_services.sessions),
                  classifier=get_classifier(demo_services.embedder))  # fmt: skip
    from app.demo import demo_catalog
    from evals.trajectory_eval import last_turn_products, run_trajectory_eval
    from evals.trajectory_eval import load_rows as load_trajectories

    names = [p["name"] for p in demo_catalog()]
    agent_ctx = demo_services.agent_context("demo")
    report = {
        "trajectories": run_trajectory_eval(
            demo_services.agent, agent_ctx, "demo", names, load_trajectories()
        ),
        "search": run_search_eval(
            demo_services.search,
            "demo",
            load_rows(),
            converse=lambda turns: last_turn_products(
                demo_services.agent, agent_ctx, "demo", turns
            ),
        ),  # fmt: skip
        "intents": run_intent_eval(ctx.classifier, product_types(ctx, "demo")),
        "conflicts": run_conflict_eval(),
    }
    assert gate.check(gate.headline(report), gate.load_baseline(), sections=set(report)) == []


def test_confusion_matrix_in_the_report():
    from evals.run import confusion_table

    table = confusion_table(
        {"product_search -> product_search": 5, "variant_question -> product_search": 2}
    )
    assert table[0].startswith("| gold")
    assert "| variant_q |  | 2 |" not in table  # columns are every label seen, in order
    assert table[-1] == "| variant_q | 2 |  |"
