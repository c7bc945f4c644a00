"""A few agent behaviours as LangSmith pytest evaluations (offline with
``LANGSMITH_TEST_TRACKING=false``, which ``make test`` sets): inputs, outputs, reference
outputs and feedback are logged, and the assertions still gate the suite."""

import pytest
from langsmith import testing as t

from app.demo import demo_catalog
from evals.trajectory_eval import grounded, run_conversation

NAMES = [p["name"] for p in demo_catalog()]


def _play(demo_services, customer, turns, channel="dm"):
    ctx = demo_services.agent_context("demo")
    return run_conversation(demo_services.agent, ctx, "demo", customer, channel, turns)["turns"]


@pytest.mark.langsmith
def test_vegan_customer_is_not_offered_whey(demo_services):
    turns = ["I'm vegan btw", "what protein powder do you recommend?"]
    t.log_inputs({"turns": turns})
    t.log_reference_outputs({"recommended_must_not_mention": ["whey", "casein"]})
    out = _play(demo_services, "ls-vegan", turns)
    reply = out[-1]["reply"].lower()
    t.log_outputs({"reply": out[-1]["reply"]})
    # A "heads up: the whey isn't a fit" note is allowed; recommending it (a bullet) is not.
    bullets = [line for line in reply.splitlines() if line.startswith("•")]
    clean = bool(bullets) and not any(w in b for b in bullets for w in ("whey", "casein"))
    t.log_feedback(key="no_conflicting_product", score=clean)
    assert clean and "protein" in reply


@pytest.mark.langsmith
def test_price_filtered_search_is_grounded_and_within_budget(demo_services):
    turns = ["show me hoodies under $60"]
    t.log_inputs({"turns": turns})
    t.log_reference_outputs({"max_price": 60})
    out = _play(demo_services, "ls-hoodie", turns)
    t.log_outputs({"reply": out[0]["reply"], "calls": out[0]["rounds"]})
    args = out[0]["rounds"][0][0]["args"]
    ok_args = args.get("max_price") == 60
    is_grounded = grounded(out[0]["reply"], out[0]["tool_products"], turns[0], NAMES)
    prices = [p for prod in out[0]["tool_products"] for p in prod["prices"]]
    t.log_feedback(key="tool_args", score=ok_args)
    t.log_feedback(key="grounded", score=is_grounded)
    assert ok_args and is_grounded and prices and min(prices) <= 60


@pytest.mark.langsmith
def test_comment_reply_respects_the_300_character_limit(demo_services):
    turns = ["omg I need everything!! show me leggings, sports bras and hoodies 😍😍"]
    t.log_inputs({"turns": turns, "channel": "comment"})
    t.log_reference_outputs({"max_chars": 300})
    out = _play(demo_services, "ls-comment", turns, channel="comment")
    t.log_outputs({"reply": out[0]["reply"]})
    t.log_feedback(key="length", score=len(out[0]["reply"]))
    assert 0 < len(out[0]["reply"]) <= 300
