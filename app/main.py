"""FastAPI app factory: lifespan opens the services once; errors are readable 4xx bodies."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import __version__
from app.auth import Authenticate, current_caller
from app.channels import Instagram
from app.jobs import Jobs
from app.routes_accounts import router as accounts_router
from app.routes_catalog import router as catalog_router
from app.routes_channels import router as channels_router
from app.routes_channels import webhooks as webhooks_router
from app.routes_conversations import router as conversations_router
from app.routes_fanout import router as fanout_router
from app.schemas import ErrorOut
from app.services import Services, open_services
from app.settings import Settings, get_settings
from app.shopify import Shopify
from app.web import SignIn, error_page, form_problems, is_web
from app.web import router as web_router
from memory.catalog import BadRequestError, ConflictError, NotFoundError
from memory.importers import ImportFormatError
from memory.jobs import JobStore
from memory.keys import WebSessions

log = logging.getLogger("dmpilot.api")


class Metrics:
    """Per-app Prometheus registry (a fresh one per app keeps tests independent)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "dmpilot_http_requests_total", "HTTP requests", ["method", "route", "status"],
            registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "dmpilot_http_request_duration_seconds", "HTTP request latency", ["method", "route"],
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )  # fmt: skip


class GuardAndMeasure:
    """Pure ASGI middleware: body-size guard plus request metrics.

    ``@app.middleware("http")`` (BaseHTTPMiddleware) wraps every request in an extra task and
    stream; under 8 concurrent clients that cost ~1 ms of CPU per request.
    """

    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Reject oversized bodies, declared or streamed; count and time everything."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_upload = scope["path"].endswith("/catalog/import")
        limit = self.settings.max_upload_bytes if is_upload else self.settings.max_body_bytes
        length = dict(scope["headers"]).get(b"content-length", b"")
        start = time.perf_counter()
        status, started, received = 500, False, 0
        too_large = f"request body larger than {limit} bytes"

        async def counted() -> Message:
            # A chunked body has no Content-Length: count what arrives and stop at the limit.
            # HTTPException passes through FastAPI's body parsing as the 413 it is.
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413, too_large)
            return message

        async def send_status(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
            await send(message)

        try:
            if length.isdigit() and int(length) > limit:
                await _error(413, too_large)(scope, receive, send)
                status = 413
            else:
                await self.app(scope, counted, send_status)
        except HTTPException as exc:  # raised by ``counted`` outside FastAPI's handlers
            if exc.status_code != 413 or started:
                raise
            await _error(413, too_large)(scope, receive, send)
            status = 413
        finally:
            template = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - start)


ERROR_STATUSES = {
    400: "Well-formed, but cannot be done as asked (the detail says why)",
    401: "No API key, or an unknown or revoked one",
    403: "The key may not reach this creator or route, or a cross-site request",
    404: "Unknown creator, or no such object for this creator",
    409: "Conflicts with the current state (taken id, decided twice, answered already)",
    413: "Request body over the size limit",
    422: "Invalid input: one item per field in `errors`",
    429: "Over the per-key request limit (see Retry-After)",
}


def _error(status: int, detail: str, errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(status_code=status, content=body)


def _readable(errors: list[Any]) -> tuple[str, list[dict[str, Any]]]:
    items = []
    for e in errors:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        items.append({"field": loc, "message": e.get("msg", "invalid")})
    text = "; ".join(f"{i['field']}: {i['message']}" for i in items[:5])
    return f"invalid request: {text}", items


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the API; pass ``settings`` (tests) or rely on ``DMPILOT_*`` env vars."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = services is None
        app.state.services = services or open_services(settings)
        if own:
            master = os.environ.get("DMPILOT_MASTER_PID", "")
            if master.isdigit() and int(master) != os.getpid():
                app.state.services.watch_master(int(master))
            app.state.services.start_recovery()
            app.state.services.warm_up()
            app.state.services.start_recluster_schedule()
            app.state.services.start_maintenance_schedule()
        app.state.instagram = Instagram(app.state.services)
        if app.state.services.outbox is not None:
            app.state.services.outbox.on_queued = app.state.instagram.wake
        app.state.instagram.start()
        app.state.shopify = Shopify(app.state.services, app.state.instagram.box)
        app.state.jobs = Jobs(JobStore(app.state.services.sessions, settings.job_max_runtime_s))
        app.state.web_sessions = WebSessions(
            app.state.services.sessions, app.state.services.keys, settings.web_session_ttl_s
        )
        try:
            yield
        finally:
            app.state.shopify.close()
            app.state.instagram.close()
            if own:
                app.state.services.close()

    app = FastAPI(
        title="dmpilot",
        version=__version__,
        description="Answers creators' DMs with a LangGraph state machine; offline by default.",
        lifespan=lifespan,
    )
    metrics = Metrics()
    app.state.metrics = metrics

    # Outermost first: Host check, CORS (preflights answered before auth), size guard and
    # metrics, then who is calling.
    app.add_middleware(Authenticate, settings=settings)
    app.add_middleware(GuardAndMeasure, settings=settings, metrics=metrics)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "Idempotency-Key"],
        )  # fmt: skip
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)

    def _reply(request: Request, status: int, detail: str,
               errors: list[dict[str, Any]] | None = None) -> Response:  # fmt: skip
        """JSON for the API; a readable page for the web app's own paths."""
        if is_web(request.url.path):
            return error_page(request, status, detail)
        return _error(status, detail, errors)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if is_web(request.url.path):
            return error_page(request, exc.status_code, str(exc.detail), exc.headers)
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        detail, items = _readable(list(exc.errors()))
        if is_web(request.url.path):
            return error_page(request, 422, form_problems(items))
        return _error(422, detail, items)

    @app.exception_handler(ValidationError)
    async def _pydantic(request: Request, exc: ValidationError) -> Response:
        detail, items = _readable(list(exc.errors()))
        if is_web(request.url.path):
            return error_page(request, 422, form_problems(items))
        return _error(422, detail, items)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return _reply(request, 404, str(exc))

    @app.exception_handler(ConflictError)
    async def _conflict(request: Request, exc: ConflictError) -> Response:
        return _reply(request, 409, str(exc))

    @app.exception_handler(ImportFormatError)
    async def _bad_file(request: Request, exc: ImportFormatError) -> Response:
        return _reply(request, 400, str(exc))

    @app.exception_handler(BadRequestError)
    async def _bad_request(request: Request, exc: BadRequestError) -> Response:
        return _reply(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _reply(request, 500, f"internal error ({type(exc).__name__})")

    @app.get(
        "/health", tags=["ops"],
        responses={503: {"description": "A store failed its probe (the body says which)"}},
    )  # fmt: skip
    def health(request: Request) -> JSONResponse:
        """Database and vector store probes; 503 when one fails."""
        checks = request.app.state.services.health()
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            status_code=200 if ok else 503,
            content={"status": "ok" if ok else "degraded", "version": __version__, **checks},
        )

    @app.get(
        "/metrics", tags=["ops"], response_class=PlainTextResponse,
        responses={s: {"model": ErrorOut, "description": ERROR_STATUSES[s]} for s in (401, 403)},
    )  # fmt: skip
    def prometheus() -> Response:
        """Prometheus exposition format."""
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    guarded: dict[str, Any] = {
        "dependencies": [Depends(current_caller)],
        "responses": {
            status: {"model": ErrorOut, "description": why}
            for status, why in ERROR_STATUSES.items()
        },
    }
    app.include_router(accounts_router, **guarded)
    app.include_router(catalog_router, **guarded)
    app.include_router(conversations_router, **guarded)
    app.include_router(fanout_router, **guarded)
    app.include_router(channels_router, **guarded)
    # The web app: its own sign-in (a session cookie), pages outside the OpenAPI document.
    app.include_router(web_router)
    app.mount("/app/static", StaticFiles(directory=Path(__file__).parent / "static"), "static")

    @app.exception_handler(SignIn)
    async def sign_in_first(request: Request, exc: SignIn) -> Response:
        return RedirectResponse("/app/login", status_code=303)

    # Meta calls these without an API key: the signature (or verify token) is checked instead.
    app.include_router(
        webhooks_router,
        responses={s: {"model": ErrorOut, "description": why}
                   for s, why in ERROR_STATUSES.items()},
    )  # fmt: skip
    return app
