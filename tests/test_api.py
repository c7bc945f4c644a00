"""The HTTP API end to end: real app factory, lifespan, SQLite, Chroma and embeddings."""

import json
from pathlib import Path

import pytest

from app.demo import DEMO_CREATOR, demo_catalog
from app.local_client import admin_client
from app.settings import Settings

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("api"), max_body_bytes=64 * 1024,
                        max_upload_bytes=2 * 1024 * 1024)  # fmt: skip
    with admin_client(settings) as c:
        assert c.post("/v1/creators", json=DEMO_CREATOR).status_code == 201
        body = json.dumps({"products": demo_catalog()[:80]}).encode()
        r = c.post("/v1/creators/demo/catalog/import",
                   files={"file": ("demo.json", body, "application/json")})  # fmt: skip
        assert r.status_code == 200 and r.json()["created"] == 80
        yield c


def test_health_and_openapi(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["database"] == "ok" and r.json()["vector_store"] == "ok"
    assert "/v1/creators/{creator_id}/catalog/search" in client.get("/openapi.json").json()["paths"]


def test_metrics_count_requests_by_route(client):
    client.get("/v1/creators/demo")
    text = client.get("/metrics").text
    assert (
        'dmpilot_http_requests_total{method="GET",route="/v1/creators/{creator_id}",status="200"}'
        in text
    )
    assert "dmpilot_http_request_duration_seconds_bucket" in text


def test_creator_errors(client):
    assert client.post("/v1/creators", json=DEMO_CREATOR).status_code == 409
    r = client.post("/v1/creators", json={"id": "Has Spaces", "name": ""})
    assert r.status_code == 422
    assert "id" in r.json()["detail"] and "name" in r.json()["detail"]
    assert client.post("/v1/creators", json={"id": "x", "name": "X", "extra": 1}).status_code == 422
    assert client.get("/v1/creators/nobody").status_code == 404
    assert (
        client.post(
            "/v1/creators", content=b"{broken", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )


def test_product_crud(client):
    body = {"source_id": "api-1", "name": "API Test Kettlebell", "category": "Equipment/Free Weights",
            "variants": [{"sku": "KB-8", "price": 30, "options": {"weight": "8 kg"}, "stock": 3}]}  # fmt: skip
    r = client.post("/v1/creators/demo/products", json=body)
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["category"] == "Equipment > Free Weights" and p["price_min"] == 30
    assert p["variants"][0]["in_stock"] is True
    assert client.post("/v1/creators/demo/products", json=body).status_code == 409
    pid = p["id"]
    r = client.patch(f"/v1/creators/demo/products/{pid}", json={"name": "API Test Kettlebell Pro"})
    assert r.status_code == 200 and r.json()["name"] == "API Test Kettlebell Pro"
    assert r.json()["variants"][0]["id"] == p["variants"][0]["id"]
    hits = client.get("/v1/creators/demo/catalog/search", params={"q": "kettlebell pro"}).json()[
        "hits"
    ]
    assert hits[0]["product_id"] == pid
    assert client.delete(f"/v1/creators/demo/products/{pid}").status_code == 204
    hits = client.get("/v1/creators/demo/catalog/search", params={"q": "kettlebell pro"}).json()[
        "hits"
    ]
    assert pid not in [h["product_id"] for h in hits]
    assert client.get(f"/v1/creators/demo/products/{pid}").json()["is_active"] is False
    page = client.get("/v1/creators/demo/products", params={"limit": 5}).json()
    assert page["total"] == 80 and len(page["items"]) == 5


def test_product_validation(client):
    assert client.post("/v1/creators/demo/products", json={"name": "No price"}).status_code == 422
    bad_price = {"name": "X", "variants": [{"price": -1}]}
    r = client.post("/v1/creators/demo/products", json=bad_price)
    assert r.status_code == 422 and "price" in r.json()["detail"]
    assert client.get("/v1/creators/demo/products/0").status_code == 422
    assert client.get("/v1/creators/demo/products/999999").status_code == 404
    assert client.patch("/v1/creators/demo/products/999999", json={"name": "x"}).status_code == 404
    assert client.patch("/v1/creators/demo/products/1", json={"variants": []}).status_code == 422


def test_search_with_filters(client):
    r = client.get("/v1/creators/demo/catalog/search",
                   params={"q": "leggings", "color": "navy,black", "size": "medium", "max_price": 60})  # fmt: skip
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert hits and "Leggings" in hits[0]["name"]
    for h in hits:
        for v in h["matching_variants"]:
            assert v["options"]["size"] == "M" and v["price"] <= 60
    r = client.get("/v1/creators/demo/catalog/search",
                   params={"q": "hoodie", "color": "purple", "max_price": 5})  # fmt: skip
    assert r.json()["relaxed"] and r.json()["relaxed"][0]["constraint"] == "color"


def test_search_bad_input(client):
    url = "/v1/creators/demo/catalog/search"
    assert client.get(url, params={"q": "x", "min_price": 50, "max_price": 10}).status_code == 422
    assert client.get(url, params={"q": "x", "min_price": -1}).status_code == 422
    assert client.get(url, params={"q": "x", "limit": 500}).status_code == 422
    assert client.get(url, params={"q": "x" * 501}).status_code == 422
    assert client.get(url, params={"q": "x", "sort": "random"}).status_code == 422
    assert client.get("/v1/creators/nobody/catalog/search", params={"q": "x"}).status_code == 404
    assert client.get(url, params={"q": "🏋️‍♀️💪"}).status_code == 200
    assert client.get(url, params={"q": "ヨガマット"}).status_code == 200


def test_variants_similar_cheaper_compare(client):
    r = client.get("/v1/creators/demo/products/2/variants", params={"size": "S"})
    assert r.status_code == 200 and {v["options"]["size"] for v in r.json()["variants"]} == {"S"}
    assert client.get("/v1/creators/demo/products/2/similar").status_code == 200
    assert client.get("/v1/creators/demo/products/2/cheaper").status_code == 200
    r = client.post("/v1/creators/demo/catalog/compare", json={"product_ids": [1, 2]})
    assert r.status_code == 200 and len(r.json()["products"]) == 2
    assert (
        client.post("/v1/creators/demo/catalog/compare", json={"product_ids": [1]}).status_code
        == 422
    )
    assert (
        client.post(
            "/v1/creators/demo/catalog/compare", json={"product_ids": [1, 10**6]}
        ).status_code
        == 404
    )
    assert (
        client.post("/v1/creators/demo/catalog/compare", json={"product_ids": [1, 1]}).status_code
        == 422  # the schema says uniqueItems
    )


def test_import_endpoint_reports_row_errors_and_rejects_bad_files(client):
    client.post("/v1/creators", json={"id": "csv-shop", "name": "CSV Shop"})
    r = client.post("/v1/creators/csv-shop/catalog/import",
                    files={"file": ("c.csv", (DATA / "catalog.csv").read_bytes(), "text/csv")})  # fmt: skip
    assert r.status_code == 200
    assert r.json()["created"] == 2 and {e["row"] for e in r.json()["errors"]} == {6, 7, 8, 9}
    r = client.post("/v1/creators/csv-shop/catalog/import", params={"format": "shopify"},
                    files={"file": ("p.json", (DATA / "shopify_products.json").read_bytes())})  # fmt: skip
    assert r.status_code == 200 and r.json()["created"] == 2
    url = "/v1/creators/csv-shop/catalog/import"
    assert client.post(url, files={"file": ("e.csv", b"   ")}).status_code == 400
    assert client.post(url, files={"file": ("x.json", b"{oops")}).status_code == 400
    assert (
        client.post(url, params={"format": "xml"}, files={"file": ("x", b"a")}).status_code == 422
    )
    assert client.post(url).status_code == 422
    big = b"name,price\n" + b"x" * (3 * 1024 * 1024)
    assert client.post(url, files={"file": ("big.csv", big)}).status_code == 413
    assert (
        client.post(
            "/v1/creators/nobody/catalog/import", files={"file": ("c.csv", b"name\nx")}
        ).status_code
        == 404
    )


def test_oversized_json_body_is_413(client):
    r = client.post("/v1/creators/demo/products", json={"name": "x" * 100_000, "base_price": 1})
    assert r.status_code == 413
