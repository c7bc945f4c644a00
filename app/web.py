"""The creator's inbox in the browser: server-rendered pages (Jinja2) with htmx, no build step.

Signed in with a creator API key, exchanged once for an HttpOnly, SameSite=Strict session
cookie (only its hash is stored; revoking the key ends the session). Every page reads and
writes through the same services as the JSON API (a decision here is ``FanoutRunner.decide``,
an answer ``FanoutRunner.start``), so the web app cannot drift from the API's rules. htmx is
vendored in ``app/static`` (0BSD), so pages work offline.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from app.routes_conversations import get_conversation
from app.services import Services
from memory.catalog import BadRequestError, ConflictError, NotFoundError
from memory.importers import ImportFormatError, import_catalog
from memory.insights import insights
from memory.keys import WebSessions
from tools.search_schemas import SearchFilters

COOKIE = "dmpilot_session"
HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix="/app", include_in_schema=False)


class SignIn(Exception):
    """No valid session: the page redirects to the sign-in form."""


def _svc(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def _sessions(request: Request) -> WebSessions:
    return request.app.state.web_sessions  # type: ignore[no-any-return]


def signed_in(request: Request) -> str:
    """The signed-in creator (every page but the sign-in form depends on it)."""
    creator = _sessions(request).creator(request.cookies.get(COOKIE))
    if creator is None:
        raise SignIn()
    return creator


Creator = Annotated[str, Depends(signed_in)]


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context)


@router.get("")
def home() -> RedirectResponse:
    """The approvals page is the inbox's front page."""
    return RedirectResponse("/app/approvals", status_code=303)


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    """The sign-in form."""
    return _page(request, "login.html", creator=None)


@router.post("/login")
def login(request: Request, key: Annotated[str, Form(max_length=200)]) -> Response:
    """Exchange a creator key for a session cookie (the key itself is never stored)."""
    opened = _sessions(request).open(key.strip())
    if opened is None:
        page = _page(request, "login.html", creator=None, error="That key is not valid.")
        page.status_code = 401
        return page
    token, _ = opened
    out = RedirectResponse("/app/approvals", status_code=303)
    settings = _svc(request).settings
    out.set_cookie(COOKIE, token, max_age=settings.web_session_ttl_s, httponly=True,
                   samesite="strict", secure=settings.web_cookie_secure, path="/app")  # fmt: skip
    return out


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    """End the session."""
    _sessions(request).close(request.cookies.get(COOKIE))
    out = RedirectResponse("/app/login", status_code=303)
    out.delete_cookie(COOKIE, path="/app")
    return out


def _approvals(svc: Services, creator: str) -> tuple[int, list[Any]]:
    assert svc.fanout is not None
    return svc.fanout.pending(creator, 0, 50)


@router.get("/approvals")
def approvals(request: Request, creator: Creator) -> HTMLResponse:
    """Every pending decision: held replies and fan-out drafts."""
    total, items = _approvals(_svc(request), creator)
    flash = request.query_params.get("done", "")[:200]
    return _page(request, "approvals.html", creator=creator, page="approvals", total=total,
                 items=items, flash=flash)  # fmt: skip


@router.get("/approvals/list")
def approvals_list(request: Request, creator: Creator) -> HTMLResponse:
    """The list alone (htmx polls it so the page stays current)."""
    _, items = _approvals(_svc(request), creator)
    return _page(request, "_approval_list.html", items=items)


@router.post("/approvals/{approval_id}")
async def decide(
    request: Request,
    approval_id: str,
    creator: Creator,
    type: Annotated[str, Form(pattern="^(accept|edit|ignore)$")],  # noqa: A002
    text: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Apply a decision through the same runner as ``POST /v1/.../approvals/{id}``."""
    svc = _svc(request)
    assert svc.fanout is not None
    response: dict[str, Any] = {"type": type, "args": None}
    if type == "edit":
        if not text.strip():
            raise HTTPException(422, "an edited reply cannot be empty")
        _, items = svc.fanout.pending(creator, 0, 200)
        current = next((a for a in items if a["id"] == approval_id), None)
        args = ((current or {}).get("payload") or {}).get("action_request", {}).get("args", {})
        response["args"] = {**args, "text": text.strip()}
    try:
        await run_in_threadpool(svc.fanout.decide, creator, approval_id, response)
    except (NotFoundError, ConflictError, BadRequestError, ValueError) as e:
        raise HTTPException(400 if isinstance(e, ValueError) else 409, str(e)) from e
    return RedirectResponse("/app/approvals?done=Decision+saved.", status_code=303)


@router.get("/clusters")
def clusters(request: Request, creator: Creator) -> HTMLResponse:
    """Clusters, biggest first."""
    svc = _svc(request)
    assert svc.clusters is not None
    page = svc.clusters.store.list_clusters(creator, None, "size", 200, 0)
    return _page(request, "clusters.html", creator=creator, page="clusters", items=page["items"])


@router.get("/clusters/{cluster_id}")
def cluster(request: Request, cluster_id: str, creator: Creator) -> HTMLResponse:
    """One cluster: who asked, who may be asking something else, the answer and its drafts."""
    svc = _svc(request)
    assert svc.clusters is not None and svc.fanout is not None
    try:
        detail = svc.clusters.store.get_cluster(creator, cluster_id)
    except NotFoundError as e:
        raise HTTPException(404, str(e)) from e
    drafts = svc.fanout.drafts(creator, cluster_id)
    flash = request.query_params.get("done", "")[:200]
    return _page(request, "cluster.html", creator=creator, page="clusters", cluster=detail,
                 drafts=drafts, flash=flash)  # fmt: skip


@router.post("/clusters/{cluster_id}/answer")
async def answer(
    request: Request,
    cluster_id: str,
    creator: Creator,
    answer: Annotated[str, Form(min_length=1, max_length=4000)],
) -> Response:
    """Answer once (``FanoutRunner.start``, as ``POST /v1/.../clusters/{id}/answer``)."""
    svc = _svc(request)
    assert svc.fanout is not None
    if not answer.strip():
        raise HTTPException(422, "the answer cannot be empty")
    try:
        await run_in_threadpool(svc.fanout.start, creator, cluster_id, answer.strip(), "dm")
    except NotFoundError as e:
        raise HTTPException(404, str(e)) from e
    except (ConflictError, BadRequestError) as e:
        raise HTTPException(409, str(e)) from e
    return RedirectResponse(f"/app/clusters/{cluster_id}?done=Drafts+ready.", status_code=303)


@router.get("/conversations")
def conversations(request: Request, creator: Creator, q: str = "", offset: int = 0) -> HTMLResponse:
    """Every thread, most recent first; ``q`` searches the fan's id."""
    svc = _svc(request)
    query, start = q.strip()[:128], max(0, min(offset, 10**9))
    total, items = svc.conversations.threads(creator, query, 50, start)
    return _page(request, "conversations.html", creator=creator, page="conversations",
                 items=items, total=total, q=query, offset=start)  # fmt: skip


@router.get("/conversations/{customer_id}")
def conversation(
    request: Request, customer_id: str, creator: Creator, channel: str = "dm"
) -> HTMLResponse:
    """One thread: what was said, the profile learned, and each turn's execution log."""
    if len(customer_id) > 128:
        raise HTTPException(422, "customer id too long")
    svc = _svc(request)
    on: Literal["dm", "comment"] = "comment" if channel == "comment" else "dm"
    convo = get_conversation(creator, customer_id, svc, on)  # 404 when there is none
    turns = svc.conversations.executions_of(creator, customer_id)
    names = {}
    for t in turns:
        for pid in t["product_ids"]:
            if pid not in names:
                try:
                    names[pid] = svc.catalog.get_product(creator, pid).name
                except NotFoundError:
                    names[pid] = f"product {pid}"
    return _page(request, "conversation.html", creator=creator, page="conversations",
                 convo=convo, turns=turns, names=names)  # fmt: skip


@router.get("/catalog")
def catalog(
    request: Request, creator: Creator, q: str = "", max_price: str = "", in_stock: str = ""
) -> HTMLResponse:
    """A search tester (the agent's own search) and where the catalog comes from."""
    svc = _svc(request)
    result, error = None, ""
    if q.strip():
        try:
            cap = float(max_price) if max_price.strip() else None
            if cap is not None and not 0 <= cap <= 1e9:
                raise ValueError
        except ValueError:
            error = "The price must be a number."
        else:
            filters = SearchFilters(max_price=cap, in_stock_only=bool(in_stock))
            result = svc.search.search(creator, q.strip()[:500], filters, limit=10)
    total, _ = svc.catalog.list_products(creator, 0, 1)
    return _page(request, "catalog.html", creator=creator, page="catalog", result=result,
                 q=q[:500], max_price=max_price[:20], in_stock=bool(in_stock), error=error,
                 products=total, shopify=request.app.state.shopify.status(creator),
                 instagram=request.app.state.instagram.status(creator),
                 report=None)  # fmt: skip


@router.post("/catalog/import")
async def catalog_import(request: Request, creator: Creator, file: UploadFile) -> HTMLResponse:
    """Upload a catalog file (CSV, JSON, Shopify's products.json or its admin CSV export)."""
    svc = _svc(request)
    limit = svc.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit or not data.strip():
        raise HTTPException(413 if data.strip() else 400, "the file is empty or too large")
    try:
        report = await run_in_threadpool(
            import_catalog, svc.catalog, creator, data, None, file.filename,
            svc.settings.import_batch_size,
        )  # fmt: skip
    except ImportFormatError as e:
        raise HTTPException(400, str(e)) from e
    total, _ = svc.catalog.list_products(creator, 0, 1)
    return _page(request, "catalog.html", creator=creator, page="catalog", result=None, q="",
                 max_price="", in_stock=False, error="", products=total,
                 shopify=request.app.state.shopify.status(creator),
                 instagram=request.app.state.instagram.status(creator),
                 report=report.as_dict())  # fmt: skip


@router.get("/insights")
def insights_page(request: Request, creator: Creator, days: int = 7) -> HTMLResponse:
    """What fans ask most, what is never answered, what they look at, and what it cost."""
    period = days if days in (7, 30, 90) else 7
    since = datetime.now(UTC) - timedelta(days=period)
    numbers = insights(_svc(request).sessions, creator, since)
    return _page(request, "insights.html", creator=creator, page="insights", days=period,
                 n=numbers)  # fmt: skip
