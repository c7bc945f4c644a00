"""A fake Shopify Admin API on 127.0.0.1: products.json with cursor pages, rate-limit headers."""

from __future__ import annotations

import copy
from collections import deque
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.local_server import LocalServer


class FakeShopify:
    """``GET /{shop}/admin/api/{version}/products.json`` like Shopify's REST Admin API."""

    def __init__(self, products: list[dict[str, Any]], page_size: int = 10) -> None:
        self.products = [self._with_inventory(p) for p in products]
        # Stock per location of each inventory item (Shopify's inventory_levels), one location
        # holding each variant's quantity to start with.
        self.levels: dict[str, list[dict[str, int]]] = {
            str(v["inventory_item_id"]): [
                {"location_id": 1, "available": int(v.get("inventory_quantity") or 0)}]
            for p in self.products for v in p.get("variants") or []
        }  # fmt: skip
        self.page_size = page_size
        self.requests: list[dict[str, Any]] = []
        self.failures: deque[tuple[int, dict[str, str]]] = deque()
        app = FastAPI()

        @app.get("/{shop}/admin/api/{version}/products.json")
        def products_page(shop: str, version: str, request: Request) -> Any:
            self.requests.append({"shop": shop, "query": dict(request.query_params),
                                  "token": request.headers.get("x-shopify-access-token")})  # fmt: skip
            if self.failures:
                status, headers = self.failures.popleft()
                return JSONResponse({"errors": "fake"}, status_code=status, headers=headers)
            limit = min(int(request.query_params.get("limit", 50)), self.page_size)
            start = int(request.query_params.get("page_info", "0") or 0)
            page = self.products[start : start + limit]
            headers = {"X-Shopify-Shop-Api-Call-Limit": f"{len(self.requests) % 40}/40"}
            if start + limit < len(self.products):
                nxt = f"{request.base_url}{shop}/admin/api/{version}/products.json"
                headers["Link"] = f'<{nxt}?limit={limit}&page_info={start + limit}>; rel="next"'
            return JSONResponse({"products": page}, headers=headers)

        @app.get("/{shop}/admin/api/{version}/inventory_levels.json")
        def levels(shop: str, version: str, request: Request) -> Any:
            item = request.query_params.get("inventory_item_ids", "")
            return {
                "inventory_levels": [
                    {"inventory_item_id": int(item), **lv} for lv in self.levels.get(item, [])
                ]
            }

        self._server = LocalServer(app)
        self.url = self._server.url

    @staticmethod
    def _with_inventory(product: dict[str, Any]) -> dict[str, Any]:
        """Admin API variants carry an inventory item id (stock webhooks name it)."""
        p = copy.deepcopy(product)
        for v in p.get("variants") or []:
            v.setdefault("inventory_item_id", 900_000_000 + int(v["id"]))
        return p

    def __enter__(self) -> FakeShopify:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()
