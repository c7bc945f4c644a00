"""Catalog import: CSV, dmpilot JSON and Shopify ``products.json`` (docs/catalog-formats.md).

Parsing validates every row with Pydantic and collects row errors instead of stopping; valid
products are written in batches, each batch one SQL transaction followed by a vector sync.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from memory.catalog import Catalog, UpsertResult
from memory.schemas import ProductIn, VariantIn

Format = Literal["csv", "json", "shopify", "shopify_csv"]
FORMATS: tuple[str, ...] = ("csv", "json", "shopify", "shopify_csv")


class ImportFormatError(ValueError):
    """The file as a whole cannot be read in the given format."""


@dataclass
class RowError:
    """One rejected row (CSV line number, or 1-based product position in JSON)."""

    row: int
    message: str
    source_id: str | None = None


@dataclass
class ParsedProduct:
    """A validated product and the row it started on."""

    row: int
    product: ProductIn


@dataclass
class ImportReport:
    """What an import did."""

    format: str
    rows: int = 0
    products: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    embedded: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the API and CLI."""
        return {
            "format": self.format,
            "rows": self.rows,
            "products": self.products,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "embedded": self.embedded,
            "errors": [e.__dict__ for e in self.errors],
        }


def _error_text(exc: ValidationError | ValueError) -> str:
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"]) or "product"
            parts.append(f"{loc}: {err['msg']}")
        return "; ".join(parts)
    return str(exc)


def _as_bool(value: str | None, default: bool, name: str = "value") -> bool:
    if value is None or str(value).strip() == "":
        return default
    v = str(value).strip().lower()
    if v in {"1", "true", "yes", "y", "t"}:
        return True
    if v in {"0", "false", "no", "n", "f"}:
        return False
    raise ValueError(f"{name}: not a boolean: {value!r}")


def _split_list(value: str | None) -> list[str]:
    if not value:
        return []
    sep = "|" if "|" in value else ","
    return [p.strip() for p in value.split(sep) if p.strip()]


def _blank_none(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in {"p", "br", "li", "div", "h1", "h2", "h3", "h4", "tr"}:
            self.parts.append("\n")


def strip_html(html: str | None) -> str:
    """Visible text of an HTML fragment, whitespace collapsed.

    A block (paragraph, list item, line break) ends a line, so "<li>batteries not
    included</li><li>Fits most brands</li>" stays two statements a yes or no can rest on.
    """
    if not html:
        return ""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = re.sub(r"[^\S\n]+", " ", "".join(parser.parts))
    return re.sub(r"\s*\n\s*", "\n", text).strip()


# -- CSV: one row per variant, grouped by product_id ---------------------------------------
CSV_PRODUCT_FIELDS = {
    "product_id", "name", "description", "short_description", "category", "tags", "brand",
    "base_price", "currency", "image_url", "images", "url", "featured", "active", "metadata",
}  # fmt: skip
CSV_VARIANT_FIELDS = {
    "variant_id", "sku", "variant_name", "price", "compare_at_price", "stock", "available",
}  # fmt: skip


def parse_csv(text: str) -> tuple[list[ParsedProduct], list[RowError], int]:
    """Parse the CSV format; returns products, row errors and the number of data rows."""
    # newline="": the csv module splits records itself, so a bare "\r" (old Mac line ends, or
    # one inside a field) is a line end or field text, not a parse error.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _parse_csv_rows(reader)
    except csv.Error as exc:  # what the csv module still refuses (e.g. a NUL byte)
        raise ImportFormatError(f"unreadable CSV: {exc}") from exc


def _parse_csv_rows(reader: csv.DictReader[str]) -> tuple[list[ParsedProduct], list[RowError], int]:
    if not reader.fieldnames:
        raise ImportFormatError("CSV has no header row")
    header = [h.strip().lower() for h in reader.fieldnames]
    if "name" not in header and "product_id" not in header:
        raise ImportFormatError("CSV needs a 'name' or 'product_id' column")
    unknown = [
        h for h in header
        if h not in CSV_PRODUCT_FIELDS | CSV_VARIANT_FIELDS and not h.startswith("option_")
    ]  # fmt: skip
    if unknown:
        raise ImportFormatError(f"unknown CSV column(s): {', '.join(unknown)}")
    reader.fieldnames = header
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    errors: list[RowError] = []
    rows = 0
    for line_no, raw in enumerate(reader, start=2):
        rows += 1
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        key = row.get("product_id") or f"__row{line_no}"
        groups.setdefault(key, []).append((line_no, row))
    products: list[ParsedProduct] = []
    for key, group in groups.items():
        first_line = group[0][0]
        head: dict[str, str] | None = None
        variants: list[VariantIn] = []
        failed_rows = 0
        for line_no, row in group:
            try:
                if head is None and row.get("name"):
                    head = row
                has_variant = any(row.get(f) for f in ("sku", "variant_id", "price")) or any(
                    k.startswith("option_") and v for k, v in row.items()
                )
                if has_variant:
                    variants.append(
                        VariantIn(
                            source_id=_blank_none(row.get("variant_id")),
                            sku=_blank_none(row.get("sku")),
                            name=row.get("variant_name", ""),
                            options={
                                k[len("option_") :]: v
                                for k, v in row.items()
                                if k.startswith("option_") and v
                            },
                            price=row.get("price") or row.get("base_price") or None,  # type: ignore[arg-type]
                            compare_at_price=_blank_none(row.get("compare_at_price")),  # type: ignore[arg-type]
                            stock=_blank_none(row.get("stock")),  # type: ignore[arg-type]
                            available=_as_bool(row.get("available"), True, "available"),
                        )
                    )
            except (ValidationError, ValueError) as exc:
                failed_rows += 1
                errors.append(RowError(line_no, _error_text(exc), row.get("product_id") or None))
        if failed_rows and not variants:
            continue  # every variant row was rejected; those row errors say why
        if head is None:
            if not any(e.row == first_line for e in errors):
                errors.append(RowError(first_line, "name: no row of this product has a name", key))
            continue
        try:
            meta = json.loads(head["metadata"]) if head.get("metadata") else {}
            product = ProductIn(
                source_id=_blank_none(head.get("product_id")),
                name=head["name"],
                description=head.get("description", ""),
                short_description=head.get("short_description", ""),
                category=head.get("category", ""),
                tags=_split_list(head.get("tags")),
                brand=head.get("brand", ""),
                base_price=_blank_none(head.get("base_price")),  # type: ignore[arg-type]
                currency=head.get("currency") or None,
                main_image=_blank_none(head.get("image_url")),
                images=_split_list(head.get("images")),
                url=_blank_none(head.get("url")),
                featured=_as_bool(head.get("featured"), False, "featured"),
                is_active=_as_bool(head.get("active"), True, "active"),
                metadata=meta if isinstance(meta, dict) else {"value": meta},
                variants=variants,
            )
        except json.JSONDecodeError as exc:
            errors.append(RowError(first_line, f"metadata: invalid JSON ({exc.msg})", key))
            continue
        except (ValidationError, ValueError) as exc:
            errors.append(RowError(first_line, _error_text(exc), head.get("product_id") or None))
            continue
        products.append(ParsedProduct(first_line, product))
    return products, errors, rows


# -- JSON (dmpilot format) -----------------------------------------------------------------
def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    except RecursionError as exc:  # [[[[...]]]] 100k deep: the parser gives up, we say why
        raise ImportFormatError("JSON nested too deeply") from exc


def parse_json(text: str) -> tuple[list[ParsedProduct], list[RowError], int]:
    """Parse ``{"products": [ProductIn, ...]}`` or a bare list; ``id`` is read as source_id."""
    data = _load_json(text)
    items = data.get("products") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ImportFormatError('JSON must be a list of products or {"products": [...]}')
    products, errors = [], []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(RowError(n, "product must be a JSON object"))
            continue
        item = dict(item)
        if "id" in item and "source_id" not in item:
            item["source_id"] = str(item.pop("id"))
        try:
            products.append(ParsedProduct(n, ProductIn.model_validate(item)))
        except ValidationError as exc:
            errors.append(RowError(n, _error_text(exc), str(item.get("source_id") or "") or None))
    return products, errors, len(items)


# -- Shopify products.json ---------------------------------------------------------------
def _shopify_price(value: Any) -> float | None:
    if value in (None, ""):
        return None
    return float(value)


def parse_shopify(
    text: str, store_url: str | None = None
) -> tuple[list[ParsedProduct], list[RowError], int]:
    """Map Shopify's ``products.json`` (storefront or admin API) onto ``ProductIn``."""
    data = _load_json(text)
    items = data.get("products") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ImportFormatError('Shopify file must be {"products": [...]}')
    products, errors = shopify_items(list(enumerate(items, start=1)), store_url)
    return products, errors, len(items)


def shopify_items(
    items: list[tuple[int, Any]], store_url: str | None
) -> tuple[list[ParsedProduct], list[RowError]]:
    """Products (Shopify's product objects, numbered by their row) onto ``ProductIn``."""
    base = (store_url or "").rstrip("/")
    products, errors = [], []
    for n, item in items:
        sid = None
        try:
            if not isinstance(item, dict):
                raise ValueError("product must be a JSON object")
            sid = str(item.get("id") or item.get("handle") or "") or None
            products.append(ParsedProduct(n, _shopify_product(item, sid, base)))
        except (ValidationError, ValueError, TypeError, KeyError) as exc:
            msg = _error_text(exc) if isinstance(exc, ValidationError | ValueError) else repr(exc)
            errors.append(RowError(n, msg, sid))
    return products, errors


def _shopify_product(item: dict[str, Any], sid: str | None, base: str) -> ProductIn:
    """One Shopify product object (admin API, storefront JSON, or rebuilt from the CSV)."""
    option_names = {
        int(o.get("position", i + 1)): str(o.get("name", f"option{i + 1}")).lower()
        for i, o in enumerate(item.get("options") or [])
        if isinstance(o, dict)
    }
    variants = []
    for v in item.get("variants") or []:
        opts = {}
        for pos in (1, 2, 3):
            val = v.get(f"option{pos}")
            name = option_names.get(pos, f"option{pos}")
            if val and not (name == "title" and val == "Default Title"):
                opts[name] = str(val)
        qty = v.get("inventory_quantity")
        stock = max(int(qty), 0) if qty not in (None, "") else None
        available = v.get("available")
        if available is None:
            available = stock is None or stock > 0 or v.get("inventory_policy") == "continue"
        variants.append(
            VariantIn(
                source_id=str(v["id"]) if v.get("id") is not None else None,
                sku=v.get("sku") or None,
                name="" if v.get("title") == "Default Title" else (v.get("title") or ""),
                options=opts,
                price=_shopify_price(v.get("price")),  # type: ignore[arg-type]
                compare_at_price=_shopify_price(v.get("compare_at_price")),
                stock=stock,
                available=bool(available),
            )
        )
    images = [i["src"] for i in item.get("images") or [] if isinstance(i, dict) and i.get("src")]
    main = (item.get("image") or {}).get("src") if isinstance(item.get("image"), dict) else None
    tags = item.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    handle = item.get("handle")
    return ProductIn(
        source_id=sid,
        name=item.get("title") or "",
        description=strip_html(item.get("body_html")),
        category=item.get("product_type") or "",
        tags=tags,
        brand=item.get("vendor") or "",
        main_image=main or (images[0] if images else None),
        images=images,
        url=f"{base}/products/{handle}" if handle else None,
        is_active=(item.get("status") or "active") == "active",
        metadata={
            "shopify_id": item.get("id"),
            "handle": handle,
            **({"updated_at": item["updated_at"]} if item.get("updated_at") else {}),
        },
        variants=variants,
    )


# -- Shopify's admin CSV export ------------------------------------------------------------
# The file shop owners have on disk (Products > Export): one row per variant, the product's
# fields on its first row only, extra rows that carry only an image.
SHOPIFY_CSV_MARKERS = ("handle", "variant price")


def is_shopify_csv(text: str) -> bool:
    """Whether a CSV's header is Shopify's product export."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].lower()
    return all(m in first for m in SHOPIFY_CSV_MARKERS) and "title" in first


def parse_shopify_csv(
    text: str, store_url: str | None = None
) -> tuple[list[ParsedProduct], list[RowError], int]:
    """Shopify's product CSV export, rebuilt into product objects and mapped like the JSON."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        rows = [({(k or "").strip().lower(): (v or "").strip() for k, v in r.items()}, n)
                for n, r in enumerate(reader, start=2)]  # fmt: skip
    except csv.Error as exc:
        raise ImportFormatError(f"unreadable CSV: {exc}") from exc
    header = {h.strip().lower() for h in reader.fieldnames or []}
    if not {"handle", "title", "variant price"} <= header:
        raise ImportFormatError("a Shopify export needs Handle, Title and Variant Price columns")
    items: dict[str, tuple[int, dict[str, Any]]] = {}
    for row, n in rows:
        handle = row.get("handle", "")
        if not handle:
            continue
        if handle not in items:
            items[handle] = (n, {"handle": handle, "variants": [], "images": [], "options": []})
        item = items[handle][1]
        if row.get("title") and "title" not in item:
            _shopify_csv_product(item, row)
        if row.get("image src"):
            item["images"].append({"src": row["image src"]})
        if row.get("variant price") or row.get("option1 value") or row.get("variant sku"):
            item["variants"].append(_shopify_csv_variant(handle, row, len(item["variants"])))
    ordered = [(n, item) for n, item in items.values()]
    products, errors = shopify_items(ordered, store_url)
    return products, errors, len(rows)


def _shopify_csv_product(item: dict[str, Any], row: dict[str, str]) -> None:
    status = row.get("status") or ("active" if row.get("published", "true") != "false" else "draft")
    item.update(
        title=row["title"],
        body_html=row.get("body (html)", ""),
        vendor=row.get("vendor", ""),
        product_type=row.get("type") or row.get("custom product type")
        or row.get("standard product type") or row.get("product category", "").split(" > ")[-1],
        tags=row.get("tags", ""),
        status=status.lower(),
        options=[{"name": row[f"option{i} name"], "position": i} for i in (1, 2, 3)
                 if row.get(f"option{i} name")],
    )  # fmt: skip


def _shopify_csv_variant(handle: str, row: dict[str, str], index: int) -> dict[str, Any]:
    values = [row.get(f"option{i} value", "") for i in (1, 2, 3)]
    key = "/".join(v for v in values if v) or str(index)
    return {
        "id": f"{handle}:{key}",  # the export has no variant ids: handle + option values
        "sku": row.get("variant sku") or None,
        "title": " / ".join(v for v in values if v),
        **{f"option{i}": v for i, v in enumerate(values, start=1) if v},
        "price": row.get("variant price") or None,
        "compare_at_price": row.get("variant compare at price") or None,
        "inventory_quantity": row.get("variant inventory qty") or None,
        "inventory_policy": row.get("variant inventory policy") or None,
    }


def detect_format(filename: str | None, text: str) -> Format:
    """Guess the format from the extension and, for JSON, from Shopify's field names."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return "shopify_csv" if is_shopify_csv(text) else "csv"
    stripped = text.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        if '"body_html"' in text or '"product_type"' in text or '"option1"' in text:
            return "shopify"
        return "json"
    return "shopify_csv" if is_shopify_csv(text) else "csv"


def _upsert(
    catalog: Catalog, creator_id: str, batch: list[ParsedProduct], errors: list[RowError]
) -> list[UpsertResult]:
    """Write a batch, or row by row when the database refuses it: one bad row costs itself."""
    try:
        return [catalog.upsert_products(creator_id, [p.product for p in batch], sync=False)]
    except SQLAlchemyError:
        if len(batch) == 1:
            raise
    results = []
    for p in batch:
        try:
            results.append(catalog.upsert_products(creator_id, [p.product], sync=False))
        except SQLAlchemyError as exc:
            reason = type(getattr(exc, "orig", None) or exc).__name__
            errors.append(RowError(p.row, f"not stored: {reason}", p.product.source_id))
    return results


def import_catalog(
    catalog: Catalog,
    creator_id: str,
    data: bytes | str,
    fmt: Format | None = None,
    filename: str | None = None,
    batch_size: int = 200,
    store_url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Parse, validate and upsert a catalog file; ``progress(done, total)`` after each batch."""
    catalog.get_creator(creator_id)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFormatError(f"file is not UTF-8 text ({exc.reason})") from exc
    else:
        text = data
    fmt = fmt or detect_format(filename, text)
    if fmt == "csv":
        parsed, errors, rows = parse_csv(text)
    elif fmt == "json":
        parsed, errors, rows = parse_json(text)
    elif fmt == "shopify":
        if store_url is None:
            store_url = catalog.get_creator(creator_id).store_url
        parsed, errors, rows = parse_shopify(text, store_url)
    elif fmt == "shopify_csv":
        if store_url is None:
            store_url = catalog.get_creator(creator_id).store_url
        parsed, errors, rows = parse_shopify_csv(text, store_url)
    else:
        raise ImportFormatError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    report = ImportReport(format=fmt, rows=rows, errors=errors, products=len(parsed))
    done = 0
    for start in range(0, len(parsed), batch_size):
        batch = parsed[start : start + batch_size]
        for res in _upsert(catalog, creator_id, batch, report.errors):
            report.created += res.created
            report.updated += res.updated
            report.unchanged += res.unchanged
        report.embedded += catalog.sync_vectors(creator_id)[0]
        done += len(batch)
        if progress:
            progress(done, len(parsed))
    report.errors.sort(key=lambda e: e.row)
    return report
