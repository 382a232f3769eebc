"""``screener dedupe`` through the CLI, and the pair-review screen through Textual's Pilot."""

from __future__ import annotations

import asyncio
from typing import Any

from dedupe_helpers import add_record, add_search, duplicate_of, pitfall_cases
from typer.testing import CliRunner

from screener import dedupe
from screener.cli import app
from screener.db import Review
from screener.tui.pairs import PairReviewApp

REVIEW_CASE = next(c for c in pitfall_cases() if c["expect"] == "review")
AUTO_CASE = next(c for c in pitfall_cases() if c["name"] == "page-abbreviation")


def _fill(review: Review, *cases: dict[str, Any]) -> list[int]:
    ids = []
    for case in cases:
        ids.append(add_record(review.db, add_search(review.db, "PubMed"), **case["a"]))
        ids.append(add_record(review.db, add_search(review.db, "Embase", round=2), **case["b"]))
    return ids


def test_dedupe_command_summary(review: Review, runner: CliRunner) -> None:
    _fill(review, AUTO_CASE, REVIEW_CASE)
    result = runner.invoke(app, ["dedupe", "--review", str(review.path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Compared 4 new record(s) against 4: 2 candidate pair(s), 1 linked automatically, "
        "1 sent to review.",
        "1 duplicate group(s); 1 duplicate record(s) removed (round 1: 0, round 2: 1); "
        "1 record(s) changed in this run.",
        "1 pair(s) wait for review: screener dedupe --review-pairs",
        "Ranking features ready: 3 record(s) hashed, 0 unchanged.",
    ]
    again = runner.invoke(app, ["dedupe", "--review", str(review.path)])
    assert again.stdout.splitlines()[0] == (
        "Compared 0 new record(s) against 4: 0 candidate pair(s), 0 linked automatically, "
        "0 sent to review."
    )
    assert again.stdout.splitlines()[-1] == (
        "Ranking features ready: 0 record(s) hashed, 3 unchanged."
    )


def test_explain_link_unlink_and_errors(review: Review, runner: CliRunner) -> None:
    a, b, c, d = _fill(review, AUTO_CASE, REVIEW_CASE)
    where = ["--review", str(review.path)]
    runner.invoke(app, ["dedupe", *where])
    result = runner.invoke(app, ["dedupe", *where, "--explain", str(b)])
    assert (
        result.stdout.splitlines()[0]
        == f"Record {b} is a duplicate of record {a} (group of 2: {a}, {b})."
    )
    result = runner.invoke(app, ["dedupe", *where, "--link", str(c), str(d), "--reviewer", "ana"])
    assert result.stdout.strip() == f"Linked records {c} and {d}; record {c} is kept."
    assert duplicate_of(review.db, d) == c
    result = runner.invoke(app, ["dedupe", *where, "--unlink", str(d), "--reviewer", "ana"])
    assert result.stdout.strip() == f"Record {d} is no longer linked to {c}."
    assert duplicate_of(review.db, d) is None
    result = runner.invoke(app, ["dedupe", *where, "--explain", "999"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: Record 999 does not exist in this review."
    result = runner.invoke(app, ["dedupe", *where, "--review-pairs"])
    assert result.stdout.strip() == "No pairs wait for review."


def test_dedupe_outside_a_review(tmp_path: Any, runner: CliRunner) -> None:
    result = runner.invoke(app, ["dedupe", "--review", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path} is not a review")


def _run_keys(review: Review, keys: list[str]) -> PairReviewApp:
    pair_app = PairReviewApp(review.db, "ana")

    async def drive() -> None:
        async with pair_app.run_test() as pilot:
            top = pair_app.query_one("#top")
            assert "Pair 1 of 1" in str(top.render())
            for key in keys:
                await pilot.press(key)
            await pilot.pause()

    asyncio.run(drive())
    return pair_app


def test_pair_screen_confirm(review: Review) -> None:
    a, b = _fill(review, REVIEW_CASE)
    dedupe.deduplicate(review.db)
    pair_app = _run_keys(review, ["y"])
    assert pair_app.decided == 1
    assert duplicate_of(review.db, b) == a
    row = review.db.execute("select status, reviewer from duplicate_pairs").fetchone()
    assert row == ("confirmed", "ana")


def test_pair_screen_reject_and_skip(review: Review) -> None:
    _fill(review, REVIEW_CASE)
    dedupe.deduplicate(review.db)
    skipped = _run_keys(review, ["s"])
    assert (skipped.decided, len(dedupe.review_queue(review.db))) == (0, 1)
    rejected = _run_keys(review, ["n"])
    assert rejected.decided == 1
    assert dedupe.review_queue(review.db) == []
    row = review.db.execute("select status, reviewer from duplicate_pairs").fetchone()
    assert row == ("rejected", "ana")


def test_pair_table_highlights_differences(review: Review) -> None:
    from rich.console import Console

    from screener.tui.pairs import pair_table

    _fill(review, REVIEW_CASE)
    dedupe.deduplicate(review.db)
    [pair] = dedupe.review_queue(review.db)
    a = {"title": "Same title", "year": 2010, "journal": "Lancet"}
    b = {"title": "Same title.", "year": 2011, "journal": "Lancet"}
    table = pair_table(pair, a, b)
    console = Console(record=True, width=100)
    console.print(table)
    cells = {
        str(row_cells[0]): row_cells[1].style  # type: ignore[union-attr]
        for row_cells in zip(*(col._cells for col in table.columns), strict=True)
    }
    assert cells == {"Title": "", "Year": "black on yellow", "Journal": ""}


def _three_pairs(review: Review) -> list[int]:
    """Three queued pairs (title, authors and year agree, nothing says where: review)."""
    cases = []
    for n, title in enumerate(
        (
            "Tacrolimus as second-line therapy in adult idiopathic inflammatory myopathies",
            "Rituximab for refractory polymyositis in adults: an open-label cohort study",
            "Intravenous immunoglobulin in juvenile dermatomyositis: a retrospective series",
        )
    ):
        a = {"title": title, "authors": ["Yamasaki Y", "Yamada H"], "year": 2010 + n}
        b = a | {"authors": ["Yamasaki, Yoshioki", "Yamada, Hidehiro"], "language": "jpn"}
        a["language"] = "eng"
        if n == 1:
            b = b | {"pages": "101-108"}  # one side only: not a difference
        cases.append({"a": a, "b": b})
    ids = _fill(review, *cases)
    dedupe.deduplicate(review.db)
    assert len(dedupe.review_queue(review.db)) == 3
    return ids


def _headers(review: Review, keys: list[str]) -> tuple[PairReviewApp, list[str]]:
    """The header line after each key (the first: before any key)."""
    pair_app = PairReviewApp(review.db, "ana")
    seen: list[str] = []

    async def drive() -> None:
        async with pair_app.run_test() as pilot:
            seen.append(str(pair_app.query_one("#top").render()))
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
                seen.append(str(pair_app.query_one("#top").render()))

    asyncio.run(drive())
    return pair_app, seen


def test_pair_screen_reaches_every_pair_from_the_keyboard(review: Review) -> None:
    _three_pairs(review)
    queue = dedupe.review_queue(review.db)
    scores = [p.score for p in queue]
    assert scores == sorted(scores, reverse=True)  # best first
    keys = ["right", "right", "right", "left", "end", "home", "j", "k", "s"]
    _, seen = _headers(review, keys)
    positions = [int(h.split("Pair ")[1].split(" of")[0]) for h in seen]
    assert positions == [1, 2, 3, 1, 3, 3, 1, 2, 1, 2]  # wraps both ways
    assert all(" of 3 " in h for h in seen)
    assert all("differ: Language " in h for h in seen)  # the field that differs is named


def test_pair_screen_decisions_keep_the_order(review: Review) -> None:
    _three_pairs(review)
    first, second, third = dedupe.review_queue(review.db)
    pair_app, seen = _headers(review, ["right", "n", "y", "y"])
    assert pair_app.decided == 3
    assert "Pair 2 of 3" in seen[1]
    assert "Pair 2 of 2" in seen[2]  # the third pair moved into the rejected one's place
    assert "Pair 1 of 1" in seen[3]  # past the end: back to the best pair still waiting
    assert "Queue done: 3 decided" in seen[4]
    statuses = dict(review.db.execute("select id, status from duplicate_pairs"))
    assert statuses == {first.id: "confirmed", second.id: "rejected", third.id: "confirmed"}
    assert dedupe.review_queue(review.db) == []
