"""Run evaluations through ``langsmith.evaluate`` offline (``upload_results=False``).

No API key is needed or used: the client is built from an empty ``LangSmithInfo`` and examples
are ``langsmith.schemas.Example`` objects with ids derived from each row's ``metadata.id``, so
the same rows can be uploaded idempotently later.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Callable, Sequence
from typing import Any

NAMESPACE = uuid.UUID("6b1d5c8e-8f0e-4a59-9a57-3f4c2d9e1a10")


def offline_client() -> Any:
    """A LangSmith client that never talks to the network."""
    os.environ.setdefault("LANGSMITH_TRACING", "false")
    from langsmith import Client
    from langsmith.schemas import LangSmithInfo

    return Client(info=LangSmithInfo())


def examples(dataset: str, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """LangSmith ``Example`` objects with stable ids (uuid5 of dataset and row id)."""
    from langsmith.schemas import Example

    dataset_id = uuid.uuid5(NAMESPACE, dataset)
    out = []
    for i, row in enumerate(rows):
        row_id = str(row.get("metadata", {}).get("id", i))
        out.append(
            Example(
                id=uuid.uuid5(NAMESPACE, f"{dataset}/{row_id}"),
                dataset_id=dataset_id,
                inputs=row["inputs"],
                outputs=row["outputs"],
                metadata=row.get("metadata", {}),
            )
        )
    return out


def run_offline(
    dataset: str,
    rows: Sequence[dict[str, Any]],
    target: Callable[[dict[str, Any]], dict[str, Any]],
    evaluator: Callable[[dict[str, Any], dict[str, Any]], dict[str, float]],
) -> list[dict[str, Any]]:
    """Evaluate ``target`` on ``rows``; returns per-row metadata, outputs and scores."""
    from langsmith import evaluate

    def scorer(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> dict[str, Any]:
        scores = evaluator(outputs, reference_outputs)
        return {"results": [{"key": k, "score": v} for k, v in scores.items()]}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = evaluate(
            target,
            data=examples(dataset, rows),
            evaluators=[scorer],
            client=offline_client(),
            upload_results=False,
            max_concurrency=0,
            experiment_prefix=dataset,
        )
        out = []
        for r in results:
            scores = {e.key: e.score for e in r["evaluation_results"]["results"]}
            out.append(
                {"metadata": r["example"].metadata or {}, "outputs": r["run"].outputs or {},
                 "scores": scores}
            )  # fmt: skip
    return out
