"""The evaluation datasets are valid, and the validator catches broken rows."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from evals.validate import DATASETS, dataset_files, main, validate


def _rows(name: str) -> list[dict[str, Any]]:
    path = DATASETS / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_every_dataset_is_found() -> None:
    names = {p.relative_to(DATASETS).as_posix() for p in dataset_files()}
    for name in ("intents.jsonl", "conflicts.jsonl", "trajectories.jsonl",
                 "search_queries.jsonl", "dm_splits.jsonl", "scenarios/demo_b1.jsonl",
                 "catalogs/glow.creator.json"):  # fmt: skip
        assert name in names


@pytest.mark.parametrize("path", dataset_files(), ids=lambda p: p.relative_to(DATASETS).as_posix())
def test_dataset_is_valid(path: Path) -> None:
    assert validate(path) == []


def test_main_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    bad = _write(tmp_path / "intents.jsonl", [{"inputs": {}, "outputs": {}, "metadata": {}}])
    assert main([str(bad)]) == 1
    assert "intents.jsonl:1" in capsys.readouterr().out


def test_scenario_problems_are_caught(tmp_path: Path) -> None:
    rows = copy.deepcopy(_rows("scenarios/demo_b1.jsonl")[:5])
    del rows[0]["inputs"]["turns"]  # missing key
    rows[1]["metadata"]["id"] = rows[2]["metadata"]["id"]  # duplicate id
    rows[2]["metadata"]["written"] = "2026-02-30"  # no such day
    rows[3]["outputs"]["checks"][0]["check"] = "top_products"  # unknown check kind
    rows[4]["inputs"]["catalog"] = "nowhere"  # unknown catalog
    problems = validate(_write(tmp_path / "scenarios" / "broken_b1.jsonl", rows))
    assert any(p.startswith("broken_b1.jsonl:1: inputs.turns") for p in problems)
    assert any(p.startswith("broken_b1.jsonl:3: metadata.id: duplicate") for p in problems)
    assert any(p.startswith("broken_b1.jsonl:3: metadata.written") for p in problems)
    assert any(p.startswith("broken_b1.jsonl:4: outputs.checks.0") for p in problems)
    assert any(p.startswith("broken_b1.jsonl:5: inputs.catalog") for p in problems)
    assert len(problems) == 5, problems


@pytest.mark.parametrize(
    ("name", "breaks", "where"),
    [
        ("intents.jsonl", lambda r: r["metadata"].pop("batch"), "metadata.batch"),
        ("intents.jsonl", lambda r: r["metadata"].update(batch="1"), "metadata.batch"),
        ("intents.jsonl", lambda r: r["metadata"].update(written="21/11/2026"), "metadata.written"),
        ("intents.jsonl", lambda r: r["outputs"]["questions"][0].update(intent="x"), "intent"),
        ("conflicts.jsonl", lambda r: r["outputs"].update(conflicts=["vegan"]), "conflicts"),
        ("trajectories.jsonl", lambda r: r["outputs"]["turns"].append({"tool_calls": []}), "row"),
        ("search_queries.jsonl", lambda r: r["outputs"].update(exact=["demo-nope"]), "exact"),
        ("search_queries.jsonl", lambda r: r["inputs"]["filters"].update(colour=["red"]), "colour"),
        ("dm_splits.jsonl", lambda r: r["outputs"].update(n=r["outputs"]["n"] + 1), "row"),
    ],
)
def test_broken_row_is_caught(tmp_path: Path, name: str, breaks: Any, where: str) -> None:
    rows = copy.deepcopy(_rows(name)[:3])
    breaks(rows[1])
    problems = validate(_write(tmp_path / name, rows))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{name}:2: ") and where in problems[0]
