"""Channel accounts, contacts and the durable inbound event queue (Instagram; Shopify later).

Credentials are stored encrypted (Fernet, key from settings or a 0600 key file in the data
dir) and never returned: the API shows which fields are set, not their values. Inbound events
are rows first (unique per channel message id, so Meta's retried deliveries are dropped) and
processed after the webhook has answered 200, in arrival order; a crash leaves them pending.
"""

from __future__ import annotations

import json
import os
import socket
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import (
    JSON,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from memory.catalog import ConflictError, NotFoundError
from memory.models import Base, UtcDateTime, utcnow


class ChannelAccount(Base):
    """A creator's account on one channel: its id there and its encrypted credentials."""

    __tablename__ = "channel_accounts"
    __table_args__ = (UniqueConstraint("channel", "account_id", name="uq_channel_account"),)

    creator_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)  # instagram | shopify
    account_id: Mapped[str] = mapped_column(String(128))  # IG professional account id / shop
    secrets: Mapped[bytes] = mapped_column(LargeBinary)  # Fernet token of a JSON object
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # e.g. the last sync
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ChannelContact(Base):
    """A fan as the channel knows them: where replies go and when they last wrote."""

    __tablename__ = "channel_contacts"

    creator_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))  # Instagram-scoped user id
    # The fan's last DM (Meta's messaging windows count from it; a comment does not open one).
    last_inbound_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_comment_id: Mapped[str | None] = mapped_column(String(128))
    last_comment_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ChannelEvent(Base):
    """One inbound message or comment, stored before the webhook answers."""

    __tablename__ = "channel_events"
    __table_args__ = (
        UniqueConstraint("creator_id", "channel", "event_id", name="uq_channel_event"),
        Index("ix_channel_event_status", "status", "id"),
        Index("ix_channel_event_fan", "creator_id", "customer_id", "id"),  # per-fan order
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    creator_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(256))  # message mid / comment id
    kind: Mapped[str] = mapped_column(String(32))  # dm | comment | a Shopify topic
    customer_id: Mapped[str] = mapped_column(String(128))
    sender_id: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # payload, media id...
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(
        String(16), default="pending"
    )  # pending|working|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    owner: Mapped[str | None] = mapped_column(String(64))  # host:pid of the worker on it
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # backoff after a failure
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ShopifyInventory(Base):
    """Which variant a Shopify inventory item is, and its stock per location."""

    __tablename__ = "shopify_inventory"

    creator_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    inventory_item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    variant_source_id: Mapped[str] = mapped_column(String(200))
    levels: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # location id -> available


def worker_id() -> str:
    """This process, as written on the rows it claims (``host:pid``)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def worker_alive(owner: str | None) -> bool:
    """Whether the process that claimed a row still runs (same host; another host: assume so)."""
    if not owner or ":" not in owner:
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname()[:40]:
        return True
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


def customer_for(channel: str, external_id: str) -> str:
    """The customer id of a channel user (one thread per creator x customer x channel)."""
    return f"{'ig' if channel == 'instagram' else channel}_{external_id}"


class SecretBox:
    """Fernet encryption of channel credentials at rest."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @classmethod
    def from_settings(cls, configured: str | None, data_dir: Path) -> SecretBox:
        """The configured key, else a key file made once in the data dir (mode 0600)."""
        if configured:
            return cls(configured.encode())
        path = data_dir / "secret.key"
        if not path.exists():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another worker made it a moment ago
                pass
            else:
                with os.fdopen(fd, "wb") as f:
                    f.write(Fernet.generate_key())
        for _ in range(100):  # the other worker may still be writing it
            key = path.read_bytes().strip()
            if key:
                return cls(key)
            time.sleep(0.01)
        raise RuntimeError(f"{path} is empty")

    def seal(self, values: dict[str, str]) -> bytes:
        """Encrypt a dict of credentials."""
        return self._fernet.encrypt(json.dumps(values, sort_keys=True).encode())

    def open(self, token: bytes) -> dict[str, str]:
        """Decrypt credentials; a wrong key (rotated without re-entering them) gives {}."""
        try:
            return dict(json.loads(self._fernet.decrypt(token)))
        except InvalidToken:
            return {}


def account(s: Session, creator_id: str, channel: str) -> ChannelAccount | None:
    """The creator's account on ``channel``, if connected."""
    return s.get(ChannelAccount, (creator_id, channel))


def account_by_external(s: Session, channel: str, account_id: str) -> ChannelAccount | None:
    """Whose account an id on the channel is."""
    return s.scalar(
        select(ChannelAccount).where(
            ChannelAccount.channel == channel, ChannelAccount.account_id == account_id
        )
    )


class ChannelAccounts:
    """Each creator's accounts on the channels: saved, opened and removed in one place."""

    def __init__(self, sessions: sessionmaker[Session], box: SecretBox) -> None:
        self.sessions = sessions
        self.box = box

    def save(self, creator_id: str, channel: str, account_id: str, secrets: dict[str, str]) -> None:
        """Store or replace; an account id another creator connected is a ``ConflictError``."""
        try:
            with self.sessions.begin() as s:
                row = s.get(ChannelAccount, (creator_id, channel))
                sealed = self.box.seal(secrets)
                if row is None:
                    row = ChannelAccount(
                        creator_id=creator_id, channel=channel, account_id=account_id,
                        secrets=sealed, state={},
                    )  # fmt: skip
                    s.add(row)
                else:
                    row.account_id, row.secrets, row.updated_at = account_id, sealed, utcnow()
        except IntegrityError as e:
            raise ConflictError(
                f"{channel} account {account_id} is connected to another creator"
            ) from e

    def remove(self, creator_id: str, channel: str) -> None:
        """Forget an account and its credentials."""
        with self.sessions.begin() as s:
            row = s.get(ChannelAccount, (creator_id, channel))
            if row is None:
                raise NotFoundError(f"{channel} is not connected for '{creator_id}'")
            s.delete(row)

    def load(self, creator_id: str, channel: str) -> tuple[ChannelAccount, dict[str, str]]:
        """The account (detached) and its decrypted credentials; ``NotFoundError`` if none."""
        with self.sessions() as s:
            row = s.get(ChannelAccount, (creator_id, channel))
            if row is None:
                raise NotFoundError(f"{channel} is not connected for '{creator_id}'")
            s.expunge(row)
        return row, self.box.open(row.secrets)
