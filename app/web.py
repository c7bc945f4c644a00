"""The creator's inbox in the browser: server-rendered pages (Jinja2) with htmx, no build step.

Signed in with a creator API key, exchanged once for an HttpOnly, SameSite=Strict session
cookie (only its hash is stored; revoking the key ends the session). Every page reads and
writes through the same services as the JSON API (a decision here is ``FanoutRunner.decide``,
an answer ``FanoutRunner.start``), so the web app cannot drift from the API's rules. htmx is
vendored in ``app/static`` (0BSD), so pages work offline.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal
from urllib.parse import quote_plus, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from app.jobs import Job, Jobs
from app.routes_catalog import read_upload
from app.routes_conversations import get_conversation
from app.schemas import MergeIn, RenameIn, SplitIn
from app.services import Services
from app.web_views import approval_contexts, inbox_thread, marked_history, recent_decisions
from memory.catalog import BadRequestError, ConflictError, NotFoundError
from memory.fanout import QuestionCluster
from memory.importers import import_catalog
from memory.insights import insights
from memory.keys import WebSessions
from tools.search_schemas import SearchFilters

COOKIE = "dmpilot_session"
HERE = FilePath(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
CSS = HERE / "static" / "app.css"
router = APIRouter(prefix="/app", include_in_schema=False)
ClusterPath = Annotated[str, Path(pattern=r"^c-\d{1,9}$")]
QUICK_S = 2.0  # a job done within this goes straight to its result page


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
    """Render a template; whole pages also list the creator's jobs still running."""
    if context.get("creator") and "page" in context:
        shown = (context.get("job") or {}).get("id")  # a job's own page shows it already
        context["running"] = [j for j in request.app.state.jobs.running(context["creator"])
                              if j["id"] != shown]  # fmt: skip
    return templates.TemplateResponse(request, name, context)


def is_web(path: str) -> bool:
    """A page of the web app (its errors are pages too, not JSON)."""
    return (path == "/app" or path.startswith("/app/")) and not path.startswith("/app/static/")


_FIELDS = {"cluster": "the clusters to merge", "question": "the questions to split off",
           "cluster_ids": "the clusters to merge", "question_ids": "the questions to split off",
           "title": "the title", "text": "the reply", "answer": "your answer", "key": "the key",
           "file": "the file", "type": "the decision", "cluster_id": "the cluster",
           "days": "the period", "q": "the search"}  # fmt: skip


def form_problems(items: list[dict[str, Any]]) -> str:
    """Validation errors of a page's form in a person's words (not the schema's)."""
    said = []
    for it in items:
        field = str(it["field"]).split(".")[-1]
        what, msg = _FIELDS.get(field, field.replace("_", " ")), str(it["message"])
        if "required" in msg.lower():
            said.append(f"Please choose {what}." if field.startswith(("cluster", "question"))
                        else f"Please fill in {what}.")  # fmt: skip
        elif "at least 2" in msg:
            said.append(f"Tick at least two of {what}.")
        elif m := re.search(r"at most (\d+) characters", msg):
            said.append(f"{what.capitalize()} is longer than {m.group(1)} characters.")
        elif "pattern" in msg or "valid integer" in msg:
            said.append(f"That is not a valid value for {what}.")
        else:
            said.append(f"{what.capitalize()}: {msg}.")
    return " ".join(dict.fromkeys(said)) or "Please check what you entered."


def error_page(
    request: Request, status: int, detail: str, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    """An error as a page a person can read, with the way back."""
    try:
        creator = _sessions(request).creator(request.cookies.get(COOKIE))
    except Exception:  # the store may be what failed: the page still renders, signed out
        creator = None
    titles = {400: "That did not work", 404: "Not found", 409: "Not now",
              413: "Too large", 422: "Please check what you entered"}  # fmt: skip
    came = urlsplit(request.headers.get("referer", ""))
    back = came.path if (came.netloc in ("", request.url.netloc) and is_web(came.path)
                         and came.path != request.url.path) else ""  # fmt: skip
    if back and came.query:
        back += "?" + came.query
    out = templates.TemplateResponse(request, "error.html", {
        "creator": creator, "page": "", "status": status, "detail": detail[:500],
        "heading": titles.get(status, "Something went wrong"), "back": back,
    }, status_code=status, headers=headers)  # fmt: skip
    return out


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


def _signature(total: int, items: list[Any]) -> str:
    """What the list shows, in short: the poll swaps nothing while it is unchanged."""
    shown = " ".join([str(total), *(a["id"] for a in items)])
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def _approval_page(
    request: Request, creator: str, name: str, whole: bool = True, **extra: Any
) -> HTMLResponse:
    svc = _svc(request)
    total, items = _approvals(svc, creator)
    more = {"page": "approvals", "recent": recent_decisions(svc, creator)} if whole else {}
    return _page(request, name, creator=creator, total=total, items=items,
                 context=approval_contexts(svc, creator, items),
                 signature=_signature(total, items), **more, **extra)  # fmt: skip


@router.get("/approvals")
def approvals(request: Request, creator: Creator) -> HTMLResponse:
    """Every pending decision with the fan's context, and what became of the last ones."""
    flash = request.query_params.get("done", "")[:200]
    return _approval_page(request, creator, "approvals.html", flash=flash)


@router.get("/approvals/list")
def approvals_list(request: Request, creator: Creator, seen: str = "") -> Response:
    """The list alone, polled by htmx; 204 (nothing swapped) while it has not changed.

    Text being typed in a reply survives a swap too (``hx-preserve`` on each textarea).
    """
    total, items = _approvals(_svc(request), creator)
    if seen and seen == _signature(total, items):
        return Response(status_code=204)
    return _approval_page(request, creator, "_approval_list.html", whole=False, fragment=True)


def _back(next_url: str, fallback: str) -> str:
    """Only a path inside the app: a form cannot send the browser elsewhere."""
    path = next_url.split("#", 1)[0]
    ok = path.startswith("/app/") and "//" not in path and "\\" not in path
    return path if ok else fallback


@router.post("/approvals/{approval_id}")
async def decide(
    request: Request,
    approval_id: str,
    creator: Creator,
    type: Annotated[str, Form(pattern="^(accept|edit|response|ignore)$")],  # noqa: A002
    text: Annotated[str, Form(max_length=4000)] = "",
    next: Annotated[str, Form(max_length=300)] = "",  # noqa: A002
) -> Response:
    """Apply a decision through the same runner as ``POST /v1/.../approvals/{id}``."""
    svc = _svc(request)
    assert svc.fanout is not None
    if len(approval_id) > 64:
        raise HTTPException(404, "no such approval")
    response: dict[str, Any] = {"type": type, "args": None}
    if type in ("edit", "response"):
        if not text.strip():
            raise HTTPException(422, "the reply cannot be empty")
        if type == "response":
            response["args"] = text.strip()
        else:
            _, items = svc.fanout.pending(creator, 0, 200)
            current = next_item(items, approval_id)
            args = ((current or {}).get("payload") or {}).get("action_request", {}).get("args", {})
            response["args"] = {**args, "text": text.strip()}
    try:
        await run_in_threadpool(svc.fanout.decide, creator, approval_id, response)
    except NotFoundError as e:
        raise HTTPException(404, str(e)) from e
    except (ConflictError, BadRequestError, ValueError) as e:
        raise HTTPException(409 if isinstance(e, ConflictError) else 400, str(e)) from e
    back = _back(next, "/app/approvals")
    sep = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{sep}done=Decision+saved.", status_code=303)


def next_item(items: list[Any], approval_id: str) -> Any:
    """The pending approval with this id, if it is still pending."""
    return next((a for a in items if a["id"] == approval_id), None)


@router.get("/clusters")
def clusters(request: Request, creator: Creator) -> HTMLResponse:
    """Clusters, biggest first; pending ones can be merged, all re-clustered."""
    svc = _svc(request)
    assert svc.clusters is not None
    page = svc.clusters.store.list_clusters(creator, None, "size", 200, 0)
    flash = request.query_params.get("done", "")[:200]
    return _page(request, "clusters.html", creator=creator, page="clusters", items=page["items"],
                 total=page.get("total", len(page["items"])), flash=flash)  # fmt: skip


def _cluster_page(request: Request, creator: str, cluster_id: str, name: str) -> HTMLResponse:
    svc = _svc(request)
    assert svc.clusters is not None and svc.fanout is not None
    try:
        detail = svc.clusters.store.get_cluster(creator, cluster_id)
    except NotFoundError as e:
        raise HTTPException(404, str(e)) from e
    drafts = svc.fanout.drafts(creator, cluster_id)
    waiting = svc.fanout.pending(creator, 0, 200, thread=f"fanout:{creator}:{cluster_id}")[1]
    moving = detail["status"] == "drafting" or any(
        d.get("delivery_status") in ("queued", "sending") for d in drafts)  # fmt: skip
    flash = request.query_params.get("done", "")[:200]
    return _page(request, name, creator=creator, page="clusters", cluster=detail,
                 drafts=drafts, waiting=waiting, moving=moving, flash=flash)  # fmt: skip


@router.get("/clusters/{cluster_id}")
def cluster(request: Request, cluster_id: ClusterPath, creator: Creator) -> HTMLResponse:
    """One cluster: who asked, who may be asking something else, the answer and its drafts."""
    return _cluster_page(request, creator, cluster_id, "cluster.html")


@router.get("/clusters/{cluster_id}/drafts")
def cluster_drafts(request: Request, cluster_id: ClusterPath, creator: Creator) -> HTMLResponse:
    """The drafts table alone (polled while the fan-out drafts and sends)."""
    return _cluster_page(request, creator, cluster_id, "_drafts.html")


@router.post("/clusters/{cluster_id}/answer")
async def answer(
    request: Request,
    cluster_id: ClusterPath,
    creator: Creator,
    answer: Annotated[str, Form(min_length=1, max_length=4000)],
) -> Response:
    """Answer once (``FanoutRunner.start``, as ``POST /v1/.../clusters/{id}/answer``).

    The drafting runs as a job: a big cluster shows a progress bar, a small one is done
    before the page changes.
    """
    svc = _svc(request)
    assert svc.fanout is not None and svc.clusters is not None
    if not answer.strip():
        raise HTTPException(422, "the answer cannot be empty")
    status = await run_in_threadpool(_cluster_status, svc, creator, cluster_id)
    if status is None:
        raise HTTPException(404, f"unknown cluster '{cluster_id}'")
    if status != "pending":
        raise HTTPException(409, f"cluster '{cluster_id}' is already {status}")
    fanout, text = svc.fanout, answer.strip()

    def work(job: Job) -> tuple[str, str]:
        def progress(done: int, total: int) -> None:
            job.update(done, total, "drafting replies")

        out = fanout.start(creator, cluster_id, text, "dm", progress=progress)
        n = sum(out["drafts"].values())
        return f"{n} drafts ready.", f"/app/clusters/{cluster_id}?done=Drafts+ready."

    return await _run_job(request, creator, f"answer:{cluster_id}",
                          f"Answering cluster {cluster_id}", work)  # fmt: skip


def _cluster_status(svc: Services, creator: str, cluster_id: str) -> str | None:
    with svc.sessions() as s:
        row = s.get(QuestionCluster, (creator, cluster_id))
        return None if row is None else row.status


@router.post("/clusters/{cluster_id}/rename")
def rename(
    request: Request,
    cluster_id: ClusterPath,
    creator: Creator,
    title: Annotated[str, Form(max_length=300)],
) -> RedirectResponse:
    """A title of your own (kept through re-clustering)."""
    svc = _svc(request)
    assert svc.clusters is not None
    body = RenameIn(title=title)
    svc.clusters.store.rename(creator, cluster_id, body.title)
    return RedirectResponse(f"/app/clusters/{cluster_id}?done=Renamed.", status_code=303)


@router.post("/clusters/{cluster_id}/split")
def split(
    request: Request,
    cluster_id: ClusterPath,
    creator: Creator,
    question: Annotated[list[int], Form()],
    title: Annotated[str, Form(max_length=300)] = "",
) -> RedirectResponse:
    """Move the ticked questions into a new cluster."""
    svc = _svc(request)
    assert svc.clusters is not None
    body = SplitIn(question_ids=question, title=title.strip() or None)
    new = svc.clusters.split(creator, cluster_id, body.question_ids, body.title)
    return RedirectResponse(f"/app/clusters/{new['id']}?done=Split+off+from+{cluster_id}.",
                            status_code=303)  # fmt: skip


@router.post("/clusters/merge")
def merge(
    request: Request,
    creator: Creator,
    cluster: Annotated[list[str], Form()],
    title: Annotated[str, Form(max_length=300)] = "",
) -> RedirectResponse:
    """Merge the ticked pending clusters into the first one."""
    svc = _svc(request)
    assert svc.clusters is not None
    body = MergeIn(cluster_ids=cluster, title=title.strip() or None)
    out = svc.clusters.merge(creator, body.cluster_ids, body.title)
    return RedirectResponse(f"/app/clusters/{out['id']}?done=Merged.", status_code=303)


@router.post("/clusters/recluster")
async def recluster(request: Request, creator: Creator) -> Response:
    """Re-cluster every question now (answered clusters keep theirs), with progress."""
    svc = _svc(request)
    assert svc.clusters is not None
    clusters_ = svc.clusters

    def work(job: Job) -> tuple[str, str]:
        out = clusters_.recluster(creator, lambda step, n, stage: job.update(step, n, stage))
        return (f"{out.get('questions', 0)} questions in {out.get('clusters', 0)} clusters.",
                "/app/clusters?done=Re-clustered.")  # fmt: skip

    return await _run_job(request, creator, "recluster", "Re-clustering", work)


async def _run_job(request: Request, creator: str, kind: str, title: str, work: Any) -> Response:
    """Start a job; a quick one goes straight to its result, a long one to its progress page."""
    jobs: Jobs = request.app.state.jobs
    try:
        job = jobs.start(creator, kind, title, work)
    except ConflictError as e:
        raise HTTPException(409, str(e)) from e
    row = await run_in_threadpool(jobs.wait, creator, job["id"], QUICK_S)
    if row is not None and row["status"] == "done" and row["link"]:
        return RedirectResponse(row["link"], status_code=303)
    return RedirectResponse(f"/app/jobs/{job['id']}", status_code=303)


GONE = "no such job (finished jobs are kept for 7 days)"


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, creator: Creator) -> HTMLResponse:
    """A job's progress; the bar updates by itself until the work is done."""
    job = request.app.state.jobs.get(creator, job_id)
    if job is None:
        raise HTTPException(404, GONE)
    return _page(request, "job.html", creator=creator, page="", job=job)


@router.get("/jobs/{job_id}/progress")
def job_progress(request: Request, job_id: str, creator: Creator) -> Response:
    """The progress fragment; when the work is done htmx follows its link.

    An unknown job answers 286, htmx's "stop polling", with a line that says so.
    """
    job = request.app.state.jobs.get(creator, job_id)
    if job is None:
        return HTMLResponse(f'<div id="job"><p role="status">{GONE}.</p></div>', status_code=286)
    out = _page(request, "_job.html", job=job)
    if job["status"] == "done" and job["link"] and job["kind"] != "import":
        out.headers["HX-Redirect"] = job["link"]
    return out


@router.get("/conversations")
def conversations(
    request: Request, creator: Creator, q: str = "", offset: int = 0, part: str = "",
    seen: str = "",
) -> Response:  # fmt: skip
    """Every thread, most recent first; ``q`` searches the fan's id.

    ``part=rows`` is the table body alone, polled so new conversations appear; 204 while
    nothing changed (``seen``).
    """
    svc = _svc(request)
    query, start = q.strip()[:128], max(0, min(offset, 10**9))
    total, items = svc.conversations.threads(creator, query, 50, start)
    first = items[0]["last"].isoformat() if items and items[0]["last"] else ""
    signature = hashlib.sha256(f"{total} {first}".encode()).hexdigest()[:16]
    if part == "rows":
        if seen == signature:
            return Response(status_code=204)
        return _page(request, "_conversation_rows.html", items=items, q=query, offset=start,
                     total=total, signature=signature)  # fmt: skip
    return _page(request, "conversations.html", creator=creator, page="conversations",
                 items=items, total=total, q=query, offset=start, signature=signature)  # fmt: skip


@router.get("/conversations/{customer_id}")
def conversation(
    request: Request, customer_id: str, creator: Creator, channel: str = "dm", part: str = "",
    seen: int = -1,
) -> Response:  # fmt: skip
    """One thread: what was said, the profile learned, and each turn's execution log.

    ``part=thread`` is the messages and turns alone, polled while the page is open; 204
    while the thread has no new turn (``seen``).
    """
    if len(customer_id) > 128:
        raise HTTPException(422, "customer id too long")
    svc = _svc(request)
    on: Literal["dm", "comment"] = "comment" if channel == "comment" else "dm"
    try:
        convo = get_conversation(creator, customer_id, svc, on)
    except HTTPException:  # no agent thread: a fan of the inbox, or nobody (404)
        fan = inbox_thread(svc, creator, customer_id)
        if fan is None:
            raise
        return _page(request, "conversation.html", creator=creator, page="conversations",
                     convo=fan, turns=[], names={})  # fmt: skip
    if part == "thread" and seen == convo["turns"]:
        return Response(status_code=204)
    convo["history"] = marked_history(svc, creator, customer_id, on)
    turns = svc.conversations.executions_of(creator, customer_id)
    names = {}
    for t in turns:
        for pid in t["product_ids"]:
            if pid not in names:
                try:
                    names[pid] = svc.catalog.get_product(creator, pid).name
                except NotFoundError:
                    names[pid] = f"product {pid}"
    name = "_thread.html" if part == "thread" else "conversation.html"
    return _page(request, name, creator=creator, page="conversations", convo=convo,
                 turns=turns, names=names)  # fmt: skip


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
                 flash=request.query_params.get("done", "")[:600])  # fmt: skip


@router.post("/catalog/import")
async def catalog_import(request: Request, creator: Creator, file: UploadFile) -> Response:
    """Upload a catalog file (CSV, JSON, Shopify's products.json or its admin CSV export).

    Parsed, validated and indexed as a job: the progress page counts the products done.
    """
    svc = _svc(request)
    data = await read_upload(file, svc.settings.max_upload_bytes)
    name, batch = (file.filename or "")[:200], svc.settings.import_batch_size

    def work(job: Job) -> tuple[str, str]:
        def progress(done: int, total: int) -> None:
            job.update(done, total, "importing products")

        report = import_catalog(svc.catalog, creator, data, None, name, batch, progress=progress)
        r = report.as_dict()
        errors = r["errors"]
        said = (f"{r['format']}: {r['rows']} rows, {r['created']} created, {r['updated']} updated, "
                f"{len(errors)} errors")  # fmt: skip
        if errors:
            said += ". " + "; ".join(
                f"row {e.get('row', '?')}: {e.get('message', e)}" if isinstance(e, dict) else str(e)
                for e in errors[:3]
            ) + ("; …" if len(errors) > 3 else "")  # fmt: skip
        return said, "/app/catalog?done=" + quote_plus(said[:600])

    return await _run_job(request, creator, "import", f"Importing {name or 'a file'}", work)


@router.post("/catalog/sync")
async def shopify_sync(request: Request, creator: Creator) -> Response:
    """Pull the connected Shopify store's products now, page by page."""
    shop = request.app.state.shopify
    if not shop.status(creator).get("connected"):
        raise HTTPException(409, "no Shopify store is connected (see the README: Channels)")

    def work(job: Job) -> tuple[str, str]:
        def progress(report: dict[str, Any]) -> None:
            job.update(int(report.get("products", 0)), None, f"page {report.get('pages', 0)}")

        out = shop.sync(creator, progress=progress)
        said = (f"Shopify: {out.get('products', 0)} products, "
                f"{out.get('deactivated', 0)} deactivated")  # fmt: skip
        return said, "/app/catalog?done=" + quote_plus(said)

    return await _run_job(request, creator, "sync", "Syncing Shopify", work)


@router.get("/insights")
def insights_page(request: Request, creator: Creator, days: int = 7) -> HTMLResponse:
    """What fans ask most, what is never answered, what they want, and what it cost."""
    period = days if days in (7, 30, 90) else 7
    since = datetime.now(UTC) - timedelta(days=period)
    numbers = insights(_svc(request).sessions, creator, since)
    return _page(request, "insights.html", creator=creator, page="insights", days=period,
                 n=numbers, base="")  # fmt: skip


@router.get("/insights/digest")
def digest(request: Request, creator: Creator, days: int = 7) -> HTMLResponse:
    """The period's insights as one self-contained HTML file to keep or forward.

    Styles are inlined and links are absolute, so the file reads offline and its links open
    the clusters and conversations it names.
    """
    period = days if days in (7, 30, 90) else 7
    end = datetime.now(UTC)
    svc = _svc(request)
    numbers = insights(svc.sessions, creator, end - timedelta(days=period))
    assert svc.fanout is not None
    pending, _ = svc.fanout.pending(creator, 0, 1)
    out = templates.TemplateResponse(request, "digest.html", {
        "creator": creator, "days": period, "start": end - timedelta(days=period), "end": end,
        "n": numbers, "pending": pending, "base": str(request.base_url).rstrip("/"),
        "css": CSS.read_text(encoding="utf-8"),
    })  # fmt: skip
    name = f"dmpilot-digest-{creator}-{end:%Y-%m-%d}.html"
    out.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return out
