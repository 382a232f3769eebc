"""Commands facing a busy review or an existing output file: one sentence, exit 1, no traceback,
nothing written (a review locked by another process; report --out and pool --forest on an
existing file without --force)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import add_search, decide
from typer.testing import CliRunner

import screener.db
from screener.cli import app
from screener.db import Review
from screener.record import Record

MEDLINE = "PMID- 1\nTI  - Tacrolimus in polymyositis.\nDP  - 2001\n\nPMID- 2\nTI  - Other.\n"


@pytest.fixture
def locked(review: Review, monkeypatch: pytest.MonkeyPatch) -> Iterator[Review]:
    """The review, with another connection holding its write lock (as a long dedupe or the
    screening app writing would), and a short busy timeout so the test does not wait 30 s."""
    add_search(review.db, [Record(title="A", pmid="1"), Record(title="B", pmid="2")])
    decide(review.db, "title_abstract", "ann", {1: "include", 2: "include"})
    monkeypatch.setattr(screener.db, "BUSY_TIMEOUT", 0.2)
    other = sqlite3.connect(review.path / "review.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield review
    other.execute("ROLLBACK")
    other.close()


def _counts(review: Review) -> tuple[int, ...]:
    db = sqlite3.connect(review.path / "review.db")
    tables = ("searches", "records", "decisions", "duplicate_pairs", "retrieval")
    counts = tuple(db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables)
    db.close()
    return counts


@pytest.mark.parametrize(
    "command",
    [
        ["import", "{dir}/pubmed.nbib"],
        ["dedupe"],
        ["criteria"],
        ["decide", "--file", "{dir}/decisions.csv"],
        ["unblind", "--reviewer", "lead"],
        ["fulltext", "attach", "{dir}/pdfs"],
    ],
)
def test_a_locked_review_is_one_sentence_for_every_command(
    locked: Review, tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "pubmed.nbib").write_text(MEDLINE, encoding="utf-8")
    (tmp_path / "decisions.csv").write_text(
        "key,stage,reviewer,decision,reason,note\nid:1,title_abstract,bob,include,,\n",
        encoding="utf-8",
    )
    (tmp_path / "pdfs").mkdir()
    before = _counts(locked)
    args = [part.replace("{dir}", str(tmp_path)) for part in command]
    result = CliRunner().invoke(app, [*args, "--review", str(locked.path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()[-2:]  # criteria says first that none are set
    assert lines[0] == (
        f"Error: {locked.path / 'review.db'} is busy: another process (the screening app, a "
        "dedupe, an import...) kept it locked for writing for more than 0.2 seconds, so this "
        "command stopped and its unfinished change was not saved."
    ), result.output
    assert lines[1:] == [
        "Wait until the other command finishes (or quit the screening app), then run this one "
        "again."
    ]
    assert _counts(locked) == before


def test_report_out_refuses_an_existing_file_unless_force(review: Review, tmp_path: Path) -> None:
    add_search(review.db, [Record(title="A", pmid="1")])
    out = tmp_path / "page.html"
    out.write_text("precious", encoding="utf-8")
    args = ["report", "--out", str(out), "--review", str(review.path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {out} already exists; nothing was written.",
        "Pass --force to replace it, or choose another --out path.",
    ]
    assert out.read_text(encoding="utf-8") == "precious"
    result = CliRunner().invoke(app, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


SHEET = "study,ck_events,ck_total,strength_events,strength_total\nA,3,10,5,10\nB,4,12,6,12\n"


@pytest.mark.parametrize("existing", ["forest_ck.png", "forest_strength.png"])
def test_pool_forest_refuses_an_existing_file_unless_force(tmp_path: Path, existing: str) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    (tmp_path / existing).write_bytes(b"precious")
    args = ["pool", str(sheet), "--method", "crude", "--forest", str(tmp_path / "forest.png")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {tmp_path / existing} already exists; nothing was written.",
        "Pass --force to replace it, or choose another --forest path.",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["sheet.csv", existing])
    assert (tmp_path / existing).read_bytes() == b"precious"
    result = CliRunner().invoke(app, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / existing).read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "forest_ck.png").exists() and (tmp_path / "forest_strength.png").exists()
