"""report: the review as one self-contained HTML page for a supervisor or co-author."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from screener.commands.options import DEFAULT_REVIEW, Force, ReviewDir
from screener.db import open_review
from screener.outputs import check_output


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        review: ReviewDir = DEFAULT_REVIEW,
        out: Annotated[
            Path | None,
            typer.Option("--out", "-o", help="Write the page here (default: REVIEW/report.html)."),
        ] = None,
        force: Force = False,
        sheet: Annotated[
            Path | None,
            typer.Option(
                "--extraction",
                help="The filled extraction sheet to pool (default: REVIEW/extraction.csv, "
                "else REVIEW/included/extraction-filled.csv).",
            ),
        ] = None,
    ) -> None:
        """Write the review as one HTML page: protocol, searches, PRISMA, screening, studies.

        The page also shows deduplication, agreement (Cohen's kappa), the stopping aid with
        its recall curve, exclusion reasons, links to the included studies and the pooled
        outcomes with forest plots. It works on an unfinished review (what is left is marked
        pending), needs no network, and prints readably.

        REVIEW/report.html is rewritten at each run; an --out file that exists is replaced
        only with --force.

        Examples:
          screener report --review my-review
          screener report --out supervisor.html --extraction my-review/extraction.csv
        """
        from screener.render.report import write_report  # matplotlib: load on use

        if out is not None:
            check_output(out, force)
        opened = open_review(review)
        try:
            target = out if out is not None else opened.path / "report.html"
            write_report(opened, target, sheet)
        finally:
            opened.close()
        Console(highlight=False, soft_wrap=True).print(f"Wrote {target}.", markup=False)
