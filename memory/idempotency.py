"""Idempotency keys: a retried request gets the first answer instead of a second effect.

A client that lost the response to ``POST .../messages`` or a decision (timeout, dropped
connection, a server killed after the work was done) sends the same ``Idempotency-Key`` again
and gets the stored response; the same key with a different body is refused. Records older
than ``RETAIN`` are dropped (a retry comes within minutes, not days).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Integer, String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from memory.models import Base, UtcDateTime, utcnow

RETAIN = timedelta(hours=24)
KEY_PATTERN = r"^[A-Za-z0-9_.:-]{1,200}$"


class IdempotencyRecord(Base):
    """The first response to a request sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_keys"

    creator_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    # What the key acted on ("messages:<customer>", "approvals:<id>"): deleting a customer's
    # data deletes the responses kept for their retries too.
    scope: Mapped[str] = mapped_column(String(300), default="", index=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


@dataclass(frozen=True)
class Stored:
    """A stored response, and whether the retry was the same request."""

    same_request: bool
    status_code: int
    body: Any


def request_hash(route: str, body: Any) -> str:
    """What identifies "the same request" under one key: the route and the body."""
    raw = json.dumps([route, body], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


class IdempotencyStore:
    """Look up and record first responses, per creator."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def get(self, creator_id: str, key: str, digest: str) -> Stored | None:
        """The first response under this key, if it is still kept."""
        with self.sessions() as s:
            row = s.get(IdempotencyRecord, (creator_id, key))
            if row is None or row.created_at < utcnow() - RETAIN:
                return None
            return Stored(row.request_hash == digest, row.status_code, row.body)

    def put(
        self, creator_id: str, key: str, digest: str, status_code: int, body: Any, scope: str = ""
    ) -> None:
        """Record the first response (a concurrent first writer wins); drop expired ones."""
        try:
            with self.sessions.begin() as s:
                s.execute(
                    delete(IdempotencyRecord).where(
                        IdempotencyRecord.creator_id == creator_id,
                        IdempotencyRecord.created_at < utcnow() - RETAIN,
                    )
                )
                s.add(
                    IdempotencyRecord(
                        creator_id=creator_id,
                        key=key,
                        scope=scope,
                        request_hash=digest,
                        status_code=status_code,
                        body=body,
                    )
                )
        except IntegrityError:
            pass
