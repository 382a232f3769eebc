"""Blinding: until `screener unblind`, status, conflicts and exports show a reviewer only their
own decisions and the totals; unblinding is recorded with who and when."""

from __future__ import annotations

from builders import add_search, decide
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review
from screener.record import Record
from screener.screening.blinding import blinded, unblind, unblinding

TA = "title_abstract"


def dual(review: Review) -> list[int]:
    review.protocol_path.write_text("[screening]\nreviewers = 2\n", encoding="utf-8")
    ids = add_search(review.db, [Record(title=f"Study {i}", year=2001) for i in range(4)])
    decide(review.db, TA, "ann", {ids[0]: "include", ids[1]: "include", ids[2]: "exclude"}, "Pop")
    decide(review.db, TA, "bob", {ids[0]: "include", ids[1]: "exclude", ids[2]: "exclude"}, "Des")
    return ids


def test_unblind_is_recorded_once_with_who_and_when(review: Review, runner: CliRunner) -> None:
    dual(review)
    assert blinded(review) and unblinding(review.db) is None
    args = ["unblind", "--review", str(review.path), "--reviewer", "lead"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Unblinded by lead at ")
    row = review.db.execute("select reviewer, created_at from unblinding").fetchall()
    assert [r[0] for r in row] == ["lead"] and row[0][1].startswith("20")
    assert not blinded(review)
    again = runner.invoke(app, [*args[:-1], "ann"])
    assert again.exit_code == 0 and again.output.startswith("Already unblinded by lead at ")
    assert review.db.execute("select count(*) from unblinding").fetchone()[0] == 1


def test_one_reviewer_reviews_are_not_blind(review: Review) -> None:
    add_search(review.db, [Record(title="x")])
    assert not blinded(review)
    review.protocol_path.write_text("[screening]\nblind = true\n", encoding="utf-8")
    assert blinded(review)
    unblind(review.db, "lead")
    assert not blinded(review)


def test_blinded_conflicts_show_the_count_only(review: Review, runner: CliRunner) -> None:
    dual(review)
    args = ["conflicts", "--review", str(review.path), "--stage", "ta"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Title/abstract: 1 conflict."
    assert "ann" not in result.output and "bob" not in result.output
    assert "kappa" not in result.output
    refused = runner.invoke(app, [*args, "--resolve"], input="i\n")
    assert refused.exit_code == 1
    assert "blinded" in refused.stderr
    assert (
        review.db.execute("select count(*) from decisions where source = 'consensus'").fetchone()[0]
        == 0
    )
    unblind(review.db, "lead")
    result = runner.invoke(app, args)
    assert "      bob: exclude (Des)" in result.output and "Cohen's kappa" in result.output


def test_blinded_decisions_export_needs_the_reviewer_and_shows_only_theirs(
    review: Review, runner: CliRunner
) -> None:
    dual(review)
    args = ["export", "--review", str(review.path), "--format", "decisions"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and "blinded" in refused.stderr
    mine = runner.invoke(app, [*args, "--reviewer", "bob"])
    assert mine.exit_code == 0, mine.output
    rows = mine.stdout.splitlines()[1:]
    assert len(rows) == 3 and all(",bob," in r for r in rows)
    unblind(review.db, "lead")
    everyone = runner.invoke(app, args)
    assert len(everyone.stdout.splitlines()[1:]) == 6
