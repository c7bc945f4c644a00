"""Open every long-lived resource once: database, Chroma, the embedding model, search."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, RemoveMessage
from langgraph.checkpoint.sqlite import SqliteSaver
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from threadpoolctl import threadpool_limits

from app.fanout import FanoutRunner
from app.inbox import FanInbox
from app.schemas import message_out
from app.settings import Settings
from graphs.agent import compile_agent, thread_id
from graphs.fanout import compile_fanout, compile_reply_approval
from memory.catalog import Catalog
from memory.conversations import ConversationStore
from memory.db import make_engine, make_sessionmaker
from memory.embeddings import MiniLMEmbeddings, get_embedder
from memory.idempotency import IdempotencyStore
from memory.inbox import InboxStore
from memory.keys import KeyStore
from memory.locks import LockTable, ThreadLock
from memory.retention import prune_checkpoints, purge_old
from memory.turns import TurnJournal
from memory.vectors import VectorStore
from nodes.analyze_intent import product_types
from nodes.fanout.state import FanoutContext
from nodes.hold_reply import reply_thread
from nodes.llm_backend import LLMBackend, build_backend
from nodes.llm_calls import name_groups
from nodes.offline.nlu import IntentClassifier, get_classifier
from nodes.offline.profile import FactClassifier, get_fact_classifier
from nodes.save_state import reply_message_id
from nodes.state import Context
from tools.catalog_tools import CATALOG_TOOLS
from tools.channels import OutboxAdapter
from tools.clustering import confident_level
from tools.question_clusters import QuestionClusters
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
    conversations: ConversationStore
    keys: KeyStore
    turns: TurnJournal
    idempotency: IdempotencyStore
    agent: Any = None
    checkpointer: Any = None
    llm: LLMBackend | None = None
    inbox: FanInbox | None = None
    clusters: QuestionClusters | None = None
    classifier: IntentClassifier | None = None
    facts: FactClassifier | None = None
    fanout: FanoutRunner | None = None
    outbox: OutboxAdapter | None = None
    _locks: LockTable | None = None
    _locks_guard: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    def thread_lock(self, thread: str) -> ThreadLock:
        """One lock per conversation thread, across worker processes too.

        Turns of one thread run in order; different threads run in parallel.
        """
        if self._locks is None:
            with self._locks_guard:
                if self._locks is None:
                    self._locks = LockTable(self.settings.data_dir / "locks")
        return self._locks(thread)

    @contextmanager
    def journaled_turn(
        self, creator_id: str, customer_id: str, channel: str,
        retry: tuple[str, str, str] | None = None,
    ) -> Iterator[None]:  # fmt: skip
        """Run one turn (inside its thread lock) so that an error or a kill undoes its SQL writes.

        See ``memory.turns``: the journal row lives from the turn's start until its checkpoint
        and its stored response (``retry``: Idempotency-Key, route, digest) are written.
        """
        mark = self.turns.begin(creator_id, customer_id, channel, retry)
        try:
            yield
        except BaseException:
            self.undo_turn(mark)
            raise
        self.turns.end(mark)

    def undo_turn(self, mark_id: int) -> dict[str, Any] | None:
        """Settle a turn whose journal row outlived it (None: it had ended after all).

        Its checkpoint missing: undo its SQL writes. Its checkpoint written but not its stored
        response: store the response now, from the checkpoint, so the client's retry with the
        same Idempotency-Key gets this turn instead of running a second one.
        """
        mark = self.turns.get(mark_id)
        if mark is None:
            return None
        thread = thread_id(mark.creator_id, mark.customer_id, mark.channel)
        with self.thread_lock(thread):  # a live turn of another worker finishes first
            mark = self.turns.get(mark_id)
            if mark is None:
                return None
            values = self.agent.get_state({"configurable": {"thread_id": thread}}).values or {}
            kept = values.get("execution_id")
            if self.turns.finished(mark, kept):
                if mark.idempotency_key and mark.route and mark.request_hash:
                    self.idempotency.put(
                        mark.creator_id, mark.idempotency_key, mark.request_hash, 200,
                        message_out(values, 0.0), scope=mark.route,
                    )  # fmt: skip
                self.turns.end(mark_id)
                return {"executions": 0, "approvals": 0, "reply_threads": []}
            done = self.turns.undo(mark, kept, reply_thread)
            for held in done["reply_threads"]:
                self.checkpointer.delete_thread(held)
        if done["executions"]:
            log.warning("undid an unfinished turn on %s: %s", thread, done)
        return done

    def agent_context(self, creator_id: str) -> Context:
        """Runtime context for one creator's turn (voice, limits, engines)."""
        creator = self.catalog.get_creator(creator_id)
        assert self.classifier is not None, "open_services sets the classifiers"
        limits = {"dm": 1000, "comment": 300}
        for channel, conf in (creator.channel_settings or {}).items():
            if isinstance(conf, dict) and isinstance(conf.get("max_chars"), int):
                limits[channel] = conf["max_chars"]
        return Context(
            search=self.search,
            conversations=self.conversations,
            classifier=self.classifier,
            llm=self.llm,
            facts=self.facts,
            brand_voice=creator.brand_voice,
            creator_name=creator.name.split("(")[0].strip() or creator.id,
            max_chars=limits,
            clusters=self.clusters,
            record_inbox=self.settings.conversation_inbox,
            reply_approval=self.fanout.reply_graph if self.fanout is not None else None,
            approvals=self.fanout.approvals if self.fanout is not None else None,
        )

    def fanout_context(self, creator_id: str) -> FanoutContext:
        """Runtime context of a creator's fan-out run."""
        assert self.outbox is not None
        agent = self.agent_context(creator_id)
        return FanoutContext(
            sessions=self.sessions,
            conversations=self.conversations,
            channel=self.outbox,
            max_chars=agent.max_chars,
            min_confidence=self.settings.fanout_min_confidence,
            member_level=confident_level(),
            llm=self.llm,
            creator_name=agent.creator_name,
            rewrite_reply=self.rewrite_reply,
        )

    def rewrite_reply(self, thread: str, execution_id: str, text: str | None) -> None:
        """Put a person's decision on a held reply into the agent thread's history."""
        config: Any = {"configurable": {"thread_id": thread}}
        message_id = reply_message_id(execution_id)
        with self.thread_lock(thread):
            messages = self.agent.get_state(config).values.get("messages", [])
            if not any(m.id == message_id for m in messages):
                return  # trimmed out of the window already
            new = (
                RemoveMessage(id=message_id)
                if text is None
                else AIMessage(content=text, id=message_id)
            )
            self.agent.update_state(config, {"messages": [new]}, as_node="save_state")

    def watch_master(self, master_pid: int, every_s: float = 1.0) -> threading.Thread:
        """In a worker process: stop (SIGTERM to itself, a graceful exit) when the master dies.

        Uvicorn's workers are children of the master; when it dies they are re-parented, so
        the parent pid changing is the signal.
        """

        def run() -> None:
            while not self._stop.wait(every_s):
                if os.getppid() != master_pid:
                    log.warning("the master process %d is gone: this worker stops", master_pid)
                    os.kill(os.getpid(), signal.SIGTERM)
                    return

        thread = threading.Thread(target=run, name="dmpilot-master-watch", daemon=True)
        thread.start()
        return thread

    def start_recovery(self) -> threading.Thread:
        """Finish fan-outs and decisions a crash interrupted (``FanoutRunner.recover``).

        It runs in the background; requests on those threads wait on the same locks.
        """

        def run() -> None:
            try:
                for mark in self.turns.unfinished():  # turns killed before their checkpoint
                    self.undo_turn(mark.id)
                assert self.fanout is not None
                done = self.fanout.recover()
                if done["resumed"] or done["restarted"]:
                    log.warning("recovered after a crash: %s", done)
            except Exception:  # noqa: BLE001 - retried at the next start
                log.exception("start-up recovery failed")

        thread = threading.Thread(target=run, name="dmpilot-recovery", daemon=True)
        thread.start()
        return thread

    def maintain(self) -> dict[str, Any]:
        """Prune checkpoints to the latest per thread, purge data past its retention."""
        done: dict[str, Any] = purge_old(
            self.sessions, self.settings.retain_messages_days,
            self.settings.retain_executions_days,
        )  # fmt: skip
        conn = getattr(self.checkpointer, "conn", None)
        if isinstance(conn, sqlite3.Connection):  # Postgres checkpoints are left to the DBA
            with self.checkpointer.lock:  # the saver's own connection is shared by its users
                done.update(prune_checkpoints(conn))
        return done

    def start_maintenance_schedule(self) -> threading.Thread | None:
        """``maintain()`` at start-up and every ``maintenance_interval_s``."""
        interval = self.settings.maintenance_interval_s
        if interval <= 0:
            return None
        stop = self._stop

        def run() -> None:
            while True:
                try:
                    done = self.maintain()
                    if any(done.values()):
                        log.info("maintenance: %s", done)
                except Exception:  # noqa: BLE001 - retried at the next tick
                    log.exception("maintenance failed")
                if stop.wait(interval):
                    return

        thread = threading.Thread(target=run, name="dmpilot-maintenance", daemon=True)
        thread.start()
        return thread

    def start_recluster_schedule(self) -> threading.Thread | None:
        """Re-cluster every creator with new questions each ``recluster_interval_s``."""
        interval = self.settings.recluster_interval_s
        if interval <= 0 or self.clusters is None:
            return None
        clusters, stop = self.clusters, self._stop
        seen: dict[str, int] = {}

        def run() -> None:
            while not stop.wait(interval):
                for creator_id in self.catalog.creator_ids():
                    try:
                        n = self.vectors.count(creator_id, kind="questions")
                        if n and seen.get(creator_id) != n:
                            clusters.recluster(creator_id)
                            seen[creator_id] = n
                    except Exception:  # noqa: BLE001 - retried at the next tick
                        log.exception("scheduled re-clustering failed for %s", creator_id)

        thread = threading.Thread(target=run, name="dmpilot-recluster", daemon=True)
        thread.start()
        return thread

    def health(self) -> dict[str, str]:
        """Probe the stores: reachable, still on disk, writable, complete; enough disk left.

        An open SQLite or Chroma handle keeps answering after its files were deleted (and the
        data is gone at the next start), so the files themselves are checked too.
        """
        status = {}
        files = self._store_files()
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            status["database"] = _file_problem(files.get("database")) or "ok"
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            status["database"] = f"error: {type(exc).__name__}"
        status["checkpoints"] = _file_problem(files.get("checkpoints")) or "ok"
        try:
            self.vectors.heartbeat()
            gaps = []
            for creator_id in self.catalog.creator_ids():
                indexed, held = self.catalog.vector_gap(creator_id)
                if held < indexed:
                    gaps.append(f"{creator_id} has {held} of {indexed} product vectors")
            status["vector_store"] = _file_problem(files["vector_store"]) or (
                "ok" if not gaps else "incomplete: " + "; ".join(gaps[:5]) + " (dmpilot reindex)"
            )
        except Exception as exc:  # noqa: BLE001
            status["vector_store"] = f"error: {type(exc).__name__}"
        free = (
            shutil.disk_usage(self.settings.data_dir).free if self.settings.data_dir.exists() else 0
        )
        status["disk"] = "ok" if free >= MIN_FREE_BYTES else f"low: {free // 2**20} MB free"
        return status

    def _store_files(self) -> dict[str, Path]:
        s = self.settings
        files = {"vector_store": s.chroma_dir / "chroma.sqlite3"}
        if not s.database_url:
            files["database"] = s.sqlite_path
        if not s.checkpoint_url:
            files["checkpoints"] = s.checkpoint_path
        return files

    def warm_up(self) -> threading.Thread:
        """Build every creator's search index in the background, so first queries are fast.

        A creator whose vectors are fewer than its indexed products (the vector store was
        deleted or damaged) gets them embedded again first.
        """

        def run() -> None:
            for creator_id in self.catalog.creator_ids():
                try:
                    indexed, held = self.catalog.vector_gap(creator_id)
                    if held < indexed:  # the vector store was lost or damaged: rebuild it
                        log.warning("rebuilding %s's vectors (%d of %d)", creator_id, held, indexed)
                        self.catalog.reindex(creator_id)
                    self.search.index(creator_id)
                except Exception:  # noqa: BLE001 - a failed warm-up only costs latency later
                    log.exception("index warm-up failed for creator %s", creator_id)

        thread = threading.Thread(target=run, name="dmpilot-warmup", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Release the database pool and the checkpoint connection."""
        self._stop.set()
        if self.clusters is not None:
            self.clusters.close()
        if self.checkpointer is not None:
            pool = getattr(self.checkpointer, "pool", None)
            (pool or self.checkpointer.conn).close()
        self.engine.dispose()


MIN_FREE_BYTES = 100 * 2**20  # below this, writes are about to fail


def _file_problem(path: Path | None) -> str | None:
    """Why a store file is unusable (None: fine, or not a file-based store)."""
    if path is None:
        return None
    if not path.exists():
        return f"error: {path.name} is missing (deleted under the running server?)"
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return f"error: {path.name} is not writable"
    return None


def make_checkpointer(settings: Settings) -> Any:
    """Postgres when ``checkpoint_url`` says so, else SQLite under the data directory."""
    url = settings.checkpoint_url
    if url and url.startswith(("postgresql://", "postgres://")):
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        pool = ConnectionPool(
            url, min_size=1, max_size=8, open=True,
            kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        )  # fmt: skip
        saver = PostgresSaver(pool)  # type: ignore[arg-type]
        saver.setup()
        saver.pool = pool  # type: ignore[attr-defined]
        return saver
    if url:
        raise ValueError(f"unsupported checkpoint_url scheme: {url.split(':', 1)[0]}")
    conn = sqlite3.connect(str(settings.checkpoint_path), check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA secure_delete=ON")  # deleted checkpoints do not linger in free pages
    return SqliteSaver(conn)


def llm_from_settings(settings: Settings) -> LLMBackend | None:
    """The configured chat models; a provider without an API key is skipped (offline stays)."""
    keys = {
        "openai": settings.openai_api_key.get_secret_value() if settings.openai_api_key else "",
        "google": settings.google_api_key.get_secret_value() if settings.google_api_key else "",
    }
    keys = {k: v or os.environ.get(f"{k.upper()}_API_KEY", "") for k, v in keys.items()}
    usable = []
    for spec in [settings.chat_model, *settings.fallback_models]:
        provider = spec.split(":", 1)[0]
        needed = {"openai": "openai", "google_genai": "google"}.get(provider)
        if spec == "offline":
            continue
        if needed and not keys.get(needed):
            log.warning("no API key for %s: skipping it, the offline back-end answers", spec)
            continue
        usable.append(spec)
    return build_backend(
        usable, CATALOG_TOOLS, settings.llm_timeout_s, settings.llm_max_retries,
        settings.llm_requests_per_second, keys,
    )  # fmt: skip


def open_services(settings: Settings, llm: LLMBackend | None = None) -> Services:
    """Build the services on ``settings.data_dir`` (``llm`` overrides the configured models)."""
    settings.ensure_dirs()
    threadpool_limits(limits=settings.blas_threads, user_api="blas")  # process-wide, on purpose
    engine = make_engine(settings.resolved_database_url)
    sessions = make_sessionmaker(engine)
    vectors = VectorStore(settings.chroma_dir)
    embedder = get_embedder(
        settings.embedding_threads,
        settings.embedding_batch_size,
        settings.embedding_cache_size,
        settings.cache_dir,
    )
    catalog = Catalog(sessions, vectors, embedder, settings.catalog_version_ttl_s)
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
    checkpointer = make_checkpointer(settings)
    svc = Services(
        settings, engine, sessions, vectors, embedder, catalog, search,
        conversations=ConversationStore(sessions),
        keys=KeyStore(sessions),
        turns=TurnJournal(sessions),
        idempotency=IdempotencyStore(sessions),
        agent=compile_agent(checkpointer),
        checkpointer=checkpointer,
        llm=llm if llm is not None else llm_from_settings(settings),
        outbox=OutboxAdapter(sessions),
    )  # fmt: skip
    svc.classifier, svc.facts = get_classifier(embedder), get_fact_classifier(embedder)
    svc.clusters = QuestionClusters(
        InboxStore(sessions, member_level=confident_level()), vectors, embedder,
        batch_size=settings.fanout_batch_size,
        namer=partial(name_groups, svc.llm, max_concurrency=settings.fanout_max_concurrency)
        if svc.llm is not None else None,
    )  # fmt: skip
    svc.inbox = FanInbox(
        svc.clusters, svc.classifier, svc.facts, svc.conversations,
        lambda cid: product_types(svc.agent_context(cid), cid), catalog.get_creator,
    )  # fmt: skip
    svc.fanout = FanoutRunner(
        sessions, compile_fanout(checkpointer), svc.fanout_context, svc.thread_lock,
        max_concurrency=settings.fanout_max_concurrency,
        reply_graph=compile_reply_approval(checkpointer),
    )  # fmt: skip
    return svc
