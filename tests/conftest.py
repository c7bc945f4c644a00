"""Shared fixtures: real SQLite, real Chroma and the real ONNX embedder in temp directories."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("LANGSMITH_TEST_TRACKING", "false")

from app.demo import DEMO_CREATOR, demo_catalog  # noqa: E402
from app.services import Services, open_services  # noqa: E402
from app.settings import Settings  # noqa: E402
from memory.importers import import_catalog  # noqa: E402
from memory.schemas import CreatorIn  # noqa: E402

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def demo_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Services with the demo creator and its full catalog loaded once per session."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("demo"))
    svc = open_services(settings)
    svc.catalog.create_creator(CreatorIn(**DEMO_CREATOR))
    report = import_catalog(
        svc.catalog, "demo", json.dumps({"products": demo_catalog()}), fmt="json"
    )
    assert not report.errors
    yield svc
    svc.close()


@pytest.fixture()
def services(tmp_path: Path) -> Iterator[Services]:
    """Empty services on a fresh temp data directory, with two creators."""
    svc = open_services(Settings(data_dir=tmp_path))
    svc.catalog.create_creator(CreatorIn(id="shop-a", name="Shop A", store_url="https://a.example"))
    svc.catalog.create_creator(CreatorIn(id="shop-b", name="Shop B"))
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def source_ids(demo_services: Services) -> dict[str, int]:
    """Demo source id -> product id."""
    _, items = demo_services.catalog.list_products("demo", limit=10_000)
    return {p.source_id: p.id for p in items if p.source_id}
