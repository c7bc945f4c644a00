"""One customer thread over HTTP: send a message, read the conversation and execution logs."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import StreamingResponse
from langchain_core.messages import AIMessage, HumanMessage
from starlette.concurrency import run_in_threadpool

from app.idempotent import IdempotencyKey
from app.privacy import export_customer, forget_customer
from app.routes_catalog import CreatorId, Svc
from app.schemas import MessageIn, MessageOut, message_out
from app.turns import run_turn
from graphs.agent import thread_id

log = logging.getLogger("dmpilot.api")
router = APIRouter(prefix="/v1", tags=["conversations"])

CustomerId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$")]


def _turn(
    creator_id: str, customer_id: str, body: MessageIn, thread: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Graph input and config of one turn (shared by the plain and the streaming route)."""
    return (
        {"creator_id": creator_id, "customer_id": customer_id,
         "channel": body.channel, "text": body.text},
        {"configurable": {"thread_id": thread}},
    )  # fmt: skip


@router.post(
    "/creators/{creator_id}/conversations/{customer_id}/messages", response_model=MessageOut
)
async def post_message(
    creator_id: CreatorId,
    customer_id: CustomerId,
    body: MessageIn,
    svc: Svc,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Answer one message; turns of the same thread are processed strictly in order."""
    svc.agent_context(creator_id)  # 404 for an unknown creator, before a thread hop
    route = f"messages:{customer_id}"
    return await run_in_threadpool(  # one thread hop per turn
        run_turn, svc, creator_id, customer_id, body, idempotency_key, route
    )


@router.post(
    "/creators/{creator_id}/conversations/{customer_id}/messages/stream",
    response_class=StreamingResponse,
    responses={200: {
        "description": "`event: node|token|done|error` records, `data:` one JSON object each",
        "content": {"text/event-stream": {"schema": {
            "type": "object", "required": ["event", "data"],
            "properties": {"event": {"enum": ["node", "token", "done", "error"]},
                           "data": {"type": "string"}},
        }}},
    }},
)  # fmt: skip
def stream_message(
    creator_id: CreatorId, customer_id: CustomerId, body: MessageIn, svc: Svc
) -> StreamingResponse:
    """Server-Sent Events of one turn.

    ``node`` after each step, ``token`` for reply chunks, then ``done`` with the same body as
    the non-streaming route (or ``error``).
    """
    ctx = svc.agent_context(creator_id)
    thread = thread_id(creator_id, customer_id, body.channel)

    records: queue.Queue[str | None] = queue.Queue()

    def turn() -> None:
        # The turn runs to its end in its own thread, whatever the client does: a client that
        # leaves mid-stream must not leave the thread's lock held by a suspended generator
        # (the next message of that fan then waited forever), and its turn is kept as the
        # non-streaming route would keep it.
        try:
            with svc.thread_lock(thread), svc.journaled_turn(creator_id, customer_id, body.channel):
                t0 = time.perf_counter()
                for mode, chunk in svc.agent.stream(
                    *_turn(creator_id, customer_id, body, thread),
                    context=ctx, durability="exit", stream_mode=["updates", "custom"],
                ):  # fmt: skip
                    if mode == "custom":
                        records.put(f"event: token\ndata: {json.dumps(chunk)}\n\n")
                    else:
                        for node in chunk:
                            records.put(f"event: node\ndata: {json.dumps({'node': node})}\n\n")
                state = svc.agent.get_state({"configurable": {"thread_id": thread}}).values
                out = message_out(state, (time.perf_counter() - t0) * 1000)
                records.put(f"event: done\ndata: {json.dumps(out, default=str)}\n\n")
        except Exception as exc:  # noqa: BLE001 - reported to the client as an SSE event
            log.exception("streamed turn failed on %s", thread)
            records.put(f"event: error\ndata: {json.dumps({'detail': type(exc).__name__})}\n\n")
        finally:
            records.put(None)

    def events() -> Iterator[str]:
        while (record := records.get()) is not None:
            yield record

    threading.Thread(target=turn, name=f"turn-{thread}", daemon=True).start()
    return StreamingResponse(events(), media_type="text/event-stream")


@router.get("/creators/{creator_id}/conversations/{customer_id}")
def get_conversation(
    creator_id: CreatorId,
    customer_id: CustomerId,
    svc: Svc,
    channel: Annotated[Literal["dm", "comment"], Query()] = "dm",
) -> dict[str, Any]:
    """History (trimmed window), learned profile and the last turn's state."""
    svc.catalog.get_creator(creator_id)
    snap = svc.agent.get_state(
        {"configurable": {"thread_id": thread_id(creator_id, customer_id, channel)}}
    )
    values = snap.values or {}
    if not values:
        raise HTTPException(404, f"no conversation with '{customer_id}' on {channel}")
    history = [
        {"role": "customer" if isinstance(m, HumanMessage) else "assistant", "text": m.content}
        for m in values.get("messages", [])
        if isinstance(m, HumanMessage | AIMessage) and not getattr(m, "tool_calls", None)
    ]
    return {
        "creator_id": creator_id,
        "customer_id": customer_id,
        "channel": channel,
        "turns": values.get("turn", 0),
        "stage": values.get("stage", "new"),
        "summary": values.get("summary", ""),
        "history": history,
        "profile": svc.conversations.get_profile(creator_id, customer_id),
        "shown_products": [
            {"product_id": p["product_id"], "name": p["name"], "url": p.get("url")}
            for p in values.get("shown_products") or []
        ],
        "last_search": values.get("last_search"),
        "last_execution_id": values.get("execution_id"),
    }


@router.get("/creators/{creator_id}/executions/{execution_id}")
def get_execution(creator_id: CreatorId, execution_id: str, svc: Svc) -> dict[str, Any]:
    """The execution log of one turn: per-node status and duration, model, tokens, cost."""
    row = svc.conversations.get_execution(creator_id, execution_id)
    if row is None:
        raise HTTPException(404, f"unknown execution '{execution_id}'")
    return row


@router.get("/creators/{creator_id}/customers/{customer_id}/export")
def export_customer_data(creator_id: CreatorId, customer_id: CustomerId, svc: Svc) -> Any:
    """Everything kept about one fan: conversations, profile, log, inbox, drafts, deliveries."""
    return export_customer(svc, creator_id, customer_id)


@router.delete("/creators/{creator_id}/customers/{customer_id}")
def delete_customer_data(
    creator_id: CreatorId, customer_id: CustomerId, svc: Svc
) -> dict[str, int]:
    """Delete every trace of one fan (409 while a fan-out with their draft awaits decisions)."""
    return forget_customer(svc, creator_id, customer_id)
