"""Runtime settings, read from ``DMPILOT_*`` environment variables or a ``.env`` file."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Chroma phones home unless told not to; set before chromadb is imported anywhere.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


class Settings(BaseSettings):
    """Every knob in one typed object, so tests can build an app on a temp directory."""

    model_config = SettingsConfigDict(
        env_prefix="DMPILOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(Path(".dmpilot"), description="SQLite db, Chroma dir, checkpoints.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; defaults to SQLite under data_dir."
    )
    checkpoint_url: str | None = Field(
        None, description="postgresql://... to keep LangGraph checkpoints in Postgres."
    )
    chat_model: str = Field(
        "offline", description="'offline' or a provider:model string such as openai:gpt-4o-mini."
    )
    fallback_models: list[str] = Field(
        default_factory=list, description="Tried in order when the chat model fails."
    )
    llm_timeout_s: float = Field(20.0, gt=0, description="Per-call timeout.")
    llm_max_retries: int = Field(2, ge=0, description="Retries on 429/5xx/timeouts, with backoff.")
    llm_requests_per_second: float = Field(5.0, gt=0, description="Client-side rate limit.")
    openai_api_key: SecretStr | None = None
    google_api_key: SecretStr | None = None

    embedding_threads: int = Field(2, ge=1, le=64)
    embedding_batch_size: int = Field(32, ge=1, le=512)
    embedding_cache_size: int = Field(4096, ge=0)
    cache_dir: Path | None = Field(
        None,
        description="Vectors of the classifiers' fixed example texts, kept across starts; "
        "default $XDG_CACHE_HOME/dmpilot (~/.cache/dmpilot).",
    )
    blas_threads: int = Field(
        1,
        ge=1,
        le=64,
        description="numpy/OpenBLAS threads. Idle OpenBLAS threads spin after each call; on 2 "
        "cores the search matmuls then burned a second core (41.6 -> 21.5 CPU ms per turn at 1).",
    )

    catalog_version_ttl_s: float = Field(
        0.5, ge=0, description="How stale another process's catalog write may look to search."
    )

    # Search thresholds.
    search_min_similarity: float = Field(
        0.30, description="A product with neither a keyword hit nor this cosine is not a match."
    )
    search_min_similarity_no_keyword: float = Field(
        0.50, description="Cosine floor when no product shares a keyword with the query."
    )
    search_sim_margin: float = Field(
        0.15, description="Keep products within this cosine of the best."
    )
    search_kw_relative: float = Field(
        0.30, description="Keep products with this share of the best BM25."
    )
    search_rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant.")
    search_candidates: int = Field(100, description="Candidates fetched per retriever.")
    search_exact_fraction: float = Field(
        0.25,
        description="When filters leave at most this share of products, score them exactly "
        "instead of post-filtering the ANN results.",
    )

    search_exact_max_products: int = Field(
        20_000, description="Up to this many products, score all vectors exactly in numpy."
    )
    search_ann_candidates: int = Field(100, description="Hits fetched from Chroma's HNSW index.")

    conversation_inbox: bool = Field(
        True,
        description="Feed conversation-endpoint messages to the fan inbox (clustering). Off "
        "saves ~2 ms of SQL per turn where only bulk-uploaded messages should be clustered.",
    )
    fanout_batch_size: int = Field(
        10,
        ge=1,
        le=1000,
        description="Analyse a fan conversation every N messages (and at its end).",
    )
    recluster_interval_s: float = Field(
        900.0,
        ge=0,
        description="Scheduled batch re-clustering of creators with new questions (0: off).",
    )
    maintenance_interval_s: float = Field(
        3600.0,
        ge=0,
        description="Prune old checkpoints and purge data past retention this often (0: off; "
        "`dmpilot maintain` runs it once).",
    )
    retain_messages_days: int = Field(
        90, ge=0, le=36500, description="Analysed raw fan messages are deleted after (0: keep)."
    )
    retain_executions_days: int = Field(
        90, ge=0, le=36500, description="Execution log rows are deleted after (0: keep)."
    )
    fanout_min_confidence: float = Field(
        0.55, ge=0, le=1, description="Drafts below this confidence go to human review."
    )
    fanout_max_concurrency: int = Field(8, ge=1, le=256, description="Parallel draft branches.")
    # Who may call. The admin key creates creators and issues their keys; without one, admin
    # routes answer 403 and creators and keys are made with the CLI.
    admin_key: SecretStr | None = Field(
        None, min_length=16, description="Admin API key (DMPILOT_ADMIN_KEY), >= 16 characters."
    )
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost"],
        description="Host headers served (DNS-rebinding guard); JSON list in the environment.",
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Browser origins allowed to call the API (none by default).",
    )
    key_requests_per_minute: int = Field(
        0, ge=0, description="Per-key request limit in each worker (0: no limit)."
    )

    # Channels (Instagram): credentials are stored per creator, encrypted with this key.
    secret_key: SecretStr | None = Field(
        None,
        description="Fernet key encrypting channel credentials (DMPILOT_SECRET_KEY); unset: a "
        "key file made once in the data dir (mode 0600).",
    )
    graph_api_base: str = Field(
        "https://graph.instagram.com/v21.0",
        description="Meta Graph API base URL (tests point it at a local fake).",
    )
    graph_timeout_s: float = Field(10.0, gt=0, le=120, description="Per Graph API call.")
    graph_attempts: int = Field(
        4, ge=1, le=10, description="Tries per Graph API call on 429/5xx/timeouts."
    )
    channel_sends_per_second: float = Field(
        10.0, gt=0, le=1000, description="Per-creator send rate to a channel, in each worker."
    )
    shopify_api_base: str = Field(
        "https://{shop}/admin/api/2025-10",
        description="Shopify Admin API base URL; {shop} is the store's myshopify.com domain.",
    )
    webhook_max_age_s: int = Field(
        24 * 3600, ge=60, description="Signed webhook events older than this are refused (403)."
    )

    # The web app (/app): a browser signs in with a creator key for this long.
    web_session_ttl_s: int = Field(7 * 24 * 3600, ge=60, le=90 * 24 * 3600)
    job_max_runtime_s: int = Field(
        3600, ge=10, le=7 * 24 * 3600,
        description="A web app job running longer stops blocking a new one of its kind.",
    )  # fmt: skip
    web_cookie_secure: bool = Field(
        False, description="Send the session cookie over HTTPS only (set true behind TLS)."
    )

    import_batch_size: int = Field(200, ge=1, le=10_000)
    max_upload_bytes: int = Field(20 * 1024 * 1024)
    max_body_bytes: int = Field(1 * 1024 * 1024)

    @property
    def sqlite_path(self) -> Path:
        """Default SQLite file (used when no database_url is set)."""
        return self.data_dir / "dmpilot.sqlite3"

    @property
    def chroma_dir(self) -> Path:
        """Embedded Chroma persistence directory."""
        return self.data_dir / "chroma"

    @property
    def checkpoint_path(self) -> Path:
        """LangGraph SQLite checkpoint file."""
        return self.data_dir / "checkpoints.sqlite3"

    @property
    def resolved_database_url(self) -> str:
        """The URL SQLAlchemy should open."""
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    def ensure_dirs(self) -> None:
        """Create the data directory tree."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.chroma_dir.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings (tests construct their own ``Settings`` instead)."""
    return Settings()
