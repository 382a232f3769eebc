"""status: what the review holds and how far screening has got."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from screener.commands.options import DEFAULT_REVIEW, ReviewDir
from screener.db import open_review
from screener.status import review_status


def register(app: typer.Typer) -> None:
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
