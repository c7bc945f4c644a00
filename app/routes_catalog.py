"""Creators, catalog CRUD, import and the search/variant/compare tools over HTTP."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Path, Query, Request, UploadFile
from fastapi import Response as FastAPIResponse
from starlette.concurrency import run_in_threadpool

from app.schemas import CompareIn, CreatorOut, ProductOut, ProductPage
from app.services import Services
from memory.importers import import_catalog
from memory.schemas import CREATOR_ID_PATTERN, JSON_INT_MAX, CreatorPatch, ProductIn, ProductPatch
from tools.search_schemas import ProductHit, SearchFilters, SearchResult

router = APIRouter(prefix="/v1")

CreatorId = Annotated[str, Path(pattern=CREATOR_ID_PATTERN, description="Creator slug")]
ProductId = Annotated[int, Path(ge=1, le=JSON_INT_MAX, description="Product id")]


def services(request: Request) -> Services:
    """The app's shared services (opened once in the lifespan)."""
    return request.app.state.services  # type: ignore[no-any-return]


Svc = Annotated[Services, Depends(services)]


def _split(values: list[str] | None) -> list[str]:
    """Accept both ``?color=red&color=blue`` and ``?color=red,blue``."""
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


@router.get("/creators/{creator_id}", response_model=CreatorOut, tags=["creators"])
def get_creator(creator_id: CreatorId, svc: Svc) -> Any:
    """One creator."""
    return svc.catalog.get_creator(creator_id)


@router.patch("/creators/{creator_id}", response_model=CreatorOut, tags=["creators"])
def patch_creator(creator_id: CreatorId, body: CreatorPatch, svc: Svc) -> Any:
    """Change a creator's name, voice, message retention or store policies."""
    creator = svc.catalog.update_creator(creator_id, body)
    svc.search.policies.forget(creator_id)  # this worker answers from the new text at once
    return creator


@router.get("/creators/{creator_id}/products", response_model=ProductPage, tags=["catalog"])
def list_products(
    creator_id: CreatorId,
    svc: Svc,
    offset: Annotated[int, Query(ge=0, le=JSON_INT_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    include_inactive: bool = False,
) -> Any:
    """A page of the creator's products."""
    svc.catalog.get_creator(creator_id)
    total, items = svc.catalog.list_products(creator_id, offset, limit, include_inactive)
    return {"total": total, "offset": offset, "limit": limit, "items": items}


@router.post(
    "/creators/{creator_id}/products", status_code=201, response_model=ProductOut, tags=["catalog"]
)
def create_product(creator_id: CreatorId, body: ProductIn, svc: Svc) -> Any:
    """Add one product (409 if its source_id exists)."""
    svc.catalog.get_creator(creator_id)
    return svc.catalog.create_product(creator_id, body)


@router.get(
    "/creators/{creator_id}/products/{product_id}", response_model=ProductOut, tags=["catalog"]
)
def get_product(creator_id: CreatorId, product_id: ProductId, svc: Svc) -> Any:
    """One product with its variants."""
    return svc.catalog.get_product(creator_id, product_id)


@router.patch(
    "/creators/{creator_id}/products/{product_id}", response_model=ProductOut, tags=["catalog"]
)
def update_product(
    creator_id: CreatorId, product_id: ProductId, body: ProductPatch, svc: Svc
) -> Any:
    """Partial update; ``variants`` replaces the variant list."""
    return svc.catalog.update_product(creator_id, product_id, body)


@router.delete("/creators/{creator_id}/products/{product_id}", status_code=204, tags=["catalog"])
def delete_product(
    creator_id: CreatorId, product_id: ProductId, svc: Svc, hard: bool = False
) -> FastAPIResponse:
    """Soft delete (deactivate) by default; ``?hard=true`` removes the rows."""
    svc.catalog.delete_product(creator_id, product_id, hard=hard)
    return FastAPIResponse(status_code=204)


async def read_upload(file: UploadFile, limit: int) -> bytes:
    """An uploaded file's bytes: 413 above ``limit`` (read no further), 400 when empty."""
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"file larger than {limit} bytes")
    if not data.strip():
        raise HTTPException(400, "file is empty")
    return data


@router.post("/creators/{creator_id}/catalog/import", tags=["catalog"])
async def import_file(
    creator_id: CreatorId,
    request: Request,
    svc: Svc,
    file: Annotated[UploadFile, File(description="CSV, dmpilot JSON or Shopify products.json")],
    format: Annotated[Literal["csv", "json", "shopify", "shopify_csv"] | None, Query()] = None,  # noqa: A002
) -> dict[str, Any]:
    """Import a catalog file; valid rows are upserted, bad rows come back as errors."""
    svc.catalog.get_creator(creator_id)
    data = await read_upload(file, svc.settings.max_upload_bytes)
    report = await run_in_threadpool(
        import_catalog,
        svc.catalog,
        creator_id,
        data,
        format,
        file.filename,
        svc.settings.import_batch_size,
    )
    return report.as_dict()


@router.get("/creators/{creator_id}/catalog/search", response_model=SearchResult, tags=["search"])
def search(
    creator_id: CreatorId,
    svc: Svc,
    q: Annotated[str, Query(max_length=500)] = "",
    min_price: Annotated[
        float | None,
        Query(ge=0, le=1e9, allow_inf_nan=False, description="Not above max_price (else 422)."),
    ] = None,
    max_price: Annotated[float | None, Query(ge=0, le=1e9, allow_inf_nan=False)] = None,
    color: Annotated[list[str] | None, Query()] = None,
    size: Annotated[list[str] | None, Query()] = None,
    category: Annotated[list[str] | None, Query()] = None,
    tag: Annotated[list[str] | None, Query()] = None,
    in_stock: bool = True,
    budget: Annotated[float | None, Query(ge=0, le=1e9, allow_inf_nan=False)] = None,
    sort: Literal["relevance", "price_asc", "price_desc"] = "relevance",
    relax: bool = True,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Any:
    """Hybrid search with variant filters; see ``tools.hybrid_search`` for the ranking rule."""
    if min_price is not None and max_price is not None and min_price > max_price:
        raise HTTPException(422, "min_price must not exceed max_price")
    filters = SearchFilters(
        min_price=min_price,
        max_price=max_price,
        colors=_split(color),
        sizes=_split(size),
        categories=_split(category),
        tags=_split(tag),
        in_stock_only=in_stock,
        budget=budget,
    )
    return svc.search.search(creator_id, q, filters, limit=limit, sort=sort, relax=relax)


@router.get("/creators/{creator_id}/products/{product_id}/variants", tags=["search"])
def product_variants(
    creator_id: CreatorId,
    product_id: ProductId,
    svc: Svc,
    color: Annotated[list[str] | None, Query()] = None,
    size: Annotated[list[str] | None, Query()] = None,
    in_stock: bool = False,
) -> dict[str, Any]:
    """Variants of a product matching colour/size (all when none given)."""
    hit, variants = svc.search.get_variants(
        creator_id, product_id, _split(color), _split(size), in_stock_only=in_stock
    )
    return {"product": hit.model_dump(exclude={"matching_variants"}), "variants": variants}


@router.get(
    "/creators/{creator_id}/products/{product_id}/similar",
    response_model=list[ProductHit],
    tags=["search"],
)
def similar(
    creator_id: CreatorId, product_id: ProductId, svc: Svc,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> Any:  # fmt: skip
    """More like this: nearest in-stock products by embedding."""
    return svc.search.more_like_this(creator_id, product_id, limit)


@router.get(
    "/creators/{creator_id}/products/{product_id}/cheaper",
    response_model=list[ProductHit],
    tags=["search"],
)
def cheaper(
    creator_id: CreatorId, product_id: ProductId, svc: Svc,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> Any:  # fmt: skip
    """Cheaper alternatives in the same category."""
    return svc.search.cheaper_alternatives(creator_id, product_id, limit)


@router.post("/creators/{creator_id}/catalog/compare", tags=["search"])
def compare(creator_id: CreatorId, body: CompareIn, svc: Svc) -> dict[str, Any]:
    """Side-by-side comparison of 2-10 products."""
    return svc.search.compare(creator_id, body.product_ids)
