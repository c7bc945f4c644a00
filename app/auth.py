"""Who is calling: API keys checked before any route, body or upload is read.

Rules, by path:
- ``/health`` and the API docs are public; ``/v1/webhooks/instagram/{id}`` and
  ``/v1/webhooks/shopify/{id}`` take Meta's or Shopify's signature (or Meta's verify token)
  instead of a key, checked by the route; ``/app`` (the web app) takes its session cookie,
  checked by its routes, after the same cross-site check;
- ``/v1/creators/{id}`` and everything under it takes that creator's key or the admin key,
  except ``/v1/creators/{id}/keys...`` and deleting the creator (admin only);
- everything else (creating creators, ``/metrics``, unknown paths) takes the admin key.

The check runs as ASGI middleware, so an unauthenticated request never costs a body parse or
a multipart spool, and a route added later is guarded by its path without remembering to.
Keys come in a header only (never the query string, which ends up in logs). A state-changing
request from another site's page is refused even before the key is looked at.
"""

from __future__ import annotations

import hmac
import re
import threading
import time
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Receive, Scope, Send

from app.settings import Settings
from memory.keys import KeyStore

PUBLIC_PATHS = frozenset({"/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
# Called by Meta without a key: the route checks the signature (or the verify token) itself.
_SIGNED_PATH = re.compile(r"^/v1/webhooks/(instagram|shopify)/[^/]+$")
_CREATOR_PATH = re.compile(r"^/v1/creators/([^/]+)(/.*)?$")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: the admin, or one creator's key."""

    admin: bool
    creator_id: str | None = None


def _deny(status: int, detail: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(status_code=status, content={"detail": detail}, headers=headers)


def _token(headers: dict[bytes, bytes]) -> str | None:
    auth = headers.get(b"authorization", b"").decode("latin-1").strip()
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    key = headers.get(b"x-api-key", b"").decode("latin-1").strip()
    return key or None


class _PerKeyLimit:
    """A token bucket per key: ``per_minute`` requests, refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def wait_s(self, key: str) -> float:
        """0 when a request may pass now, else the seconds until one may."""
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self.buckets[key] = (tokens - 1, now)
                return 0.0
            self.buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate


class Authenticate:
    """Pure ASGI middleware that authenticates and authorises every request by its path."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        admin = settings.admin_key
        self.admin_key = admin.get_secret_value().encode() if admin else None
        self.origins = {o.rstrip("/").lower() for o in settings.cors_origins}
        per_minute = settings.key_requests_per_minute
        self.limit = _PerKeyLimit(per_minute) if per_minute else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 401/403/429 here, or pass the request on with ``state.caller`` set."""
        if (
            scope["type"] != "http"
            or scope["path"] in PUBLIC_PATHS
            or _SIGNED_PATH.match(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        denied = self._cross_site(scope["method"], headers)
        if denied is None and (scope["path"] == "/app" or scope["path"].startswith("/app/")):
            await self.app(scope, receive, send)  # the web app checks its session cookie
            return
        token = _token(headers)
        if denied is None and token is None:
            denied = _deny(
                401, "missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"
            )
        caller = None
        if denied is None and token is not None:
            caller = self._caller(scope, token)
            if caller is None:
                denied = _deny(401, "invalid or revoked API key")
            else:
                denied = self._authorise(scope["method"], scope["path"], caller)
        if denied is None and self.limit is not None and token is not None:
            wait = self.limit.wait_s(token)
            if wait:
                denied = _deny(429, "too many requests for this API key")
                denied.headers["Retry-After"] = str(max(1, round(wait)))
        if denied is not None:
            await denied(scope, receive, send)
            return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, receive, send)

    def _caller(self, scope: Scope, token: str) -> Caller | None:
        if self.admin_key is not None and hmac.compare_digest(token.encode(), self.admin_key):
            return Caller(admin=True)
        keys: KeyStore = scope["app"].state.services.keys
        creator_id = keys.verify(token)
        return Caller(admin=False, creator_id=creator_id) if creator_id else None

    @staticmethod
    def _authorise(method: str, path: str, caller: Caller) -> JSONResponse | None:
        if caller.admin:
            return None
        match = _CREATOR_PATH.match(path)
        rest = match.group(2) or "" if match else ""
        if match is None or rest.startswith("/keys") or (method == "DELETE" and rest in ("", "/")):
            return _deny(403, "this route needs the admin key")
        if match.group(1) != caller.creator_id:
            return _deny(403, f"this API key cannot access creator '{match.group(1)}'")
        return None

    def _cross_site(self, method: str, headers: dict[bytes, bytes]) -> JSONResponse | None:
        """Refuse a state-changing request sent by a page of another site (CSRF)."""
        if method in _SAFE_METHODS:
            return None
        origin = headers.get(b"origin", b"").decode("latin-1").rstrip("/").lower()
        fetch_site = headers.get(b"sec-fetch-site", b"").decode("latin-1").lower()
        if not origin:
            return _deny(403, "cross-site request refused") if fetch_site == "cross-site" else None
        if origin in self.origins:
            return None
        host = headers.get(b"host", b"").decode("latin-1").lower()
        if origin != "null" and urlsplit(origin).netloc == host:
            return None
        return _deny(403, f"cross-site request refused: origin '{origin}' is not allowed")


_bearer = HTTPBearer(auto_error=False, description="A creator's API key, or the admin key.")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="Same key, other header.")


def current_caller(
    request: Request,
    _bearer_key: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    _header_key: Annotated[str | None, Security(_api_key)] = None,
) -> Caller:
    """The caller the middleware authenticated (the parameters document the schemes)."""
    caller: Caller = request.state.caller
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]
