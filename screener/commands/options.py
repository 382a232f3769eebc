"""Options shared by every command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ReviewDir = Annotated[
    Path,
    typer.Option(
        "--review",
        "-r",
        help="The review folder (holds review.toml and review.db).",
        file_okay=False,
    ),
]
DEFAULT_REVIEW = Path(".")
Force = Annotated[bool, typer.Option("--force", help="Replace the --out file if it exists.")]
