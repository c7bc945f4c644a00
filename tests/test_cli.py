from pathlib import Path

from app.cli import main
from app.services import open_services
from app.settings import Settings
from memory.schemas import CreatorIn

DATA = Path(__file__).parent / "data"


def test_cli_import_reports_rows_and_search_finds_them(tmp_path, capsys):
    svc = open_services(Settings(data_dir=tmp_path))
    svc.catalog.create_creator(CreatorIn(id="shop-a", name="Shop A"))
    svc.close()
    code = main(["--data-dir", str(tmp_path), "catalog", "import", str(DATA / "catalog.csv"),
                 "--creator", "shop-a"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0
    assert "csv: 8 rows, 2 created" in out
    assert "row 6: price" in err and "row 9: available: not a boolean" in err
    assert "import catalog.csv" in err  # the progress bar
    code = main(["--data-dir", str(tmp_path), "catalog", "search", "tee", "--creator", "shop-a",
                 "--color", "navy"])  # fmt: skip
    out, _ = capsys.readouterr()
    assert code == 0 and "Everyday Tee" in out and "color=Navy" in out


def test_cli_errors_are_messages_not_tracebacks(tmp_path, capsys):
    assert (
        main(["--data-dir", str(tmp_path), "catalog", "import", "missing.csv", "--creator", "x"])
        == 2
    )
    assert "no such file" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path), "catalog", "import", str(DATA / "catalog.csv"),
                 "--creator", "nobody"]) == 2  # fmt: skip
    assert "unknown creator" in capsys.readouterr().err


def test_cli_split_and_cluster_write_jsonl(tmp_path, capsys):
    import json

    from bench.fans import FAMILIES

    msgs = tmp_path / "msgs.txt"
    msgs.write_text('do you ship to canada? and do you have a discount code?\n'
                    '{"id": "m2", "text": "is creatine safe?"}\n')  # fmt: skip
    assert main(["split", str(msgs)]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["message"] for r in rows] == [0, 0, "m2"] and "split" in err  # progress bar
    assert "canada" in rows[0]["text"] and "discount" in rows[1]["text"]
    qs = tmp_path / "qs.jsonl"
    gold = [(f, q) for f, texts in FAMILIES.items() for q in texts]
    qs.write_text("".join(json.dumps({"text": q}) + "\n" for _, q in gold))
    assert main(["cluster", str(qs), "--out", str(tmp_path / "out.jsonl")]) == 0
    got = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(got) == len(gold)
    from sklearn.metrics import adjusted_rand_score

    # 10 families of paraphrases, number of clusters not given.
    assert adjusted_rand_score([f for f, _ in gold], [g["cluster_id"] for g in got]) > 0.7
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"txt": "x"}\n')
    try:
        main(["cluster", str(bad)])
        raise AssertionError("expected an error")
    except SystemExit as exc:
        assert "needs a non-empty 'text'" in str(exc)


def test_cli_connects_channels_from_the_environment_and_syncs(tmp_path, capsys, monkeypatch):
    """Secrets come from the environment (never argv) and are never printed back."""
    import json

    from tests.fake_shopify import FakeShopify

    svc = open_services(Settings(data_dir=tmp_path))
    svc.catalog.create_creator(CreatorIn(id="cli", name="CLI"))
    svc.close()
    secrets = {"DMPILOT_IG_ACCESS_TOKEN": "IGAA-cli-token-1", "DMPILOT_IG_APP_SECRET": "cli-secret-2",
               "DMPILOT_IG_VERIFY_TOKEN": "cli-verify-3",
               "DMPILOT_SHOPIFY_ACCESS_TOKEN": "shpat_cli_4", "DMPILOT_SHOPIFY_WEBHOOK_SECRET": "shpss_cli_5"}  # fmt: skip
    for k, v in secrets.items():
        monkeypatch.setenv(k, v)
    base = ["--data-dir", str(tmp_path), "channel"]
    assert main([*base, "instagram", "--creator", "cli", "--account-id", "1784140"]) == 0
    product = {"id": 11, "title": "Cork Yoga Mat", "handle": "mat",
               "variants": [{"id": 21, "price": "49.00", "inventory_quantity": 3}]}  # fmt: skip
    with FakeShopify([product]) as fake:
        monkeypatch.setenv("DMPILOT_SHOPIFY_API_BASE", f"{fake.url}/{{shop}}/admin/api/2025-10")
        assert main([*base, "shopify", "--creator", "cli", "--shop", "cli.myshopify.com"]) == 0
        assert main([*base, "sync", "--creator", "cli"]) == 0
        out, err = capsys.readouterr()
        assert '"created": 1' in out and "page 1: 1 products" in err
    assert main([*base, "status", "--creator", "cli"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["instagram"]["connected"] and status["shopify"]["last_sync"]["created"] == 1
    assert status["shopify"]["credentials_set"] == ["access_token", "webhook_secret"]
    assert main([*base, "shopify", "--creator", "cli", "--shop", "https://evil.example"]) == 2
    out, err = capsys.readouterr()
    assert "shop" in err
    assert not any(v in out + err for v in secrets.values())
