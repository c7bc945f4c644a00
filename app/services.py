"""Open every long-lived resource once: database, Chroma, the embedding model, search."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from dmpilot.settings import Settings
from memory.catalog import Catalog
from memory.db import make_engine, make_sessionmaker
from memory.embeddings import MiniLMEmbeddings, get_embedder
from memory.vectors import VectorStore
from tools.search import SearchEngine

log = logging.getLogger("dmpilot.services")


@dataclass
class Services:
    """The process-wide components the API, the CLI and the graphs share."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    vectors: VectorStore
    embedder: MiniLMEmbeddings
    catalog: Catalog
    search: SearchEngine

    def health(self) -> dict[str, str]:
        """Probe the database and the vector store."""
        status = {}
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            status["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            status["database"] = f"error: {type(exc).__name__}"
        try:
            self.vectors.heartbeat()
            status["vector_store"] = "ok"
        except Exception as exc:  # noqa: BLE001
            status["vector_store"] = f"error: {type(exc).__name__}"
        return status

    def warm_up(self) -> threading.Thread:
        """Build every creator's search index in the background, so first queries are fast."""

        def run() -> None:
            for creator_id in self.catalog.creator_ids():
                try:
                    self.search.index(creator_id)
                except Exception:  # noqa: BLE001 - a failed warm-up only costs latency later
                    log.exception("index warm-up failed for creator %s", creator_id)

        thread = threading.Thread(target=run, name="dmpilot-warmup", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Release the database pool."""
        self.engine.dispose()


def open_services(settings: Settings) -> Services:
    """Build the services on ``settings.data_dir``."""
    settings.ensure_dirs()
    engine = make_engine(settings.resolved_database_url)
    sessions = make_sessionmaker(engine)
    vectors = VectorStore(settings.chroma_dir)
    embedder = get_embedder(
        settings.embedding_threads, settings.embedding_batch_size, settings.embedding_cache_size
    )
    catalog = Catalog(sessions, vectors, embedder)
    search = SearchEngine(
        catalog,
        min_similarity=settings.search_min_similarity,
        rrf_k=settings.search_rrf_k,
        candidates=settings.search_candidates,
        exact_fraction=settings.search_exact_fraction,
        sim_margin=settings.search_sim_margin,
        kw_relative=settings.search_kw_relative,
        min_similarity_no_keyword=settings.search_min_similarity_no_keyword,
        ann_candidates=settings.search_ann_candidates,
        exact_max_products=settings.search_exact_max_products,
    )
    return Services(settings, engine, sessions, vectors, embedder, catalog, search)
