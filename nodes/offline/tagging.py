"""Inbox tags of a fan's questions: topic, urgency, tone (patterns in ``inbox_tags.json``).

The dashboard sorts clusters by urgency and the fan-out drafts follow the fan's tone, so both
the conversation path (``record_inbox``) and the bulk ingest (``app.inbox``) tag the same way.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from nodes.offline.nlu import analyze
from nodes.state import IntentModel
from prompts.loader import data

SKIP_INTENTS = {"greeting", "other"}  # "thanks!", "🔥": nothing to answer


@cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(data("inbox_tags")[name], re.I)


def urgency(text: str, intent: str) -> str:
    """``high`` for problems with an order or money, ``normal`` for support and prices."""
    if _pattern("urgent").search(text):
        return "high"
    return "normal" if intent in {"support", "price_inquiry"} else "low"


def tone(text: str, profile: dict[str, Any] | None = None) -> str:
    """The fan's tone as a drafting hint: frustrated, beginner, excited or neutral."""
    if _pattern("frustrated").search(text):
        return "frustrated"
    if _pattern("beginner").search(text) or (profile or {}).get("level") == "beginner":
        return "beginner"
    if _pattern("excited").search(text):
        return "excited"
    return "neutral"


def analyse_text(
    text: str, classifier: IntentModel, product_types: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Focused questions of one message with intent, topic, urgency, tone and tags."""
    questions, _ = analyze(text, classifier, product_types)
    return tag_questions(text, [q.model_dump() for q in questions])


def tag_questions(text: str, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Topic, urgency, tone and tags of already analysed questions (the agent's, or the NLU's)."""
    out = []
    multi = len(questions) > 1
    for q in questions:
        if q["intent"] in SKIP_INTENTS:
            continue
        ent = q.get("entities") or {}
        cats, intent = ent.get("categories") or [], q["intent"]
        tags = [intent, *cats, *(ent.get("colors") or []), *(ent.get("sizes") or [])]
        if multi:
            tags.append("multi_question")
        out.append(
            {
                "text": q["text"],
                "intent": intent,
                "topic": cats[0] if cats else intent,
                "urgency": urgency(q["text"] if multi else text, intent),
                "tone": tone(text),
                "tags": list(dict.fromkeys(tags)),
            }
        )
    return out
