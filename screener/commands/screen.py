"""screen: the terminal screening app (title/abstract or full text, one reviewer)."""

from __future__ import annotations

import getpass
import os
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from screener.commands.options import DEFAULT_REVIEW, ReviewDir
from screener.db import open_review


class StageName(StrEnum):
    title_abstract = "title-abstract"
    full_text = "full-text"


class OrderName(StrEnum):
    relevance = "relevance"
    file = "file"
    random = "random"


def default_reviewer() -> str:
    """$SCREENER_REVIEWER, else the operating-system user."""
    return os.environ.get("SCREENER_REVIEWER") or getpass.getuser()


def register(app: typer.Typer) -> None:
    @app.command()
    def screen(
        review: ReviewDir = DEFAULT_REVIEW,
        stage: Annotated[
            StageName, typer.Option(help="The screening stage.")
        ] = StageName.title_abstract,
        reviewer: Annotated[
            str | None,
            typer.Option(help="Your name (default: $SCREENER_REVIEWER or your user name)."),
        ] = None,
        order: Annotated[
            OrderName, typer.Option(help="Record order: relevance ranking, file or random.")
        ] = OrderName.relevance,
        seed: Annotated[int | None, typer.Option(help="Seed for --order random.")] = None,
        show_automated: Annotated[
            bool,
            typer.Option(help="Also queue records already excluded by `screener criteria`."),
        ] = False,
        conflicts: Annotated[
            bool,
            typer.Option(
                "--conflicts",
                help="Resolve the reviewers' disagreements: each record with both votes;"
                " i/e/m record the consensus decision.",
            ),
        ] = False,
    ) -> None:
        """Screen records one at a time: i include, e exclude, m maybe, u undo, ? help.

        The terminal app shows the protocol's criteria, highlights its keywords and puts the
        likely includes next; each decision is stored as the key is pressed, and the app
        resumes at the record you last had on screen.

        --conflicts walks the records the reviewers disagree on, with every vote, reason and
        note; the same keys record the consensus (`conflicts --resolve` is for scripts).

        Examples:
          screener screen --review my-review --reviewer ann
          screener screen --stage full-text --reviewer ann
          screener screen --conflicts --reviewer lead
        """
        from screener.screening.session import Session
        from screener.tui.app import ScreenApp  # textual is imported only here

        opened = open_review(review)
        try:
            session = Session(
                opened,
                stage.value.replace("-", "_"),
                reviewer or default_reviewer(),
                order=order.value,
                seed=seed,
                include_automated=show_automated,
                conflicts=conflicts,
            )
            summary = ScreenApp(session).run()
        finally:
            opened.close()
        if summary:
            Console().print(summary, markup=False, highlight=False)
