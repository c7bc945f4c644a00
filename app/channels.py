"""Instagram for each creator: credentials, the webhook, and the worker that answers and sends.

One message's path: Meta POSTs a signed webhook -> ``receive`` checks the signature, stores
each DM or comment once (unique per Meta message id) and answers 200 -> the worker runs the
agent turn for that fan (``app.turns.run_turn``, keyed by the event, so a second run replays
the first) -> the reply is queued in the outbox under a key derived from the event -> the
sender posts it to the Graph API and marks it sent. A crash anywhere leaves a row that the
next pass picks up; a crash in the middle of a Graph call leaves ``unknown`` (shown, never sent
again: a duplicate DM is worse than a person checking one).
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.responses import JSONResponse
from langchain_core.rate_limiters import InMemoryRateLimiter
from pydantic import ValidationError
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from app.schemas import MessageIn
from app.services import Services
from app.turns import run_turn
from memory.catalog import BadRequestError, ConflictError, NotFoundError
from memory.channels import (
    ChannelAccount,
    ChannelAccounts,
    ChannelContact,
    ChannelEvent,
    SecretBox,
    customer_for,
    worker_alive,
    worker_id,
)
from memory.fanout import Delivery, row_dict
from prompts.templates import COMMENT_ANSWERED_PRIVATELY, VOICES
from tools.instagram import (
    COMMENT_LIMIT,
    DM_LIMIT,
    GraphClient,
    GraphError,
    Inbound,
    parse_events,
    split_text,
    verify_signature,
)

log = logging.getLogger("dmpilot.channels")
CHANNEL = "instagram"
STANDARD_WINDOW = timedelta(hours=24)  # Meta: replies within 24 h of the fan's last message
HUMAN_AGENT_WINDOW = timedelta(days=7)  # with the HUMAN_AGENT tag, when a person approved it
PRIVATE_REPLY_WINDOW = timedelta(days=7)
EVENT_ATTEMPTS = 3  # turns tried per event before it is marked failed
SEND_ATTEMPTS = 5  # passes over a delivery before it is marked failed
BATCH = 20  # rows per pass


class UnauthorizedError(PermissionError):
    """A webhook whose signature does not verify (401)."""


class ForbiddenError(PermissionError):
    """A handshake with the wrong verify token, or a stale event (403)."""


class Instagram:
    """Per-creator Instagram messaging: connect, receive, answer, send."""

    def __init__(self, svc: Services, graph: GraphClient | None = None) -> None:
        self.svc = svc
        self.sessions = svc.sessions
        settings = svc.settings
        key = settings.secret_key.get_secret_value() if settings.secret_key else None
        self.box = SecretBox.from_settings(key, settings.data_dir)
        self.accounts = ChannelAccounts(self.sessions, self.box)
        self.graph = graph or GraphClient(
            settings.graph_api_base, settings.graph_timeout_s, settings.graph_attempts
        )
        self.max_age = timedelta(seconds=settings.webhook_max_age_s)
        self.rate = settings.channel_sends_per_second
        self._limiters: dict[str, InMemoryRateLimiter] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- credentials --------------------------------------------------------------------------
    def connect(self, creator_id: str, account_id: str, secrets: dict[str, str]) -> dict[str, Any]:
        """Store (or replace) the creator's Instagram account and credentials, encrypted."""
        self.svc.catalog.get_creator(creator_id)  # 404 for an unknown creator
        self.accounts.save(creator_id, CHANNEL, account_id, secrets)
        return self.status(creator_id)

    def disconnect(self, creator_id: str) -> None:
        """Forget the credentials (stored events and deliveries stay)."""
        self.accounts.remove(creator_id, CHANNEL)

    def status(self, creator_id: str) -> dict[str, Any]:
        """What is connected (never the secrets themselves) and what the worker has done."""
        self.svc.catalog.get_creator(creator_id)
        with self.sessions() as s:
            row = s.get(ChannelAccount, (creator_id, CHANNEL))
            events = dict(
                s.execute(
                    select(ChannelEvent.status, func.count())
                    .where(ChannelEvent.creator_id == creator_id)
                    .group_by(ChannelEvent.status)
                ).all()
            )
            sent = dict(
                s.execute(
                    select(Delivery.status, func.count())
                    .where(Delivery.creator_id == creator_id, Delivery.channel == CHANNEL)
                    .group_by(Delivery.status)
                ).all()
            )
            secrets = self.box.open(row.secrets) if row is not None else {}
        return {
            "channel": CHANNEL,
            "connected": row is not None,
            "account_id": row.account_id if row is not None else None,
            "credentials_set": sorted(k for k, v in secrets.items() if v),
            "webhook_path": f"/v1/webhooks/instagram/{creator_id}",
            "events": {str(k): int(v) for k, v in events.items()},
            "deliveries": {str(k): int(v) for k, v in sent.items()},
        }

    def _credentials(self, creator_id: str) -> tuple[ChannelAccount, dict[str, str]]:
        return self.accounts.load(creator_id, CHANNEL)

    def _signed_credentials(self, creator_id: str) -> tuple[ChannelAccount | None, dict[str, str]]:
        """Credentials for a webhook; none answers like a wrong signature.

        Who is connected is not told to callers without the secret.
        """
        try:
            return self._credentials(creator_id)
        except NotFoundError:
            return None, {}

    # -- webhook ------------------------------------------------------------------------------
    def handshake(self, creator_id: str, mode: str, token: str, challenge: str) -> str:
        """Meta's subscription check: echo the challenge when the verify token matches."""
        _, secrets = self._signed_credentials(creator_id)
        expected = secrets.get("verify_token", "")
        if (
            mode != "subscribe"
            or not expected
            or not hmac.compare_digest(
                token.encode("utf-8", "replace"), expected.encode("utf-8", "replace")
            )
        ):
            raise ForbiddenError("verify token does not match")
        return challenge

    def receive(self, creator_id: str, raw: bytes, signature: str | None) -> dict[str, int]:
        """Verify, store each fan event once, wake the worker; nothing slow happens here."""
        account, secrets = self._signed_credentials(creator_id)
        if account is None or not verify_signature(secrets.get("app_secret", ""), raw, signature):
            raise UnauthorizedError("X-Hub-Signature-256 does not match the body")
        try:
            payload = json.loads(raw)
            if not isinstance(payload, dict):
                raise ValueError("not a JSON object")
            events, ignored = parse_events(payload)
        except ValueError as e:
            raise BadRequestError(f"not an Instagram webhook body: {e}") from e
        mine = [ev for ev in events if ev.account_id == account.account_id]
        ignored += len(events) - len(mine)
        oldest = now_utc() - self.max_age
        fresh = [ev for ev in mine if ev.sent_at >= oldest]
        if mine and not fresh:  # a replayed old body: refused, nothing stored
            raise ForbiddenError("events older than DMPILOT_WEBHOOK_MAX_AGE_S: refused")
        ignored += len(mine) - len(fresh)  # stale events in a fresh body: never processed
        accepted = 0
        with self.sessions.begin() as s:
            for ev in fresh:
                accepted += self._store(s, creator_id, ev)
        if accepted:
            self._wake.set()
        return {"accepted": accepted, "duplicates": len(fresh) - accepted, "ignored": ignored}

    def _store(self, s: Any, creator_id: str, e: Inbound) -> int:
        customer = customer_for(CHANNEL, e.sender_id)
        inserted = s.execute(
            sqlite_insert(ChannelEvent)
            .values(
                creator_id=creator_id, channel=CHANNEL, event_id=e.event_id, kind=e.kind,
                customer_id=customer, sender_id=e.sender_id, text=e.text[:4000],
                detail=e.detail, sent_at=e.sent_at, status="pending", attempts=0,
                received_at=now_utc(),
            )
            .on_conflict_do_nothing(index_elements=["creator_id", "channel", "event_id"])
        )  # fmt: skip
        if not rowcount(inserted):
            return 0  # Meta delivered it before
        contact = s.get(ChannelContact, (creator_id, customer))
        if contact is None:
            contact = ChannelContact(creator_id=creator_id, customer_id=customer,
                                     channel=CHANNEL, external_id=e.sender_id)  # fmt: skip
            s.add(contact)
        if e.kind == "dm":  # only a DM opens Meta's messaging window
            last = contact.last_inbound_at
            contact.last_inbound_at = e.sent_at if last is None else max(_aware(last), e.sent_at)
        if e.kind == "comment":
            contact.last_comment_id = e.detail.get("comment_id")
            contact.last_comment_at = e.sent_at
        s.flush()
        return 1

    # -- the worker ---------------------------------------------------------------------------
    def start(self) -> None:
        """Recover rows a crash left mid-way, then answer and send in a background thread."""
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="dmpilot-instagram", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the worker after its current row."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive():  # mid-turn: it stops after this row; leave it its client
                log.warning("instagram worker still busy at shutdown; its row is recovered")
                return
        self.graph.close()

    def wake(self) -> None:
        """Something was queued: run a pass now."""
        self._wake.set()

    def recover(self) -> dict[str, int]:
        """Put back what a crash left mid-way.

        Events being answered go back to pending (their turn replays); sends cut mid-call
        become ``unknown`` (Meta may have delivered them: not sent twice, shown to a person).
        """
        with self.sessions.begin() as s:
            working = [
                (i, o)
                for i, o in s.execute(
                    select(ChannelEvent.id, ChannelEvent.owner).where(
                        ChannelEvent.status == "working"
                    )
                ).all()
                if not worker_alive(o)  # another live worker's rows are its own
            ]
            events = rowcount(s.execute(
                update(ChannelEvent)
                .where(ChannelEvent.id.in_([i for i, _ in working]))
                .values(status="pending", owner=None)
            ))  # fmt: skip
            sending = [
                i
                for i, o in s.execute(
                    select(Delivery.id, Delivery.owner).where(Delivery.status == "sending")
                ).all()
                if not worker_alive(o)
            ]
            cut = rowcount(s.execute(
                update(Delivery)
                .where(Delivery.id.in_(sending))
                .values(status="unknown", error="the worker stopped during the send: check the "
                        "conversation on Instagram, then retry it or leave it")
            ))  # fmt: skip
        return {"events": events, "unknown_sends": cut}

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.process_events() + self.send_queued()
            except Exception:  # noqa: BLE001 - the worker outlives one bad pass
                log.exception("instagram worker pass failed")
                busy = 0
            if not busy:
                self._wake.wait(timeout=1.0)
                self._wake.clear()

    def drain(self, timeout_s: float = 60.0) -> None:
        """Run passes in this thread until nothing is pending (tests, CLI)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.process_events() + self.send_queued():
            pass

    def process_events(self) -> int:
        """Answer pending events, oldest first (so each fan's turns keep their order)."""
        earlier = aliased(ChannelEvent)
        with self.sessions() as s:
            ids = list(
                s.scalars(
                    select(ChannelEvent.id)
                    .where(
                        ChannelEvent.status == "pending",
                        or_(ChannelEvent.retry_at.is_(None), ChannelEvent.retry_at <= now_utc()),
                        # One fan's events in order, even across worker processes: an event
                        # waits while an earlier one of the same fan is still open.
                        ~exists().where(
                            earlier.creator_id == ChannelEvent.creator_id,
                            earlier.customer_id == ChannelEvent.customer_id,
                            earlier.id < ChannelEvent.id,
                            earlier.status.in_(("pending", "working")),
                        ),
                    )
                    .order_by(ChannelEvent.id)
                    .limit(BATCH)
                )
            )
        done = 0
        for event_id in ids:
            if self._stop.is_set():
                break
            done += self._answer(event_id)
        return done

    def _answer(self, event_id: int) -> int:
        with self.sessions.begin() as s:  # claim it (another worker may have)
            claimed = rowcount(s.execute(
                update(ChannelEvent)
                .where(ChannelEvent.id == event_id, ChannelEvent.status == "pending")
                .values(status="working", attempts=ChannelEvent.attempts + 1,
                        owner=worker_id())
            ))  # fmt: skip
            ev = s.get(ChannelEvent, event_id)
            if not claimed or ev is None:
                return 0
            s.expunge(ev)
        if ev.attempts > EVENT_ATTEMPTS:  # it killed the worker each time: not again
            return self._finish(event_id, "failed", "stopped the worker on every attempt")
        try:
            body = MessageIn(text=ev.text, channel="comment" if ev.kind == "comment" else "dm")
        except ValidationError:
            return self._finish(event_id, "ignored", "nothing the agent can read")
        try:
            out = run_turn(self.svc, ev.creator_id, ev.customer_id, body,
                           f"{CHANNEL}-event-{ev.id}", f"channel:{ev.customer_id}")  # fmt: skip
            if isinstance(out, JSONResponse):  # replayed: the turn ran before a crash
                out = json.loads(bytes(out.body))
            if out.get("reply") and not out.get("held_for_approval"):
                self._reply(ev, body.channel, out)
        except Exception as e:  # noqa: BLE001 - retried, then marked failed with the reason
            log.exception("turn for instagram event %s failed", event_id)
            retry = ev.attempts < EVENT_ATTEMPTS
            return self._finish(event_id, "pending" if retry else "failed", type(e).__name__,
                                backoff=5.0 * 2**ev.attempts)  # fmt: skip
        return self._finish(event_id, "done", None)

    def _reply(self, ev: ChannelEvent, channel: str, out: dict[str, Any]) -> None:
        """Queue the agent's reply; for a comment, privately too when the creator wants it."""
        assert self.svc.outbox is not None
        chat = f"{ev.creator_id}:{ev.customer_id}:{channel}"
        creator = self.svc.catalog.get_creator(ev.creator_id)
        comment_conf = (creator.channel_settings or {}).get("comment") or {}
        reply, run = str(out["reply"]), str(out.get("execution_id", ""))
        comment_id = (ev.detail or {}).get("comment_id")
        if channel == "comment" and comment_id and comment_conf.get("private_reply"):
            self.svc.outbox.send(
                ev.creator_id, ev.customer_id, chat, reply,
                idempotency_key=f"private:{ev.creator_id}:{comment_id}",  # one per comment
                draft_id=run, automatic=True, reply_to=comment_id,
            )  # fmt: skip
            voice = creator.brand_voice if creator.brand_voice in VOICES else "casual"
            reply = COMMENT_ANSWERED_PRIVATELY[voice]
        self.svc.outbox.send(
            ev.creator_id, ev.customer_id, chat, reply,
            idempotency_key=f"auto:{ev.creator_id}:{CHANNEL}:{ev.id}", draft_id=run,
            automatic=True, reply_to=comment_id,  # under the comment it answers
        )  # fmt: skip

    def _finish(self, event_id: int, status: str, error: str | None, backoff: float = 0.0) -> int:
        with self.sessions.begin() as s:
            ev = s.get(ChannelEvent, event_id)
            if ev is not None:
                ev.status, ev.error, ev.owner = status, error, None
                ev.processed_at = now_utc() if status != "pending" else None
                ev.retry_at = now_utc() + timedelta(seconds=backoff) if backoff else None
        return 1

    # -- sending ------------------------------------------------------------------------------
    def send_queued(self) -> int:
        """Send queued Instagram deliveries, oldest first."""
        with self.sessions() as s:
            ids = list(
                s.scalars(
                    select(Delivery.id)
                    .where(Delivery.status == "queued", Delivery.channel == CHANNEL)
                    .order_by(Delivery.id)
                    .limit(BATCH)
                )
            )
        sent = 0
        for delivery_id in ids:
            if self._stop.is_set():
                break
            sent += self._send(delivery_id)
        return sent

    def _send(self, delivery_id: int) -> int:
        with self.sessions() as s:
            d = s.get(Delivery, delivery_id)
            if d is None or d.status != "queued":
                return 0
            contact = s.get(ChannelContact, (d.creator_id, d.customer_id))
            s.expunge_all()
        if contact is None:
            return self._mark(delivery_id, "failed", "no Instagram contact for this fan")
        try:
            account, secrets = self._credentials(d.creator_id)
        except NotFoundError:
            return self._mark(delivery_id, "held", "Instagram is not connected any more")
        token = secrets.get("access_token", "")
        private = d.idempotency_key.startswith("private:")
        comment = d.chat_id.endswith(":comment") and not private
        tag, why = self._window(contact, d, comment, private)
        if why:
            return self._mark(delivery_id, "held", why)
        # A private reply is one message (Instagram allows one per comment): cut, not split.
        parts = split_text(d.text, COMMENT_LIMIT if comment else DM_LIMIT)[: 1 if private else None]
        if not parts:
            self._mark(delivery_id, "failed", "nothing to send: the reply is empty")
            return 0
        target = d.reply_to or contact.last_comment_id or ""
        for i in range(d.parts_sent, len(parts)):
            with self.sessions.begin() as s:  # committed before the call: a crash -> unknown
                claimed = rowcount(s.execute(
                    update(Delivery)
                    # parts_sent in the claim: a worker that read this row before another one
                    # sent a part cannot send that part again.
                    .where(Delivery.id == delivery_id, Delivery.status == "queued",
                           Delivery.parts_sent == i)
                    .values(status="sending", attempts=Delivery.attempts + 1, owner=worker_id())
                ))  # fmt: skip
                if not claimed:
                    return 0  # another worker has it
                failures = int(s.scalar(select(Delivery.attempts - Delivery.parts_sent).where(
                    Delivery.id == delivery_id)) or 0)  # fmt: skip
            self._limiter(d.creator_id).acquire()
            try:
                if private:
                    mid = self.graph.private_reply(token, account.account_id, target, parts[i])
                elif comment:
                    mid = self.graph.public_reply(token, target, parts[i])
                else:
                    mid = self.graph.send_dm(
                        token, account.account_id, contact.external_id, parts[i], tag
                    )
            except GraphError as e:
                if e.ambiguous:  # it may have arrived: never sent twice, a person decides
                    self._mark(delivery_id, "unknown", f"{e}: check the conversation on "
                               "Instagram, then retry it or leave it")  # fmt: skip
                else:
                    again = e.retryable and failures < SEND_ATTEMPTS
                    self._mark(delivery_id, "queued" if again else "failed", str(e))
                return 0  # not progress: the loop waits before the next pass
            with self.sessions.begin() as s:
                row = s.get(Delivery, delivery_id)
                assert row is not None
                row.parts_sent, row.external_ids = i + 1, [*(row.external_ids or []), mid]
                row.status, row.tag, row.error, row.owner = "queued", tag, None, None
                if i + 1 == len(parts):
                    row.status, row.sent_at = "sent", now_utc()
                if comment and mid:  # our own comment will come back as a webhook: not a fan's
                    s.execute(sqlite_insert(ChannelEvent).values(
                        creator_id=d.creator_id, channel=CHANNEL, event_id=mid, kind="own",
                        customer_id="", sender_id="", text="", detail={}, sent_at=now_utc(),
                        status="ignored", attempts=0, received_at=now_utc(),
                    ).on_conflict_do_nothing(
                        index_elements=["creator_id", "channel", "event_id"]))  # fmt: skip
        return 1

    def _window(
        self, contact: ChannelContact, d: Delivery, comment: bool, private: bool = False
    ) -> tuple[str | None, str]:
        """(message tag, reason to hold): Meta's messaging windows from the fan's last message."""
        if private:
            when = contact.last_comment_at
            if when is None or now_utc() - _aware(when) > PRIVATE_REPLY_WINDOW:
                return None, "a private reply is allowed within 7 days of the comment only"
            return None, ""
        if comment:
            if not contact.last_comment_id:
                return None, "no comment of this fan to reply to"
            return None, ""
        if contact.last_inbound_at is None:
            return None, "this fan never sent a DM: Instagram allows no message to them"
        age = now_utc() - _aware(contact.last_inbound_at)
        if age <= STANDARD_WINDOW:
            return None, ""
        if d.idempotency_key.startswith("fanout:"):  # one answer to many: no human-agent tag
            return None, "outside Instagram's 24-hour window: answer-once replies are not sent"
        if age <= HUMAN_AGENT_WINDOW and not d.automatic:
            return "HUMAN_AGENT", ""
        if age <= HUMAN_AGENT_WINDOW:
            return None, (
                "outside Instagram's 24-hour window: approve it to send with the HUMAN_AGENT tag"
            )
        return None, "the fan's last message is over 7 days old: Instagram allows no reply"

    def _mark(self, delivery_id: int, status: str, error: str) -> int:
        with self.sessions.begin() as s:
            row = s.get(Delivery, delivery_id)
            if row is not None:
                row.status, row.error, row.owner = status, error[:500], None
        return 1

    def retry(self, creator_id: str, delivery_id: int) -> dict[str, Any]:
        """A person sends a held, unknown or failed reply again.

        Their approval counts: within 7 days of the fan's last DM it goes with the HUMAN_AGENT
        tag.
        """
        with self.sessions.begin() as s:
            row = s.get(Delivery, delivery_id)
            if row is None or row.creator_id != creator_id or row.channel != CHANNEL:
                raise NotFoundError(f"no Instagram delivery {delivery_id} for '{creator_id}'")
            if row.status not in ("held", "unknown", "failed"):
                raise ConflictError(f"delivery {delivery_id} is {row.status}: nothing to retry")
            row.status, row.error, row.automatic, row.attempts = (
                "queued",
                None,
                False,
                row.parts_sent,
            )
            out = row_dict(row)
        self._wake.set()
        return out

    def _limiter(self, creator_id: str) -> InMemoryRateLimiter:
        if creator_id not in self._limiters:
            self._limiters[creator_id] = InMemoryRateLimiter(
                requests_per_second=self.rate, check_every_n_seconds=0.01,
                max_bucket_size=max(1.0, self.rate),
            )  # fmt: skip
        return self._limiters[creator_id]


def now_utc() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


def rowcount(result: Any) -> int:
    """Rows an INSERT/UPDATE touched."""
    return int(getattr(result, "rowcount", 0) or 0)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
