"""A fake Meta Graph API on 127.0.0.1: records what dmpilot sends, fails on request.

Started by the tests (uvicorn in a thread on a free port); never the network.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.local_server import LocalServer


class FakeGraph:
    """``POST /{id}/messages`` and ``POST /{comment}/replies``, like graph.instagram.com."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []  # every accepted call, in order
        self.calls = 0
        # The next answers: (status, headers[, error body]); without a body, Meta's error shape.
        self.failures: deque[tuple[Any, ...]] = deque()
        self.delay_s = 0.0
        self._lock = threading.Lock()
        app = FastAPI()

        @app.post("/{node}/messages")
        async def messages(node: str, request: Request) -> Any:
            return await self._record("message", node, request)

        @app.post("/{node}/replies")
        async def replies(node: str, request: Request) -> Any:
            return await self._record("reply", node, request)

        self.app = app
        self._server = LocalServer(app)
        self.url = self._server.url

    async def _record(self, kind: str, node: str, request: Request) -> Any:
        body = await request.json()
        with self._lock:
            self.calls += 1
            failure = self.failures.popleft() if self.failures else None
        if self.delay_s:
            time.sleep(self.delay_s)
        if failure is not None:
            status, headers, *rest = failure
            body = rest[0] if rest else {"error": {"message": "fake failure", "code": 1}}
            return JSONResponse(body, status_code=status, headers=headers)
        with self._lock:
            self.sent.append({"kind": kind, "node": node, "body": body,
                              "auth": request.headers.get("authorization", "")})  # fmt: skip
            n = len(self.sent)
        return {"message_id": f"mid.fake.{n}", "id": f"reply.fake.{n}", "recipient_id": "x"}

    def __enter__(self) -> FakeGraph:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()
