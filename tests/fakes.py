"""A scripted LangChain chat model whose ``bind_tools`` and ``with_structured_output`` work."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict, Field, PrivateAttr


class RateLimitError(Exception):
    """Looks like a provider's 429."""

    status_code = 429


class ScriptedChatModel(BaseChatModel):
    """Replies from a script.

    AIMessages (or callables of the prompt) for tool calling, objects per schema name for
    structured output; ``fail_with`` makes every call raise.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_name: str = "scripted"
    replies: list[Any] = Field(default_factory=list)
    structured: dict[str, list[Any]] = Field(default_factory=dict)
    fail_with: BaseException | None = None
    respond: Callable[[list[BaseMessage]], str] | None = None  # when ``replies`` is empty
    calls: int = 0
    tokens: tuple[int, int] = (120, 30)
    # Fan-out drafts call the model from parallel branches: count under a lock.
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def _count(self) -> None:
        with self._lock:
            self.calls += 1

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> ChatResult:
        self._count()
        if self.fail_with is not None:
            raise self.fail_with
        if self.replies:
            reply = self.replies.pop(0)
        elif self.respond is not None:
            reply = AIMessage(content=self.respond(messages))
        else:
            reply = AIMessage(content="")
        if callable(reply):
            reply = reply(messages)
        reply = reply.model_copy()
        reply.usage_metadata = {"input_tokens": self.tokens[0], "output_tokens": self.tokens[1],
                                "total_tokens": sum(self.tokens)}  # fmt: skip
        reply.response_metadata = {"model_name": self.model_name}
        return ChatResult(generations=[ChatGeneration(message=reply)])

    def bind_tools(self, tools: Any, **kwargs: Any) -> Runnable:  # type: ignore[override]
        return self

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Runnable:  # type: ignore[override]
        def answer(_: Any) -> Any:
            self._count()
            if self.fail_with is not None:
                raise self.fail_with
            queue = self.structured.get(schema.__name__, [])
            item = queue.pop(0) if queue else schema()
            return item(_) if callable(item) and not isinstance(item, schema) else item

        return RunnableLambda(answer)


def tool_call(name: str, args: dict[str, Any], i: int = 0) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[{"name": name, "args": args, "id": f"llm_{name}_{i}", "type": "tool_call"}],
    )


def from_tool_results(
    render: Callable[[list[Any]], str],
) -> Callable[[list[BaseMessage]], AIMessage]:
    """A reply computed from the ToolMessages the model was given (like a real LLM would)."""

    def reply(messages: list[BaseMessage]) -> AIMessage:
        return AIMessage(content=render([m for m in messages if m.type == "tool"]))

    return reply
