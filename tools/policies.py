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
# a line of its own with no sentence in it: a heading without a colon
_BARE_HEADING = re.compile(r"^[A-Z][^\d.!?;$£€]*[^\W\d_)]\)?\s*:?$")
BARE_HEADING_WORDS = 7
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9£$€\"'(])|\n+")
LEXICAL_WEIGHT = 0.35
# A sentence naming the place asked about ("United States, Canada and Australia: €19" for "the
# US") outranks one about "other countries" (MiniLM puts those 0.1-0.2 above it).
PLACE_WEIGHT = 0.25
# a passage with an amount in it, for a question that asks how much
AMOUNT_WEIGHT = 0.1
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
        elif _BARE_HEADING.match(sentence) and len(sentence.split()) <= BARE_HEADING_WORDS:
            # "Gift wrapping" or "Shipping (Australia and New Zealand only)" on a line of its
            # own: the topic of the lines under it, no answer by itself
            topic = sentence.strip(" :")
            continue
        if re.search(r"\w", sentence):
            if out and out[-1].topic == topic and out[-1].text.endswith("?"):
                # "Sending a present straight to someone? Tick 'This is a gift'": the question
                # a policy asks itself leads into its answer
                out[-1] = Passage(topic, f"{out[-1].text} {_BULLET.sub('', sentence)}")
                continue
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


def _amount_bonus(question: str, passages: list[Passage]) -> np.ndarray:
    """AMOUNT_WEIGHT for each passage stating an amount, when the question asks one.

    "do u ship to new zealand? how much is it": the line with the fee ("New Zealand: $27.50
    flat rate"), not the one that says it ships there.
    """
    if not _ASKS_AMOUNT.search(question):
        return np.zeros(len(passages), dtype=np.float32)
    return np.array(
        [AMOUNT_WEIGHT if _AMOUNT.search(p.text) else 0.0 for p in passages], dtype=np.float32
    )


_ASKS_AMOUNT = re.compile(r"\b(?:how much|costs?|price|fees?|charge)\b", re.I)
_AMOUNT = re.compile(
    r"[$£€¥]\s?\d|\b\d+(?:[.,]\d+)?\s?(?:usd|aud|nzd|cad|eur|gbp|dollars?|pounds?|euros?)\b", re.I
)


# "What we don't sell: ...", "We don't stock watches, cufflinks or ...": the shop's own list of
# what it does not sell, so "do you have bmx bikes" gets an honest no instead of the nearest bike.
_NOT_SOLD = re.compile(
    r"\b(?:don'?t|do not|doesn'?t|does not|never|no longer)\s+(?:currently\s+)?"
    r"(?:sell|stock|carry|offer|supply)\b|\bnot (?:sold|stocked|carried)\b",
    re.I,
)
# where a listed item's words end ("body jewellery other than our titanium labret studs")
_ITEM_END = re.compile(
    r"\s*(?:\b(?:other than|except|apart from|unless|but|because|since|please|though)\b|"
    r"[;:(—–]|\.(?:\s|$)).*$",
    re.I,
)
# ("No second-hand or used games", "no trade-ins": a list written as "No X" names X)
_ITEM_LEAD = re.compile(r"^(?:(?:and|or|any|the|a|an|our|other|also|either|we|you|no)\s+)+", re.I)
_BULLET = re.compile(r"^\s*[-•*·]\s*")
# "We do not sell knives to anyone under 18": whom it is not sold to, the goods are sold
_TO_WHOM = re.compile(
    r"\bto (?:anyone|anybody|people|persons?|customers?|children|kids|minors|under[- ]?\d+s?|"
    r"those|someone|buyers?)\b",
    re.I,
)
ITEM_WORDS_MAX = 5  # a longer "item" is prose, not a name of goods


def _is_heading(text: str) -> bool:
    """A line such as "WHAT WE DON'T SELL" or "Click & Collect": short, no sentence end."""
    t = text.strip()
    return len(t.split()) <= 6 and not re.search(r"[.!?,]$", t) and not _BULLET.match(t)


def _items(text: str) -> list[str]:
    """The goods a "we don't sell" list names ("Artificial or faux plants" is both kinds)."""
    text = _BULLET.sub("", text)
    # "capsules (K-Cups, Nespresso)": a list in brackets is items too; "green (unroasted)
    # beans" is one item
    text = re.sub(r"\s*\(([^()]*)\)", lambda m: f", {m[1]}," if "," in m[1] else "", text)
    text = _NOT_SOLD.sub(",", re.sub(r"\b(?:such as|including|like)\b", ",", text, flags=re.I))
    out: list[str] = []
    for chunk in text.split(","):
        chunk = _ITEM_END.sub("", chunk).strip()
        pieces = [_ITEM_LEAD.sub("", x).strip() for x in re.split(r"\s+(?:and|or|&)\s+|/", chunk)]
        pieces = [x for x in pieces if x]
        for n, piece in enumerate(pieces):
            nxt = pieces[n + 1].split() if n + 1 < len(pieces) else []
            if len(piece.split()) == 1 and len(nxt) > 1 and not piece.lower().endswith("s"):
                # "artificial or faux plants": artificial plants ("watches or body jewellery":
                # a plural is a thing of its own)
                piece = f"{piece} {nxt[-1]}"
            if tokenize(piece) and len(piece.split()) <= ITEM_WORDS_MAX:
                out.append(piece)
    return out


def not_sold(policies: str) -> list[str]:
    """What the policy text says the shop does not sell, as the creator wrote each item."""
    found: list[str] = []
    listing = False  # under a "What we don't sell" heading
    topic = ""  # the topic it was under
    for p in passages(policies):
        text = p.text.strip()
        cue = _NOT_SOLD.search(text)
        if cue and _is_heading(text):
            listing, topic = True, p.topic
            continue
        if listing and (_is_heading(text) or p.topic != topic):
            listing = False  # the next heading ends the list
        if (listing or (p.topic and _NOT_SOLD.search(p.topic))) and not cue:
            if re.match(r"^\W*(?:we|i|our)\b", text, re.I):
                continue  # "We don't service reels or repair kayaks": no list of goods
            found += _items(text)
        elif cue and not _TO_WHOM.search(text[cue.end() :]):
            found += _items(text[cue.start() :])
    return list(dict.fromkeys(found))


def _plain(words: list[str]) -> list[str]:
    """Words without the hyphened forms the tokenizer adds beside their parts.

    ("second-hand games" and "second hand games" are the same words in the same order.)
    """
    return [w for w in words if "-" not in w]


def _contains(seq: list[str], part: list[str], gap: int = 2) -> bool:
    """Whether ``part`` comes in ``seq`` in order, with at most ``gap`` other words between.

    ("second hand / pre-loved games" holds "second-hand games".)
    """
    k = len(part)
    if not k:
        return False
    for i in range(len(seq)):
        if seq[i] != part[0]:
            continue
        at, skipped = i, 0
        for word in part[1:]:
            nxt = next((j for j in range(at + 1, min(len(seq), at + 2 + gap)) if seq[j] == word),
                       None)  # fmt: skip
            if nxt is None:
                break
            skipped += nxt - at - 1
            at = nxt
        else:
            if skipped <= gap:
                return True
    return False


@dataclass
class _Entry:
    digest: str
    passages: list[Passage]
    vectors: np.ndarray
    stems: list[set[str]]
    not_sold: list[tuple[str, list[str]]]  # each listed item, with its word stems


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
        unsold = [(item, _plain(tokenize(item))) for item in not_sold(text)]
        entry = _Entry(
            digest, found, vectors, [_stems(p.indexed, pairs=True) for p in found], unsold
        )
        with self._lock:
            self._cache[creator_id] = entry
        return entry

    def has_policies(self, creator_id: str) -> bool:
        """Whether the creator has written any policy text."""
        return self._entry(creator_id) is not None

    def not_sold(
        self, creator_id: str, asked: list[str], known: frozenset[str], sold: list[frozenset[str]]
    ) -> str | None:
        """The item of the shop's "we don't sell" list that the asked words name, if any.

        ``asked`` are the stems of the words naming the kind asked for ("bmx bikes"). An item
        matches when its words come in order in them, or its describing words alone do when
        no product text of the shop has them ("a bmx" is a BMX bike; "used" is no item when
        the shop's texts say "used"). An item a product's name holds is sold after all.
        """
        entry = self._entry(creator_id)
        asked = _plain(asked)
        if entry is None or not asked:
            return None
        for item, words in entry.not_sold:
            if not words or any(set(words) <= name for name in sold):
                continue
            mods = words[:-1]
            if _contains(asked, words) or (
                mods and not any(m in known for m in mods) and _contains(asked, mods)
            ):
                return item
        return None

    def search(
        self, creator_id: str, question: str, k: int = 3, min_score: float = MIN_SCORE
    ) -> list[dict[str, Any]]:
        """Up to ``k`` passages for ``question`` scoring ``min_score`` or more, best first."""
        entry = self._entry(creator_id)
        if entry is None or not question.strip():
            return []
        bonus = _place_bonus(question, entry.passages) + _amount_bonus(question, entry.passages)
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
