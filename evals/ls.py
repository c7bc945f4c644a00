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


_UPLOAD: dict[str, Any] = {"client": None}


def enable_upload(client: Any) -> None:
    """From now on, runs go to LangSmith through ``client`` (``make eval ARGS=--upload``)."""
    _UPLOAD["client"] = client


def upsert_dataset(client: Any, dataset: str, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Create the dataset if needed, then add new examples and update existing ones by id.

    Idempotent: example ids are uuid5(dataset, row id), so re-running changes nothing but the
    rows whose content changed.
    """
    if client.has_dataset(dataset_name=dataset):
        ds = client.read_dataset(dataset_name=dataset)
    else:
        ds = client.create_dataset(dataset, description=f"dmpilot evals: {dataset}")
    present = {str(e.id) for e in client.list_examples(dataset_id=ds.id)}
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for ex in examples(dataset, rows):
        item = {"id": str(ex.id), "inputs": ex.inputs, "outputs": ex.outputs,
                "metadata": ex.metadata}  # fmt: skip
        (changed if item["id"] in present else new).append(item)
    if new:
        client.create_examples(dataset_id=ds.id, examples=new)
    if changed:
        client.update_examples(dataset_id=ds.id, updates=changed)
    return {"created": len(new), "updated": len(changed)}


def run_offline(
    dataset: str,
    rows: Sequence[dict[str, Any]],
    target: Callable[[dict[str, Any]], dict[str, Any]],
    evaluator: Callable[[dict[str, Any], dict[str, Any]], dict[str, float]],
) -> list[dict[str, Any]]:
    """Evaluate ``target`` on ``rows``; returns per-row metadata, outputs and scores.

    Offline unless ``enable_upload`` was called: then the dataset is upserted and the
    experiment recorded in LangSmith.
    """
    from langsmith import evaluate

    def scorer(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> dict[str, Any]:
        scores = evaluator(outputs, reference_outputs)
        return {"results": [{"key": k, "score": v} for k, v in scores.items()]}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = _UPLOAD["client"]
        if client is not None:
            upsert_dataset(client, dataset, rows)
        results = evaluate(
            target,
            data=dataset if client is not None else examples(dataset, rows),
            evaluators=[scorer],
            client=client or offline_client(),
            upload_results=client is not None,
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
