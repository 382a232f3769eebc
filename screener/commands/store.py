"""init, import, searches: the review on disk and what was imported into it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from screener.db import init_review


def register(app: typer.Typer) -> None:
    @app.command()
    def init(
        folder: Annotated[Path, typer.Argument(help="The new review's folder.")],
        title: Annotated[str | None, typer.Option(help="The review's title.")] = None,
    ) -> None:
        """Create a review: a commented review.toml and an empty review.db."""
        review = init_review(folder, title)
        Console().print(f"Created review in {review.path} (review.toml, review.db).")
