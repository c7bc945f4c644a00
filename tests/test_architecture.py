"""The layer arrows of docs/architecture.md, checked on every CI run (also in ``make lint``)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_imports_point_one_way() -> None:
    """app -> graphs -> nodes -> tools -> memory -> prompts; state imports nothing above it."""
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "2 kept, 0 broken" in out.stdout


def test_a_wrong_import_breaks_the_contract(tmp_path: Path) -> None:
    """The same contract on a copy of the packages with one import against the arrows fails."""
    for pkg in ["app", "graphs", "nodes", "tools", "memory", "prompts"]:
        for src in (ROOT / pkg).rglob("*.py"):
            dst = tmp_path / src.relative_to(ROOT)
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    bad = tmp_path / "memory" / "db.py"
    bad.write_text(bad.read_text(encoding="utf-8") + "\nimport nodes.state  # noqa\n")
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run(
        [str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(tmp_path), "PATH": str(Path(sys.executable).parent)},
    )  # fmt: skip
    assert out.returncode != 0
    assert "memory.db -> nodes.state" in out.stdout


def test_one_message_path_points_one_way(tmp_path: Path) -> None:
    """Traced on the real app: every call between folders goes down the layers, none back up."""
    import json

    from app.demo import DEMO_CREATOR, demo_catalog
    from app.local_client import admin_client
    from app.settings import Settings
    from bench.message_path import MESSAGES, PathTracer, trace_one_message

    order = ["app", "graphs", "nodes", "tools", "memory", "prompts"]
    tracer = PathTracer()
    tracer.install()
    try:
        with admin_client(Settings(data_dir=tmp_path)) as c:
            c.post("/v1/creators", json=DEMO_CREATOR)
            body = json.dumps({"products": demo_catalog()[:60]}).encode()
            c.post("/v1/creators/demo/catalog/import", files={"file": ("d.json", body)})
            for i, text in enumerate(MESSAGES.values()):
                tracer.edges = {}
                out = trace_one_message(c, tracer, text, customer=f"fan-{i}")
                assert out["reply"]
                edges = set(tracer.edges)
                assert {("app", "graphs"), ("graphs", "nodes"), ("nodes", "tools")} <= edges
                back = [(a, b) for a, b in edges if order.index(a) > order.index(b)]
                assert not back, {e: tracer.edges[e] for e in back}
                assert len(edges) <= 9, sorted(edges)
    finally:
        tracer.uninstall()
