"""A creator's Shopify store kept in sync: a full sync from the Admin API, then webhooks.

The sync reads every product page (cursor pagination, rate-limit aware), upserts them by
Shopify id (unchanged products cost nothing: their text hash is the same, so nothing is
re-embedded) and deactivates products the shop no longer has. After that, signed webhooks
(``products/create``, ``products/update``, ``products/delete``, ``inventory_levels/update``)
change one product or one variant's stock inside the request, so the next search sees it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.channels import ForbiddenError, UnauthorizedError, now_utc
from app.services import Services
from memory.catalog import BadRequestError, NotFoundError
from memory.channels import (
    ChannelAccount,
    ChannelAccounts,
    ChannelEvent,
    SecretBox,
    ShopifyInventory,
)
from memory.importers import shopify_items
from memory.models import Product
from tools.shopify import TOPICS, AdminClient, verify_hmac

log = logging.getLogger("dmpilot.shopify")
CHANNEL = "shopify"


class Shopify:
    """Per-creator Shopify: connect, sync, apply webhooks."""

    def __init__(self, svc: Services, box: SecretBox, client: AdminClient | None = None) -> None:
        self.svc = svc
        self.sessions = svc.sessions
        self.box = box
        self.accounts = ChannelAccounts(svc.sessions, box)
        settings = svc.settings
        self.client = client or AdminClient(
            settings.shopify_api_base, settings.graph_timeout_s, settings.graph_attempts
        )

    def close(self) -> None:
        """Close the HTTP pool."""
        self.client.close()

    # -- credentials --------------------------------------------------------------------------
    def connect(self, creator_id: str, shop: str, secrets: dict[str, str]) -> dict[str, Any]:
        """Store (or replace) the store and its credentials, encrypted."""
        self.svc.catalog.get_creator(creator_id)
        self.accounts.save(creator_id, CHANNEL, shop, secrets)
        return self.status(creator_id)

    def disconnect(self, creator_id: str) -> None:
        """Forget the credentials (the imported catalog stays)."""
        self.accounts.remove(creator_id, CHANNEL)

    def status(self, creator_id: str) -> dict[str, Any]:
        """The store, which credentials are set (never their values), the last sync."""
        self.svc.catalog.get_creator(creator_id)
        with self.sessions() as s:
            row = s.get(ChannelAccount, (creator_id, CHANNEL))
            secrets = self.box.open(row.secrets) if row is not None else {}
            return {
                "channel": CHANNEL,
                "connected": row is not None,
                "shop": row.account_id if row is not None else None,
                "credentials_set": sorted(k for k, v in secrets.items() if v),
                "webhook_path": f"/v1/webhooks/shopify/{creator_id}",
                "topics": list(TOPICS),
                "last_sync": (row.state or {}).get("last_sync") if row is not None else None,
            }

    def _credentials(self, creator_id: str) -> tuple[str, dict[str, str]]:
        row, secrets = self.accounts.load(creator_id, CHANNEL)
        return row.account_id, secrets

    # -- the full sync ------------------------------------------------------------------------
    def sync(
        self, creator_id: str, progress: Callable[[dict[str, Any]], None] | None = None
    ) -> dict[str, Any]:
        """Every product from the Admin API; products gone from the shop are deactivated.

        ``progress(report)`` after each page (the CLI prints it).
        """
        shop, secrets = self._credentials(creator_id)
        catalog = self.svc.catalog
        report: dict[str, Any] = {"pages": 0, "products": 0, "created": 0, "updated": 0,
                                  "unchanged": 0, "errors": [], "deactivated": 0}  # fmt: skip
        seen: set[str] = set()
        for page in self.client.products(shop, secrets.get("access_token", "")):
            report["pages"] += 1
            parsed, errors = shopify_items(list(enumerate(page, start=1)), f"https://{shop}")
            report["errors"] += [e.message for e in errors][:20]
            if parsed:
                res = catalog.upsert_products(creator_id, [p.product for p in parsed], sync=False)
                for key in ("created", "updated", "unchanged"):
                    report[key] += getattr(res, key)
            # Everything the shop listed counts as still there, even a product this run could
            # not read (it keeps its last good version rather than vanishing).
            seen |= {str(p.get("id")) for p in page if p.get("id") is not None}
            self._remember_inventory(creator_id, page)
            report["products"] += len(page)
            log.info("shopify sync %s: page %d, %d products", creator_id, report["pages"],
                     report["products"])  # fmt: skip
            if progress is not None:
                progress(report)
        with self.sessions() as s:
            synced = {
                str(sid)
                for sid, meta in s.execute(
                    select(Product.source_id, Product.meta).where(
                        Product.creator_id == creator_id, Product.is_active.is_(True)
                    )
                ).all()
                # Only products that came from this shop's API: a file import stays as it is.
                if sid and isinstance(meta, dict) and meta.get("shopify_id") is not None
            }
        report["deactivated"] = catalog.deactivate_sources(creator_id, sorted(synced - seen))
        catalog.sync_vectors(creator_id)
        with self.sessions.begin() as s:
            row = s.get(ChannelAccount, (creator_id, CHANNEL))
            if row is not None:
                row.state = {
                    **(row.state or {}),
                    "last_sync": {**report, "at": now_utc().isoformat()},
                }
        return report

    def _remember_inventory(self, creator_id: str, products: list[dict[str, Any]]) -> None:
        """Inventory item id -> variant (the stock webhooks name the item, not the variant)."""
        with self.sessions.begin() as s:
            for p in products:
                for v in p.get("variants") or []:
                    item, vid = v.get("inventory_item_id"), v.get("id")
                    if item is None or vid is None:
                        continue
                    s.execute(
                        sqlite_insert(ShopifyInventory)
                        .values(creator_id=creator_id, inventory_item_id=str(item),
                                variant_source_id=str(vid), levels={})
                        .on_conflict_do_update(
                            index_elements=["creator_id", "inventory_item_id"],
                            set_={"variant_source_id": str(vid)},
                        )
                    )  # fmt: skip

    # -- webhooks -----------------------------------------------------------------------------
    def receive(
        self, creator_id: str, raw: bytes, signature: str | None, topic: str | None,
        webhook_id: str | None, shop_domain: str | None,
    ) -> dict[str, Any]:  # fmt: skip
        """Verify, drop a retried delivery, apply the change now (search sees it at once)."""
        try:
            shop, secrets = self._credentials(creator_id)
        except NotFoundError:  # answered like a forged call: who is connected is not told
            shop, secrets = "", {}
        if not shop or not verify_hmac(secrets.get("webhook_secret", ""), raw, signature):
            raise UnauthorizedError("X-Shopify-Hmac-Sha256 does not match the body")
        if shop_domain is not None and shop_domain != shop:
            raise ForbiddenError(f"webhook from {shop_domain}, not the connected shop")
        if topic not in TOPICS:
            return {"applied": False, "duplicate": False, "topic": topic or ""}
        try:
            payload = json.loads(raw)
            if not isinstance(payload, dict):
                raise ValueError("not a JSON object")
        except ValueError as e:
            raise BadRequestError(f"not a Shopify webhook body: {e}") from e
        key = (webhook_id or "")[:256]
        if key:
            with self.sessions() as s:
                seen = s.scalar(
                    select(ChannelEvent.id).where(
                        ChannelEvent.creator_id == creator_id,
                        ChannelEvent.channel == CHANNEL,
                        ChannelEvent.event_id == key,
                    )
                )
            if seen is not None:
                return {"applied": False, "duplicate": True, "topic": topic}
        # Applied first, remembered after: a failure leaves no mark, so Shopify's retry of the
        # same delivery is applied (applying twice is harmless: an upsert, a stock level).
        applied = self._apply(creator_id, secrets, shop, topic, payload)
        if key:
            with self.sessions.begin() as s:
                s.execute(
                    sqlite_insert(ChannelEvent).values(
                        creator_id=creator_id, channel=CHANNEL, event_id=key, kind=topic,
                        customer_id="", sender_id=shop, text="",
                        detail={"id": str(payload.get("id") or payload.get("inventory_item_id"))},
                        sent_at=now_utc(), status="done", attempts=1, received_at=now_utc(),
                        processed_at=now_utc(),
                    ).on_conflict_do_nothing(index_elements=["creator_id", "channel", "event_id"])
                )  # fmt: skip
        return {"applied": applied, "duplicate": False, "topic": topic}

    def _apply(
        self, creator_id: str, secrets: dict[str, str], shop: str, topic: str,
        payload: dict[str, Any],
    ) -> bool:  # fmt: skip
        catalog = self.svc.catalog
        if topic in ("products/create", "products/update"):
            parsed, errors = shopify_items([(1, payload)], f"https://{shop}")
            if errors or not parsed:
                raise BadRequestError(errors[0].message if errors else "no product in the body")
            product = parsed[0].product
            if self._older_than_stored(creator_id, product.source_id, payload.get("updated_at")):
                return False  # an update that arrived after a newer one: not applied
            catalog.upsert_products(creator_id, [product], sync=True)
            self._remember_inventory(creator_id, [payload])
            return True
        if topic == "products/delete":
            return catalog.deactivate_sources(creator_id, [str(payload.get("id", ""))]) > 0
        # inventory_levels/update names one location's level: the variant's stock is the sum
        # over every location, read back from the Admin API (a 5xx here makes Shopify retry).
        item = str(payload.get("inventory_item_id", ""))
        with self.sessions() as s:
            row = s.get(ShopifyInventory, (creator_id, item))
            variant = row.variant_source_id if row is not None else None
        if variant is None:
            return False  # an item of a product not synced yet: the next sync has it
        total = self.client.available(shop, secrets.get("access_token", ""), item)
        return catalog.set_variant_stock(creator_id, variant, total)

    def _older_than_stored(self, creator_id: str, source_id: str | None, when: Any) -> bool:
        """Whether a product update is older than the version already stored."""
        if not source_id or not isinstance(when, str):
            return False
        with self.sessions() as s:
            meta = s.scalar(
                select(Product.meta).where(
                    Product.creator_id == creator_id, Product.source_id == source_id
                )
            )
        stored = meta.get("updated_at") if isinstance(meta, dict) else None
        if not isinstance(stored, str):
            return False
        try:
            return datetime.fromisoformat(when) < datetime.fromisoformat(stored)
        except ValueError:
            return False
