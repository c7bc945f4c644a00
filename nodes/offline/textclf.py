"""A small text classifier shared by the intent and profile-fact detectors.

Logistic regression over a sentence embedding concatenated with TF-IDF word 1-2-grams and
character 2-5-grams. The embedding carries meaning across paraphrases; the n-grams carry the
cue words the small English encoder blurs (typos, slang, other languages, "restock", "epi").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
import sklearn
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

CACHE_SIZE = 4096


class TextClassifier:
    """Trained once from labelled texts; ``predict`` gives the best label and its probability."""

    def __init__(self, embedder: Any, texts: list[str], labels: list[str], c: float = 4.0):
        self.embedder = embedder
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
        )
        self.words.fit(texts)
        self.chars.fit(texts)
        self.model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        # the example texts are fixed: their vectors are kept on disk across process starts
        stored = getattr(self.embedder, "encode_stored", self.embedder.encode)
        self.model.fit(self._features(texts, stored(texts)), labels)
        self.labels: list[str] = list(self.model.classes_)
        # the same clause is classified more than once in a turn (its parts, its clause kinds)
        self._seen: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _features(self, texts: list[str], vectors: np.ndarray | None = None) -> csr_matrix:
        dense = csr_matrix(self.embedder.encode(texts) if vectors is None else vectors)
        return hstack([dense, self.words.transform(texts), self.chars.transform(texts)]).tocsr()

    def proba(self, texts: list[str]) -> np.ndarray:
        """Probability per text (rows) and label (columns, in ``self.labels`` order).

        The inputs are this class's own features: scikit-learn's input checks are skipped
        (they cost more than the prediction on a handful of clauses).
        """
        with self._lock:
            known = {t: self._seen[t] for t in dict.fromkeys(texts) if t in self._seen}
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        if todo:
            with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
                rows = np.asarray(self.model.predict_proba(self._features(todo)))
            known.update(zip(todo, rows, strict=True))
            with self._lock:  # remembered for later calls; this one answers from ``known``
                for text, row in zip(todo, rows, strict=True):
                    self._seen[text] = row
                while len(self._seen) > CACHE_SIZE:
                    self._seen.popitem(last=False)
        return np.asarray([known[t] for t in texts]).reshape(len(texts), -1)

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        """(label, probability) per text."""
        if not texts:
            return []
        probs = self.proba(texts)
        best = np.argmax(probs, axis=1)
        return [(self.labels[i], float(p[i])) for i, p in zip(best, probs, strict=True)]
