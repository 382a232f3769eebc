"""Options shared by every command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

REVIEW_KEY = "screener.review"  # ctx.meta: the --review folder, for the CLI's error messages


def _remember_review(ctx: typer.Context, value: Path) -> Path:
    ctx.meta[REVIEW_KEY] = value
    return value


ReviewDir = Annotated[
    Path,
    typer.Option(
        "--review",
        "-r",
        help="The review folder (holds review.toml and review.db).",
        file_okay=False,
        callback=_remember_review,
    ),
]
DEFAULT_REVIEW = Path(".")
Force = Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")]
