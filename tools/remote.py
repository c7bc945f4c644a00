"""Calls to a channel's API: one error type and one retry policy for every client.

A read (idempotent) is retried on 429, 5xx, timeouts and connection errors. A send is retried
only when it certainly did not arrive (429, a connection never made, a 5xx whose error says it
is transient); any other 5xx or a timeout after the request went out is ``ambiguous``: the
message may have been delivered, so it is not sent again but shown to a person.
``Retry-After`` is honoured (capped at 30 s), else exponential backoff; attempts are bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from tenacity import RetryCallState, retry, retry_if_exception, stop_after_attempt, wait_exponential

T = TypeVar("T")


class RemoteError(Exception):
    """A channel API call failed; ``retryable`` for 429/5xx/timeouts."""

    def __init__(
        self, message: str, status: int | None = None, retryable: bool = False,
        ambiguous: bool = False,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.ambiguous = ambiguous  # a send that may have been delivered
        self.retry_after: float | None = None


def _wait(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    backoff = wait_exponential(multiplier=0.2, max=5)(state)
    if isinstance(error, RemoteError) and error.retry_after is not None:
        return min(error.retry_after, 30.0)
    return float(backoff)


def retrying(call: Callable[..., T], attempts: int) -> Callable[..., T]:
    """``call`` retried on retryable ``RemoteError``s, at most ``attempts`` times."""
    return retry(
        retry=retry_if_exception(lambda e: isinstance(e, RemoteError) and e.retryable),
        stop=stop_after_attempt(attempts),
        wait=_wait,
        reraise=True,
    )(call)


def checked(
    send: Callable[[], httpx.Response], name: str, idempotent: bool = True
) -> httpx.Response:
    """One request, its failure turned into a ``RemoteError`` (retryable, ambiguous or not)."""
    try:
        r = send()
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as e:
        raise RemoteError(f"{name} unreachable: {type(e).__name__}", retryable=True) from e
    except httpx.TransportError as e:  # sent, no answer: delivered or not, nobody knows
        raise RemoteError(f"{name} gave no answer: {type(e).__name__}",
                          retryable=idempotent, ambiguous=not idempotent) from e  # fmt: skip
    if r.status_code >= 500 and not idempotent and not _transient(r):
        raise RemoteError(f"{name} {r.status_code}", r.status_code, ambiguous=True)
    if r.status_code == 429 or r.status_code >= 500:
        error = RemoteError(f"{name} {r.status_code}", r.status_code, retryable=True)
        try:
            error.retry_after = float(r.headers.get("Retry-After", ""))
        except ValueError:
            pass
        raise error
    if r.status_code >= 400:
        detail = ""
        try:
            body: Any = r.json()
            detail = (
                str((body.get("error") or {}).get("message", ""))
                if isinstance(body, dict) and isinstance(body.get("error"), dict)
                else ""
            )
        except ValueError:
            pass
        raise RemoteError(f"{name} {r.status_code}{': ' + detail[:300] if detail else ''}",
                          r.status_code)  # fmt: skip
    return r


def _transient(r: httpx.Response) -> bool:
    """Whether a 5xx says the request was not processed, so sending again is safe.

    Meta marks those ``is_transient`` or code 2 ("service temporarily unavailable"); any other
    5xx may have gone out.
    """
    try:
        body = r.json()
    except ValueError:
        return False
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and (error.get("is_transient") is True or error.get("code") == 2)


def json_of(r: httpx.Response, name: str) -> dict[str, Any]:
    """The response's JSON object."""
    try:
        body = r.json()
    except ValueError as e:
        raise RemoteError(f"{name} answered without JSON", r.status_code) from e
    if not isinstance(body, dict):
        raise RemoteError(f"{name} answered without a JSON object", r.status_code)
    return body
