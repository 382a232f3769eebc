"""init, import, searches: the review on disk and what was imported into it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from screener.commands.options import DEFAULT_REVIEW, ReviewDir
from screener.db import Review, init_review, open_review
from screener.errors import ScreenerError
from screener.searches import (
    SOURCE_TYPES,
    UNKNOWN_DATABASE,
    ImportSummary,
    import_file,
    list_searches,
)

LARGE_FILE = 2_000_000  # bytes: show a progress bar above this size


def _advance(bar: Progress, task: TaskID) -> Callable[[int, int], None]:
    def advance(done: int, total: int) -> None:
        bar.update(task, completed=done)

    return advance


@dataclass(frozen=True)
class ImportOptions:
    database: str | None
    searched_on: str | None
    query: str | None
    round: int
    fmt: str | None
    source_type: str


def _import_one(review: Review, path: Path, options: ImportOptions, err: Console) -> ImportSummary:
    """One file, with a progress bar on stderr when it is large and stderr is a terminal."""
    args = (
        options.database,
        options.searched_on,
        options.query,
        options.round,
        options.fmt,
        options.source_type,
    )
    size = path.stat().st_size if path.is_file() else 0
    if size <= LARGE_FILE or not err.is_terminal:
        return import_file(review, path, *args)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    with Progress(*columns, TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task(f"Importing {path.name}", total=size)
        return import_file(review, path, *args, progress=_advance(bar, task))


def register(app: typer.Typer) -> None:
    @app.command()
    def init(
        folder: Annotated[Path, typer.Argument(help="The new review's folder.")],
        title: Annotated[str | None, typer.Option(help="The review's title.")] = None,
    ) -> None:
        """Create a review: a commented review.toml and an empty review.db.

        review.toml is the protocol (question, criteria, limits, exclusion reasons), edited by
        hand; review.db holds the searches, records and decisions. The folder must be new or
        empty.

        Examples:
          screener init my-review --title "Tacrolimus in refractory myositis"
        """
        review = init_review(folder, title)
        Console().print(f"Created review in {review.path} (review.toml, review.db).")

    @app.command("import")
    def import_(
        files: Annotated[list[Path], typer.Argument(help="Export files (RIS, MEDLINE, CSV...).")],
        database: Annotated[
            str | None,
            typer.Option(help="The database searched (PubMed, Embase...); guessed if omitted."),
        ] = None,
        searched: Annotated[
            str | None, typer.Option(help="The date of the search (YYYY-MM-DD).")
        ] = None,
        query: Annotated[str | None, typer.Option(help="The search strategy as run.")] = None,
        round_: Annotated[
            int, typer.Option("--round", help="1 = original search, 2... = updates.")
        ] = 1,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="Force a reader (see docs); sniffed if omitted."),
        ] = None,
        source_type: Annotated[
            str, typer.Option(help=f"What was searched: {', '.join(SOURCE_TYPES)}.")
        ] = "database",
        review: ReviewDir = DEFAULT_REVIEW,
    ) -> None:
        """Import search exports, one search per file (the same file twice is refused).

        The format is sniffed from the content. Each file is imported on its own, all or
        nothing; a file that fails is reported on stderr and the others are still imported;
        the exit code is then 1.

        Examples:
          screener import pubmed.nbib --database PubMed --searched 2015-04-30
          screener import embase.ris central.ris cnki.txt --searched 2015-04-30
          screener import update/pubmed-2016.nbib --round 2 --searched 2016-04-30
        """
        opened = open_review(review)
        console = Console(highlight=False, soft_wrap=True)
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        failed = 0
        try:
            for path in files:
                options = ImportOptions(database, searched, query, round_, fmt, source_type)
                try:
                    summary = _import_one(opened, path, options, err)
                except ScreenerError as exc:
                    failed += 1
                    for line in exc.lines():
                        err.print(line, markup=False)
                    continue
                console.print(summary.line(), markup=False)
                if summary.database == UNKNOWN_DATABASE:
                    console.print(
                        "  The database could not be guessed from the file; "
                        "name it with --database next time.",
                        markup=False,
                    )
        finally:
            opened.close()
        if failed:
            raise typer.Exit(1)

    @app.command()
    def searches(
        review: ReviewDir = DEFAULT_REVIEW,
        as_json: Annotated[bool, typer.Option("--json", help="Stable JSON output.")] = False,
    ) -> None:
        """What was imported, PRISMA-S style: database, interface, date, query, file, count.

        One row per imported file, in the order imported, with the round it belongs to and
        the number of records it held.

        Examples:
          screener searches --review my-review
          screener searches --json
        """
        opened = open_review(review)
        try:
            rows = list_searches(opened)
        finally:
            opened.close()
        if as_json:
            typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        console = Console(highlight=False, soft_wrap=True)
        if not rows:
            console.print("No searches imported yet: use `screener import FILE`.", markup=False)
            return
        table = Table()
        for name in ("#", "Database", "Interface", "Searched", "Query", "File", "Records", "Round"):
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(
                str(row["id"]),
                row["database"],
                row["interface"] or "",
                row["searched_on"] or "",
                row["query"] or "",
                row["file_name"],
                str(row["n_records"]),
                str(row["round"]),
            )
        console.print(table)
        total = sum(row["n_records"] for row in rows)
        console.print(f"{len(rows)} searches, {total} records.", markup=False)
