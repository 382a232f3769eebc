"""prisma: the PRISMA 2020 or 2009 flow of the review, every number counted from its tables."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from screener.commands.options import DEFAULT_REVIEW, Force, ReviewDir
from screener.db import open_review
from screener.outputs import check_output as check_out_path
from screener.prisma.identities import checked_flow
from screener.render.tables import check_output, print_flow, write_flow


class Template(StrEnum):
    v2020 = "2020"
    v2009 = "2009"


def register(app: typer.Typer) -> None:
    @app.command()
    def prisma(
        review: ReviewDir = DEFAULT_REVIEW,
        template: Annotated[
            Template, typer.Option("--template", help="PRISMA 2020 or 2009 flow diagram.")
        ] = Template.v2020,
        round_: Annotated[
            int | None,
            typer.Option(
                "--round",
                min=1,
                help="Search round to report (default: the latest); above 1 draws an update.",
            ),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option(
                "--out",
                "-o",
                help="Write to FILE: .txt .md .json .csv .svg .png .pdf (default: terminal).",
            ),
        ] = None,
        force: Force = False,
        allow_incomplete: Annotated[
            bool,
            typer.Option(
                "--allow-incomplete", help="Draw it even with decisions pending (marked)."
            ),
        ] = False,
        list_pending: Annotated[
            bool,
            typer.Option(
                "--list-pending", help="JSON: add the ids of the pending records (pending_ids)."
            ),
        ] = False,
    ) -> None:
        """The PRISMA flow diagram, counted from the records, duplicates and decisions.

        Every number is a query over the review; the arithmetic identities of the diagram
        are checked before it is written. While decisions are pending the flow is refused
        unless --allow-incomplete (then pending counts are marked).

        With [screening] reviewers = 2 or more, a record counts only once that many reviewers
        have decided it (or a consensus decision exists); until then it is pending. JSON
        counts the pending records; --list-pending adds their ids.

        Examples:
          screener prisma --template 2009
          screener prisma --out prisma-2020.svg
          screener prisma --round 2 --out update.pdf
        """
        if out is not None:
            check_output(out, template.value)
            check_out_path(out, force)
        opened = open_review(review)
        try:
            flow, warnings = checked_flow(opened, template.value, round_, allow_incomplete)
            err = Console(stderr=True, highlight=False, soft_wrap=True)
            for warning in warnings:
                err.print(f"Warning: {warning}", markup=False)
            if out is None:
                print_flow(flow, template.value, Console(soft_wrap=True))
                return
            kind, drawn = write_flow(flow, template.value, out, list_pending)
            for warning in drawn:
                err.print(f"Warning: {warning}", markup=False)
            Console(highlight=False, soft_wrap=True).print(
                f"Wrote {out} (PRISMA {template.value}, round {flow.round}, {kind}).",
                markup=False,
            )
        finally:
            opened.close()
