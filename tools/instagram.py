"""Instagram messaging over the Meta Graph API: webhook signatures, events, sending.

- ``verify_signature``: ``X-Hub-Signature-256`` is ``sha256=`` + HMAC-SHA256 of the raw body
  with the app secret, compared in constant time.
- ``parse_events``: a webhook body -> the DMs (text, quick reply, story reply, postback) and
  comments it carries; echoes of our own messages, reads, deliveries and reactions are not
  events for the agent.
- ``GraphClient``: send a DM (``POST /{ig-id}/messages``), a private reply to a comment
  (``recipient.comment_id``) and a public one (``POST /{comment-id}/replies``), with retries and
  backoff on 429/5xx/timeouts (``Retry-After`` honoured, bounded).
- ``split_text``: a reply longer than the channel's limit becomes several messages, cut at
  paragraph, sentence or word boundaries, never mid-word.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from tools.remote import RemoteError, checked, json_of, retrying

DM_LIMIT = 1000  # characters per Instagram message
COMMENT_LIMIT = 2200  # characters per Instagram comment


def verify_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the app secret's HMAC-SHA256 of ``body`` (constant time)."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest().encode()
    given = header[len("sha256=") :].strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(expected, given)


def sign(app_secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value Meta would send for ``body`` (tests and fakes)."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Inbound:
    """One event for the agent: a fan's DM or comment."""

    account_id: str  # the creator's Instagram professional account id (entry.id)
    kind: str  # dm | comment
    event_id: str  # message mid / comment id (Meta retries deliveries: the dedupe key)
    sender_id: str  # Instagram-scoped user id
    text: str
    sent_at: datetime
    detail: dict[str, Any] = field(default_factory=dict)


def _when(ms: Any, fallback: Any = None) -> datetime:
    value = ms if isinstance(ms, int | float) else fallback
    if not isinstance(value, int | float):
        return datetime.now(UTC)
    seconds = value / 1000 if value > 1e11 else value  # Meta sends ms (entry.time may be s)
    return datetime.fromtimestamp(seconds, UTC)


def parse_events(payload: dict[str, Any]) -> tuple[list[Inbound], int]:
    """The fan events of a webhook body, and how many other notifications it held (ignored).

    Raises ``ValueError`` when the body is not an Instagram webhook notification.
    """
    if payload.get("object") not in ("instagram", "page") or not isinstance(
        payload.get("entry"), list
    ):
        raise ValueError("not an Instagram webhook notification (object/entry)")
    out: list[Inbound] = []
    ignored = 0
    for entry in payload["entry"]:
        if not isinstance(entry, dict) or not entry.get("id"):
            raise ValueError("entry without an id")
        account = str(entry["id"])
        for m in entry.get("messaging") or []:
            event = _messaging(account, m, entry.get("time"))
            if event is None:
                ignored += 1
            else:
                out.append(event)
        for change in entry.get("changes") or []:
            event = _comment(account, change, entry.get("time"))
            if event is None:
                ignored += 1
            else:
                out.append(event)
    return out, ignored


def _messaging(account: str, m: dict[str, Any], entry_time: Any) -> Inbound | None:
    sender = str((m.get("sender") or {}).get("id") or "")
    when = _when(m.get("timestamp"), entry_time)
    if "message" in m:
        msg = m["message"] or {}
        if msg.get("is_echo") or msg.get("is_deleted") or sender == account or not msg.get("mid"):
            return None  # our own message coming back, or a deletion
        text = str(msg.get("text") or "").strip()
        detail: dict[str, Any] = {}
        if isinstance(msg.get("quick_reply"), dict):
            detail["quick_reply"] = str(msg["quick_reply"].get("payload", ""))[:1000]
            text = text or detail["quick_reply"]
        story = (msg.get("reply_to") or {}).get("story")
        if isinstance(story, dict):
            detail["story"] = {"id": str(story.get("id", "")), "url": str(story.get("url", ""))}
        if not text:
            return None  # a bare attachment or sticker: nothing the agent can read
        return Inbound(account, "dm", str(msg["mid"]), sender, text, when, detail)
    if "postback" in m:
        pb = m["postback"] or {}
        text = str(pb.get("title") or pb.get("payload") or "").strip()
        if not text or not pb.get("mid") or sender == account:
            return None
        detail = {"postback": str(pb.get("payload", ""))[:1000]}
        return Inbound(account, "dm", str(pb["mid"]), sender, text, when, detail)
    return None  # read, delivery, reaction, referral...


def _comment(account: str, change: dict[str, Any], entry_time: Any) -> Inbound | None:
    if change.get("field") not in ("comments", "live_comments"):
        return None
    v = change.get("value") or {}
    sender = str((v.get("from") or {}).get("id") or "")
    text = str(v.get("text") or "").strip()
    if not v.get("id") or not sender or sender == account or not text:
        return None  # our own reply, or nothing to read
    detail = {"comment_id": str(v["id"]), "media_id": str((v.get("media") or {}).get("id", ""))}
    if (v.get("from") or {}).get("username"):
        detail["username"] = str(v["from"]["username"])[:64]
    return Inbound(account, "comment", str(v["id"]), sender, text, _when(None, entry_time), detail)


_BREAKS = (r"\n\s*\n", r"\n", r"(?<=[.!?])\s+", r"\s+")


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at the coarsest boundary that fits."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    for pattern in _BREAKS:
        cuts = [m.end() for m in re.finditer(pattern, text[: limit + 1]) if m.end() <= limit]
        cuts = [c for c in cuts if text[:c].strip()]
        if cuts:
            head = text[: cuts[-1]].strip()
            return [head, *split_text(text[cuts[-1] :], limit)]
    return [text[:limit], *split_text(text[limit:], limit)]  # one word longer than the limit


GraphError = RemoteError  # what the Graph API client raises


class GraphClient:
    """The calls dmpilot makes to the Graph API, retried on transient failures."""

    def __init__(
        self, base_url: str, timeout: float = 10.0, attempts: int = 4,
        transport: httpx.BaseTransport | None = None,
    ) -> None:  # fmt: skip
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(timeout=timeout, transport=transport)
        self.attempts = attempts

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def send_dm(
        self, token: str, account_id: str, recipient_id: str, text: str, tag: str | None = None
    ) -> str:
        """Send one message; returns Meta's message id."""
        body: dict[str, Any] = {"recipient": {"id": recipient_id}, "message": {"text": text}}
        if tag:
            body["messaging_type"], body["tag"] = "MESSAGE_TAG", tag
        return str(self._post(f"/{account_id}/messages", token, body).get("message_id", ""))

    def private_reply(self, token: str, account_id: str, comment_id: str, text: str) -> str:
        """The one private reply a comment allows (within 7 days)."""
        body = {"recipient": {"comment_id": comment_id}, "message": {"text": text}}
        return str(self._post(f"/{account_id}/messages", token, body).get("message_id", ""))

    def public_reply(self, token: str, comment_id: str, text: str) -> str:
        """A public reply under the fan's comment; returns the new comment's id."""
        return str(self._post(f"/{comment_id}/replies", token, {"message": text}).get("id", ""))

    def _post(self, path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        def once() -> dict[str, Any]:
            r = checked(lambda: self._http.post(
                self.base_url + path, json=body, headers={"Authorization": f"Bearer {token}"}
            ), "Graph API", idempotent=False)  # fmt: skip
            return json_of(r, "Graph API")

        return retrying(once, self.attempts)()
