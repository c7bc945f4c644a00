"""The Postgres checkpointer on a throwaway local cluster (skipped where one cannot be started)."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from app.local_client import admin_client
from app.settings import Settings


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (d / name).exists():
            return str(d / name)
    return None


@pytest.fixture(scope="module")
def postgres_url():
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL server binaries not installed")
    as_postgres = os.geteuid() == 0
    if as_postgres and subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
        pytest.skip("running as root without a postgres user")
    base = Path(tempfile.mkdtemp(prefix="dmpilot-pg-"))
    data = base / "data"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def run(*cmd: str) -> subprocess.CompletedProcess:
        full = ["su", "postgres", "-c", " ".join(cmd)] if as_postgres else list(cmd)
        return subprocess.run(full, capture_output=True, text=True, timeout=120)

    if as_postgres:
        shutil.chown(base, "postgres")
    r = run(initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    if r.returncode != 0:
        pytest.skip(f"initdb failed: {r.stderr[:200]}")
    r = run(pg_ctl, "-D", str(data), "-o", f"'-p {port} -k {base} -c listen_addresses=127.0.0.1'",
            "-l", str(base / "log"), "-w", "start")  # fmt: skip
    if r.returncode != 0:
        pytest.skip(f"postgres did not start: {r.stderr[:200]}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(pg_ctl, "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)


def test_conversation_checkpoints_in_postgres_survive_a_restart(tmp_path, postgres_url):
    settings = Settings(data_dir=tmp_path, checkpoint_url=postgres_url)
    with admin_client(settings) as c:
        c.post("/v1/creators", json={"id": "pg", "name": "PG Shop"})
        c.post("/v1/creators/pg/products", json={"name": "Cork Yoga Mat", "base_price": 70})
        c.post("/v1/creators/pg/products", json={"name": "Travel Yoga Mat", "base_price": 39})
        out = c.post(
            "/v1/creators/pg/conversations/u1/messages", json={"text": "show me yoga mats"}
        ).json()
        assert len(out["products"]) == 2
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute(
            "select count(*) from checkpoints where thread_id = 'pg:u1:dm'"
        ).fetchone()
        assert rows[0] >= 1
    with admin_client(settings) as c:
        out = c.post(
            "/v1/creators/pg/conversations/u1/messages", json={"text": "compare the first two"}
        ).json()
        assert out["questions"][0]["intent"] == "comparison" and len(out["products"]) == 2
        assert c.get("/v1/creators/pg/conversations/u1").json()["turns"] == 2
