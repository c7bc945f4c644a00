"""Bulk fan inbox: store uploaded messages, analyse them intent-first, cluster the questions.

Flow of one bulk upload: messages are stored (deduplicated by content hash); a chat whose
unanalysed messages reach ``batch_size`` is analysed at once, the others wait for more messages
or for the end of the conversation. Analysis splits each message into focused questions
(offline NLU), tags topic, urgency and tone, embeds the questions in one batch, stores them
(SQL + Chroma), learns the fan's profile from the text and assigns every question to a cluster
incrementally. When the creator turned retention off the raw text is cleared afterwards.

Conversation messages take another path: the agent graph's ``record_inbox`` node stores the
questions it already analysed, and ``tools.question_clusters`` clusters them in batches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from memory.conversations import ConversationStore
from memory.fanout import FanQuestion
from memory.inbox import InboxStore, MessageIn
from memory.models import Creator
from nodes.offline.nlu import IntentClassifier
from nodes.offline.profile import FactClassifier, learn
from nodes.offline.tagging import analyse_text
from tools.question_clusters import QuestionClusters

__all__ = ["FanInbox", "MessageIn"]


class FanInbox:
    """Bulk ingest and analysis of fan messages for every creator."""

    def __init__(
        self,
        clusters: QuestionClusters,
        classifier: IntentClassifier,
        facts: FactClassifier | None,
        conversations: ConversationStore,
        product_types: Callable[[str], dict[str, str]],
        get_creator: Callable[[str], Creator],
    ) -> None:
        self.clusters = clusters
        self.store: InboxStore = clusters.store
        self.classifier = classifier
        self.facts = facts
        self.conversations = conversations
        self.product_types = product_types
        self.get_creator = get_creator  # raises NotFoundError for an unknown creator

    def ingest(
        self, creator_id: str, messages: Sequence[MessageIn], analyse_now: bool = False
    ) -> dict[str, int]:
        """Store messages; analyse every chat that has ``batch_size`` unanalysed messages."""
        self.get_creator(creator_id)
        accepted, duplicates, chats = self.store.add_messages(creator_id, messages)
        due = self.store.due_chats(
            creator_id, None if analyse_now else chats, self.clusters.batch_size
        )
        found = self._analyse_chats(creator_id, due) if due else 0
        return {
            "accepted": accepted,
            "duplicates": duplicates,
            "chats_analysed": len(due),
            "questions": found,
            "pending_messages": self.store.pending(creator_id),
        }

    def end_conversation(self, creator_id: str, customer_id: str) -> dict[str, int]:
        """Analyse (and cluster) what is left of every chat of this fan."""
        self.get_creator(creator_id)
        chats = self.store.chats_of(creator_id, customer_id)
        found = self._analyse_chats(creator_id, sorted(chats)) if chats else 0
        unclustered = self.store.chats_of(creator_id, customer_id, unclustered=True)
        if unclustered:  # conversation-path questions below a full batch
            found += self.clusters.cluster_pending(creator_id, sorted(unclustered))
        return {"chats_analysed": len(chats), "questions": found}

    def _analyse_chats(self, creator_id: str, chats: Sequence[str]) -> int:
        """Split, tag, embed, store and cluster the unanalysed messages of ``chats``."""
        retain = self.get_creator(creator_id).retain_messages
        types = self.product_types(creator_id)
        with self.clusters.lock(creator_id), self.store.sessions.begin() as s:
            msgs = self.store.unanalysed(s, creator_id, chats)
            texts = [m.text or "" for m in msgs]
            self.clusters.embedder.encode(list(dict.fromkeys(texts)))  # one batch warms the cache
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
            self.clusters.embed_and_assign(s, creator_id, new)
        self.clusters.settle(creator_id)  # a batch run when many arrivals fit no cluster
        for customer, said in by_customer.items():
            profile = self.conversations.get_profile(creator_id, customer)
            updated = learn(said, profile, facts=self.facts)
            if updated != profile:
                self.conversations.save_profile(creator_id, customer, updated)
        return len(new)
