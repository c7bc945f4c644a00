"""Fan inbox: store messages, analyse them intent-first, cluster the questions, serve the dashboard.

Flow of one bulk upload: messages are stored (deduplicated by content hash); a chat whose
unanalysed messages reach ``batch_size`` is analysed at once, the others wait for more messages
or for the end of the conversation. Analysis splits each message into focused questions
(offline NLU), tags topic, urgency and tone, embeds the questions in one batch, stores them
(SQL + Chroma), learns the fan's profile from the text and assigns every question to a cluster
incrementally. When the creator turned retention off the raw text is cleared afterwards.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from memory.catalog import NotFoundError
from memory.conversations import ConversationStore
from memory.embeddings import DIM, MiniLMEmbeddings
from memory.fanout import FanQuestion, InboxMessage, QuestionCluster, message_key, row_dict
from memory.models import Creator, utcnow
from memory.vectors import VectorStore
from nodes.offline.nlu import IntentClassifier, analyze
from nodes.offline.profile import FactClassifier, learn
from tools.clustering import (
    IdFactory,
    IncrementalClusterer,
    centroids,
    leiden_labels,
    merge_suggestions,
    stable_ids,
    summarise,
    titles,
)

log = logging.getLogger("dmpilot.inbox")
KIND = "questions"  # Chroma collection kind
URGENCY_RANK = {"low": 0, "normal": 1, "high": 2}
SKIP_INTENTS = {"greeting", "other"}  # "thanks!", "🔥": nothing to answer
_URGENT = re.compile(
    r"\b(?:refund|broken|damaged|cracked|torn|leaking|never (?:arrived|came|got)|still (?:nothing|"
    r"not|hasn'?t|haven'?t)|wrong (?:item|size|order)|charged twice|urgent|asap|cancel|missing)\b"
    r"|!{3,}",
    re.I,
)
_FRUSTRATED = re.compile(
    r"😤|😡|🤬|😠|\b(?:ridiculous|unacceptable|annoyed|frustrated|wtf|still nothing|again\?)\b",
    re.I,
)
_EXCITED = re.compile(r"😍|🔥|🥰|🤩|❤️|💕|\b(?:omg|love|obsessed|amazing|can'?t wait)\b", re.I)
_BEGINNER = re.compile(
    r"\b(?:beginner|new to|just start(?:ed|ing)|first time|never (?:lifted|trained|done)|"
    r"newbie|total noob|no idea)\b",
    re.I,
)


@dataclass
class MessageIn:
    """A fan message to ingest (validated by the API schema before it gets here)."""

    customer_id: str
    chat_id: str
    text: str
    timestamp: datetime


def _auto_title(cl: QuestionCluster) -> bool:
    """Keyword titles refresh unless a person renamed the cluster or an LLM named it."""
    return not cl.title_locked and cl.named_size is None


def urgency(text: str, intent: str) -> str:
    """``high`` for problems with an order or money, ``normal`` for support and prices."""
    if _URGENT.search(text):
        return "high"
    return "normal" if intent in {"support", "price_inquiry"} else "low"


def tone(text: str, profile: dict[str, Any] | None = None) -> str:
    """The fan's tone as a drafting hint: frustrated, beginner, excited or neutral."""
    if _FRUSTRATED.search(text):
        return "frustrated"
    if _BEGINNER.search(text) or (profile or {}).get("level") == "beginner":
        return "beginner"
    if _EXCITED.search(text):
        return "excited"
    return "neutral"


def analyse_text(
    text: str, classifier: IntentClassifier, product_types: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Focused questions of one message with intent, topic, urgency, tone and tags."""
    questions, _ = analyze(text, classifier, product_types)
    return tag_questions(text, [q.model_dump() for q in questions])


def tag_questions(text: str, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Topic, urgency, tone and tags of already analysed questions (the agent's, or the NLU's)."""
    out = []
    multi = len(questions) > 1
    for q in questions:
        if q["intent"] in SKIP_INTENTS:
            continue
        ent = q.get("entities") or {}
        cats, intent = ent.get("categories") or [], q["intent"]
        tags = [intent, *cats, *(ent.get("colors") or []), *(ent.get("sizes") or [])]
        if multi:
            tags.append("multi_question")
        out.append(
            {
                "text": q["text"],
                "intent": intent,
                "topic": cats[0] if cats else intent,
                "urgency": urgency(q["text"] if multi else text, intent),
                "tone": tone(text),
                "tags": list(dict.fromkeys(tags)),
            }
        )
    return out


class FanInbox:
    """Ingest, analysis, clustering and the cluster dashboard for every creator."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        vectors: VectorStore,
        embedder: MiniLMEmbeddings,
        classifier: IntentClassifier,
        facts: FactClassifier | None,
        conversations: ConversationStore,
        product_types: Callable[[str], dict[str, str]],
        get_creator: Callable[[str], Creator],
        batch_size: int = 10,
        threshold: float = 0.62,
        topic_gating: bool = False,
        namer: Callable[[list[tuple[list[str], str]]], list[str | None]] | None = None,
    ) -> None:
        self.sessions = sessions
        self.vectors = vectors
        self.embedder = embedder
        self.classifier = classifier
        self.facts = facts
        self.conversations = conversations
        self.product_types = product_types
        self.get_creator = get_creator  # raises NotFoundError for an unknown creator
        self.batch_size = batch_size
        self.threshold = threshold
        self.topic_gating = topic_gating
        self.namer = namer  # LLM cluster names (None: keyword titles only)
        self._clusterers: dict[str, IncrementalClusterer] = {}
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._executor: ThreadPoolExecutor | None = None
        self._due: defaultdict[str, set[str]] = defaultdict(set)  # chats to cluster, per creator
        self._queued: set[str] = set()  # creators with a background job not yet started
        self._due_guard = threading.Lock()

    # -- ingest -----------------------------------------------------------------------------
    def ingest(
        self, creator_id: str, messages: Sequence[MessageIn], analyse_now: bool = False
    ) -> dict[str, int]:
        """Store messages; analyse every chat that has ``batch_size`` unanalysed messages."""
        self.get_creator(creator_id)
        accepted = duplicates = 0
        chats: set[str] = set()
        with self.sessions.begin() as s:
            keys = [message_key(m.customer_id, m.chat_id, m.timestamp, m.text) for m in messages]
            known = set(
                s.scalars(
                    select(InboxMessage.message_key).where(
                        InboxMessage.creator_id == creator_id, InboxMessage.message_key.in_(keys)
                    )
                )
            )
            for m, key in zip(messages, keys, strict=True):
                if key in known:
                    duplicates += 1
                    continue
                known.add(key)
                s.add(
                    InboxMessage(
                        creator_id=creator_id, customer_id=m.customer_id, chat_id=m.chat_id,
                        message_key=key, text=m.text, sent_at=m.timestamp,
                    )
                )  # fmt: skip
                accepted += 1
                chats.add(m.chat_id)
        due = self._due_chats(creator_id, None if analyse_now else chats)
        found = self._analyse_chats(creator_id, due) if due else 0
        return {
            "accepted": accepted,
            "duplicates": duplicates,
            "chats_analysed": len(due),
            "questions": found,
            "pending_messages": self._pending(creator_id),
        }

    def record(self, creator_id: str, message: MessageIn, questions: list[dict[str, Any]]) -> None:
        """Conversation path: the agent already split and labelled the message.

        Message and questions are stored now (durable before the reply returns); embedding and
        clustering run in the background every ``batch_size`` messages of the chat. If the
        process dies first, the questions stay unclustered and the next batch or ``/end``
        picks them up.
        """
        key = message_key(message.customer_id, message.chat_id, message.timestamp, message.text)
        tagged = tag_questions(message.text, questions)
        # Core inserts, not the ORM unit of work: this runs on every conversation turn.
        with self.sessions.begin() as s:
            creator = s.get(Creator, creator_id)
            retain = creator is None or creator.retain_messages
            message_id = s.execute(
                insert(InboxMessage).returning(InboxMessage.id),
                [{"creator_id": creator_id, "customer_id": message.customer_id,
                  "chat_id": message.chat_id, "message_key": key,
                  "text": message.text if retain else None, "sent_at": message.timestamp,
                  "analysed": True, "created_at": utcnow()}],
            ).scalar_one()  # fmt: skip
            if tagged:
                s.execute(
                    insert(FanQuestion),
                    [{"creator_id": creator_id, "customer_id": message.customer_id,
                      "chat_id": message.chat_id, "message_id": message_id,
                      "asked_at": message.timestamp, **q} for q in tagged],
                )  # fmt: skip
            seen = s.scalar(
                select(func.count()).where(
                    InboxMessage.creator_id == creator_id,
                    InboxMessage.chat_id == message.chat_id,
                )
            )
        if (seen or 0) % self.batch_size == 0:  # every N messages of the conversation
            # Chats that are due wait in one queue per creator: while a job runs, the chats
            # that come due meanwhile are clustered together (one embedding batch, one Chroma
            # upsert) instead of one job each.
            with self._due_guard:
                self._due[creator_id].add(message.chat_id)
                if creator_id in self._queued:
                    return
                self._queued.add(creator_id)
            self._background().submit(self._cluster_quietly, creator_id)

    def _cluster_quietly(self, creator_id: str) -> None:
        with self._due_guard:
            chats = sorted(self._due.pop(creator_id, set()))
            self._queued.discard(creator_id)
        try:
            self._cluster_pending(creator_id, chats, background=True)
        except Exception:  # noqa: BLE001 - the questions stay unclustered and are retried later
            log.exception("background clustering failed for %s %s", creator_id, chats)

    def _cluster_pending(
        self, creator_id: str, chats: Sequence[str], background: bool = False
    ) -> int:
        """Embed and cluster the stored questions of ``chats`` that have no cluster yet."""
        with self._locks[creator_id], self.sessions.begin() as s:
            qs = list(
                s.scalars(
                    select(FanQuestion).where(
                        FanQuestion.creator_id == creator_id,
                        FanQuestion.chat_id.in_(list(chats)),
                        FanQuestion.cluster_id.is_(None),
                    )
                )
            )
            # Keyword titles wait for /end or the scheduled re-clustering (c-TF-IDF over every
            # question is the costly part, and this runs next to live conversations).
            self._embed_and_assign(s, creator_id, qs, titles=not background)
        return len(qs)

    def _embed_and_assign(
        self, s: Session, creator_id: str, qs: list[FanQuestion], titles: bool = True
    ) -> None:
        if not qs:
            return
        vecs = self.embedder.encode([q.text for q in qs])
        self.vectors.upsert(
            creator_id, [str(q.id) for q in qs], vecs,
            [{"chat_id": q.chat_id, "topic": q.topic} for q in qs], kind=KIND,
        )  # fmt: skip
        self._assign(s, creator_id, qs, vecs, titles)

    def _background(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="dmpilot-inbox")
        return self._executor

    def flush(self) -> None:
        """Wait until the background analysis queued so far has run."""
        if self._executor is not None:
            self._executor.submit(lambda: None).result()

    def close(self) -> None:
        """Finish queued background analysis."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def end_conversation(self, creator_id: str, customer_id: str) -> dict[str, int]:
        """Analyse (and cluster) what is left of every chat of this fan."""
        self.get_creator(creator_id)

        def chats_of(model: Any, condition: Any) -> set[str]:
            with self.sessions() as s:
                return set(
                    s.scalars(
                        select(model.chat_id).where(
                            model.creator_id == creator_id,
                            model.customer_id == customer_id,
                            condition,
                        )
                    )
                )

        chats = chats_of(InboxMessage, InboxMessage.analysed.is_(False))
        found = self._analyse_chats(creator_id, sorted(chats)) if chats else 0
        unclustered = chats_of(FanQuestion, FanQuestion.cluster_id.is_(None))
        if unclustered:  # conversation-path questions below a full batch
            found += self._cluster_pending(creator_id, sorted(unclustered))
        return {"chats_analysed": len(chats), "questions": found}

    def _due_chats(self, creator_id: str, chats: set[str] | None) -> list[str]:
        with self.sessions() as s:
            q = (
                select(InboxMessage.chat_id, func.count())
                .where(InboxMessage.creator_id == creator_id, InboxMessage.analysed.is_(False))
                .group_by(InboxMessage.chat_id)
            )
            if chats is not None:
                q = q.where(InboxMessage.chat_id.in_(chats))
            rows = s.execute(q).all()
        limit = 1 if chats is None else self.batch_size
        return sorted(chat for chat, n in rows if n >= limit)

    def _pending(self, creator_id: str) -> int:
        with self.sessions() as s:
            return int(
                s.scalar(
                    select(func.count()).where(
                        InboxMessage.creator_id == creator_id, InboxMessage.analysed.is_(False)
                    )
                )
                or 0
            )

    # -- analysis ---------------------------------------------------------------------------
    def _analyse_chats(self, creator_id: str, chats: Sequence[str]) -> int:
        """Split, tag, embed, store and cluster the unanalysed messages of ``chats``."""
        retain = self.get_creator(creator_id).retain_messages
        types = self.product_types(creator_id)
        with self._locks[creator_id], self.sessions.begin() as s:
            msgs = list(
                s.scalars(
                    select(InboxMessage)
                    .where(
                        InboxMessage.creator_id == creator_id,
                        InboxMessage.chat_id.in_(list(chats)),
                        InboxMessage.analysed.is_(False),
                    )
                    .order_by(InboxMessage.sent_at, InboxMessage.id)
                )
            )
            texts = [m.text or "" for m in msgs]
            self.embedder.encode(list(dict.fromkeys(texts)))  # one batch warms the cache
            new: list[FanQuestion] = []
            by_customer: defaultdict[str, list[str]] = defaultdict(list)
            for m in msgs:
                by_customer[m.customer_id].append(m.text or "")
                for q in analyse_text(m.text or "", self.classifier, types):
                    new.append(
                        FanQuestion(
                            creator_id=creator_id, customer_id=m.customer_id, chat_id=m.chat_id,
                            message_id=m.id, asked_at=m.sent_at, **q,
                        )
                    )  # fmt: skip
                m.analysed = True
                if not retain:
                    m.text = None  # privacy: only questions, clusters and drafts remain
            s.add_all(new)
            s.flush()
            self._embed_and_assign(s, creator_id, new)
        for customer, said in by_customer.items():
            profile = self.conversations.get_profile(creator_id, customer)
            updated = learn(said, profile, facts=self.facts)
            if updated != profile:
                self.conversations.save_profile(creator_id, customer, updated)
        return len(new)

    def _assign(
        self,
        s: Session,
        creator_id: str,
        questions: list[FanQuestion],
        vecs: np.ndarray,
        refresh_titles: bool = True,
    ) -> None:
        inc = self._clusterer(s, creator_id)
        existing = list(
            s.scalars(select(QuestionCluster.id).where(QuestionCluster.creator_id == creator_id))
        )
        new_id = IdFactory("c", existing)
        touched: set[str] = set()
        for q, v in zip(questions, vecs, strict=True):
            topic = q.topic if self.topic_gating else None
            cid, sim, is_new = inc.assign(v, new_id, topic)
            q.cluster_id, q.similarity = cid, round(sim, 4)
            if is_new:
                s.add(QuestionCluster(creator_id=creator_id, id=cid, title=q.text[:200]))
            touched.add(cid)
        s.flush()
        if refresh_titles:
            self._refresh_titles(s, creator_id, touched)

    TITLE_REFRESH_MAX = 2000  # above this, keyword titles are left to batch re-clustering

    def _clusterer(self, s: Session, creator_id: str) -> IncrementalClusterer:
        """The creator's running centroids, rebuilt from Chroma + SQL after a restart."""
        inc = self._clusterers.get(creator_id)
        if inc is not None:
            return inc
        inc = IncrementalClusterer(DIM, self.threshold)
        ids, vecs = self.vectors.get_all(creator_id, kind=KIND)
        if ids:
            rows = dict(
                s.execute(
                    select(FanQuestion.id, FanQuestion.cluster_id).where(
                        FanQuestion.creator_id == creator_id
                    )
                ).all()
            )
            topics = dict(
                s.execute(
                    select(FanQuestion.id, FanQuestion.topic).where(
                        FanQuestion.creator_id == creator_id
                    )
                ).all()
            )
            groups: defaultdict[str, list[int]] = defaultdict(list)
            for i, qid in enumerate(ids):
                cid = rows.get(int(qid))
                if cid:
                    groups[cid].append(i)
            for cid, members in groups.items():
                tps = [topics[int(ids[i])] for i in members] if self.topic_gating else []
                inc.add_cluster(cid, vecs[members], tps)
        self._clusterers[creator_id] = inc
        return inc

    def _refresh_titles(self, s: Session, creator_id: str, clusters: set[str]) -> None:
        """c-TF-IDF titles against the creator's other clusters (unless a person renamed it)."""
        rows = s.execute(
            select(FanQuestion.text, FanQuestion.cluster_id)
            .where(FanQuestion.creator_id == creator_id, FanQuestion.cluster_id.is_not(None))
            .limit(self.TITLE_REFRESH_MAX + 1)
        ).all()
        if not rows or len(rows) > self.TITLE_REFRESH_MAX:
            return
        order = sorted({str(c) for _, c in rows})
        index = {c: i for i, c in enumerate(order)}
        names = titles([t for t, _ in rows], np.array([index[str(c)] for _, c in rows]))
        for cid in clusters:
            cl = s.get(QuestionCluster, (creator_id, cid))
            if cl is not None and _auto_title(cl) and names.get(index.get(cid, -1)):
                cl.title = names[index[cid]][:200]
                cl.updated_at = utcnow()

    # -- answered clusters (the agent learns from them) -------------------------------------
    def has_answers(self, creator_id: str) -> bool:
        """Whether the creator answered any cluster yet (the planner skips the lookup if not)."""
        with self.sessions() as s:
            return (
                s.scalar(
                    select(QuestionCluster.id)
                    .where(
                        QuestionCluster.creator_id == creator_id,
                        QuestionCluster.answer.is_not(None),
                    )
                    .limit(1)
                )
                is not None
            )

    def search_answered(self, creator_id: str, text: str, k: int = 10) -> list[dict[str, Any]]:
        """Answered clusters nearest to ``text`` (best first) with the creator's answer."""
        n = self.vectors.count(creator_id, kind=KIND)
        if not n:
            return []
        vec = self.embedder.encode([text])[0]
        hits = self.vectors.query(creator_id, vec, k, kind=KIND, count=n)
        with self.sessions() as s:
            rows = dict(
                s.execute(
                    select(FanQuestion.id, FanQuestion.cluster_id).where(
                        FanQuestion.creator_id == creator_id,
                        FanQuestion.id.in_([int(i) for i, _ in hits]),
                    )
                ).all()
            )
            best: dict[str, float] = {}
            for qid, sim in hits:
                cid = rows.get(int(qid))
                if cid and sim > best.get(cid, -1.0):
                    best[cid] = sim
            clusters = {
                c.id: c
                for c in s.scalars(
                    select(QuestionCluster).where(
                        QuestionCluster.creator_id == creator_id,
                        QuestionCluster.id.in_(list(best)),
                        QuestionCluster.answer.is_not(None),
                    )
                )
            }
        return [
            {"cluster_id": cid, "title": clusters[cid].title, "answer": clusters[cid].answer,
             "similarity": round(sim, 4)}
            for cid, sim in sorted(best.items(), key=lambda kv: -kv[1])
            if cid in clusters
        ]  # fmt: skip

    # -- batch re-clustering ----------------------------------------------------------------
    def recluster(self, creator_id: str) -> dict[str, Any]:
        """Leiden over every question; ids stay stable, answered clusters keep their members."""
        self.get_creator(creator_id)
        with self._locks[creator_id], self.sessions.begin() as s:
            ids, vecs = self.vectors.get_all(creator_id, kind=KIND)
            if not ids:
                return {"questions": 0, "clusters": 0, "merge_suggestions": []}
            qs = {
                q.id: q
                for q in s.scalars(select(FanQuestion).where(FanQuestion.creator_id == creator_id))
            }
            keep = [i for i, qid in enumerate(ids) if int(qid) in qs]
            ids, vecs = [ids[i] for i in keep], vecs[keep]
            frozen = {
                c.id
                for c in s.scalars(
                    select(QuestionCluster).where(
                        QuestionCluster.creator_id == creator_id,
                        QuestionCluster.status != "pending",
                    )
                )
            }
            # Questions of answered clusters stay put: their fans may already have drafts.
            free = [i for i, qid in enumerate(ids) if qs[int(qid)].cluster_id not in frozen]
            if len(free) >= 3:
                x = vecs[free] - vecs[free].mean(axis=0)
                x /= np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)
                labels = leiden_labels(x.astype(np.float32))
                existing = list(
                    s.scalars(
                        select(QuestionCluster.id).where(QuestionCluster.creator_id == creator_id)
                    )
                )
                old = [qs[int(ids[i])].cluster_id for i in free]
                new_ids = stable_ids(labels, old, IdFactory("c", existing))
                for i, cid in zip(free, new_ids, strict=True):
                    qs[int(ids[i])].cluster_id = cid
                for cid in set(new_ids) - set(existing):
                    s.add(QuestionCluster(creator_id=creator_id, id=cid))
                s.flush()
            labels_all = [qs[int(q)].cluster_id or "" for q in ids]
            order = sorted(set(labels_all))
            position = {c: i for i, c in enumerate(order)}
            lab = np.array([position[c] for c in labels_all])
            cent = centroids(vecs, lab)
            sims = np.einsum("ij,ij->i", vecs, cent[lab])
            for qid, sim in zip(ids, sims, strict=True):
                qs[int(qid)].similarity = round(float(sim), 4)
            summaries = summarise(vecs, [qs[int(q)].text for q in ids], lab)
            for sm in summaries:
                cl = s.get(QuestionCluster, (creator_id, order[sm.label]))
                if cl is not None:
                    cl.cohesion = sm.cohesion
                    if _auto_title(cl):
                        cl.title = sm.title[:200] or cl.title
                    cl.updated_at = utcnow()
            # Clusters left without questions disappear (unless a person answered them).
            used = set(labels_all)
            s.execute(
                delete(QuestionCluster).where(
                    QuestionCluster.creator_id == creator_id,
                    QuestionCluster.id.not_in(used),
                    QuestionCluster.status == "pending",
                )
            )
            pairs = merge_suggestions(cent)
        self._clusterers.pop(creator_id, None)  # rebuilt from the new assignment on next use
        named = self.name_clusters(creator_id)
        return {
            "questions": len(ids),
            "clusters": len(order),
            "named": named,
            "merge_suggestions": [
                {"clusters": [order[a], order[b]], "similarity": sim} for a, b, sim in pairs[:20]
            ],
        }

    NAME_MIN_SIZE = 3  # smaller clusters keep their keyword title (not worth a model call)
    RENAME_GROWTH = 1.5  # an LLM-named cluster is named again once it grew by half

    def name_clusters(self, creator_id: str) -> int:
        """Short LLM names for clusters that are new or grew; keyword titles stay on failure.

        Runs outside the inbox lock and the transaction: model calls are slow, and a person's
        rename in the meantime wins.
        """
        if self.namer is None:
            return 0
        with self.sessions() as s:
            stats = self._stats(s, creator_id)
            todo = [
                (c.id, c.title, stats[c.id]["size"])
                for c in s.scalars(
                    select(QuestionCluster).where(
                        QuestionCluster.creator_id == creator_id,
                        QuestionCluster.title_locked.is_(False),
                    )
                )
                if stats.get(c.id, {}).get("size", 0) >= self.NAME_MIN_SIZE
                and (c.named_size is None
                     or stats[c.id]["size"] >= self.RENAME_GROWTH * c.named_size)
            ]  # fmt: skip
            reps = self._representatives(s, creator_id, [c for c, _, _ in todo], per_cluster=8)
        if not todo:
            return 0
        names = self.namer([(reps[cid], title) for cid, title, _ in todo])
        named = 0
        with self.sessions.begin() as s:
            for (cid, _, size), name in zip(todo, names, strict=True):
                cl = s.get(QuestionCluster, (creator_id, cid))
                if name and cl is not None and not cl.title_locked:
                    cl.title, cl.named_size, cl.updated_at = name[:200], size, utcnow()
                    named += 1
        return named

    # -- dashboard --------------------------------------------------------------------------
    def list_clusters(
        self, creator_id: str, status: str | None, sort: str, limit: int, offset: int
    ) -> dict[str, Any]:
        """A page of clusters with counts, urgency, recency and representative questions."""
        self.get_creator(creator_id)
        with self.sessions() as s:
            stats = self._stats(s, creator_id)
            clusters = [
                c
                for c in s.scalars(
                    select(QuestionCluster).where(QuestionCluster.creator_id == creator_id)
                )
                if c.id in stats and (status is None or c.status == status)
            ]
            key: dict[str, Callable[[QuestionCluster], Any]] = {
                "size": lambda c: (stats[c.id]["size"], stats[c.id]["last_at"]),
                "urgency": lambda c: (URGENCY_RANK[stats[c.id]["urgency"]], stats[c.id]["size"]),
                "recency": lambda c: stats[c.id]["last_at"],
            }
            clusters.sort(key=key[sort], reverse=True)
            page = clusters[offset : offset + limit]
            reps = self._representatives(s, creator_id, [c.id for c in page])
            items = [self._cluster_out(c, stats[c.id], reps.get(c.id, [])) for c in page]
        return {"total": len(clusters), "limit": limit, "offset": offset, "items": items}

    def get_cluster(self, creator_id: str, cluster_id: str) -> dict[str, Any]:
        """One cluster with all its questions, quality and outliers."""
        with self.sessions() as s:
            cl = self._get(s, creator_id, cluster_id)
            qs = list(
                s.scalars(
                    select(FanQuestion)
                    .where(FanQuestion.creator_id == creator_id, FanQuestion.cluster_id == cl.id)
                    .order_by(FanQuestion.similarity.desc())
                )
            )
            stats = self._stats(s, creator_id, cl.id).get(cl.id) or _empty_stats()
            sims = np.array([q.similarity for q in qs]) if qs else np.zeros(0)
            cut = sims.mean() - 2 * sims.std() if len(qs) >= 5 else -np.inf
            out = self._cluster_out(cl, stats, [q.text for q in qs[:3]])
            out["answer"] = cl.answer
            out["questions"] = [
                {
                    "id": q.id, "text": q.text, "customer_id": q.customer_id,
                    "chat_id": q.chat_id, "intent": q.intent, "topic": q.topic,
                    "urgency": q.urgency, "tone": q.tone, "tags": q.tags,
                    "similarity": q.similarity, "outlier": bool(q.similarity < cut),
                    "asked_at": q.asked_at.isoformat(),
                }
                for q in qs
            ]  # fmt: skip
            out["outliers"] = [q["id"] for q in out["questions"] if q["outlier"]]
        return out

    def rename(self, creator_id: str, cluster_id: str, title: str) -> dict[str, Any]:
        """A person's title, kept through later re-clustering."""
        with self.sessions.begin() as s:
            cl = self._get(s, creator_id, cluster_id)
            cl.title, cl.title_locked, cl.updated_at = title, True, utcnow()
        return self.get_cluster(creator_id, cluster_id)

    def merge(self, creator_id: str, cluster_ids: list[str], title: str | None) -> dict[str, Any]:
        """Move the questions of the other clusters into the first one."""
        target, *others = cluster_ids
        with self._locks[creator_id], self.sessions.begin() as s:
            for cid in cluster_ids:
                if self._get(s, creator_id, cid).status != "pending":
                    raise ValueError(f"cluster '{cid}' is already answered; only pending merge")
            for q in s.scalars(
                select(FanQuestion).where(
                    FanQuestion.creator_id == creator_id, FanQuestion.cluster_id.in_(others)
                )
            ):
                q.cluster_id = target
            s.execute(
                delete(QuestionCluster).where(
                    QuestionCluster.creator_id == creator_id, QuestionCluster.id.in_(others)
                )
            )
            if title:
                cl = self._get(s, creator_id, target)
                cl.title, cl.title_locked = title, True
            s.flush()
            self._rescore(s, creator_id, [target])
        self._clusterers.pop(creator_id, None)
        return self.get_cluster(creator_id, target)

    def split(
        self, creator_id: str, cluster_id: str, question_ids: list[int], title: str | None
    ) -> dict[str, Any]:
        """Move some questions of a pending cluster into a new cluster."""
        with self._locks[creator_id], self.sessions.begin() as s:
            cl = self._get(s, creator_id, cluster_id)
            if cl.status != "pending":
                raise ValueError(f"cluster '{cluster_id}' is already answered; only pending split")
            qs = list(
                s.scalars(
                    select(FanQuestion).where(
                        FanQuestion.creator_id == creator_id,
                        FanQuestion.cluster_id == cluster_id,
                        FanQuestion.id.in_(question_ids),
                    )
                )
            )
            missing = set(question_ids) - {q.id for q in qs}
            if missing:
                raise ValueError(f"questions not in cluster '{cluster_id}': {sorted(missing)}")
            total = s.scalar(
                select(func.count()).where(
                    FanQuestion.creator_id == creator_id, FanQuestion.cluster_id == cluster_id
                )
            )
            if len(qs) >= (total or 0):
                raise ValueError("a split must leave at least one question in the cluster")
            existing = list(
                s.scalars(
                    select(QuestionCluster.id).where(QuestionCluster.creator_id == creator_id)
                )
            )
            new_id = IdFactory("c", existing)()
            s.add(
                QuestionCluster(
                    creator_id=creator_id, id=new_id, title=title or qs[0].text[:200],
                    title_locked=bool(title),
                )
            )  # fmt: skip
            for q in qs:
                q.cluster_id = new_id
            s.flush()
            self._rescore(s, creator_id, [cluster_id, new_id])
        self._clusterers.pop(creator_id, None)
        return self.get_cluster(creator_id, new_id)

    def _rescore(self, s: Session, creator_id: str, cluster_ids: Sequence[str]) -> None:
        """Similarity of each question to its (changed) cluster's centroid."""
        qs = list(
            s.scalars(
                select(FanQuestion).where(
                    FanQuestion.creator_id == creator_id, FanQuestion.cluster_id.in_(cluster_ids)
                )
            )
        )
        if not qs:
            return
        got = self.vectors.collection(creator_id, KIND).get(
            ids=[str(q.id) for q in qs], include=["embeddings"]
        )
        vec = dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))
        for cid in cluster_ids:
            members = [q for q in qs if q.cluster_id == cid and str(q.id) in vec]
            if not members:
                continue
            x = np.stack([vec[str(q.id)] for q in members])
            c = x.sum(axis=0)
            c /= max(float(np.linalg.norm(c)), 1e-12)
            for q, sim in zip(members, x @ c, strict=True):
                q.similarity = round(float(sim), 4)

    # -- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _get(s: Session, creator_id: str, cluster_id: str) -> QuestionCluster:
        cl = s.get(QuestionCluster, (creator_id, cluster_id))
        if cl is None:
            raise NotFoundError(f"unknown cluster '{cluster_id}'")
        return cl

    @staticmethod
    def _stats(s: Session, creator_id: str, only: str | None = None) -> dict[str, dict[str, Any]]:
        q = select(
            FanQuestion.cluster_id, FanQuestion.chat_id, FanQuestion.urgency, FanQuestion.asked_at
        ).where(FanQuestion.creator_id == creator_id, FanQuestion.cluster_id.is_not(None))
        if only:
            q = q.where(FanQuestion.cluster_id == only)
        out: dict[str, dict[str, Any]] = {}
        chats: defaultdict[str, set[str]] = defaultdict(set)
        for cluster_id, chat, urg, at in s.execute(q):
            cid = str(cluster_id)
            st = out.setdefault(cid, _empty_stats())
            st["size"] += 1
            chats[cid].add(chat)
            if URGENCY_RANK[urg] > URGENCY_RANK[st["urgency"]]:
                st["urgency"] = urg
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            st["last_at"] = max(st["last_at"], at)
        for cid, st in out.items():
            st["chats"] = len(chats[cid])
        return out

    @staticmethod
    def _representatives(
        s: Session, creator_id: str, ids: list[str], per_cluster: int = 3
    ) -> dict[str, list[str]]:
        rows = s.execute(
            select(FanQuestion.cluster_id, FanQuestion.text)
            .where(FanQuestion.creator_id == creator_id, FanQuestion.cluster_id.in_(ids))
            .order_by(FanQuestion.similarity.desc())
        ).all()
        out: defaultdict[str, list[str]] = defaultdict(list)
        for cluster_id, text in rows:
            cid = str(cluster_id)
            if len(out[cid]) < per_cluster and text not in out[cid]:
                out[cid].append(text)
        return out

    @staticmethod
    def _cluster_out(cl: QuestionCluster, st: dict[str, Any], reps: list[str]) -> dict[str, Any]:
        d = row_dict(cl)
        return {
            "id": cl.id, "title": cl.title, "status": cl.status, "size": st["size"],
            "chats": st["chats"], "urgency": st["urgency"],
            "last_at": st["last_at"].isoformat(), "cohesion": cl.cohesion,
            "representatives": reps, "answered_at": d["answered_at"].isoformat()
            if d["answered_at"] else None,
        }  # fmt: skip


def _empty_stats() -> dict[str, Any]:
    return {"size": 0, "chats": 0, "urgency": "low", "last_at": datetime(1970, 1, 1, tzinfo=UTC)}
