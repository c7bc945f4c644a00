"""One customer turn with its crash and retry guarantees, for the HTTP route and the channels.

The thread's lock orders turns of one fan; the turn journal undoes a turn whose checkpoint
never landed; an idempotency key replays the first answer instead of running a second turn
(a client's retry, or Meta delivering the same DM twice to a restarted worker).
"""

from __future__ import annotations

import time
from typing import Any

from fastapi.responses import JSONResponse

from app.idempotent import remember, replayed
from app.schemas import MessageIn, message_out
from app.services import Services
from graphs.agent import thread_id


def run_turn(
    svc: Services, creator_id: str, customer_id: str, body: MessageIn, key: str | None, route: str
) -> dict[str, Any] | JSONResponse:
    """Answer one message (blocking); a stored first answer when ``key`` was seen."""
    ctx = svc.agent_context(creator_id)  # 404 for an unknown creator
    thread = thread_id(creator_id, customer_id, body.channel)
    with svc.thread_lock(thread):  # a retry waits for its first try, then replays it
        digest, first = replayed(svc, creator_id, key, route, body.model_dump())
        if first is not None:
            return first
        t0 = time.perf_counter()
        retry = (key, route, digest) if key else None
        with svc.journaled_turn(creator_id, customer_id, body.channel, retry):
            state = svc.agent.invoke(
                {"creator_id": creator_id, "customer_id": customer_id,
                 "channel": body.channel, "text": body.text},
                {"configurable": {"thread_id": thread}},
                context=ctx,
                # One checkpoint per turn, written when the turn completes: a crash mid-turn
                # leaves the previous turn intact (the journal undoes its SQL writes) and the
                # client retries.
                durability="exit",
            )  # fmt: skip
            out = message_out(state, (time.perf_counter() - t0) * 1000)
            remember(svc, creator_id, key, route, digest, out)
        return out
