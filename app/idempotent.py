"""The ``Idempotency-Key`` header on routes whose retry must not act twice."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, HTTPException
from fastapi.responses import JSONResponse

from app.services import Services
from memory.idempotency import KEY_PATTERN, request_hash

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key", pattern=KEY_PATTERN,
        description="Send the same key when retrying: the first response comes back "
        "(header Idempotent-Replayed: true) instead of a second turn or decision; the same key "
        "with another body is a 422. Kept 24 hours.",
    ),
]  # fmt: skip


def replayed(
    svc: Services, creator_id: str, key: str | None, route: str, body: Any
) -> tuple[str, JSONResponse | None]:
    """The request's digest, and the stored first response when this is a retry."""
    digest = request_hash(route, body)
    if key is None:
        return digest, None
    stored = svc.idempotency.get(creator_id, key, digest)
    if stored is None:
        return digest, None
    if not stored.same_request:
        raise HTTPException(422, "this Idempotency-Key was used for a different request")
    return digest, JSONResponse(
        stored.body, status_code=stored.status_code, headers={"Idempotent-Replayed": "true"}
    )


def remember(
    svc: Services, creator_id: str, key: str | None, route: str, digest: str, body: Any
) -> None:
    """Keep the first (200) response under the key (no-op without one)."""
    if key is not None:
        svc.idempotency.put(creator_id, key, digest, 200, body, scope=route)
