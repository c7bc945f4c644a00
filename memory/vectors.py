"""Embedded Chroma: one collection per creator and kind, so tenants never share an index.

Vectors are computed by ``MiniLMEmbeddings`` and passed in explicitly; the Chroma embedding
function adapter below exists for code that wants Chroma to embed by itself.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb  # noqa: E402
import numpy as np  # noqa: E402
from chromadb.api.types import Documents, EmbeddingFunction  # noqa: E402
from chromadb.api.types import Embeddings as ChromaEmbeddings  # noqa: E402
from chromadb.config import Settings as ChromaSettings  # noqa: E402
from chromadb.utils.embedding_functions import register_embedding_function  # noqa: E402

from memory.embeddings import MiniLMEmbeddings, get_embedder  # noqa: E402


@register_embedding_function
class MiniLMChromaFunction(EmbeddingFunction[Documents]):
    """Chroma embedding-function face of the same ONNX model."""

    def __init__(self, embedder: MiniLMEmbeddings | None = None) -> None:
        self._embedder = embedder or get_embedder()

    def __call__(self, input: Documents) -> ChromaEmbeddings:  # noqa: A002 (Chroma's name)
        """Embed documents for Chroma."""
        return list(self._embedder.encode(list(input)))

    @staticmethod
    def name() -> str:
        """Registry name Chroma persists with a collection."""
        return "dmpilot-minilm-onnx"

    def get_config(self) -> dict[str, Any]:
        """No parameters: the model is fixed by the installed package."""
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMChromaFunction:
        """Rebuild from a persisted collection configuration."""
        return MiniLMChromaFunction()

    def default_space(self) -> str:  # type: ignore[override]
        """Normalised vectors: cosine."""
        return "cosine"


def collection_name(creator_id: str, kind: str) -> str:
    """A valid, collision-free Chroma name for a creator's collection of ``kind``."""
    slug = re.sub(r"[^a-zA-Z0-9_-]", "-", creator_id)[:40].strip("-_") or "c"
    digest = hashlib.sha1(creator_id.encode()).hexdigest()[:8]
    return f"{kind}-{slug}-{digest}"


class VectorStore:
    """Thin wrapper over a persistent Chroma client with per-creator collections."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.client = chromadb.PersistentClient(
            path=str(path),
            settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
        )
        self._collections: dict[str, Any] = {}

    def collection(self, creator_id: str, kind: str = "products") -> Any:
        """Get or create the creator's collection (cosine space)."""
        name = collection_name(creator_id, kind)
        col = self._collections.get(name)
        if col is None:
            col = self.client.get_or_create_collection(
                name,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"creator_id": creator_id, "kind": kind},
                embedding_function=None,
            )
            self._collections[name] = col
        return col

    def upsert(
        self,
        creator_id: str,
        ids: Sequence[str],
        vectors: np.ndarray,
        metadatas: Sequence[dict[str, Any]] | None = None,
        kind: str = "products",
    ) -> None:
        """Insert or replace vectors."""
        if len(ids):
            self.collection(creator_id, kind).upsert(
                ids=list(ids), embeddings=vectors, metadatas=list(metadatas) if metadatas else None
            )

    def delete(self, creator_id: str, ids: Sequence[str], kind: str = "products") -> None:
        """Remove vectors (missing ids are ignored by Chroma)."""
        if len(ids):
            self.collection(creator_id, kind).delete(ids=list(ids))

    def drop(self, creator_id: str, kinds: Sequence[str] = ("products", "questions")) -> None:
        """Delete a creator's collections (a creator's deletion), files on disk included.

        Chroma's ``delete_collection`` leaves the HNSW segment directory behind (chroma-core/
        chroma #5259, #5520: removal is left to a garbage collector the embedded client does not
        run), and with it the deleted vectors: those directories are removed here.
        """
        existing = {c.name: c for c in self.client.list_collections()}
        for kind in kinds:
            name = collection_name(creator_id, kind)
            self._collections.pop(name, None)
            if name in existing:
                segments = self._segment_dirs(str(existing[name].id))
                self.client.delete_collection(name)
                for directory in segments:
                    shutil.rmtree(directory, ignore_errors=True)

    def _segment_dirs(self, collection_id: str) -> list[Path]:
        """The on-disk segment directories of a collection (Chroma's own segment table)."""
        db = self.path / "chroma.sqlite3"
        if not db.exists():
            return []
        with closing(sqlite3.connect(db)) as con:
            rows = con.execute(
                "SELECT id FROM segments WHERE collection = ?", (collection_id,)
            ).fetchall()
        return [self.path / str(r[0]) for r in rows if (self.path / str(r[0])).is_dir()]

    def query(
        self,
        creator_id: str,
        vector: np.ndarray,
        n: int,
        kind: str = "products",
        count: int | None = None,
    ) -> list[tuple[str, float]]:
        """Nearest neighbours as (id, cosine similarity), best first.

        ``count`` (the caller's known collection size) saves a ~2 ms ``count()`` round trip.
        """
        col = self.collection(creator_id, kind)
        if count is None:
            count = col.count()
        if count == 0:
            return []
        res = col.query(
            query_embeddings=vector.reshape(1, -1), n_results=min(n, count), include=["distances"]
        )
        return [
            (i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)
        ]

    def get_all(self, creator_id: str, kind: str = "products") -> tuple[list[str], np.ndarray]:
        """Every id and vector of a collection (for in-memory exact scoring)."""
        got = self.collection(creator_id, kind).get(include=["embeddings"])
        emb = got["embeddings"]
        if emb is None or len(got["ids"]) == 0:
            return [], np.zeros((0, 384), dtype=np.float32)
        return list(got["ids"]), np.asarray(emb, dtype=np.float32)

    def count(self, creator_id: str, kind: str = "products") -> int:
        """Number of vectors in the creator's collection."""
        return int(self.collection(creator_id, kind).count())

    def heartbeat(self) -> bool:
        """Health probe."""
        return bool(self.client.heartbeat())
