import json
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from memory.catalog import NotFoundError
from memory.importers import ImportFormatError, import_catalog, parse_csv, strip_html
from memory.models import Product, Variant
from memory.schemas import ProductIn
from tools.search_schemas import SearchFilters

DATA = Path(__file__).parent / "data"


def test_csv_import_groups_variants_and_reports_bad_rows(services):
    report = import_catalog(services.catalog, "shop-a", (DATA / "catalog.csv").read_bytes())
    assert report.format == "csv"
    assert report.created == 2  # tee-1 and mat-1
    rows_with_errors = {e.row: e.message for e in report.errors}
    assert 6 in rows_with_errors and "price" in rows_with_errors[6]  # "abc"
    assert 7 in rows_with_errors and "name" in rows_with_errors[7]  # product without any name
    assert 8 in rows_with_errors and "price" in rows_with_errors[8]  # negative price
    assert 9 in rows_with_errors and "boolean" in rows_with_errors[9]  # available=maybe
    _, items = services.catalog.list_products("shop-a")
    tee = next(p for p in items if p.source_id == "tee-1")
    assert [v.sku for v in tee.variants] == ["TEE-BLK-S", "TEE-BLK-M", "TEE-NVY-L"]
    assert tee.variants[2].options == {"color": "Navy", "size": "L"}
    assert (tee.price_min, tee.price_max) == (25.0, 27.0)
    assert tee.tags == ["cotton", "casual"]
    assert tee.category == "Apparel > Tops"


def test_csv_unknown_column_is_a_file_error():
    with pytest.raises(ImportFormatError, match="unknown CSV column"):
        parse_csv("name,price,colour_of_sky\nTee,10,blue\n")


def test_json_import_reports_position_and_field(services):
    payload = {
        "products": [
            {"id": "p1", "name": "Good", "base_price": 10},
            {"id": "p2", "name": "", "base_price": 10},
            {"id": "p3", "name": "No price"},
            "not an object",
            {
                "source_id": "p5",
                "name": "Variants",
                "variants": [{"price": 5, "options": {"Color": "Red"}}],
            },
        ]
    }
    report = import_catalog(services.catalog, "shop-a", json.dumps(payload), fmt="json")
    assert report.created == 2
    errors = {e.row: e.message for e in report.errors}
    assert set(errors) == {2, 3, 4}
    assert "name" in errors[2]
    assert "base_price" in errors[3]
    p5 = next(p for p in services.catalog.list_products("shop-a")[1] if p.source_id == "p5")
    assert p5.variants[0].options == {"color": "Red"}


def test_shopify_mapping(services):
    report = import_catalog(
        services.catalog,
        "shop-a",
        (DATA / "shopify_products.json").read_bytes(),
        filename="products.json",
    )
    assert report.format == "shopify"
    assert report.created == 2
    assert {e.row for e in report.errors} == {3, 4}
    _, items = services.catalog.list_products("shop-a")
    hoodie = next(p for p in items if p.name == "Cloud Knit Hoodie")
    assert hoodie.source_id == "7981234567890"
    # (each paragraph or list item a line of its own: a yes or no rests on one of them)
    assert (
        hoodie.description == "Our softest hoodie yet.\n80% organic cotton\n20% recycled polyester"
    )
    assert hoodie.category == "Apparel > Hoodies"
    assert hoodie.tags == ["cotton", "casual", "bestseller"]
    assert hoodie.url == "https://a.example/products/cloud-knit-hoodie"
    assert hoodie.main_image == "https://cdn.shop-a.example/hoodie-1.jpg"
    v = {x.sku: x for x in hoodie.variants}
    assert v["CKH-NV-S"].options == {"color": "Navy", "size": "S"}
    assert v["CKH-NV-S"].compare_at_price == 80.0 and v["CKH-NV-S"].stock == 4
    assert not v["CKH-NV-M"].in_stock
    assert v["CKH-OT-L"].stock == 0 and v["CKH-OT-L"].available  # oversell allowed
    protein = next(p for p in items if p.name == "Chocolate Plant Protein")
    assert protein.variants[0].options == {}
    assert protein.description == "Vegan & dairy-free.\n24 g protein per scoop."


def test_shopify_admin_csv_export(services):
    """Shopify's Products > Export: one row per variant, product fields on the first row only,
    image-only rows; no ids in the file (handle, and handle + option values, instead)."""
    data = (DATA / "shopify_products_export.csv").read_bytes()
    report = import_catalog(services.catalog, "shop-a", data, filename="products_export.csv")
    assert report.format == "shopify_csv" and not report.errors, report.as_dict()
    assert report.created == 3 and report.rows == 6
    _, items = services.catalog.list_products("shop-a", include_inactive=True)
    shoe = next(p for p in items if p.name == "Trail Runner 2")
    assert shoe.source_id == "trail-runner-2" and shoe.brand == "Northpeak"
    assert shoe.category == "Running Shoes" and shoe.tags == ["trail", "waterproof", "running"]
    assert shoe.description.startswith("Grippy trail shoe") and "Waterproof" in shoe.description
    assert shoe.images == ["https://cdn.example.com/tr2-pink.jpg",
                           "https://cdn.example.com/tr2-black.jpg",
                           "https://cdn.example.com/tr2-sole.jpg"]  # fmt: skip
    v = {x.sku: x for x in shoe.variants}
    assert v["TR2-42-PNK"].options == {"size": "42", "color": "Pink"}
    assert v["TR2-42-PNK"].price == 129.0 and v["TR2-42-PNK"].compare_at_price == 149.0
    assert v["TR2-42-PNK"].stock == 3 and not v["TR2-43-PNK"].in_stock
    assert v["TR2-42-BLK"].stock == 5 and v["TR2-42-BLK"].price == 119.0
    beanie = next(p for p in items if p.name == "Merino Beanie")
    assert beanie.variants[0].options == {} and beanie.is_active
    socks = next(p for p in items if p.name == "Old Socks")
    assert not socks.is_active  # archived
    # Re-importing the same export changes nothing (upsert by handle).
    again = import_catalog(services.catalog, "shop-a", data, filename="products_export.csv")
    assert again.created == 0 and again.unchanged == 3


def test_strip_html_handles_entities_and_blocks():
    assert strip_html("<p>a&amp;b</p><p>c</p>") == "a&b\nc"
    assert strip_html("<ul><li>2 x AA  batteries</li>\n <li>not included</li></ul>") == (
        "2 x AA batteries\nnot included"
    )
    assert strip_html(None) == ""


def test_reimport_upserts_by_source_id_keeps_variant_ids_and_skips_embedding(services):
    payload = {"products": [{"id": "p1", "name": "Loop Bands", "variants": [
        {"sku": "B-1", "price": 10, "options": {"resistance": "light"}},
        {"sku": "B-2", "price": 12, "options": {"resistance": "heavy"}}]}]}  # fmt: skip
    first = import_catalog(services.catalog, "shop-a", json.dumps(payload), fmt="json")
    assert (first.created, first.embedded) == (1, 1)
    pid = services.catalog.list_products("shop-a")[1][0].id
    vids = [v.id for v in services.catalog.get_product("shop-a", pid).variants]

    # Same content: nothing re-embedded.
    again = import_catalog(services.catalog, "shop-a", json.dumps(payload), fmt="json")
    assert (again.created, again.updated, again.unchanged, again.embedded) == (0, 0, 1, 0)

    # Price-only change: updated, still no re-embedding (price is not in the embedded text).
    payload["products"][0]["variants"][0]["price"] = 11
    priced = import_catalog(services.catalog, "shop-a", json.dumps(payload), fmt="json")
    assert (priced.updated, priced.embedded) == (1, 0)
    assert [v.id for v in services.catalog.get_product("shop-a", pid).variants] == vids

    # Text change: re-embedded.
    payload["products"][0]["name"] = "Mini Loop Bands"
    renamed = import_catalog(services.catalog, "shop-a", json.dumps(payload), fmt="json")
    assert (renamed.updated, renamed.embedded) == (1, 1)
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 1


def test_batch_is_atomic_when_the_database_fails_midway(services, monkeypatch):
    payload = {
        "products": [{"id": f"p{i}", "name": f"Item {i}", "base_price": 5 + i} for i in range(5)]
    }
    real_apply = services.catalog._apply
    calls = {"n": 0}

    def flaky(product, item, currency):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("disk full")
        return real_apply(product, item, currency)

    monkeypatch.setattr(services.catalog, "_apply", flaky)
    with pytest.raises(RuntimeError):
        import_catalog(services.catalog, "shop-a", json.dumps(payload), fmt="json", batch_size=10)
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 0
        assert s.scalar(select(func.count()).select_from(Variant)) == 0
    assert services.vectors.count("shop-a") == 0


def test_crash_between_sql_and_chroma_is_repaired_on_next_search(services):
    item = ProductIn(source_id="p1", name="Cork Yoga Mat", base_price=70)
    services.catalog.upsert_products("shop-a", [item], sync=False)
    assert services.vectors.count("shop-a") == 0  # "crashed" before the vector write
    hits = services.search.search("shop-a", "natural cork mat for yoga").hits
    assert services.vectors.count("shop-a") == 1
    assert [h.name for h in hits] == ["Cork Yoga Mat"]
    assert hits[0].vector_score is not None and hits[0].vector_score > 0.5
    assert services.catalog.sync_vectors("shop-a") == (0, 0)  # idempotent


def test_deactivate_and_delete_remove_from_search(services):
    payload = {"products": [
        {"id": "m1", "name": "Cork Yoga Mat", "base_price": 70},
        {"id": "m2", "name": "Travel Yoga Mat", "base_price": 30}]}  # fmt: skip
    import_catalog(services.catalog, "shop-a", json.dumps(payload), fmt="json")
    names = lambda: {h.name for h in services.search.search("shop-a", "yoga mat").hits}  # noqa: E731
    assert names() == {"Cork Yoga Mat", "Travel Yoga Mat"}
    ids = {p.name: p.id for p in services.catalog.list_products("shop-a")[1]}
    services.catalog.delete_product("shop-a", ids["Cork Yoga Mat"])
    assert names() == {"Travel Yoga Mat"}
    assert services.vectors.count("shop-a") == 1
    services.catalog.delete_product("shop-a", ids["Travel Yoga Mat"], hard=True)
    assert names() == set()
    with pytest.raises(NotFoundError):
        services.catalog.get_product("shop-a", ids["Travel Yoga Mat"])


def test_creators_are_isolated(services):
    a = {"products": [{"id": "x", "name": "Secret Vegan Protein", "base_price": 30}]}
    import_catalog(services.catalog, "shop-a", json.dumps(a), fmt="json")
    pid = services.catalog.list_products("shop-a")[1][0].id
    assert services.search.search("shop-b", "vegan protein").hits == []
    with pytest.raises(NotFoundError):
        services.catalog.get_product("shop-b", pid)
    with pytest.raises(NotFoundError):
        services.search.get_variants("shop-b", pid)
    # Same source id in another creator is a different product.
    import_catalog(services.catalog, "shop-b", json.dumps(a), fmt="json")
    assert services.catalog.list_products("shop-b")[1][0].id != pid


def test_unknown_creator_and_unreadable_files(services):
    with pytest.raises(NotFoundError):
        import_catalog(services.catalog, "nobody", b"name,price\nTee,10\n")
    with pytest.raises(ImportFormatError):
        import_catalog(services.catalog, "shop-a", b"{not json", fmt="json")
    with pytest.raises(ImportFormatError):
        import_catalog(services.catalog, "shop-a", b"\xff\xfe\x00bad", fmt="csv")
    with pytest.raises(ImportFormatError):
        import_catalog(services.catalog, "shop-a", b'{"products": 3}', fmt="shopify")


def test_variant_filters_on_imported_catalog(services):
    import_catalog(services.catalog, "shop-a", (DATA / "catalog.csv").read_bytes())
    res = services.search.search("shop-a", "tee", SearchFilters(colors=["blue"]))
    assert [v.options["color"] for h in res.hits for v in h.matching_variants] == ["Navy"]


def test_a_write_from_another_process_refreshes_the_search_index(services, tmp_path):
    from app.services import open_services

    assert services.search.search("shop-a", "kettlebell").hits == []
    # A second set of services on the same files stands for the CLI or another worker.
    other = open_services(services.settings)
    try:
        import_catalog(other.catalog, "shop-a", json.dumps({"products": [
            {"id": "kb", "name": "Cast Iron Kettlebell", "base_price": 40}]}), fmt="json")  # fmt: skip
    finally:
        other.close()
    time.sleep(services.settings.catalog_version_ttl_s + 0.05)  # the documented staleness bound
    assert [h.name for h in services.search.search("shop-a", "kettlebell").hits] == [
        "Cast Iron Kettlebell"
    ]


def test_csv_with_bare_carriage_returns_is_read_not_a_server_error():
    """Old-Mac line ends and a "\\r" inside a field (schemathesis found the 500)."""
    products, errors, rows = parse_csv("name,base_price\rMat,10\rBlock\r2,5\n")
    assert rows == 3 and [p.product.name for p in products] == ["Mat", "2"]
    assert [e.row for e in errors] == [3] and "base_price" in errors[0].message  # "Block"
