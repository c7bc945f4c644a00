"""Engine and session factory; SQLite gets WAL and foreign keys."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from memory import channels as _channels  # noqa: F401 - registers its tables
from memory import conversations as _conversations  # noqa: F401 - registers its tables
from memory import fanout as _fanout  # noqa: F401 - registers its tables
from memory import idempotency as _idempotency  # noqa: F401 - registers its tables
from memory import jobs as _jobs  # noqa: F401 - registers its tables
from memory import keys as _keys  # noqa: F401 - registers its tables
from memory import turns as _turns  # noqa: F401 - registers its tables
from memory.models import Base


def make_engine(url: str) -> Engine:
    """Create the engine and the schema (idempotent)."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # Deleted rows are overwritten, not left in free pages (a fan's data deletion).
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

    with _schema_lock(url):  # worker processes starting together must not race on DDL
        Base.metadata.create_all(engine)
        _add_missing_columns(engine)
        for table in Base.metadata.sorted_tables:  # indexes added after the table was created
            for index in table.indexes:
                index.create(engine, checkfirst=True)
    return engine


@contextmanager
def _schema_lock(url: str) -> Iterator[None]:
    """An exclusive ``flock`` beside a SQLite file while the schema is checked and created."""
    path = make_url(url).database if url.startswith("sqlite") else None
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.schema-lock", "a+") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _add_missing_columns(engine: Engine) -> None:
    """Columns added after a data directory was created (create_all only adds tables)."""
    added = {
        "creators": {
            "catalog_version": "INTEGER NOT NULL DEFAULT 0",
            "retain_messages": "BOOLEAN NOT NULL DEFAULT 1",
            "policies": "TEXT",
        },
        "question_clusters": {
            "named_size": "INTEGER",
            "centroid": "BLOB",
            "members": "INTEGER NOT NULL DEFAULT 0",
            "curated": "BOOLEAN NOT NULL DEFAULT 0",
        },
        "fan_questions": {"membership": "FLOAT"},
        "executions": {"escalated": "BOOLEAN NOT NULL DEFAULT 0", "misses": "JSON"},
        "deliveries": {
            "automatic": "BOOLEAN NOT NULL DEFAULT 0",
            "attempts": "INTEGER NOT NULL DEFAULT 0",
            "parts_sent": "INTEGER NOT NULL DEFAULT 0",
            "external_ids": "JSON",
            "tag": "VARCHAR(32)",
            "error": "TEXT",
            "sent_at": "DATETIME",
            "reply_to": "VARCHAR(128)",
            "owner": "VARCHAR(64)",
        },
    }
    for table, new in added.items():
        columns = {c["name"] for c in inspect(engine).get_columns(table)}
        for name, ddl in new.items():
            if name not in columns:
                with engine.begin() as conn:
                    conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}"))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
