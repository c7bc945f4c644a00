"""Node 2: split the message into focused questions, label intents and entities, learn facts."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from graphs.state import AgentState, Context
from nodes.offline.nlu import analyze
from nodes.offline.profile import learn
from nodes.timing import timed
from prompts.lexicon import stem, tokenize


def product_types(ctx: Context, creator_id: str) -> dict[str, str]:
    """Stemmed category words -> category name, from the creator's catalog (cached per index)."""
    idx = ctx.search.index(creator_id)
    cache = getattr(idx, "_product_types", None)
    if cache is None:
        cache = {}
        for category in idx.categories:
            leaf = category.split(">")[-1].strip()
            for word in tokenize(leaf, drop_stopwords=False):
                if len(word) > 2:
                    cache.setdefault(stem(word), leaf)
        idx._product_types = cache  # type: ignore[attr-defined]
    return cache


@timed("analyze_intent")
def analyze_intent(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Offline NLU; facts the customer states about themselves update the profile right away."""
    ctx = runtime.context
    questions, statements = analyze(
        state["text"],
        ctx.classifier,
        product_types(ctx, state["creator_id"]),
        has_shown_products=bool(state.get("shown_products")),
    )
    profile = learn([*statements, *(q.text for q in questions)], state.get("profile") or {})
    return {
        "questions": [q.model_dump() for q in questions],
        "statements": statements,
        "profile": profile,
        "clarify": any(q.needs_clarification for q in questions),
    }
