"""Node 5: write the grounded reply in the creator's voice, within the channel's limit."""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from nodes.offline.conflicts import check_text
from nodes.offline.drafting import caveats, simplify
from nodes.offline.responder import render
from nodes.state import AgentState, Context
from nodes.timing import timed

_PRICE = re.compile(r"[$€£]\s?(\d+(?:,\d{3})*(?:\.\d{1,2})?)")


def mentions(name: str, text: str) -> bool:
    """Whole-name match: "Men's Tee" is not mentioned by "Women's Tee"."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def grounded(draft: str, state: AgentState, ctx: Context) -> bool:
    """Every price and catalog product name in ``draft`` came from a tool in this thread."""
    products = [p for a in state.get("tool_results", []) for p in a.get("products", [])]
    products += state.get("shown_products") or []
    prices = set()
    for p in products:
        prices |= {round(p["price_min"], 2), round(p["price_max"], 2)}
        prices |= {round(v["price"], 2) for v in p.get("variants", [])}
    for m in _PRICE.finditer(draft):
        if round(float(m.group(1).replace(",", "")), 2) not in prices:
            return False
    known = {p["name"].lower() for p in products}
    low = draft.lower()
    idx = ctx.search.index(state["creator_id"])
    return not any(
        p["name"].lower() not in known and mentions(p["name"].lower(), low)
        for p in idx.products
        if len(p["name"]) > 6
    )


def _brief(p: dict[str, Any]) -> dict[str, Any]:
    """What the API returns per recommended product: the variant the reply is about."""
    variants = p.get("variants") or []
    # the search orders variants best first (in stock first, or what meets the most asked):
    # the first is the one the reply names ("7.1:1 / Left hand, sold out right now")
    v = variants[0] if variants else None
    return {
        "product_id": p["product_id"],
        "variant_id": v["variant_id"] if v else None,
        "name": p["name"],
        "price": v["price"] if v else p["price_min"],
        "url": p.get("url"),
    }


def personal_answer(
    art: dict[str, Any], profile: dict[str, Any], ctx: Context
) -> tuple[dict[str, Any], list[str]]:
    """The creator's earlier answer adapted to this fan, or nothing when it is too far off.

    Returns the artifact (with ``reply_text`` when an answer is used) and review reasons: a
    middling match or a conflict with the fan's profile sends the reply to a person first.
    """
    best = (art.get("answers") or [None])[0]
    if best is None or best["similarity"] < ctx.answer_review_similarity:
        return art, []
    text = simplify(best["answer"]) if profile.get("level") == "beginner" else best["answer"]
    conflicts = check_text(text, profile)
    reasons = [f"conflict with the profile: {c['type']} ({c['fact']})" for c in conflicts]
    if best["similarity"] < ctx.answer_min_similarity:
        reasons.append(
            f"low confidence: similarity {best['similarity']:.2f} to an answered question"
        )
    reply_text = "\n".join([text, *caveats(conflicts)])
    return {**art, "reply_text": reply_text, "used_cluster": best["cluster_id"]}, reasons


@timed("generate_response")
def generate_response(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Render from this turn's tool results; remember what was shown for follow-ups."""
    ctx = runtime.context
    by_question: dict[int, list[dict[str, Any]]] = {}
    reasons: list[str] = []
    for art in state.get("tool_results", []):
        if art["tool"] == "search_answered_clusters":
            art, why = personal_answer(art, state.get("profile") or {}, ctx)
            reasons += why
        by_question.setdefault(art["question"], []).append(art)
    reply, shown, escalated = render(
        state.get("questions", []),
        by_question,
        state.get("conflicts", []),
        ctx.brand_voice,
        ctx.creator_name,
        ctx.max_chars.get(state["channel"], 1000),
        kinds=ctx.search.vocabulary(state["creator_id"]).categories
        if any(q.get("needs_clarification") for q in state.get("questions", []))
        else None,  # (the shop's kinds, read only for a request too vague to search)
    )
    draft = state.get("llm_draft", "")
    limit = ctx.max_chars.get(state["channel"], 1000)
    blocked = [c for c in state.get("conflicts", []) if c.get("severity") == "high"]
    if draft and not blocked and len(draft) <= limit and grounded(draft, state, ctx):
        reply = draft  # the model's own words, checked against what the tools returned
    # Streaming clients get the reply as it is written (stream_mode="custom"); a no-op otherwise.
    for token in re.findall(r"\S+\s*", reply):
        runtime.stream_writer({"token": token})
    if escalated:
        reasons.append("support escalation")
    if left := state.get("questions_left", 0):
        reasons.append(f"{left} more questions than one reply answers")
    reasons += [
        f"high-severity conflict: {c['type']} ({c['fact']})"
        + (f" with {c['product_name']}" if c.get("product_name") else "")
        for c in state.get("conflicts", [])
        if c.get("severity") == "high"
    ]
    update: dict[str, Any] = {
        "reply": reply,
        "escalated": escalated,
        "recommended": [_brief(p) for p in shown],
        "review_reasons": list(dict.fromkeys(reasons)),
    }
    searches = [a for a in state.get("tool_results", []) if a["tool"] == "search_products"]
    # Only a new list of results replaces what "the first one" refers to; answers about one
    # product (variants, price, comparison) keep the list the customer is looking at.
    listed = {p["product_id"] for a in searches for p in a["products"]}
    if shown and any(p["product_id"] in listed for p in shown):
        update["shown_products"] = [p for p in shown if p["product_id"] in listed][:6]
    about = {
        p["product_id"]
        for a in state.get("tool_results", [])
        if a["tool"] == "get_product_variants"
        for p in a["products"]
    }
    if len(about) == 1:
        update["focus_product"] = next(iter(about))
    elif listed:
        update["focus_product"] = None
    if searches and searches[-1]["products"]:
        last = searches[-1]
        update["last_search"] = {
            "query": last["query"],
            "filters": last["filters"],
            "sort": last["sort"],
        }
    return update
