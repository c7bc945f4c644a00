"""Helpers shared by nodes that call the LLM back-end: usage accounting and fallback bookkeeping."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.runnables import RunnableConfig

from nodes.llm_backend import LLMBackend, usage_from

log = logging.getLogger("dmpilot.llm")
T = TypeVar("T")


def call_llm(
    llm: LLMBackend, state: dict[str, Any], node: str, fn: Callable[[RunnableConfig], T]
) -> tuple[T | None, dict[str, Any]]:
    """Run ``fn(config)``; return (result or None on failure, state update with usage/errors)."""
    handler = UsageMetadataCallbackHandler()
    update: dict[str, Any] = {}
    try:
        result = fn({"callbacks": [handler]})
    except Exception as exc:  # noqa: BLE001 - every model failed: the offline pipeline answers
        log.warning("LLM failed in %s, falling back to offline: %s", node, type(exc).__name__)
        update["fallback_used"] = True
        update["model"] = f"offline (fallback from {llm.name})"
        update["errors"] = [*state.get("errors", []), f"{node}: {type(exc).__name__}: {exc}"[:300]]
        result = None
    used = usage_from(handler, llm.model_names())
    before = state.get("usage") or {}
    update["usage"] = {
        "tokens_in": before.get("tokens_in", 0) + used["tokens_in"],
        "tokens_out": before.get("tokens_out", 0) + used["tokens_out"],
        "cost_usd": round(before.get("cost_usd", 0.0) + used["cost_usd"], 8),
    }
    return result, update
