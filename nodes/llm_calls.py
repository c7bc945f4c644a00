"""Helpers shared by nodes that call the LLM back-end: usage accounting and fallback bookkeeping."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.runnables import RunnableConfig

from nodes.llm_backend import usage_from
from nodes.state import ChatModels
from prompts.fanout import TITLE_SYSTEM, TITLE_USER
from prompts.secrets import redact

log = logging.getLogger("dmpilot.llm")
T = TypeVar("T")


def run_llm(
    llm: ChatModels, node: str, fn: Callable[[RunnableConfig], T]
) -> tuple[T | None, str | None, dict[str, Any]]:
    """Run ``fn(config)`` once: (result or None, error or None, tokens/cost/models used)."""
    handler = UsageMetadataCallbackHandler()
    error = None
    try:
        result: T | None = fn({"callbacks": [handler]})
    except Exception as exc:  # noqa: BLE001 - every model failed: the caller falls back offline
        log.warning("LLM failed in %s, falling back to offline: %s", node, type(exc).__name__)
        # Provider text can echo a credential (a proxy printing the request): cut it first.
        error = redact(f"{node}: {type(exc).__name__}: {exc}", llm.secrets)[:300]
        result = None
    return result, error, usage_from(handler, llm.model_names())


def call_llm(
    llm: ChatModels, state: dict[str, Any], node: str, fn: Callable[[RunnableConfig], T]
) -> tuple[T | None, dict[str, Any]]:
    """Run ``fn(config)``; return (result or None on failure, state update with usage/errors)."""
    result, error, used = run_llm(llm, node, fn)
    update: dict[str, Any] = {}
    if error is not None:
        update["fallback_used"] = True
        update["model"] = f"offline (fallback from {llm.name})"
        update["errors"] = [*state.get("errors", []), error]
    before = state.get("usage") or {}
    update["usage"] = {
        "tokens_in": before.get("tokens_in", 0) + used["tokens_in"],
        "tokens_out": before.get("tokens_out", 0) + used["tokens_out"],
        "cost_usd": round(before.get("cost_usd", 0.0) + used["cost_usd"], 8),
    }
    return result, update


def name_groups(
    llm: ChatModels, groups: list[tuple[list[str], str]], max_concurrency: int = 8
) -> list[str | None]:
    """A short name per group of questions (None where every model failed or said nothing)."""
    inputs = [
        [
            SystemMessage(TITLE_SYSTEM),
            HumanMessage(
                TITLE_USER.format(
                    questions="\n".join(f"- {q}" for q in questions),
                    keywords=keywords or "-",
                )
            ),
        ]  # fmt: skip
        for questions, keywords in groups
    ]
    out = llm.writer().batch(inputs, {"max_concurrency": max_concurrency}, return_exceptions=True)
    names: list[str | None] = []
    for result in out:
        if isinstance(result, BaseException):
            log.warning("cluster naming failed: %s", type(result).__name__)
            names.append(None)
            continue
        line = next((ln for ln in str(result).splitlines() if ln.strip()), "")
        name = line.strip().strip("\"'“”*#").rstrip(".").strip()
        names.append(name[:80] or None)
    return names
