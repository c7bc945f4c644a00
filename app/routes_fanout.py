"""Fan inbox, question clusters (the creator's dashboard), fan-out and human approvals."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool

from app.idempotent import IdempotencyKey, remember, replayed
from app.routes_catalog import CreatorId, Svc
from app.routes_conversations import CustomerId
from app.schemas import AnswerIn, DecisionIn, InboxIn, MergeIn, RenameIn, SplitIn
from memory.catalog import ConflictError
from memory.inbox import MessageIn
from memory.schemas import JSON_INT_MAX

router = APIRouter(prefix="/v1", tags=["fan-out"])

ClusterId = Annotated[str, Path(pattern=r"^c-\d{1,9}$")]
ApprovalId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


@router.post("/creators/{creator_id}/inbox")
async def post_inbox(creator_id: CreatorId, body: InboxIn, svc: Svc) -> dict[str, Any]:
    """Store fan messages; chats with enough new messages are analysed and clustered now."""
    assert svc.inbox is not None
    msgs = [MessageIn(m.customer_id, m.chat_id, m.text, m.timestamp) for m in body.messages]
    return await run_in_threadpool(svc.inbox.ingest, creator_id, msgs)


@router.post("/creators/{creator_id}/conversations/{customer_id}/end")
async def end_conversation(
    creator_id: CreatorId, customer_id: CustomerId, svc: Svc
) -> dict[str, Any]:
    """Analyse and cluster the rest of this fan's messages."""
    assert svc.inbox is not None
    return await run_in_threadpool(svc.inbox.end_conversation, creator_id, customer_id)


@router.get("/creators/{creator_id}/clusters")
def list_clusters(
    creator_id: CreatorId,
    svc: Svc,
    status: Annotated[
        Literal["pending", "drafting", "review", "answered", "sent"] | None, Query()
    ] = None,
    sort: Annotated[Literal["size", "urgency", "recency"], Query()] = "size",
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=JSON_INT_MAX)] = 0,
) -> dict[str, Any]:
    """A page of question clusters for the creator's dashboard."""
    assert svc.clusters is not None
    svc.catalog.get_creator(creator_id)
    return svc.clusters.store.list_clusters(creator_id, status, sort, limit, offset)


@router.post("/creators/{creator_id}/clusters/recluster")
async def recluster(creator_id: CreatorId, svc: Svc) -> dict[str, Any]:
    """Batch re-clustering now (ids stay stable; answered clusters keep their questions)."""
    assert svc.clusters is not None
    svc.catalog.get_creator(creator_id)
    return await run_in_threadpool(svc.clusters.recluster, creator_id)


@router.post("/creators/{creator_id}/clusters/merge")
def merge_clusters(creator_id: CreatorId, body: MergeIn, svc: Svc) -> dict[str, Any]:
    """Merge pending clusters into the first one."""
    assert svc.clusters is not None
    return svc.clusters.merge(creator_id, body.cluster_ids, body.title)


@router.get("/creators/{creator_id}/clusters/{cluster_id}")
def get_cluster(creator_id: CreatorId, cluster_id: ClusterId, svc: Svc) -> dict[str, Any]:
    """All questions of a cluster, its quality and outliers."""
    assert svc.clusters is not None
    svc.catalog.get_creator(creator_id)
    return svc.clusters.store.get_cluster(creator_id, cluster_id)


@router.post("/creators/{creator_id}/clusters/{cluster_id}/rename")
def rename_cluster(
    creator_id: CreatorId, cluster_id: ClusterId, body: RenameIn, svc: Svc
) -> dict[str, Any]:
    """Set a title (kept through re-clustering)."""
    assert svc.clusters is not None
    return svc.clusters.store.rename(creator_id, cluster_id, body.title)


@router.post("/creators/{creator_id}/clusters/{cluster_id}/split", status_code=201)
def split_cluster(
    creator_id: CreatorId, cluster_id: ClusterId, body: SplitIn, svc: Svc
) -> dict[str, Any]:
    """Move questions into a new cluster (returned)."""
    assert svc.clusters is not None
    return svc.clusters.split(creator_id, cluster_id, body.question_ids, body.title)


@router.post("/creators/{creator_id}/clusters/{cluster_id}/answer")
async def answer_cluster(
    creator_id: CreatorId, cluster_id: ClusterId, body: AnswerIn, svc: Svc
) -> dict[str, Any]:
    """Start the fan-out: a checked, personal draft per affected chat; risky ones wait."""
    assert svc.fanout is not None
    svc.catalog.get_creator(creator_id)
    return await run_in_threadpool(
        svc.fanout.start, creator_id, cluster_id, body.answer, body.channel
    )


@router.get("/creators/{creator_id}/clusters/{cluster_id}/drafts")
def cluster_drafts(creator_id: CreatorId, cluster_id: ClusterId, svc: Svc) -> dict[str, Any]:
    """Drafts of a cluster with their status, confidence, checks and delivery status."""
    assert svc.fanout is not None
    return {"items": svc.fanout.drafts(creator_id, cluster_id)}


@router.get("/creators/{creator_id}/approvals")
def list_approvals(
    creator_id: CreatorId,
    svc: Svc,
    offset: Annotated[int, Query(ge=0, le=JSON_INT_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    kind: Annotated[Literal["send_reply", "send_ready_replies"] | None, Query()] = None,
) -> dict[str, Any]:
    """Pending approvals with their Agent Inbox payloads, oldest first, a page at a time.

    ``kind=send_ready_replies`` lists the batch approvals of fan-outs only.
    """
    assert svc.fanout is not None
    svc.catalog.get_creator(creator_id)
    total, items = svc.fanout.pending(creator_id, offset, limit, kind)
    return {"total": total, "offset": offset, "limit": limit, "items": items}


@router.post("/creators/{creator_id}/approvals/{approval_id}")
async def decide(
    creator_id: CreatorId,
    approval_id: ApprovalId,
    body: DecisionIn,
    svc: Svc,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Accept, edit, respond or ignore; unknown ids 404, a second decision 409.

    With an ``Idempotency-Key`` a retried decision returns the first result instead of 409.
    """
    assert svc.fanout is not None
    route = f"approvals:{approval_id}"
    digest, first = replayed(svc, creator_id, idempotency_key, route, body.model_dump())
    if first is not None:
        return first
    try:
        out = await run_in_threadpool(svc.fanout.decide, creator_id, approval_id, body.model_dump())
    except ConflictError:  # a concurrent retry under the same key may have just finished
        digest, first = replayed(svc, creator_id, idempotency_key, route, body.model_dump())
        if first is not None:
            return first
        raise
    remember(svc, creator_id, idempotency_key, route, digest, out)
    return out


@router.get("/creators/{creator_id}/deliveries")
def deliveries(creator_id: CreatorId, svc: Svc) -> dict[str, Any]:
    """What the outbox adapter delivered, oldest first."""
    assert svc.outbox is not None
    svc.catalog.get_creator(creator_id)
    return {"items": svc.outbox.deliveries(creator_id)}
