"""The creator's store policies as passages the agent can quote.

A creator writes their policies once (returns, shipping, warranty, subscriptions...; topic
headings such as "Returns:" help). A policy question ("do you ship to canada?", "can I return
an opened bag?") is answered with the sentences that fit it best, in the creator's own words,
instead of being escalated. Ranking mixes MiniLM similarity with the share of the question's
words the sentence contains (names of countries, products and fees are exact words).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from memory.catalog import Catalog, NotFoundError
from prompts.lexicon import stem, tokenize
from prompts.loader import DATA

# "Returns: unused items ..." -> topic "Returns"
_HEADING = re.compile(r"^\s*([A-Z][\w &/'()-]{1,40}?):\s+(?=\S)")
HEADING_WORDS = 5  # "Auto-ship (subscribe & save):" heads a topic; a sentence with a colon not
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9£$€\"'(])|\n+")
LEXICAL_WEIGHT = 0.35
# A sentence naming the place asked about ("United States, Canada and Australia: €19" for "the
# US") outranks one about "other countries" (MiniLM puts those 0.1-0.2 above it).
PLACE_WEIGHT = 0.25
# Below this score a passage does not answer the question (chosen on the scenario dev batches:
# policy questions score 0.47-0.99, product questions that reach this search 0.18-0.52).
MIN_SCORE = 0.45
# A product question ("how long is the warranty on your sofas?") is answered from the policies
# too only when a passage fits it this closely (product questions reach 0.52 on the dev batches).
PRODUCT_QUESTION_SCORE = 0.65
TEXT_TTL_S = 1.0


@dataclass(frozen=True)
class Passage:
    """One sentence of the policies, under the topic heading it belongs to."""

    topic: str
    text: str

    @property
    def indexed(self) -> str:
        """What is embedded: the topic gives a bare sentence its subject."""
        return f"{self.topic}: {self.text}" if self.topic else self.text


def passages(policies: str) -> list[Passage]:
    """Sentences of the policy text, each with the topic heading above it."""
    out: list[Passage] = []
    topic = ""
    for raw in _SENTENCE.split(policies or ""):
        sentence = raw.strip()
        if not sentence:
            continue
        if (m := _HEADING.match(sentence)) and len(m.group(1).split()) <= HEADING_WORDS:
            topic = m.group(1).strip()
            sentence = sentence[m.end() :].strip()
        if re.search(r"\w", sentence):
            out.append(Passage(topic, sentence))
    return out


def _stems(text: str, pairs: bool = False) -> set[str]:
    """Word stems; with ``pairs`` each two words joined too ("auto-ship" reads "autoship").

    Pairs go on the passage side only: a question's own words are what must be found.
    """
    words = tokenize(text)
    joined = {stem(a + b) for a, b in itertools.pairwise(words)} if pairs else set()
    return {stem(w) for w in words} | joined


@lru_cache(maxsize=1)
def _places() -> list[tuple[re.Pattern[str], re.Pattern[str], list[str]]]:
    data = json.loads((DATA / "places.json").read_text(encoding="utf-8"))
    return [
        (re.compile(pattern), re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b"),
         names)
        for pattern, names in data["aliases"]
    ]  # fmt: skip


def with_place_names(question: str) -> str:
    """The question with the names a policy uses for the places it abbreviates ("the US")."""
    extra = [", ".join(names) for pattern, _, names in _places() if pattern.search(question)]
    return f"{question} ({'; '.join(extra)})" if extra else question


def _place_bonus(question: str, passages: list[Passage]) -> np.ndarray:
    """PLACE_WEIGHT for each passage naming a place the question names ("United States")."""
    asked = [named for pattern, named, _ in _places() if pattern.search(question)]
    return np.array(
        [PLACE_WEIGHT if any(n.search(p.text) for n in asked) else 0.0 for p in passages],
        dtype=np.float32,
    )


@dataclass
class _Entry:
    digest: str
    passages: list[Passage]
    vectors: np.ndarray
    stems: list[set[str]]


class PolicyIndex:
    """Per-creator policy passages with their embeddings (re-embedded when the text changes)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._cache: dict[str, _Entry] = {}
        self._texts: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def _text(self, creator_id: str) -> str | None:
        """The creator's policy text, re-read from SQL at most once a second.

        Every turn asks whether there is one; a PATCH is seen by every worker within a second.
        """
        now = time.monotonic()
        hit = self._texts.get(creator_id)
        if hit is not None and now - hit[0] < TEXT_TTL_S:
            return hit[1]
        try:
            text: str | None = self.catalog.get_creator(creator_id).policies or ""
        except NotFoundError:
            text = None
        self._texts[creator_id] = (now, text)
        return text

    def forget(self, creator_id: str) -> None:
        """Drop the cached text (this process just changed it)."""
        self._texts.pop(creator_id, None)

    def _entry(self, creator_id: str) -> _Entry | None:
        text = self._text(creator_id)
        if text is None:
            return None
        if not text.strip():
            return None
        digest = hashlib.sha256(text.encode()).hexdigest()
        entry = self._cache.get(creator_id)
        if entry is not None and entry.digest == digest:
            return entry
        found = passages(text)
        if not found:
            return None
        vectors = self.catalog.embedder.encode([p.indexed for p in found])
        entry = _Entry(digest, found, vectors, [_stems(p.indexed, pairs=True) for p in found])
        with self._lock:
            self._cache[creator_id] = entry
        return entry

    def has_policies(self, creator_id: str) -> bool:
        """Whether the creator has written any policy text."""
        return self._entry(creator_id) is not None

    def search(
        self, creator_id: str, question: str, k: int = 3, min_score: float = MIN_SCORE
    ) -> list[dict[str, Any]]:
        """Up to ``k`` passages for ``question`` scoring ``min_score`` or more, best first."""
        entry = self._entry(creator_id)
        if entry is None or not question.strip():
            return []
        bonus = _place_bonus(question, entry.passages)
        question = with_place_names(question)
        q = self.catalog.embedder.encode([question.strip()])[0]
        cosine = entry.vectors @ q
        words = _stems(question)
        lexical = np.array(
            [len(words & s) / max(1, len(words)) for s in entry.stems], dtype=np.float32
        )
        score = cosine + LEXICAL_WEIGHT * lexical + bonus
        order = [i for i in np.argsort(-score)[:k] if score[i] >= min_score]
        return [
            {"topic": entry.passages[i].topic, "text": entry.passages[i].text,
             "score": round(float(score[i]), 4), "similarity": round(float(cosine[i]), 4)}
            for i in order
        ]  # fmt: skip
