"""Creators and their API keys: the admin's routes (the middleware in ``app.auth`` checks)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi import Response as FastAPIResponse
from fastapi.concurrency import run_in_threadpool

from app.privacy import forget_creator
from app.routes_catalog import CreatorId, Svc
from app.schemas import CreatorOut, KeyIn, KeyOut, NewKeyOut
from memory.keys import KEY_ID_PATTERN
from memory.schemas import CreatorIn

router = APIRouter(prefix="/v1", tags=["accounts"])

KeyId = Annotated[str, Path(pattern=KEY_ID_PATTERN, description="Key id (the part after dmp_)")]


@router.post("/creators", status_code=201, response_model=CreatorOut)
def create_creator(body: CreatorIn, svc: Svc) -> Any:
    """Register a creator (tenant); admin key only. Issue it a key next."""
    return svc.catalog.create_creator(body)


@router.get("/creators", response_model=list[CreatorOut])
def list_creators(svc: Svc) -> Any:
    """Every creator; admin key only."""
    return [svc.catalog.get_creator(c) for c in svc.catalog.creator_ids()]


@router.delete("/creators/{creator_id}")
async def delete_creator(creator_id: CreatorId, svc: Svc) -> dict[str, int]:
    """Delete a creator and all their data (catalog, conversations, fans, keys); admin key only.

    409 while one of their fan-outs is drafting. Answers what was deleted, per store.
    """
    return await run_in_threadpool(forget_creator, svc, creator_id)


@router.post("/creators/{creator_id}/keys", status_code=201, response_model=NewKeyOut)
def create_key(creator_id: CreatorId, body: KeyIn, svc: Svc) -> Any:
    """Issue a key for the creator; the full key is in this response only."""
    info, key = svc.keys.issue(creator_id, body.name)
    return NewKeyOut(**KeyOut.model_validate(info).model_dump(), key=key)


@router.get("/creators/{creator_id}/keys", response_model=list[KeyOut])
def list_keys(creator_id: CreatorId, svc: Svc) -> Any:
    """The creator's keys, revoked ones included; secrets are never shown again."""
    svc.catalog.get_creator(creator_id)
    return svc.keys.list(creator_id)


@router.delete("/creators/{creator_id}/keys/{key_id}", status_code=204)
def revoke_key(creator_id: CreatorId, key_id: KeyId, svc: Svc) -> FastAPIResponse:
    """Revoke a key at once (in every worker: keys are checked in the database)."""
    svc.keys.revoke(creator_id, key_id)
    return FastAPIResponse(status_code=204)
