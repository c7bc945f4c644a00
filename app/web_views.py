"""What the web app shows next to a decision: the fan, what they said, what dmpilot knows.

A person deciding a held reply or a draft needs the context where the buttons are, not in
another tab: the fan's recent messages, the profile facts learned, and why the reply was held
(the conflict found, a low cluster membership). Everything is read in a few batched queries
per page; a held reply's own thread and the fan's conversation are two checkpoint reads.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from sqlalchemy import select

from app.services import Services
from graphs.agent import thread_id
from memory.fanout import Approval, Delivery, Draft, FanQuestion, InboxMessage
from nodes.save_state import reply_message_id
from tools.clustering import confident_level

HISTORY = 6  # messages shown per fan


def _fan_questions(svc: Services, creator: str, customers: set[str]) -> dict[str, list[str]]:
    """The latest questions each fan asked in the inbox (the texts kept for clustering)."""
    if not customers:
        return {}
    out: dict[str, list[str]] = {}
    with svc.sessions() as s:
        rows = s.execute(
            select(FanQuestion.customer_id, FanQuestion.text)
            .where(FanQuestion.creator_id == creator, FanQuestion.customer_id.in_(customers))
            .order_by(FanQuestion.asked_at.desc(), FanQuestion.id.desc())
        )  # fmt: skip
        for customer, text in rows:
            kept = out.setdefault(customer, [])
            if len(kept) < HISTORY:
                kept.append(text)
    return {c: list(reversed(v)) for c, v in out.items()}


def _thread_messages(
    svc: Services, creator: str, customer: str, channel: str, unsent: set[str]
) -> list[dict[str, Any]]:
    """The fan's conversation as its checkpoint holds it, each held reply marked ``held``.

    A held reply is in the thread from its turn on, under the id ``reply-<execution>``; until
    a person decides it the fan has not seen it (``unsent``: the ids still waiting).
    """
    on = "comment" if channel == "comment" else "dm"
    snap = svc.agent.get_state({"configurable": {"thread_id": thread_id(creator, customer, on)}})
    return [
        {"role": "customer" if isinstance(m, HumanMessage) else "assistant",
         "text": str(m.content), "held": m.id in unsent}
        for m in (snap.values or {}).get("messages", [])
        if isinstance(m, HumanMessage | AIMessage) and not getattr(m, "tool_calls", None)
    ]  # fmt: skip


def _chat_history(
    svc: Services, creator: str, customer: str, channel: str, unsent: set[str]
) -> list[dict[str, Any]]:
    """The last messages the fan really exchanged (held replies left out)."""
    said = _thread_messages(svc, creator, customer, channel, unsent)
    return [m for m in said if not m["held"]][-HISTORY:]


def marked_history(svc: Services, creator: str, customer: str, channel: str) -> list[Any]:
    """A thread's messages, each held reply (not sent yet) marked as such."""
    return _thread_messages(svc, creator, customer, channel, _unsent_replies(svc, creator))


def _unsent_replies(svc: Services, creator: str) -> set[str]:
    """Message ids of every held reply still waiting for a decision."""
    prefix = f"reply:{creator}:"
    with svc.sessions() as s:
        threads = s.scalars(
            select(Approval.thread_id).where(
                Approval.creator_id == creator, Approval.status == "pending",
                Approval.thread_id.startswith(prefix, autoescape=True),
            )
        )  # fmt: skip
        return {reply_message_id(t[len(prefix) :]) for t in threads}


def approval_contexts(svc: Services, creator: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Per approval id: fan, channel, history, profile, conflicts and the reasons it waits."""
    assert svc.fanout is not None
    draft_ids = [
        str(a["payload"]["action_request"]["args"].get("draft_id"))
        for a in items
        if a["payload"]["action_request"]["args"].get("draft_id")
    ]
    drafts: dict[str, Draft] = {}
    if draft_ids:
        with svc.sessions() as s:
            drafts = {
                d.id: d
                for d in s.scalars(
                    select(Draft).where(Draft.creator_id == creator, Draft.id.in_(draft_ids))
                )
            }
    out: dict[str, Any] = {}
    unsent = _unsent_replies(svc, creator) if any(
        a["thread_id"].startswith("reply:") for a in items) else set()  # fmt: skip
    for a in items:
        args = a["payload"]["action_request"]["args"]
        thread = a["thread_id"]
        if a["kind"] == "send_ready_replies":
            out[a["id"]] = {"cluster_id": thread.rsplit(":", 1)[-1], "batch": True}
        elif thread.startswith("reply:"):
            values = svc.fanout.reply_graph.get_state({"configurable": {"thread_id": thread}})
            held = values.values or {}
            customer, channel = held.get("customer_id", ""), held.get("channel", "dm")
            said = _chat_history(svc, creator, customer, channel, unsent) if customer else []
            out[a["id"]] = {
                "customer_id": customer, "channel": channel,
                "reasons": held.get("reasons") or [], "conflicts": [], "history": said,
            }  # fmt: skip
        elif args.get("draft_id") in drafts:
            d = drafts[args["draft_id"]]
            checks = d.checks or {}
            reasons = []
            member = checks.get("membership")
            if member is not None and member < confident_level():
                reasons.append(f"may be asking something else (cluster membership {member:.2f})")
            if d.confidence < svc.settings.fanout_min_confidence:
                reasons.append(f"low confidence ({d.confidence:.2f})")
            out[a["id"]] = {
                "customer_id": d.customer_id, "channel": "dm", "cluster_id": d.cluster_id,
                "reasons": reasons, "conflicts": checks.get("conflicts") or [],
                "confidence": d.confidence, "history": None,
            }  # fmt: skip
    asked = _fan_questions(
        svc, creator,
        {c["customer_id"] for c in out.values() if c.get("customer_id") and c["history"] is None},
    )  # fmt: skip
    profiles: dict[str, Any] = {}
    for c in out.values():
        fan = c.get("customer_id")
        if fan:
            if c.get("history") is None:
                c["history"] = [{"role": "customer", "text": t} for t in asked.get(fan, [])]
            if fan not in profiles:
                profiles[fan] = svc.conversations.get_profile(creator, fan)
            c["profile"] = profiles[fan]
    return out


def recent_decisions(svc: Services, creator: str, limit: int = 10) -> list[dict[str, Any]]:
    """The last decisions and what became of them: sent, delivered, queued, held or failed."""
    with svc.sessions() as s:
        rows = list(
            s.scalars(
                select(Approval)
                .where(Approval.creator_id == creator, Approval.status == "decided")
                .order_by(Approval.decided_at.desc())
                .limit(limit)
            )
        )
        keys: dict[str, list[str]] = {}
        for r in rows:
            args = r.payload["action_request"]["args"]
            if r.thread_id.startswith("reply:"):
                keys[r.id] = [r.thread_id]  # the held reply's idempotency key
            else:
                ids = args.get("draft_ids") or [args.get("draft_id")]
                keys[r.id] = [f"fanout:{creator}:{i}" for i in ids if i]
        wanted = [k for ks in keys.values() for k in ks]
        found = {
            d.idempotency_key: d
            for d in s.scalars(
                select(Delivery).where(Delivery.creator_id == creator,
                                       Delivery.idempotency_key.in_(wanted))
            )
        } if wanted else {}  # fmt: skip
    out = []
    for r in rows:
        sent = [found[k] for k in keys[r.id] if k in found]
        by_status: dict[str, int] = {}
        for d in sent:
            by_status[d.status] = by_status.get(d.status, 0) + 1
        out.append({
            "id": r.id, "kind": r.kind, "thread_id": r.thread_id,
            "decision": (r.decision or {}).get("type", ""),
            "decided_at": r.decided_at, "deliveries": by_status,
            "customer_id": sent[0].customer_id if len(sent) == 1 else None,
            "text": sent[0].text if len(sent) == 1 else None,
        })  # fmt: skip
    return out


def inbox_thread(svc: Services, creator: str, customer: str) -> dict[str, Any] | None:
    """A fan known only from the inbox: what they wrote and were sent, oldest first.

    Bulk-imported messages and fan-out replies have no agent thread; None when nothing is
    kept about the fan.
    """
    with svc.sessions() as s:
        said = [
            (at, "customer", text)
            for at, text in s.execute(
                select(InboxMessage.sent_at, InboxMessage.text).where(
                    InboxMessage.creator_id == creator, InboxMessage.customer_id == customer,
                    InboxMessage.text.is_not(None),
                )
            )
        ]  # fmt: skip
        if not said:  # raw texts are not kept: the questions taken from them are
            asked = select(FanQuestion.asked_at, FanQuestion.text).where(
                FanQuestion.creator_id == creator, FanQuestion.customer_id == customer
            )
            said = [(at, "customer", text) for at, text in s.execute(asked)]
        sent = [
            (d.sent_at or d.created_at, "assistant", d.text)
            for d in s.scalars(
                select(Delivery).where(Delivery.creator_id == creator,
                                       Delivery.customer_id == customer)
            )
        ]  # fmt: skip
    if not said and not sent:
        return None
    both: list[tuple[Any, str, Any]] = [*said, *sent]
    history = [{"role": role, "text": str(text or ""), "held": False}
               for _, role, text in sorted(both, key=lambda x: x[0])]  # fmt: skip
    return {"customer_id": customer, "channel": "inbox", "turns": 0, "stage": "inbox",
            "history": history, "profile": svc.conversations.get_profile(creator, customer),
            "inbox": True}  # fmt: skip
