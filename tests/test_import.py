"""The import pipeline (screener.searches) and the `import` / `searches` commands."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener import searches
from screener.cli import app
from screener.db import Review
from screener.errors import InputError
from screener.record import Record, raw_fields
from screener.searches import import_file, list_searches

DATA = Path(__file__).parent / "data" / "readers"


def counts(review: Review) -> tuple[int, int]:
    db = review.db
    return (
        db.execute("SELECT count(*) FROM searches").fetchone()[0],
        db.execute("SELECT count(*) FROM records").fetchone()[0],
    )


def medline_file(path: Path, n: int, tail: str = "") -> Path:
    """A synthetic MEDLINE export of n records (plus optional trailing text)."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(1, n + 1):
            out.write(f"PMID- {i}\nTI  - Record number {i}\n      continued.\nDP  - 2020\n\n")
        out.write(tail)
    return path


def test_import_stores_search_and_records(review: Review) -> None:
    path = DATA / "cochrane_headers.ris"
    seen: list[tuple[int, int]] = []
    summary = import_file(
        review,
        path,
        searched_on="2024-05-01",
        query="tacrolimus AND myositis",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert (summary.search_id, summary.n_records, summary.format) == (1, 2, "ris")
    assert (summary.database, summary.interface) == ("CENTRAL", "Cochrane Library")
    assert summary.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
    [row] = list_searches(review)
    assert {k: v for k, v in row.items() if k != "imported_at"} == {
        "id": 1,
        "database": "CENTRAL",
        "source_type": "database",
        "interface": "Cochrane Library",
        "query": "tacrolimus AND myositis",
        "searched_on": "2024-05-01",
        "round": 1,
        "file_name": "cochrane_headers.ris",
        "sha256": summary.sha256,
        "format": "ris",
        "n_records": 2,
    }
    rows = list(review.db.execute("SELECT * FROM records ORDER BY position").fetchall())
    names = [d[0] for d in review.db.execute("SELECT * FROM records").description]
    stored = [dict(zip(names, r, strict=True)) for r in rows]
    assert [r["position"] for r in stored] == [1, 2]
    first = Record.from_row(stored[0])
    assert first.accessions["central"] == "CN-01234567"
    assert first.raw["AN"] == "CN-01234567"
    assert stored[0]["duplicate_of"] is None


def test_database_option_overrides_guess_and_round(review: Review) -> None:
    summary = import_file(review, DATA / "asreview_labels.csv", database="ASReview", round=2)
    assert (summary.database, summary.database_guessed, summary.round) == ("ASReview", False, 2)
    row = review.db.execute("SELECT raw, title, abstract FROM records LIMIT 1").fetchone()
    fields = raw_fields(dict(zip(("raw", "title", "abstract"), row, strict=True)))
    assert fields["label_included"] == "1"


def test_same_file_twice_is_refused_and_changes_nothing(review: Review, tmp_path: Path) -> None:
    import_file(review, DATA / "medline_bom_crlf.nbib")
    before = counts(review)
    copy = tmp_path / "renamed.txt"
    copy.write_bytes((DATA / "medline_bom_crlf.nbib").read_bytes())
    with pytest.raises(InputError, match=r"already imported as search #1 \(medline_bom_crlf"):
        import_file(review, copy)
    assert counts(review) == before == (1, 2)


def test_failed_import_stores_nothing_even_after_batches(review: Review, tmp_path: Path) -> None:
    path = medline_file(tmp_path / "big.nbib", 2500, tail="      an orphan line\n")
    assert searches.BATCH < 2500
    with pytest.raises(InputError, match="line 12501: an indented line before any MEDLINE field"):
        import_file(review, path)
    assert counts(review) == (0, 0)
    # the review is still usable afterwards
    good = medline_file(tmp_path / "good.nbib", 2500)
    assert import_file(review, good).n_records == 2500
    assert counts(review) == (1, 2500)
    positions = review.db.execute("SELECT min(position), max(position) FROM records").fetchone()
    assert tuple(positions) == (1, 2500)


def test_bad_options_are_refused(review: Review) -> None:
    with pytest.raises(InputError, match="not a date written YYYY-MM-DD"):
        import_file(review, DATA / "cochrane_headers.ris", searched_on="2024-13-01")
    with pytest.raises(InputError, match="round must be 1 or more"):
        import_file(review, DATA / "cochrane_headers.ris", round=0)
    with pytest.raises(InputError, match="Unknown source type 'blog'"):
        import_file(review, DATA / "cochrane_headers.ris", source_type="blog")
    assert counts(review) == (0, 0)


def test_header_only_csv_holds_no_records(review: Review, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("title,abstract\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds no records"):
        import_file(review, path)
    assert counts(review) == (0, 0)


def test_cli_import_and_searches(review: Review, runner: CliRunner) -> None:
    folder = str(review.path)
    result = runner.invoke(
        app,
        [
            "import",
            str(DATA / "cochrane_headers.ris"),
            str(DATA / "cnki_refer_gb18030.txt"),
            "--searched",
            "2024-05-01",
            "--review",
            folder,
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "cochrane_headers.ris: 2 records read (RIS, CENTRAL via Cochrane Library), "
        "stored as search #1, round 1.",
        "cnki_refer_gb18030.txt: 2 records read (CNKI EndNote (Refer), CNKI), "
        "stored as search #2, round 1.",
    ]
    listed = runner.invoke(app, ["searches", "--review", folder, "--json"])
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)
    assert [(r["database"], r["n_records"], r["searched_on"]) for r in rows] == [
        ("CENTRAL", 2, "2024-05-01"),
        ("CNKI", 2, "2024-05-01"),
    ]
    table = runner.invoke(app, ["searches", "--review", folder])
    assert table.exit_code == 0
    assert "2 searches, 4 records." in table.stdout


def test_cli_unknown_database_gets_a_hint(review: Review, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["import", str(DATA / "asreview_labels.csv"), "--review", str(review.path)]
    )
    assert result.exit_code == 0
    assert "(CSV table, unknown)" in result.stdout
    assert "name it with --database" in result.stdout


@pytest.mark.parametrize(
    "name",
    [
        "bad_empty.ris",
        "bad_binary.ris",
        "bad_unknown.txt",
        "bad_truncated.ris",
        "bad_broken.xml",
        "bad_bomb.xml",
        "bad_xxe.xml",
        "bad_encoding.ris",
        "does_not_exist.ris",
    ],
)
def test_cli_bad_input_exits_1_with_one_sentence(
    review: Review, runner: CliRunner, name: str
) -> None:
    result = runner.invoke(app, ["import", str(DATA / name), "--review", str(review.path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert name in result.stderr.splitlines()[0]
    assert "Traceback" not in result.stderr
    assert counts(review) == (0, 0)


def test_cli_directory_and_duplicate(review: Review, runner: CliRunner) -> None:
    result = runner.invoke(app, ["import", str(DATA), "--review", str(review.path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {DATA} is a folder")
    args = ["import", str(DATA / "ovid_headers.ris"), "--review", str(review.path)]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "already imported as search #1" in again.stderr
    assert counts(review) == (1, 2)


def test_cli_format_option(review: Review, runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "import",
            str(DATA / "cochrane_headers.ris"),
            "--format",
            "medline",
            "-r",
            str(review.path),
        ],
    )
    assert result.exit_code == 1
    assert "not a MEDLINE field" in result.stderr
    assert counts(review) == (0, 0)


def test_cli_failed_file_does_not_stop_the_others(review: Review, runner: CliRunner) -> None:
    files = [DATA / "ovid_headers.ris", DATA / "bad_truncated.ris", DATA / "wos_bom.ciw"]
    result = runner.invoke(app, ["import", *map(str, files), "--review", str(review.path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ovid_headers.ris: 2 records read (RIS, Embase via Ovid), stored as search #1, round 1.",
        "wos_bom.ciw: 1 record read (Web of Science plain text, Web of Science), "
        "stored as search #2, round 1.",
    ]
    assert result.stderr.splitlines() == [
        f"Error: {DATA / 'bad_truncated.ris'}, record 2 (line 6) has no closing 'ER  -' line: "
        "the file looks truncated."
    ]
    assert counts(review) == (2, 3)
