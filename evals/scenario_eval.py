"""Scenario checks on several catalogs, end to end through the HTTP API (``make eval``).

Each catalog (the demo shop, the Vendure catalog in ``../shared/datasets/catalogs/`` and the
catalogs in ``evals/datasets/catalogs/``) is imported into a fresh creator through
``POST /v1/creators/{id}/catalog/import``; each scenario is a conversation of one new customer
(``POST .../conversations/{customer}/messages``) and its checks read the responses: right
product, a variant that fits every asked option or an honest word that it does not, narrowing
follow-ups, yes/no attribute answers, conflicts from product data, no-result honesty and
routing. The format is documented in ``evals/datasets/scenarios/README.md``.

``python -m evals.scenario_eval [--catalog NAME] [--batch N] [--validate] [--show-failures]``
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent
SCENARIOS = ROOT / "datasets" / "scenarios"
CATALOGS = ROOT / "datasets" / "catalogs"
SHARED = ROOT.parent.parent / "shared" / "datasets" / "catalogs"

# Judge-side wording: how a reply says "no", "not in that option", "nothing found".
_NEGATIVE = re.compile(
    r"\b(?:no|not|nope|none|n't|cannot|can't|don't|doesn't|isn't|aren't|unavailable|"
    r"out of stock|sold out|only (?:comes?|available|in)|closest|instead|nothing|couldn't|"
    r"unfortunately|sadly|sorry)\b",
    re.I,
)
_YES = re.compile(
    r"\b(?:yes|yep|yeah|yup|it does|they do|both do|does have|has|comes with)\b", re.I
)
_NO_RESULT = re.compile(
    r"\b(?:couldn't find|could not find|can't find|cannot find|no (?:\w+ )?(?:match|results?|"
    r"products?)|don't (?:have|carry|sell|stock)|do not (?:have|carry|sell|stock)|nothing "
    r"(?:matche[sd]|like that|in the (?:shop|store|catalog))|not (?:something|in) (?:we|our)|"
    r"don't see|didn't find)\b",
    re.I,
)


@dataclass
class CatalogSource:
    """Where a catalog comes from and how it is imported."""

    name: str
    creator: dict[str, Any]
    data: bytes | None
    fmt: str
    filename: str
    skipped: str | None = None


def load_rows(path: Path = SCENARIOS) -> list[dict[str, Any]]:
    """Every scenario row of every ``*.jsonl`` file under ``path``."""
    rows: list[dict[str, Any]] = []
    for file in sorted(path.glob("*.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def catalog_sources() -> dict[str, CatalogSource]:
    """The demo shop, the shared Vendure catalog (when present) and the committed catalogs."""
    from app.demo import DEMO_CREATOR, demo_catalog

    demo = json.dumps({"products": demo_catalog()}).encode()
    out = {"demo": CatalogSource("demo", dict(DEMO_CREATOR), demo, "json", "demo.json")}
    vendure = SHARED / "vendure_demo_shopify.json"
    creator = {"id": "vendure", "name": "Vendure demo shop", "brand_voice": "professional"}
    out["vendure"] = (
        CatalogSource("vendure", creator, vendure.read_bytes(), "shopify", vendure.name)
        if vendure.exists()
        else CatalogSource("vendure", creator, None, "shopify", vendure.name,
                           skipped=f"{vendure} not found")
    )  # fmt: skip
    for meta_file in sorted(CATALOGS.glob("*.creator.json")):
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        data_file = CATALOGS / meta.pop("file")
        fmt = meta.pop("format")
        name = meta["id"]
        out[name] = CatalogSource(name, meta, data_file.read_bytes(), fmt, data_file.name)
    return out


def _low(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().lower()


def _norm_value(value: Any) -> str:
    """Option values compare without case, spaces and hyphens ("16 GB" = "16GB")."""
    return re.sub(r"[\s_-]+", "", str(value).lower())


def _fits(options: dict[str, str], wanted: dict[str, Any]) -> list[str]:
    """Asked option values the variant does not have (option names compared without case)."""
    have = {_low(k): _norm_value(v) for k, v in options.items()}
    missing = []
    for name, value in wanted.items():
        values = value if isinstance(value, list) else [value]
        if have.get(_low(name)) not in {_norm_value(v) for v in values}:
            missing.append(str(values[0]))
    return missing


def _sentences(reply: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", reply) if s.strip()]


def _says_unmet(reply: str, value: str) -> bool:
    """The reply names ``value`` in a sentence that says it cannot be had."""
    v = _norm_value(value)
    return any(v in _norm_value(s) and _NEGATIVE.search(s) for s in _sentences(reply))


class Judge:
    """Evaluates one check against a turn's response."""

    def __init__(self, client: Any, creator_id: str) -> None:
        self.client = client
        self.creator_id = creator_id
        self._variants: dict[int, dict[int, dict[str, str]]] = {}

    def variant_options(self, product_id: int, variant_id: int | None) -> dict[str, str] | None:
        """Options of one variant, read through the API (cached per product)."""
        if variant_id is None:
            return None
        if product_id not in self._variants:
            r = self.client.get(f"/v1/creators/{self.creator_id}/products/{product_id}/variants")
            body = r.json() if r.status_code == 200 else {}
            self._variants[product_id] = {
                int(v["variant_id"]): dict(v.get("options") or {}) for v in body.get("variants", [])
            }
        return self._variants[product_id].get(int(variant_id))

    def check(self, check: dict[str, Any], out: dict[str, Any]) -> tuple[bool, str]:
        """(passed, why) for one check."""
        kind = check["check"]
        products = out.get("products") or []
        names = [_low(p["name"]) for p in products]
        reply = out.get("reply") or ""
        wanted = {_low(n) for n in check.get("names", [])}
        if kind == "top_product":
            ok = bool(names) and names[0] in wanted
            return ok, f"recommended {names[:3]}"
        if kind == "recommends":
            return bool(wanted & set(names)), f"recommended {names[:5]}"
        if kind == "only":
            ok = bool(names) and set(names) <= wanted
            return ok, f"recommended {names[:6]}"
        if kind == "excludes":
            return not (wanted & set(names)), f"recommended {names[:6]}"
        if kind in {"variant", "honest_variant"}:
            target = _low(check["product"]) if check.get("product") else None
            hit = next((p for p in products if target is None or _low(p["name"]) == target), None)
            if hit is None:
                return False, f"product not recommended: {names[:4]}"
            opts = self.variant_options(hit["product_id"], hit.get("variant_id"))
            if opts is None:
                return False, "no variant chosen"
            missing = _fits(opts, check["options"])
            if not missing:
                return True, f"variant {opts}"
            if kind == "variant":
                return False, f"variant {opts} lacks {missing}"
            unsaid = [m for m in missing if not _says_unmet(reply, m)]
            return not unsaid, f"variant {opts}; unmet and not said: {unsaid}"
        if kind == "answer":
            expect = check["expect"]
            first = _sentences(reply)
            head = " ".join(first[:3])
            if expect == "yes":
                ok = bool(_YES.search(head)) and not re.match(
                    r"^\W*(?:no|nope|sorry)\b", head, re.I
                )
            else:
                ok = bool(_NEGATIVE.search(head))
            named = [n for n in check.get("mentions", []) if _norm_value(n) in _norm_value(reply)]
            ok = ok and len(named) == len(check.get("mentions", []))
            return ok, f"reply {reply[:160]!r}"
        if kind in {"conflict", "no_conflict"}:
            target = _low(check["product"])
            found = [
                c for c in out.get("conflicts") or []
                if _low(c.get("product_name") or "") == target
                and (not check.get("type") or c.get("type") == check["type"])
            ]  # fmt: skip
            ok = bool(found) if kind == "conflict" else not found
            got = [
                (c.get("product_name"), c.get("type"), c.get("fact"))
                for c in out.get("conflicts") or []
            ]
            return ok, f"conflicts {got[:4]}"
        if kind == "no_result":
            ok = not products or bool(_NO_RESULT.search(reply))
            return ok, f"recommended {names[:3]}; reply {reply[:120]!r}"
        if kind == "escalated":
            ok = bool(out.get("escalated")) == bool(check["value"])
            return ok, f"escalated={out.get('escalated')}; reply {reply[:100]!r}"
        if kind == "reply_has":
            ok = any(_low(s) in _low(reply) for s in check["any"])
            return ok, f"reply {reply[:160]!r}"
        if kind == "questions":
            n = len(out.get("questions") or [])
            return n == check[
                "count"
            ], f"{n} questions: {[q['text'] for q in out.get('questions') or []]}"
        raise ValueError(f"unknown check kind {kind!r}")


@contextmanager
def api_client(data_dir: Path) -> Iterator[Any]:
    """The real app (SQLite, Chroma, MiniLM, compiled graphs) behind an in-process client."""
    from app.local_client import admin_client
    from app.settings import Settings

    settings = Settings(data_dir=data_dir, recluster_interval_s=0)
    with admin_client(settings) as client:
        yield client


def setup_catalog(client: Any, source: CatalogSource) -> dict[str, Any]:
    """Create the creator (with its policy text when the API takes it) and import the file."""
    creator = {k: v for k, v in source.creator.items() if k != "policies"}
    r = client.post("/v1/creators", json=creator)
    if r.status_code not in (201, 409):
        raise RuntimeError(f"creating {source.name}: {r.status_code} {r.text}")
    notes: dict[str, Any] = {}
    if source.creator.get("policies"):
        p = client.patch(
            f"/v1/creators/{creator['id']}", json={"policies": source.creator["policies"]}
        )
        notes["policies"] = "set" if p.status_code == 200 else f"not accepted ({p.status_code})"
    assert source.data is not None
    r = client.post(
        f"/v1/creators/{creator['id']}/catalog/import",
        params={"format": source.fmt},
        files={"file": (source.filename, source.data)},
    )
    if r.status_code != 200:
        raise RuntimeError(f"importing {source.name}: {r.status_code} {r.text}")
    report = r.json()
    notes.update(products=report["products"], errors=len(report["errors"]))
    return notes


def run_scenario_eval(
    rows: list[dict[str, Any]] | None = None,
    catalogs: list[str] | None = None,
    batches: list[int] | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Run every scenario; summary per catalog and batch, plus each failed check."""
    rows = load_rows() if rows is None else rows
    sources = catalog_sources()
    wanted = [
        r for r in rows
        if (not catalogs or r["inputs"]["catalog"] in catalogs)
        and (not batches or r["metadata"].get("batch") in batches)
    ]  # fmt: skip
    summary: dict[str, Any] = {}
    failures: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, api_client(Path(tmp)) as client:
        by_catalog: dict[str, list[dict[str, Any]]] = {}
        for r in wanted:
            by_catalog.setdefault(r["inputs"]["catalog"], []).append(r)
        for name, cat_rows in by_catalog.items():
            source = sources.get(name)
            if source is None or source.skipped:
                summary[name] = {"skipped": source.skipped if source else "unknown catalog"}
                continue
            t0 = time.perf_counter()
            notes = setup_catalog(client, source)
            creator_id = source.creator["id"]
            judge = Judge(client, creator_id)
            if progress:
                print(f"[scenarios] {name}: {notes['products']} products imported in "
                      f"{time.perf_counter() - t0:.1f} s; {len(cat_rows)} scenarios",
                      file=sys.stderr)  # fmt: skip
            for n, row in enumerate(cat_rows):
                outs = []
                customer = f"scn-{row['metadata']['id']}"
                for text in row["inputs"]["turns"]:
                    t1 = time.perf_counter()
                    resp = client.post(
                        f"/v1/creators/{creator_id}/conversations/{customer}/messages",
                        json={"text": text, "channel": row["inputs"].get("channel", "dm")},
                    )
                    latencies.append((time.perf_counter() - t1) * 1000)
                    outs.append(resp.json() if resp.status_code == 200 else
                                {"error": resp.status_code, "reply": resp.text})  # fmt: skip
                for check in row["outputs"]["checks"]:
                    turn = check.get("turn", len(outs) - 1)
                    ok, why = judge.check(check, outs[turn])
                    result = {
                        "catalog": name, "id": row["metadata"]["id"],
                        "batch": row["metadata"].get("batch"), "kind": row["metadata"].get("kind"),
                        "check": check["check"], "passed": ok,
                    }  # fmt: skip
                    results.append(result)
                    if not ok:
                        failures.append({**result, "turns": row["inputs"]["turns"],
                                         "spec": check, "why": why})  # fmt: skip
                if progress and (n + 1) % 20 == 0:
                    print(f"[scenarios] {name}: {n + 1}/{len(cat_rows)}", file=sys.stderr)
            summary[name] = {"setup": notes}
    for name, s in summary.items():
        if "skipped" in s:
            continue
        mine = [r for r in results if r["catalog"] == name]
        s["checks"] = len(mine)
        s["pass_rate"] = round(sum(r["passed"] for r in mine) / max(1, len(mine)), 3)
        s["per_batch"] = {
            str(b): round(
                sum(r["passed"] for r in mine if r["batch"] == b)
                / max(1, sum(1 for r in mine if r["batch"] == b)),
                3,
            )
            for b in sorted({r["batch"] for r in mine})
        }
        kinds = sorted({r["kind"] for r in mine if r["kind"]})
        s["per_kind"] = {
            k: f"{sum(r['passed'] for r in mine if r['kind'] == k)}/"
            f"{sum(1 for r in mine if r['kind'] == k)}"
            for k in kinds
        }
    latencies.sort()
    timing = {
        "turns": len(latencies),
        "p50_ms": round(latencies[len(latencies) // 2], 1) if latencies else None,
        "p95_ms": round(latencies[int(len(latencies) * 0.95)], 1) if latencies else None,
    }
    return {"summary": summary, "failures": failures, "timing": timing}


def validate(rows: list[dict[str, Any]]) -> list[str]:
    """Static problems: unknown catalogs, product names or option values, bad turn indexes."""
    from pydantic import ValidationError

    from memory.importers import parse_csv, parse_json, parse_shopify, parse_shopify_csv
    from memory.schemas import CreatorIn

    problems: list[str] = []
    sources = catalog_sources()
    parsed: dict[str, list[Any]] = {}
    for name, src in sources.items():
        if src.data is None:
            continue
        creator = {k: v for k, v in src.creator.items() if k != "policies"}
        try:  # what POST /v1/creators will take ("brand_voice": "friendly" it will not)
            CreatorIn.model_validate(creator)
        except ValidationError as exc:
            problems.append(
                f"{name}: creator file: {exc.errors()[0]['loc']} {exc.errors()[0]['msg']}"
            )
        text = src.data.decode("utf-8-sig")
        reader = {"csv": parse_csv, "json": parse_json, "shopify": parse_shopify,
                  "shopify_csv": parse_shopify_csv}[src.fmt]  # fmt: skip
        parsed[name] = [p.product for p in reader(text)[0]]  # type: ignore[operator]
    seen: set[str] = set()
    for row in rows:
        rid = row.get("metadata", {}).get("id", "?")
        if rid in seen:
            problems.append(f"{rid}: duplicate id")
        seen.add(rid)
        cat = row["inputs"]["catalog"]
        if cat not in sources:
            problems.append(f"{rid}: unknown catalog {cat}")
            continue
        products = {p.name.lower(): p for p in parsed.get(cat, [])}
        turns = row["inputs"]["turns"]
        for check in row["outputs"]["checks"]:
            if check.get("turn", len(turns) - 1) >= len(turns):
                problems.append(f"{rid}: check turn out of range")
            for n in check.get("names", []) + ([check["product"]] if "product" in check else []):
                if products and n.lower() not in products:
                    problems.append(f"{rid}: no product named {n!r} in {cat}")
            if "options" in check and check.get("product") and products:
                p = products.get(check["product"].lower())
                for opt, val in check["options"].items():
                    vals = val if isinstance(val, list) else [val]
                    have = {
                        _norm_value(v.options.get(opt.lower(), ""))
                        for v in (p.variants if p else [])
                    }
                    if p and not any(_norm_value(x) in have for x in vals):
                        # unmet on purpose is fine for honest_variant; a typo is not for variant
                        if check["check"] == "variant":
                            problems.append(f"{rid}: {check['product']} has no {opt}={vals}")
    return problems


def report_lines(result: dict[str, Any]) -> list[str]:
    """Markdown table for the eval report."""
    lines = [
        "| catalog | checks | pass rate | per batch | per kind |",
        "|---|---|---|---|---|",
    ]
    for name, s in result["summary"].items():
        if "skipped" in s:
            lines.append(f"| {name} | skipped: {s['skipped']} | | | |")
            continue
        batches = ", ".join(f"b{b} {v:.3f}" for b, v in s["per_batch"].items())
        kinds = ", ".join(f"{k} {v}" for k, v in s["per_kind"].items())
        lines.append(f"| {name} | {s['checks']} | {s['pass_rate']:.3f} | {batches} | {kinds} |")
    t = result["timing"]
    lines += ["", f"{t['turns']} turns through the HTTP API: p50 {t['p50_ms']} ms, "
              f"p95 {t['p95_ms']} ms."]  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run (or ``--validate``) the scenario checks and print the table."""
    parser = argparse.ArgumentParser(prog="python -m evals.scenario_eval", description=__doc__)
    parser.add_argument("--catalog", action="append", help="only this catalog (repeatable)")
    parser.add_argument("--batch", action="append", type=int, help="only this batch")
    parser.add_argument("--validate", action="store_true", help="check the rows, run nothing")
    parser.add_argument("--show-failures", action="store_true", help="print every failed check")
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    opts = parser.parse_args(argv)
    rows = load_rows()
    if opts.validate:
        problems = validate(rows)
        for p in problems:
            print(p)
        print(f"{len(rows)} scenarios, {len(problems)} problems")
        return 1 if problems else 0
    result = run_scenario_eval(rows, opts.catalog, opts.batch)
    print("\n".join(report_lines(result)))
    if opts.show_failures:
        for f in result["failures"]:
            print(f"- {f['catalog']} {f['id']} [{f['check']}] {f['turns']} -> {f['why']}")
    if opts.json:
        opts.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
