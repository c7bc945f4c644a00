"""Channel adapters: where approved replies go: the outbox table, sent on by a channel's sender.

Every send carries an idempotency key; sending the same key twice returns the first delivery
instead of sending again, so a retried resume or a restart never double-sends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from memory.channels import ChannelContact
from memory.fanout import Delivery, row_dict


class ChannelAdapter(Protocol):
    """What a channel must offer (Instagram, email... come later)."""

    name: str

    def send(
        self, creator_id: str, customer_id: str, chat_id: str, text: str, idempotency_key: str,
        draft_id: str,
    ) -> dict[str, Any]:  # fmt: skip
        """Deliver once per key; returns the delivery record (``duplicate`` when already sent)."""
        ...


class OutboxAdapter:
    """A delivery is a row in ``deliveries`` (unique idempotency key).

    A fan who wrote through a connected channel (a ``ChannelContact``, e.g. Instagram) gets a
    ``queued`` row that the channel's sender sends and marks; anyone else's reply is recorded
    as ``delivered`` in the local outbox (the offline default). ``on_queued`` wakes the sender.
    """

    name = "outbox"

    def __init__(
        self, sessions: sessionmaker[Session], on_queued: Callable[[], None] | None = None
    ) -> None:
        self.sessions = sessions
        self.on_queued = on_queued

    def send(
        self, creator_id: str, customer_id: str, chat_id: str, text: str, idempotency_key: str,
        draft_id: str, automatic: bool = False, reply_to: str | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Record the delivery; a key seen before returns the earlier record.

        A fan known on a channel is queued there even when the channel was disconnected since
        (the sender holds it, with the reason), never recorded as delivered locally.
        """
        try:
            with self.sessions.begin() as s:
                contact = s.get(ChannelContact, (creator_id, customer_id))
                row = Delivery(
                    creator_id=creator_id, idempotency_key=idempotency_key, draft_id=draft_id,
                    customer_id=customer_id, chat_id=chat_id, text=text, automatic=automatic,
                    channel=contact.channel if contact is not None else self.name,
                    status="queued" if contact is not None else "delivered", reply_to=reply_to,
                )  # fmt: skip
                s.add(row)
            if row.status == "queued" and self.on_queued is not None:
                self.on_queued()
            return {**row_dict(row), "duplicate": False}
        except IntegrityError:
            with self.sessions() as s:
                old = s.scalar(select(Delivery).where(Delivery.idempotency_key == idempotency_key))
            assert old is not None
            return {**row_dict(old), "duplicate": True}

    def deliveries(self, creator_id: str) -> list[dict[str, Any]]:
        """Everything sent for a creator, oldest first."""
        with self.sessions() as s:
            rows = s.scalars(
                select(Delivery).where(Delivery.creator_id == creator_id).order_by(Delivery.id)
            )
            return [row_dict(r) for r in rows]
