"""dedupe: link duplicate records; review undecided pairs; explain; manual link/unlink."""

from __future__ import annotations

import getpass
from typing import Annotated

import sqlite_utils
import typer
from rich.console import Console

from screener import dedupe as lib
from screener.commands.options import DEFAULT_REVIEW, ReviewDir
from screener.db import open_review, transaction
from screener.outputs import printable
from screener.screening.protocol import load_protocol


def _default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"


def register(app: typer.Typer) -> None:
    @app.command()
    def dedupe(
        review: ReviewDir = DEFAULT_REVIEW,
        review_pairs: Annotated[
            bool,
            typer.Option(
                "--review-pairs", help="Review undecided pairs, best first, one key each."
            ),
        ] = False,
        explain: Annotated[
            int | None,
            typer.Option(
                "--explain",
                metavar="RECORD",
                help="Say why a record is or is not linked, field by field.",
            ),
        ] = None,
        link: Annotated[
            tuple[int, int] | None,
            typer.Option("--link", metavar="A B", help="Mark two records as duplicates."),
        ] = None,
        unlink: Annotated[
            int | None,
            typer.Option("--unlink", metavar="RECORD", help="Split a record from its group."),
        ] = None,
        full: Annotated[
            bool, typer.Option("--full", help="Compare every record again, not only new ones.")
        ] = False,
        reviewer: Annotated[
            str | None, typer.Option("--reviewer", help="Your name, stored with pair decisions.")
        ] = None,
    ) -> None:
        """Link duplicate records across databases and search rounds; never deletes.

        A duplicate points to the record kept for its group; pairs the rules cannot settle
        go to a queue for a person (--review-pairs). --explain says why a record is or is
        not linked, with each field's part of the score; --link and --unlink correct it by
        hand. A run ends by building the relevance ranking's text features of the kept
        records (cache/ranking-features.npz), so screening starts with them ready.

        Examples:
          screener dedupe --review my-review
          screener dedupe --review-pairs --reviewer ann
          screener dedupe --explain 42
        """
        rev = open_review(review)
        console = Console(highlight=False, soft_wrap=True)
        who = reviewer or _default_reviewer()
        prefer = load_protocol(rev.protocol_path).prefer_databases
        try:
            if explain is not None:
                for line in lib.explain(rev.db, explain):
                    console.print(printable(line), markup=False)
                return
            if link is not None:
                with transaction(rev.db):
                    kept = lib.link(rev.db, link[0], link[1], who, prefer)
                console.print(f"Linked records {link[0]} and {link[1]}; record {kept} is kept.")
                return
            if unlink is not None:
                with transaction(rev.db):
                    others = lib.unlink(rev.db, unlink, who, prefer_databases=prefer)
                console.print(
                    f"Record {unlink} is no longer linked to {', '.join(map(str, others))}."
                )
                return
            if review_pairs:
                queue = lib.review_queue(rev.db)
                if not queue:
                    console.print("No pairs wait for review.")
                    return
                from screener.tui.pairs import PairReviewApp

                app_ = PairReviewApp(rev.db, who, prefer)
                app_.run()
                console.print(
                    f"Reviewed {app_.decided} pair(s); {len(lib.review_queue(rev.db))} left."
                )
                return
            # all of a run's writes are one transaction inside (the write lock is taken after
            # the comparison, so the screening app is not kept waiting meanwhile)
            summary = lib.deduplicate(rev.db, prefer, full=full)
            _print_summary(console, rev.db, summary)
            # the ranking's text features, so the screening app's first model needs no hashing
            from screener.ranking.ranker import refresh_features

            report = refresh_features(rev.db, rev.path)
            console.print(
                f"Ranking features ready: {report.hashed} record(s) hashed, "
                f"{report.reused} unchanged."
            )
        finally:
            rev.close()


def _print_summary(console: Console, db: sqlite_utils.Database, s: lib.DedupeSummary) -> None:
    console.print(
        f"Compared {s.new} new record(s) against {s.records}: {s.candidates} candidate pair(s), "
        f"{s.auto} linked automatically, {s.review} sent to review."
    )
    rounds = [r for (r,) in db.execute("select distinct round from searches order by round")]
    per_round = ", ".join(f"round {r}: {lib.duplicates_removed(db, r)}" for r in rounds)
    console.print(
        f"{s.groups} duplicate group(s); {s.duplicates} duplicate record(s) removed"
        + (f" ({per_round})" if len(rounds) > 1 else "")
        + f"; {s.changed} record(s) changed in this run."
    )
    waiting = len(lib.review_queue(db))
    if waiting:
        console.print(f"{waiting} pair(s) wait for review: screener dedupe --review-pairs")
