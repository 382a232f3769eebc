from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from screener.cli import app
from screener.db import MIGRATIONS, connect


def test_init_creates_protocol_and_database(tmp_path: Path, runner: CliRunner) -> None:
    folder = tmp_path / "rev"
    result = runner.invoke(app, ["init", str(folder), "--title", "Tacrolimus"])
    assert result.exit_code == 0, result.output
    assert (folder / "review.db").is_file()
    toml = (folder / "review.toml").read_text(encoding="utf-8")
    assert 'title = "Tacrolimus"' in toml
    assert toml.startswith("# review.toml")
    result = runner.invoke(app, ["status", "--review", str(folder), "--json"])
    data = json.loads(result.output)
    assert data["searches"] == []
    assert data["records"]["total"] == 0


def test_init_twice_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    runner.invoke(app, ["init", str(tmp_path / "rev")])
    result = runner.invoke(app, ["init", str(tmp_path / "rev")])
    assert result.exit_code == 1
    assert "already holds a review" in result.stderr


def test_missing_review_is_one_sentence(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["status", "--review", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "is not a review" in result.stderr
    assert "Traceback" not in result.stderr


def test_database_is_wal_and_fully_migrated(tmp_path: Path) -> None:
    db = connect(tmp_path / "x.db")
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    names = [r["name"] for r in db["_migrations"].rows]
    assert names == [name for name, _ in MIGRATIONS]
    for table in ("searches", "records", "duplicate_pairs", "decisions", "retrieval"):
        assert db[table].exists()
    # connecting again applies nothing new
    db.close()
    db = connect(tmp_path / "x.db")
    assert db["_migrations"].count == len(MIGRATIONS)
