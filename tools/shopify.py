"""Shopify's Admin API and webhooks: the calls and checks dmpilot needs to mirror a catalog.

- ``verify_hmac``: ``X-Shopify-Hmac-Sha256`` is the base64 HMAC-SHA256 of the raw body with
  the app's client secret, compared in constant time.
- ``AdminClient.products``: every product (with variants and their inventory item ids) from
  ``GET /admin/api/{version}/products.json``, a page at a time, following the ``Link`` header's
  ``rel="next"`` cursor (``page_info``), slowing down as ``X-Shopify-Shop-Api-Call-Limit``
  fills up, and retrying 429/5xx/timeouts (``Retry-After`` honoured, bounded).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx

from tools.remote import RemoteError, checked, json_of, retrying

PAGE = 250  # Shopify's largest page
TOPICS = ("products/create", "products/update", "products/delete", "inventory_levels/update")
_NEXT = re.compile(r'<([^>]+)>;\s*rel="?next"?')
_SHOP = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$")


def valid_shop(domain: str) -> bool:
    """A ``*.myshopify.com`` domain (the Admin API's host; never an arbitrary URL)."""
    return bool(_SHOP.match(domain))


def verify_hmac(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the base64 HMAC-SHA256 of ``body`` with ``secret``."""
    if not secret or not header:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, header.strip().encode("utf-8", "replace"))


def sign(secret: str, body: bytes) -> str:
    """The ``X-Shopify-Hmac-Sha256`` value Shopify would send (tests and fakes)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class AdminClient:
    """Read-only Admin API calls, retried on transient failures."""

    def __init__(
        self, base: str, timeout: float = 20.0, attempts: int = 4,
        transport: httpx.BaseTransport | None = None,
    ) -> None:  # fmt: skip
        self.base = base  # with ``{shop}``, e.g. https://{shop}/admin/api/2025-10
        self._http = httpx.Client(timeout=timeout, transport=transport)
        self.attempts = attempts

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def products(self, shop: str, token: str, page: int = PAGE) -> Iterator[list[dict[str, Any]]]:
        """Pages of product objects, oldest cursor first, until there is no next page."""
        url: str | None = f"{self.base.format(shop=shop)}/products.json?limit={page}"
        seen = 0
        while url is not None and seen < 100_000:  # bounded: 25M products at 250 a page
            body, headers = self._get(url, token)
            seen += 1
            yield [p for p in body.get("products") or [] if isinstance(p, dict)]
            match = _NEXT.search(headers.get("link", ""))
            url = match.group(1) if match else None
            if url is not None and not url.startswith(self.base.format(shop=shop) + "/"):
                raise RemoteError(f"Shopify's next page points elsewhere: {url[:100]}")
            _pace(headers.get("x-shopify-shop-api-call-limit", ""))

    def _get(self, url: str, token: str) -> tuple[dict[str, Any], httpx.Headers]:
        def once() -> tuple[dict[str, Any], httpx.Headers]:
            r = checked(
                lambda: self._http.get(url, headers={"X-Shopify-Access-Token": token}), "Shopify"
            )
            return json_of(r, "Shopify"), r.headers

        return retrying(once, self.attempts)()

    def available(self, shop: str, token: str, inventory_item_id: str) -> int:
        """An inventory item's stock summed over every location (``inventory_levels.json``)."""
        url = (f"{self.base.format(shop=shop)}/inventory_levels.json"
               f"?inventory_item_ids={inventory_item_id}")  # fmt: skip
        body, _ = self._get(url, token)
        levels = [lv for lv in body.get("inventory_levels") or [] if isinstance(lv, dict)]
        return sum(int(lv.get("available") or 0) for lv in levels)


def _pace(limit: str) -> None:
    """Wait a little when the leaky bucket (``used/size``, refilling 2/s) is nearly full."""
    try:
        used, size = (int(x) for x in limit.split("/"))
    except ValueError:
        return
    if size and used / size >= 0.8:
        time.sleep(min(2.0, (used - 0.5 * size) / 2))
