"""Channel adapters: where approved replies go. The local outbox records them in the database.

Every send carries an idempotency key; sending the same key twice returns the first delivery
instead of sending again, so a retried resume or a restart never double-sends.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

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
    """Default adapter: a delivery is a row in ``deliveries`` (unique idempotency key)."""

    name = "outbox"

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def send(
        self, creator_id: str, customer_id: str, chat_id: str, text: str, idempotency_key: str,
        draft_id: str,
    ) -> dict[str, Any]:  # fmt: skip
        """Record the delivery; a key seen before returns the earlier record."""
        try:
            with self.sessions.begin() as s:
                row = Delivery(
                    creator_id=creator_id, idempotency_key=idempotency_key, draft_id=draft_id,
                    customer_id=customer_id, chat_id=chat_id, channel=self.name, text=text,
                )  # fmt: skip
                s.add(row)
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
