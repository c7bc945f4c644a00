"""Channel connections (per creator, behind its key) and the webhooks Meta calls (signed)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from app.channels import ForbiddenError, Instagram, UnauthorizedError
from app.routes_catalog import CreatorId
from app.shopify import Shopify
from memory.schemas import JSON_INT_MAX

router = APIRouter(prefix="/v1", tags=["channels"])
webhooks = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

_ID = r"^[0-9A-Za-z_.:-]{1,128}$"
_SECRET = r"^[\x21-\x7e]{8,1024}$"  # printable, no spaces


def instagram(request: Request) -> Instagram:
    """The app's Instagram channel (started in the lifespan)."""
    return request.app.state.instagram  # type: ignore[no-any-return]


IG = Annotated[Instagram, Depends(instagram)]


def shopify(request: Request) -> Shopify:
    """The app's Shopify sync."""
    return request.app.state.shopify  # type: ignore[no-any-return]


SH = Annotated[Shopify, Depends(shopify)]


class InstagramIn(BaseModel):
    """A creator's Instagram professional account and the Meta app's credentials.

    Stored encrypted; never returned or logged (the status lists which fields are set).
    """

    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(pattern=_ID, description="Instagram professional account id")
    access_token: str = Field(pattern=_SECRET, description="Instagram user access token")
    app_secret: str = Field(pattern=_SECRET, description="Meta app secret (webhook signatures)")
    verify_token: str = Field(pattern=_SECRET, description="Your webhook verify token")


class ChannelStatus(BaseModel):
    """What is connected and what the worker has done with it."""

    channel: str
    connected: bool
    account_id: str | None
    credentials_set: list[str]
    webhook_path: str
    events: dict[str, int]
    deliveries: dict[str, int]


class WebhookAck(BaseModel):
    """Events stored for the agent, retried deliveries dropped, other notifications ignored."""

    accepted: int
    duplicates: int
    ignored: int


@router.put("/creators/{creator_id}/channels/instagram", response_model=ChannelStatus)
def connect_instagram(creator_id: CreatorId, body: InstagramIn, ig: IG) -> Any:
    """Connect (or update) Instagram; point the Meta app's webhook at ``webhook_path``."""
    secrets = body.model_dump(exclude={"account_id"})
    return ig.connect(creator_id, body.account_id, secrets)


@router.get("/creators/{creator_id}/channels/instagram", response_model=ChannelStatus)
def instagram_status(creator_id: CreatorId, ig: IG) -> Any:
    """Connection, events received and deliveries by status (no secret is ever shown)."""
    return ig.status(creator_id)


@router.delete("/creators/{creator_id}/channels/instagram", status_code=204)
def disconnect_instagram(creator_id: CreatorId, ig: IG) -> Response:
    """Forget the credentials; queued replies are held until it is connected again."""
    ig.disconnect(creator_id)
    return Response(status_code=204)


@router.post("/creators/{creator_id}/deliveries/{delivery_id}/retry")
def retry_delivery(
    creator_id: CreatorId,
    delivery_id: Annotated[int, Path(ge=1, le=JSON_INT_MAX)],
    ig: IG,
) -> dict[str, Any]:
    """Send a held, unknown or failed Instagram reply again, as approved by a person.

    Within 7 days of the fan's last DM it goes with the HUMAN_AGENT tag; 409 for a reply in
    any other state.
    """
    return ig.retry(creator_id, delivery_id)


@webhooks.get(
    "/instagram/{creator_id}",
    response_class=Response,
    responses={200: {"description": "the challenge, as sent",
                     "content": {"text/plain": {"schema": {"type": "string"}}}}},
)  # fmt: skip
def instagram_handshake(
    creator_id: CreatorId,
    ig: IG,
    mode: Annotated[str, Query(alias="hub.mode", max_length=32)],
    token: Annotated[str, Query(alias="hub.verify_token", max_length=1024)],
    challenge: Annotated[str, Query(alias="hub.challenge", max_length=256)],
) -> Response:
    """Meta's verification request: the challenge back when the verify token matches (403)."""
    try:
        return PlainTextResponse(ig.handshake(creator_id, mode, token, challenge))
    except ForbiddenError as e:
        raise HTTPException(403, str(e)) from e


@webhooks.post("/instagram/{creator_id}", response_model=WebhookAck)
async def instagram_webhook(
    creator_id: CreatorId,
    request: Request,
    ig: IG,
    signature: Annotated[str | None, Header(alias="X-Hub-Signature-256", max_length=200)] = None,
) -> Any:
    """Signed events in (401 unsigned or forged, 403 stale): stored once, answered later."""
    raw = await request.body()
    try:
        return await run_in_threadpool(ig.receive, creator_id, raw, signature)
    except UnauthorizedError as e:
        raise HTTPException(401, str(e)) from e
    except ForbiddenError as e:
        raise HTTPException(403, str(e)) from e


class ShopifyIn(BaseModel):
    """A store and the credentials of the creator's Shopify app (stored encrypted)."""

    model_config = ConfigDict(extra="forbid")

    shop: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$",
                      description="The store's myshopify.com domain")  # fmt: skip
    access_token: str = Field(pattern=_SECRET, description="Admin API access token")
    webhook_secret: str = Field(pattern=_SECRET, description="The app's client secret (HMAC)")


class ShopifyStatus(BaseModel):
    """The store, which credentials are set, the topics to subscribe, the last sync."""

    channel: str
    connected: bool
    shop: str | None
    credentials_set: list[str]
    webhook_path: str
    topics: list[str]
    last_sync: dict[str, Any] | None


class SyncReport(BaseModel):
    """What a full sync read and changed."""

    pages: int
    products: int
    created: int
    updated: int
    unchanged: int
    deactivated: int
    errors: list[str]


class ShopifyAck(BaseModel):
    """Whether the change was applied (False: a topic or item dmpilot does not track)."""

    applied: bool
    duplicate: bool
    topic: str


@router.put("/creators/{creator_id}/channels/shopify", response_model=ShopifyStatus)
def connect_shopify(creator_id: CreatorId, body: ShopifyIn, sh: SH) -> Any:
    """Connect (or update) the store; then ``POST .../sync`` and subscribe the webhooks."""
    return sh.connect(creator_id, body.shop, body.model_dump(exclude={"shop"}))


@router.get("/creators/{creator_id}/channels/shopify", response_model=ShopifyStatus)
def shopify_status(creator_id: CreatorId, sh: SH) -> Any:
    """Connection and the last sync (no secret is ever shown)."""
    return sh.status(creator_id)


@router.delete("/creators/{creator_id}/channels/shopify", status_code=204)
def disconnect_shopify(creator_id: CreatorId, sh: SH) -> Response:
    """Forget the credentials; the imported catalog stays."""
    sh.disconnect(creator_id)
    return Response(status_code=204)


@router.post("/creators/{creator_id}/channels/shopify/sync", response_model=SyncReport)
async def sync_shopify(creator_id: CreatorId, sh: SH) -> Any:
    """Read every product from the Admin API now (unchanged products are not re-embedded)."""
    sh.status(creator_id)  # 404 before the thread hop
    return await run_in_threadpool(sh.sync, creator_id)


@webhooks.post("/shopify/{creator_id}", response_model=ShopifyAck)
async def shopify_webhook(
    creator_id: CreatorId,
    request: Request,
    sh: SH,
    signature: Annotated[str | None, Header(alias="X-Shopify-Hmac-Sha256", max_length=200)] = None,
    topic: Annotated[str | None, Header(alias="X-Shopify-Topic", max_length=64)] = None,
    webhook_id: Annotated[str | None, Header(alias="X-Shopify-Webhook-Id", max_length=200)] = None,
    shop: Annotated[str | None, Header(alias="X-Shopify-Shop-Domain", max_length=200)] = None,
) -> Any:
    """Signed product and stock changes (401 unsigned or forged), applied before the 200."""
    raw = await request.body()
    try:
        return await run_in_threadpool(sh.receive, creator_id, raw, signature, topic,
                                       webhook_id, shop)  # fmt: skip
    except UnauthorizedError as e:
        raise HTTPException(401, str(e)) from e
    except ForbiddenError as e:
        raise HTTPException(403, str(e)) from e
