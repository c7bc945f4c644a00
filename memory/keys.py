"""API keys per creator: stored as SHA-256 hashes, shown once, revocable.

A key reads ``dmp_<key id>_<secret>``. The key id is public (it names the key in lists and
revocations); the secret is 32 random bytes, so a plain SHA-256 is enough (a slow password
hash protects guessable secrets, and these are not guessable). Lookups go by key id and the
hashes are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from memory.catalog import NotFoundError
from memory.models import Base, Creator, UtcDateTime, utcnow

KEY_PATTERN = re.compile(r"^dmp_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
KEY_ID_PATTERN = r"^[0-9a-f]{12}$"
# last_used_at is written at most this often per key (a write per request would cost more
# than the lookup it records).
_TOUCH_EVERY_S = 60.0


class ApiKey(Base):
    """One creator API key; the secret itself is never stored."""

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_creator", "creator_id"),)

    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100), default="")
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown about a key after it was issued (never the secret)."""

    id: str
    creator_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(
        row.id, row.creator_id, row.name, row.created_at, row.revoked_at, row.last_used_at
    )


class KeyStore:
    """Issue, list, revoke and verify creator keys."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._touched: dict[str, float] = {}

    def issue(self, creator_id: str, name: str = "") -> tuple[KeyInfo, str]:
        """A new key for ``creator_id``: its info and the full key, which is shown only now."""
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        with self.sessions.begin() as s:
            if s.get(Creator, creator_id) is None:
                raise NotFoundError(f"unknown creator '{creator_id}'")
            row = ApiKey(id=key_id, creator_id=creator_id, name=name, secret_hash=_hash(secret))
            s.add(row)
            s.flush()
            info = _info(row)
        return info, f"dmp_{key_id}_{secret}"

    def list(self, creator_id: str) -> list[KeyInfo]:
        """Every key of a creator, revoked ones included, oldest first."""
        with self.sessions() as s:
            rows = s.scalars(
                select(ApiKey).where(ApiKey.creator_id == creator_id).order_by(ApiKey.created_at)
            )
            return [_info(r) for r in rows]

    def revoke(self, creator_id: str, key_id: str) -> KeyInfo:
        """Revoke one key now (idempotent); 404 when the creator has no such key."""
        with self.sessions.begin() as s:
            row = s.get(ApiKey, key_id)
            if row is None or row.creator_id != creator_id:
                raise NotFoundError(f"creator '{creator_id}' has no key '{key_id}'")
            if row.revoked_at is None:
                row.revoked_at = utcnow()
            return _info(row)

    def verify(self, key: str) -> str | None:
        """The creator a key belongs to, or None when it is malformed, unknown or revoked."""
        match = KEY_PATTERN.match(key)
        if match is None:
            return None
        key_id, secret = match.groups()
        with self.sessions() as s:
            row = s.get(ApiKey, key_id)
            if row is None:
                hmac.compare_digest(_hash(secret), _hash(""))  # same work for unknown ids
                return None
            ok = hmac.compare_digest(row.secret_hash, _hash(secret)) and row.revoked_at is None
            creator_id = row.creator_id
        if ok:
            self._touch(key_id)
        return creator_id if ok else None

    def _touch(self, key_id: str) -> None:
        now = time.monotonic()
        if now - self._touched.get(key_id, -_TOUCH_EVERY_S) < _TOUCH_EVERY_S:
            return
        self._touched[key_id] = now
        with self.sessions.begin() as s:
            row = s.get(ApiKey, key_id)
            if row is not None:
                row.last_used_at = utcnow()


class WebSession(Base):
    """A browser signed in with a creator key: only the token's hash is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id", ondelete="CASCADE"))
    key_id: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WebSessions:
    """Sign-in for the web app: a random cookie token per browser, ended with its key."""

    def __init__(self, sessions: sessionmaker[Session], keys: KeyStore, ttl_s: int) -> None:
        self.sessions = sessions
        self.keys = keys
        self.ttl_s = ttl_s

    def open(self, key: str) -> tuple[str, str] | None:
        """(cookie token, creator id) for a valid creator key, else None."""
        creator_id = self.keys.verify(key)
        match = KEY_PATTERN.match(key)
        if creator_id is None or match is None:
            return None
        token = secrets.token_urlsafe(32)
        with self.sessions.begin() as s:
            s.add(WebSession(token_hash=_hash(token), creator_id=creator_id,
                             key_id=match.group(1),
                             expires_at=utcnow() + timedelta(seconds=self.ttl_s)))  # fmt: skip
        return token, creator_id

    def creator(self, token: str | None) -> str | None:
        """The signed-in creator, while the session is fresh and its key not revoked."""
        if not token or len(token) > 200:
            return None
        with self.sessions() as s:
            row = s.get(WebSession, _hash(token))
            if row is None or _aware(row.expires_at) < utcnow():
                return None
            key = s.get(ApiKey, row.key_id)
            if key is None or key.revoked_at is not None:
                return None
            return row.creator_id

    def close(self, token: str | None) -> None:
        """Sign out."""
        if token:
            with self.sessions.begin() as s:
                row = s.get(WebSession, _hash(token))
                if row is not None:
                    s.delete(row)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
