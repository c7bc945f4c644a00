"""Fan-out node 2 (one branch per chat): the fan's personal draft with checks and confidence.

Offline, the draft is composed from templates around the canonical answer. With an LLM back-end
the model writes it (under the run's ``max_concurrency``, the back-end's rate limiter, retries
and fallback models); the same checks then apply, and a failed or rule-breaking LLM draft is
replaced by the offline one, so no fan is dropped.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from nodes.fanout.state import ChatTask, FanoutContext
from nodes.llm_calls import run_llm
from nodes.offline.conflicts import check_text
from nodes.offline.drafting import check_draft, draft_for_fan, is_beginner
from nodes.state import ChatModels
from prompts import fanout as P


def draft_id(creator_id: str, cluster_id: str, chat_id: str) -> str:
    """Deterministic, so a re-run of the fan-out updates drafts instead of duplicating them."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"dmpilot:{creator_id}:{cluster_id}:{chat_id}"))


def draft_reply(task: ChatTask, runtime: Runtime[FanoutContext]) -> dict[str, Any]:
    """Adapt the canonical answer to this fan; conflicts and low confidence go to review."""
    chat, ctx = task["chat"], runtime.context
    max_chars = ctx.max_chars.get(task["channel"], 1000)
    draft = draft_for_fan(
        task["answer"], chat["questions"], chat["profile"], task["style"], max_chars,
        ctx.min_confidence, ctx.member_level,
    )  # fmt: skip
    if ctx.llm is not None:
        draft = llm_draft(ctx.llm, task, ctx.creator_name, max_chars, ctx.min_confidence, draft,
                          ctx.member_level)  # fmt: skip
    return {
        "drafts": [
            {
                "id": draft_id(task["creator_id"], task["cluster_id"], chat["chat_id"]),
                "chat_id": chat["chat_id"],
                "customer_id": chat["customer_id"],
                "question_ids": [q["id"] for q in chat["questions"]],
                "questions": [q["text"] for q in chat["questions"]],
                **draft,
            }
        ]
    }


def draft_messages(
    task: ChatTask, creator_name: str, max_chars: int, conflicts: list[dict[str, Any]]
) -> list[Any]:
    """System and user prompt for one fan's draft."""
    chat, style = task["chat"], task["style"]
    words = [P.STYLE_WORDS["emoji" if style.get("emoji") else "no_emoji"]]
    if style.get("exclaims"):
        words.append(P.STYLE_WORDS["exclaims"])
    n = round(float(style.get("sentence_words", 12)))
    words.append(P.STYLE_WORDS["short" if n <= 12 else "long"].format(n=n))
    if float(style.get("technical", 0)) >= 1.0:
        words.append(P.STYLE_WORDS["technical"])
    qs = chat["questions"]
    if is_beginner(qs, chat["profile"]):
        adapt = P.ADAPT_BEGINNER
    elif any(q.get("tone") == "frustrated" or q.get("urgency") == "high" for q in qs):
        adapt = P.ADAPT_FRUSTRATED
    else:
        adapt = P.ADAPT_DEFAULT
    items = "; ".join(f"the fan is {c['fact']} but the answer mentions {', '.join(c['evidence'])}"
                      for c in conflicts)  # fmt: skip
    system = P.DRAFT_SYSTEM.format(
        creator_name=creator_name or "the creator", style=", ".join(words), adapt=adapt,
        conflicts=P.CONFLICTS_SOME.format(items=items) if conflicts else P.CONFLICTS_NONE,
        max_chars=max_chars,
    )  # fmt: skip
    profile = {k: v for k, v in chat["profile"].items() if v}
    user = P.DRAFT_USER.format(
        answer=task["answer"],
        questions="\n".join(f"- {t}" for t in dict.fromkeys(q["text"] for q in qs)),
        profile=json.dumps(profile, ensure_ascii=False) if profile else "nothing yet",
    )
    return [SystemMessage(system), HumanMessage(user)]


def llm_draft(
    llm: ChatModels,
    task: ChatTask,
    creator_name: str,
    max_chars: int,
    min_confidence: float,
    offline: dict[str, Any],
    member_level: float = 0.0,
) -> dict[str, Any]:
    """The model's draft under the same checks; the offline draft when it fails or breaks one."""
    chat = task["chat"]
    known = offline["checks"]["conflicts"]
    messages = draft_messages(task, creator_name, max_chars, known)
    text, error, used = run_llm(llm, "draft_reply", lambda cfg: llm.writer().invoke(messages, cfg))
    usage = {k: used[k] for k in ("tokens_in", "tokens_out", "cost_usd")}
    model = used["models"][-1] if used["models"] else llm.name
    if text is None:
        checks = {**offline["checks"], "backend": f"offline (fallback from {llm.name})",
                  "llm_error": error, **usage}  # fmt: skip
        return {**offline, "checks": checks}
    text = text.strip()
    # A conflict the model itself introduced counts too.
    conflicts = list({_key(c): c for c in [*known, *check_text(text, chat["profile"])]}.values())
    result = check_draft(task["answer"], text, chat["questions"], conflicts, max_chars,
                         min_confidence, member_level)  # fmt: skip
    if result["status"] == "rejected":
        checks = {**offline["checks"], "backend": f"offline ({model} draft rejected)",
                  "llm_problems": result["checks"]["problems"], **usage}  # fmt: skip
        return {**offline, "checks": checks}
    checks = {**result["checks"], "beginner": offline["checks"]["beginner"], "backend": model,
              **usage}  # fmt: skip
    return {"text": text, **result, "checks": checks}


def _key(conflict: dict[str, Any]) -> tuple[Any, ...]:
    return conflict["type"], conflict["fact"], tuple(conflict.get("evidence") or [])
