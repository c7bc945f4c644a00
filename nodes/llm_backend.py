"""The LLM back-end: chat models from ``provider:model`` strings, with fallbacks.

Retries, a rate limiter, timeouts and a fallback chain; structured outputs for analysis and
conflict review; usage and cost accounting. Nodes call it when configured and fall back to the
offline pipeline when every model fails, so no message is ever lost.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_core.runnables import Runnable
from pydantic import BaseModel, Field

from prompts.loader import DATA

log = logging.getLogger("dmpilot.llm")

TRANSIENT_STATUS = {408, 409, 429, 500, 502, 503, 504}
TRANSIENT_NAMES = ("RateLimit", "Timeout", "APIConnection", "ServiceUnavailable", "InternalServer",
                   "ResourceExhausted", "DeadlineExceeded", "Overloaded")  # fmt: skip


def is_transient(exc: BaseException) -> bool:
    """429/5xx/timeouts are retried; everything else fails over to the next model at once."""
    status = getattr(exc, "status_code", None) or getattr(exc, "code", None)
    if isinstance(status, int) and status in TRANSIENT_STATUS:
        return True
    if isinstance(exc, TimeoutError | ConnectionError):
        return True
    return any(name in type(exc).__name__ for name in TRANSIENT_NAMES)


# -- structured outputs ----------------------------------------------------------------
IntentName = Literal[
    "product_search", "variant_question", "price_inquiry", "comparison", "general_question",
    "support", "greeting", "other",
]  # fmt: skip


class LLMQuestion(BaseModel):
    """One focused question, as the model sees it."""

    text: str
    intent: IntentName
    min_price: float | None = None
    max_price: float | None = None
    colors: list[str] = Field(default_factory=list)
    sizes: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list, description="e.g. 'the first one'")
    cheapest: bool = False
    needs_clarification: bool = False


class LLMFacts(BaseModel):
    """Facts the customer states about themselves in this message."""

    diet: list[Literal["vegan", "vegetarian", "lactose_intolerant", "caffeine_free"]] = Field(
        default_factory=list
    )
    allergies: list[str] = Field(default_factory=list)
    injuries: list[Literal["knee", "back", "shoulder", "wrist", "pregnancy"]] = Field(
        default_factory=list
    )
    level: Literal["beginner", "advanced"] | None = None
    budget: float | None = None
    sizes: list[str] = Field(default_factory=list)


class LLMAnalysis(BaseModel):
    """Structured result of message analysis."""

    questions: list[LLMQuestion]
    facts: LLMFacts = Field(default_factory=LLMFacts)


class LLMConflict(BaseModel):
    """A conflict the model found between the profile and a product."""

    type: Literal["dietary", "allergy", "injury", "level", "fit", "budget", "material", "safety"]
    severity: Literal["high", "medium", "low"]
    fact: str
    product_id: int
    evidence: str


class LLMConflictReport(BaseModel):
    """Structured result of the conflict review."""

    conflicts: list[LLMConflict] = Field(default_factory=list)


# -- cost -----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def prices() -> dict[str, list[float]]:
    """USD per 1M tokens (input, output) by model string."""
    data = json.loads((DATA / "model_prices.json").read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


def usage_from(handler: UsageMetadataCallbackHandler, specs: dict[str, str]) -> dict[str, Any]:
    """Tokens and estimated cost from a usage callback (model names mapped back to specs)."""
    tokens_in = tokens_out = 0
    cost = 0.0
    models = []
    for name, usage in handler.usage_metadata.items():
        tin, tout = usage.get("input_tokens", 0), usage.get("output_tokens", 0)
        tokens_in += tin
        tokens_out += tout
        spec = specs.get(name, name)
        models.append(spec)
        pin, pout = prices().get(spec, [0.0, 0.0])
        cost += (tin * pin + tout * pout) / 1e6
    return {"tokens_in": tokens_in, "tokens_out": tokens_out, "cost_usd": cost, "models": models}


# -- the back-end ---------------------------------------------------------------------
@dataclass
class LLMBackend:
    """A primary model with retries and fallbacks, plus the derived runnables nodes use."""

    models: list[BaseChatModel]
    specs: list[str]
    max_retries: int = 2
    tools: list[Any] = field(default_factory=list)
    secrets: tuple[str, ...] = ()  # the API keys, cut from any error text that is kept

    @property
    def name(self) -> str:
        """The primary model string."""
        return self.specs[0] if self.specs else "llm"

    def _chain(self, build: Any) -> Runnable[Any, Any]:
        runnables = [
            build(m).with_retry(
                retry_if_exception_type=is_transient,
                stop_after_attempt=self.max_retries + 1,
                wait_exponential_jitter=True,
            )
            for m in self.models
        ]
        first, rest = runnables[0], runnables[1:]
        return first.with_fallbacks(rest) if rest else first

    def analyzer(self) -> Runnable[Any, Any]:
        """Structured analysis with retries and fallbacks."""
        return self._chain(lambda m: m.with_structured_output(LLMAnalysis))

    def conflict_reviewer(self) -> Runnable[Any, Any]:
        """Structured conflict review."""
        return self._chain(lambda m: m.with_structured_output(LLMConflictReport))

    def writer(self) -> Runnable[Any, str]:
        """Plain text (fan-out drafts, cluster names): messages in, the model's text out."""
        return self._chain(lambda m: m | StrOutputParser())

    def agent(self) -> Runnable[Any, Any]:
        """Tool-calling chat model."""
        return self._chain(lambda m: m.bind_tools(self.tools))

    def model_names(self) -> dict[str, str]:
        """Provider model name -> spec, for usage accounting."""
        out = {}
        for spec, m in zip(self.specs, self.models, strict=True):
            for attr in ("model_name", "model"):
                name = getattr(m, attr, None)
                if isinstance(name, str):
                    out[name] = spec
        return out


def make_limiter(requests_per_second: float) -> InMemoryRateLimiter:
    """One token bucket shared by every model of a back-end (the provider's quota is shared)."""
    return InMemoryRateLimiter(
        requests_per_second=requests_per_second, check_every_n_seconds=0.02,
        max_bucket_size=max(1.0, requests_per_second),
    )  # fmt: skip


def build_backend(
    specs: list[str],
    tools: list[Any],
    timeout_s: float = 20.0,
    max_retries: int = 2,
    requests_per_second: float = 5.0,
    api_keys: dict[str, str] | None = None,
) -> LLMBackend | None:
    """Chat models for ``specs`` (``provider:model``); None when nothing but offline is asked."""
    specs = [s for s in specs if s and s != "offline"]
    if not specs:
        return None
    from langchain.chat_models import init_chat_model

    limiter = make_limiter(requests_per_second)
    models = []
    keys = api_keys or {}
    for spec in specs:
        provider = spec.split(":", 1)[0]
        kwargs: dict[str, Any] = {"timeout": timeout_s, "max_retries": 0, "rate_limiter": limiter}
        if provider == "openai" and keys.get("openai"):
            kwargs["api_key"] = keys["openai"]
        if provider == "google_genai" and keys.get("google"):
            kwargs["google_api_key"] = keys["google"]
        models.append(init_chat_model(spec, **kwargs))
    return LLMBackend(
        models=models, specs=specs, max_retries=max_retries, tools=tools,
        secrets=tuple(v for v in keys.values() if v),
    )  # fmt: skip
