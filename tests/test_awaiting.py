"""With [screening] reviewers = 2 a record decided by one reviewer is not final anywhere
downstream: full-text queue, PRISMA (refused or drawn as pending), exports."""

from __future__ import annotations

import json
from pathlib import Path

from builders import add_search, decide
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review
from screener.record import Record
from screener.screening.blinding import unblind

TA, FT = "title_abstract", "full_text"


def dual(review: Review) -> list[int]:
    """Four records: 0 included by both (and at full text), 1 included by ann alone (awaiting
    bob), 2 excluded by both, 3 excluded by ann alone (awaiting bob)."""
    review.protocol_path.write_text("[screening]\nreviewers = 2\n", encoding="utf-8")
    ids = add_search(review.db, [Record(title=f"Study {i}", year=2001) for i in range(4)])
    decide(
        review.db,
        TA,
        "ann",
        dict(zip(ids, ["include", "include", "exclude", "exclude"], strict=True)),
        "P",
    )
    decide(review.db, TA, "bob", {ids[0]: "include", ids[2]: "exclude"}, "P")
    decide(review.db, FT, "ann", {ids[0]: "include"})
    decide(review.db, FT, "bob", {ids[0]: "include"})
    unblind(review.db, "lead")
    return ids


def test_prisma_refuses_and_says_how_many_await(review: Review, runner: CliRunner) -> None:
    dual(review)
    result = runner.invoke(app, ["prisma", "--review", str(review.path)])
    assert result.exit_code == 1
    assert "2 records await another reviewer's title/abstract decision" in result.stderr


def test_prisma_json_counts_pending_and_lists_ids_on_request(
    review: Review, runner: CliRunner, tmp_path: Path
) -> None:
    ids = dual(review)
    out = tmp_path / "flow.json"
    base = ["prisma", "--review", str(review.path), "--allow-incomplete", "--out", str(out)]
    assert runner.invoke(app, base).exit_code == 0
    data = json.loads(out.read_text())
    assert data["pending"]["ta_awaiting"] == 2 and "pending_ids" not in data
    assert (data["records_screened"], data["records_excluded"], data["dbr_sought_reports"]) == (
        4,
        1,
        1,
    )
    assert runner.invoke(app, [*base, "--list-pending", "--force"]).exit_code == 0
    data = json.loads(out.read_text())
    assert data["pending_ids"]["ta_awaiting"] == [ids[1], ids[3]]


def test_exports_and_the_full_text_queue_skip_awaiting_records(
    review: Review, runner: CliRunner
) -> None:
    ids = dual(review)
    args = ["export", "--review", str(review.path), "--format", "csv"]
    included = runner.invoke(app, [*args, "--decision", "included"])
    assert included.exit_code == 0, included.output
    assert [r.split(",")[0] for r in included.stdout.splitlines()[1:]] == [str(ids[0])]
    passed = runner.invoke(app, [*args, "--stage", "title-abstract", "--decision", "included"])
    assert [r.split(",")[0] for r in passed.stdout.splitlines()[1:]] == [str(ids[0])]
    everything = runner.invoke(app, [*args, "--stage", "title-abstract", "--decision", "all"])
    rows = {r.split(",")[0]: r for r in everything.stdout.splitlines()[1:]}
    assert ",awaiting," in rows[str(ids[1])]
