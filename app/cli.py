"""The ``dmpilot`` command line: serve the API, load demo data, import and search catalogs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from tqdm import tqdm

from dmpilot.settings import Settings


def _services(settings: Settings):  # type: ignore[no-untyped-def]
    from app.services import open_services

    return open_services(settings)


def load_demo(settings: Settings, quiet: bool = False) -> dict[str, int]:
    """Create the demo creator and import its catalog (idempotent: re-runs upsert)."""
    from dmpilot.demo import DEMO_CREATOR, demo_catalog
    from memory.importers import import_catalog
    from memory.schemas import CreatorIn

    svc = _services(settings)
    try:
        svc.catalog.ensure_creator(CreatorIn(**DEMO_CREATOR))
        products = demo_catalog()
        with tqdm(total=len(products), desc="demo catalog", unit="product", disable=quiet) as bar:
            report = import_catalog(
                svc.catalog, DEMO_CREATOR["id"], json.dumps({"products": products}), fmt="json",
                batch_size=settings.import_batch_size,
                progress=lambda done, total: bar.update(done - bar.n),
            )  # fmt: skip
    finally:
        svc.close()
    return {"created": report.created, "updated": report.updated, "errors": len(report.errors)}


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """``dmpilot catalog import FILE --creator ID``."""
    from memory.catalog import NotFoundError
    from memory.importers import ImportFormatError, import_catalog

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    svc = _services(settings)
    try:
        with tqdm(desc=f"import {path.name}", unit="product") as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            report = import_catalog(
                svc.catalog, args.creator, path.read_bytes(), fmt=args.format,
                filename=path.name, batch_size=settings.import_batch_size,
                store_url=args.store_url, progress=progress,
            )  # fmt: skip
    except (NotFoundError, ImportFormatError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        svc.close()
    print(
        f"{report.format}: {report.rows} rows, {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.embedded} embedded, {len(report.errors)} errors"
    )
    for err in report.errors:
        print(f"  row {err.row}: {err.message}", file=sys.stderr)
    return 1 if report.errors and not (report.created or report.updated or report.unchanged) else 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    """``dmpilot catalog search QUERY --creator ID``."""
    from tools.search import SearchFilters

    svc = _services(settings)
    try:
        res = svc.search.search(
            args.creator,
            args.query,
            SearchFilters(
                colors=args.color or [], sizes=args.size or [], categories=args.category or [],
                min_price=args.min_price, max_price=args.max_price,
            ),
            limit=args.limit,
        )  # fmt: skip
    finally:
        svc.close()
    for r in res.relaxed:
        print(f"(relaxed {r.constraint}: {r.detail})")
    for h in res.hits:
        v = h.matching_variants[0] if h.matching_variants else None
        opts = ", ".join(f"{k}={val}" for k, val in (v.options if v else {}).items())
        print(f"{h.product_id:>6}  {h.name}  ${h.price_min:.2f}  [{opts}]  {h.url or ''}")
    print(f"{len(res.hits)} hits in {res.took_ms:.1f} ms ({res.strategy})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``dmpilot`` script."""
    parser = argparse.ArgumentParser(prog="dmpilot", description=__doc__)
    parser.add_argument("--data-dir", help="override DMPILOT_DATA_DIR")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="load the demo creator first")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")

    sub.add_parser("demo", help="load the demo creator and catalog")

    catalog = sub.add_parser("catalog", help="catalog import and search")
    csub = catalog.add_subparsers(dest="catalog_command", required=True)
    imp = csub.add_parser("import", help="import CSV, JSON or Shopify products.json")
    imp.add_argument("file")
    imp.add_argument("--creator", required=True)
    imp.add_argument("--format", choices=["csv", "json", "shopify"])
    imp.add_argument("--store-url", help="base URL for Shopify product links")
    srch = csub.add_parser("search", help="hybrid product search")
    srch.add_argument("query")
    srch.add_argument("--creator", required=True)
    srch.add_argument("--color", action="append")
    srch.add_argument("--size", action="append")
    srch.add_argument("--category", action="append")
    srch.add_argument("--min-price", type=float)
    srch.add_argument("--max-price", type=float)
    srch.add_argument("--limit", type=int, default=5)

    args = parser.parse_args(argv)
    settings = Settings(data_dir=Path(args.data_dir)) if args.data_dir else Settings()

    if args.command == "demo":
        print(load_demo(settings))
        return 0
    if args.command == "serve":
        import uvicorn

        from app.main import create_app

        if args.demo:
            print("loading demo data:", load_demo(settings))
        if args.workers > 1:
            # Workers import the app themselves; they read the data dir from the environment.
            os.environ["DMPILOT_DATA_DIR"] = str(settings.data_dir)
            uvicorn.run("app.asgi:app", host=args.host, port=args.port, workers=args.workers)
        else:
            uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
        return 0
    if args.command == "catalog" and args.catalog_command == "import":
        return cmd_import(args, settings)
    if args.command == "catalog" and args.catalog_command == "search":
        return cmd_search(args, settings)
    parser.error("unknown command")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
