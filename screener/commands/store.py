"""init, status: the review on disk. (import/searches are added by the importer work.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from screener.commands.options import DEFAULT_REVIEW, ReviewDir
from screener.db import init_review, open_review
from screener.status import review_status


def register(app: typer.Typer) -> None:
    @app.command()
    def init(
        folder: Annotated[Path, typer.Argument(help="The new review's folder.")],
        title: Annotated[str | None, typer.Option(help="The review's title.")] = None,
    ) -> None:
        """Create a review: a commented review.toml and an empty review.db."""
        review = init_review(folder, title)
        Console().print(f"Created review in {review.path} (review.toml, review.db).")

    @app.command()
    def status(
        review: ReviewDir = DEFAULT_REVIEW,
        as_json: Annotated[bool, typer.Option("--json", help="Stable JSON output.")] = False,
    ) -> None:
        """Records per search and in total, and the screening progress."""
        data = review_status(open_review(review))
        if as_json:
            typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
            return
        console = Console()
        for search in data["searches"]:
            console.print(
                f"#{search['id']} {search['database']} (round {search['round']}): "
                f"{search['n_records']} records from {search['file_name']}"
            )
        console.print(f"Records: {data['records']['total']}")
