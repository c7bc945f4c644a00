from pathlib import Path

from app.cli import main
from app.services import open_services
from dmpilot.settings import Settings
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
