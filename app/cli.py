"""The ``dmpilot`` command line: serve the API, demo data, catalogs, split and cluster."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tqdm import tqdm

from app.settings import Settings


def _services(settings: Settings):  # type: ignore[no-untyped-def]
    from app.services import open_services

    return open_services(settings)


def demo_key(svc: Any, creator_id: str) -> str:
    """The demo creator's API key: the one in ``<data dir>/demo-key`` while it still works.

    Written with mode 0600 so the README can say ``KEY=$(cat .dmpilot/demo-key)``; every
    other key is shown once and never stored.
    """
    path = svc.settings.data_dir / "demo-key"
    if path.is_file():
        key = path.read_text().strip()
        if svc.keys.verify(key) == creator_id:
            return key
    _, key = svc.keys.issue(creator_id, "demo")
    path.touch(mode=0o600)
    path.write_text(key + "\n")
    return str(key)


def load_demo(settings: Settings, quiet: bool = False) -> dict[str, Any]:
    """Create the demo creator and import its catalog (idempotent: re-runs upsert)."""
    from app.demo import DEMO_CREATOR, demo_catalog
    from memory.importers import import_catalog
    from memory.schemas import CreatorIn

    svc = _services(settings)
    try:
        svc.catalog.ensure_creator(CreatorIn(**DEMO_CREATOR))
        key = demo_key(svc, DEMO_CREATOR["id"])
        products = demo_catalog()
        with tqdm(total=len(products), desc="demo catalog", unit="product", disable=quiet) as bar:
            report = import_catalog(
                svc.catalog, DEMO_CREATOR["id"], json.dumps({"products": products}), fmt="json",
                batch_size=settings.import_batch_size,
                progress=lambda done, total: bar.update(done - bar.n),
            )  # fmt: skip
        seeded = _demo_inbox(svc, DEMO_CREATOR["id"], quiet)
    finally:
        svc.close()
    return {"created": report.created, "updated": report.updated, "errors": len(report.errors),
            "creator": DEMO_CREATOR["id"], "key": key, **seeded}  # fmt: skip


def _demo_inbox(svc: Any, creator_id: str, quiet: bool) -> dict[str, int]:
    """On a first run, fans' questions and two conversations, so every page has something.

    The 60 fans' messages (``app/data/demo_inbox.json``) go through the real inbox (analysed
    and clustered); the two conversations through the real agent (one reply is held: a vegan
    asks for protein). A data dir that already has inbox messages is left as it is.
    """
    from importlib import resources

    from app.schemas import MessageIn as TurnIn
    from app.turns import run_turn
    from memory.inbox import MessageIn

    none = {"fan_messages": 0, "conversations": 0}
    if svc.inbox is None or svc.clusters is None:
        return none
    if svc.clusters.store.list_clusters(creator_id, None, "size", 1, 0)["items"]:
        return none
    if svc.conversations.threads(creator_id, "", 1, 0)[0]:
        return none
    doc = json.loads(resources.files("app").joinpath("data/demo_inbox.json").read_text("utf-8"))
    start = datetime.now(UTC) - timedelta(minutes=max(m["minutes"] for m in doc["messages"]) + 5)
    at = [start + timedelta(minutes=m["minutes"]) for m in doc["messages"]]
    msgs = [MessageIn(m["customer_id"], m["chat_id"], m["text"], t)
            for m, t in zip(doc["messages"], at, strict=True)]  # fmt: skip
    svc.inbox.ingest(creator_id, msgs)
    fans = sorted({m.customer_id for m in msgs})
    for fan in tqdm(fans, desc="demo inbox", unit="fan", disable=quiet):
        svc.inbox.end_conversation(creator_id, fan)
    for convo in doc["conversations"]:
        for text in convo["messages"]:
            run_turn(svc, creator_id, convo["customer_id"], TurnIn(text=text), None, "demo")
    return {"fan_messages": len(msgs), "conversations": len(doc["conversations"])}


def _accounts(settings: Settings):  # type: ignore[no-untyped-def]
    """Creators and keys from the database alone (no model, no vector store: ~2 s, not ~10)."""
    from memory.catalog import Creators
    from memory.db import make_engine, make_sessionmaker
    from memory.keys import KeyStore

    settings.ensure_dirs()
    engine = make_engine(settings.resolved_database_url)
    sessions = make_sessionmaker(engine)
    return engine, Creators(sessions), KeyStore(sessions)


def cmd_creator(args: argparse.Namespace, settings: Settings) -> int:
    """``dmpilot creator create ID --name NAME`` and ``dmpilot creator list``."""
    from pydantic import ValidationError

    from memory.catalog import ConflictError
    from memory.schemas import CreatorIn

    engine, creators, keys = _accounts(settings)
    try:
        if args.creator_command == "list":
            for cid in creators.creator_ids():
                c = creators.get_creator(cid)
                active = sum(k.active for k in keys.list(cid))
                print(f"{c.id}\t{c.name}\t{active} active key(s)")
            return 0
        try:
            body = CreatorIn(id=args.id, name=args.name or args.id, store_url=args.store_url)
            creators.create_creator(body)
        except (ValidationError, ConflictError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"created creator '{args.id}'; a key: dmpilot key create --creator {args.id}")
        return 0
    finally:
        engine.dispose()


def cmd_key(args: argparse.Namespace, settings: Settings) -> int:
    """``dmpilot key create|list|revoke --creator ID``: keys are shown once, at creation."""
    from memory.catalog import NotFoundError

    engine, creators, keys = _accounts(settings)
    try:
        if args.key_command == "create":
            info, key = keys.issue(args.creator, args.name or "")
            print(key)
            print(f"key {info.id} for '{args.creator}': store it now, it is not shown again",
                  file=sys.stderr)  # fmt: skip
        elif args.key_command == "list":
            creators.get_creator(args.creator)
            for k in keys.list(args.creator):
                state = "active" if k.active else f"revoked {k.revoked_at:%Y-%m-%d %H:%M}"
                used = f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never"
                print(f"{k.id}\t{k.name or '-'}\t{state}\tcreated {k.created_at:%Y-%m-%d}"
                      f"\tlast used {used}")  # fmt: skip
        else:
            keys.revoke(args.creator, args.key_id)
            print(f"revoked key {args.key_id}")
        return 0
    except NotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


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


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    """``dmpilot reindex [--creator ID]``: embed every active product again."""
    from memory.catalog import NotFoundError

    svc = _services(settings)
    try:
        creators = [args.creator] if args.creator else svc.catalog.creator_ids()
        for creator_id in creators:
            svc.catalog.get_creator(creator_id)
            indexed, held = svc.catalog.vector_gap(creator_id)
            with tqdm(total=indexed, desc=f"reindex {creator_id}", unit="product") as bar:
                embedded, _ = svc.catalog.reindex(creator_id, progress=bar.update)
            print(f"{creator_id}: {held} vectors before, {embedded} products embedded")
    except NotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        svc.close()
    return 0


def cmd_maintain(args: argparse.Namespace, settings: Settings) -> int:
    """``dmpilot maintain``: what the server's maintenance job does, once (DB only, no model)."""
    import sqlite3

    from memory.db import make_sessionmaker
    from memory.retention import prune_checkpoints, purge_old

    engine, _, _ = _accounts(settings)
    try:
        done: dict[str, Any] = purge_old(
            make_sessionmaker(engine), settings.retain_messages_days,
            settings.retain_executions_days,
        )  # fmt: skip
        if not settings.checkpoint_url and settings.checkpoint_path.exists():
            conn = sqlite3.connect(str(settings.checkpoint_path), timeout=30)
            try:
                done.update(prune_checkpoints(conn))
            finally:
                conn.close()
    finally:
        engine.dispose()
    print(", ".join(f"{k}: {v} deleted" for k, v in done.items()))
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    """``dmpilot catalog search QUERY --creator ID``."""
    from tools.search_schemas import SearchFilters

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


def _read_texts(path: str) -> list[dict[str, Any]]:
    """JSONL objects with a ``text`` field, or plain text (one item per non-empty line)."""
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    with stream:
        out: list[dict[str, Any]] = []
        for n, line in enumerate(stream, start=1):
            line = line.strip()
            if not line:
                continue
            if line.startswith("{"):
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{n}: invalid JSON ({exc.msg})") from exc
                if not isinstance(item.get("text"), str) or not item["text"].strip():
                    raise SystemExit(f"{path}:{n}: a JSON line needs a non-empty 'text'")
                out.append(item)
            else:
                out.append({"text": line})
    return out


def _write(rows: list[dict[str, Any]], out: str | None) -> None:
    sink = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
    try:
        for row in rows:
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if out:
            sink.close()


def cmd_split(args: argparse.Namespace) -> int:
    """Messages in, one JSONL line per focused question out (intent, topic, urgency, tone)."""
    from memory.embeddings import get_embedder
    from nodes.offline.nlu import get_classifier
    from nodes.offline.tagging import analyse_text

    items = _read_texts(args.file)
    classifier = get_classifier(get_embedder())
    rows = []
    for i, item in enumerate(tqdm(items, desc="split", unit="msg", file=sys.stderr)):
        for j, q in enumerate(analyse_text(item["text"], classifier)):
            rows.append({"message": item.get("id", i), "question": j, **q})
    _write(rows, args.out)
    print(f"{len(items)} messages -> {len(rows)} questions", file=sys.stderr)
    return 0


def cmd_cluster(args: argparse.Namespace) -> int:
    """Questions in, one cluster id per question out (Leiden, no number of clusters given)."""
    import numpy as np

    from memory.embeddings import get_embedder
    from tools.clustering import (
        cluster_questions,
        confident_level,
        membership_confidence,
        summarise,
    )

    items = _read_texts(args.file)
    texts = [it["text"] for it in items]
    embedder = get_embedder()
    chunks = [texts[i : i + 256] for i in range(0, len(texts), 256)]
    parts = [embedder.encode(c) for c in tqdm(chunks, desc="embed", unit="batch", file=sys.stderr)]
    x = np.vstack(parts) if parts else np.zeros((0, 384), dtype=np.float32)
    print("clustering...", file=sys.stderr)
    labels, resolution = cluster_questions(x) if len(x) else (np.zeros(0, dtype=np.int64), 0.0)
    info = {s.label: s for s in summarise(x, texts, labels)} if len(x) else {}
    sure = membership_confidence(x, labels) if len(x) else np.zeros(0)
    level = confident_level()
    rows = []
    for i, (item, lbl) in enumerate(zip(items, labels.tolist(), strict=True)):
        sm = info[lbl]
        rows.append({"question": item.get("id", i), "text": item["text"],
                     "cluster_id": f"c-{lbl + 1}", "title": sm.title,
                     "confidence": round(float(sure[i]), 4),
                     "confident": bool(sure[i] >= level),
                     "outlier": i in set(sm.outliers)})  # fmt: skip
    _write(rows, args.out)
    held = int((sure < level).sum())
    print(f"{len(items)} questions -> {len(set(labels.tolist()))} clusters (resolution "
          f"{resolution:.2f}, the most stable); {held} below confidence {level}",
          file=sys.stderr)  # fmt: skip
    return 0


def _print_demo_key(settings: Settings, key: str, host: str, port: int) -> None:
    print(f"demo creator 'demo', API key: {key}")
    print(f"  (also in {settings.data_dir / 'demo-key'}); try:")
    print(f"  curl -H 'Authorization: Bearer {key}' "
          f"'http://{host}:{port}/v1/creators/demo/catalog/search?q=leggings'")  # fmt: skip
    print(f"web app: http://{host}:{port}/app (sign in with the key above)")


CHANNEL_SECRETS = {
    "instagram": {"access_token": "DMPILOT_IG_ACCESS_TOKEN", "app_secret": "DMPILOT_IG_APP_SECRET",
                  "verify_token": "DMPILOT_IG_VERIFY_TOKEN"},
    "shopify": {"access_token": "DMPILOT_SHOPIFY_ACCESS_TOKEN",
                "webhook_secret": "DMPILOT_SHOPIFY_WEBHOOK_SECRET"},
}  # fmt: skip


def _secret(field: str, env: str) -> str:
    """A credential from the environment, else typed without echo (never on the command line)."""
    import getpass

    value = os.environ.get(env) or ""
    if not value and sys.stdin.isatty():
        value = getpass.getpass(f"{field} ({env}): ")
    return value.strip()


def cmd_channel(args: argparse.Namespace, settings: Settings) -> int:
    """``dmpilot channel instagram|shopify|sync|status --creator ID``."""
    from pydantic import ValidationError

    from app.channels import Instagram
    from app.routes_channels import InstagramIn, ShopifyIn
    from app.shopify import Shopify
    from memory.catalog import NotFoundError
    from tools.remote import RemoteError

    svc = _services(settings)
    ig = Instagram(svc)
    shop = Shopify(svc, ig.box)
    try:
        if args.channel_command in ("instagram", "shopify"):
            secrets = {
                f: _secret(f, env) for f, env in CHANNEL_SECRETS[args.channel_command].items()
            }
            if args.channel_command == "instagram":
                body = InstagramIn(account_id=args.account_id, **secrets)
                out = ig.connect(args.creator, body.account_id,
                                 body.model_dump(exclude={"account_id"}))  # fmt: skip
            else:
                sbody = ShopifyIn(shop=args.shop, **secrets)
                out = shop.connect(args.creator, sbody.shop, sbody.model_dump(exclude={"shop"}))
        elif args.channel_command == "sync":

            def progress(report: dict[str, Any]) -> None:
                print(f"page {report['pages']}: {report['products']} products", file=sys.stderr)

            out = shop.sync(args.creator, progress=progress)
        else:
            out = {"instagram": ig.status(args.creator), "shopify": shop.status(args.creator)}
        print(json.dumps(out, indent=2, default=str))
        return 0
    except ValidationError as exc:
        print(f"error: {exc.errors()[0]['loc'][-1]}: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    except (NotFoundError, RemoteError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        shop.close()
        ig.graph.close()
        svc.close()


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
    imp.add_argument("--format", choices=["csv", "json", "shopify", "shopify_csv"])
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

    creator = sub.add_parser("creator", help="create and list creators (tenants)")
    crsub = creator.add_subparsers(dest="creator_command", required=True)
    crc = crsub.add_parser("create", help="register a creator")
    crc.add_argument("id", help="slug: lower-case letters, digits, '-' and '_'")
    crc.add_argument("--name")
    crc.add_argument("--store-url")
    crsub.add_parser("list", help="every creator with its number of active keys")

    key = sub.add_parser("key", help="issue, list and revoke a creator's API keys")
    ksub = key.add_subparsers(dest="key_command", required=True)
    kc = ksub.add_parser("create", help="issue a key (printed once on stdout)")
    kc.add_argument("--creator", required=True)
    kc.add_argument("--name", help="what the key is for")
    kl = ksub.add_parser("list", help="keys of a creator (never the secrets)")
    kl.add_argument("--creator", required=True)
    kr = ksub.add_parser("revoke", help="revoke a key at once")
    kr.add_argument("key_id")
    kr.add_argument("--creator", required=True)

    chan = sub.add_parser("channel", help="connect Instagram or Shopify, sync, status")
    chsub = chan.add_subparsers(dest="channel_command", required=True)
    chi = chsub.add_parser("instagram", help="connect Instagram (secrets from DMPILOT_IG_* "
                           "or typed)")  # fmt: skip
    chi.add_argument("--creator", required=True)
    chi.add_argument("--account-id", required=True, help="Instagram professional account id")
    chs = chsub.add_parser("shopify", help="connect a store (secrets from DMPILOT_SHOPIFY_* "
                           "or typed)")  # fmt: skip
    chs.add_argument("--creator", required=True)
    chs.add_argument("--shop", required=True, help="<store>.myshopify.com")
    chy = chsub.add_parser("sync", help="read every product from the store's Admin API now")
    chy.add_argument("--creator", required=True)
    cht = chsub.add_parser("status", help="what is connected (never the secrets)")
    cht.add_argument("--creator", required=True)

    reindex = sub.add_parser("reindex", help="embed every product again (lost vector store)")
    reindex.add_argument("--creator", help="one creator (default: all)")

    sub.add_parser("maintain", help="prune old checkpoints, purge data past its retention")

    split = sub.add_parser("split", help="messages (JSONL or lines) -> focused questions (JSONL)")
    split.add_argument("file", help="input file, '-' for stdin")
    split.add_argument("--out", help="output file (default stdout)")
    clus = sub.add_parser("cluster", help="questions (JSONL or lines) -> cluster ids (JSONL)")
    clus.add_argument("file", help="input file, '-' for stdin")
    clus.add_argument("--out", help="output file (default stdout)")

    args = parser.parse_args(argv)
    settings = Settings(data_dir=Path(args.data_dir)) if args.data_dir else Settings()

    if args.command == "demo":
        demo = load_demo(settings)
        print(f"demo catalog: {demo['created']} created, {demo['updated']} updated, "
              f"{demo['errors']} errors; {demo['fan_messages']} fan messages and "
              f"{demo['conversations']} conversations added")  # fmt: skip
        _print_demo_key(settings, demo["key"], "127.0.0.1", 8000)
        return 0
    if args.command == "serve":
        import uvicorn

        from app.main import create_app

        if args.demo:
            demo = load_demo(settings)
            print(f"demo catalog: {demo['created']} created, {demo['updated']} updated, "
                  f"{demo['errors']} errors; {demo['fan_messages']} fan messages and "
                  f"{demo['conversations']} conversations added")  # fmt: skip
            _print_demo_key(settings, demo["key"], args.host, args.port)
        if args.workers > 1:
            # Workers import the app themselves; they read the data dir from the environment.
            os.environ["DMPILOT_DATA_DIR"] = str(settings.data_dir)
            # Workers watch this process and leave when it dies (a kill -9 of the master left
            # them serving, holding the port).
            os.environ["DMPILOT_MASTER_PID"] = str(os.getpid())
            uvicorn.run("app.asgi:app", host=args.host, port=args.port, workers=args.workers)
        else:
            uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
        return 0
    if args.command == "creator":
        return cmd_creator(args, settings)
    if args.command == "key":
        return cmd_key(args, settings)
    if args.command == "reindex":
        return cmd_reindex(args, settings)
    if args.command == "channel":
        return cmd_channel(args, settings)
    if args.command == "maintain":
        return cmd_maintain(args, settings)
    if args.command == "split":
        return cmd_split(args)
    if args.command == "cluster":
        return cmd_cluster(args)
    if args.command == "catalog" and args.catalog_command == "import":
        return cmd_import(args, settings)
    if args.command == "catalog" and args.catalog_command == "search":
        return cmd_search(args, settings)
    parser.error("unknown command")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
