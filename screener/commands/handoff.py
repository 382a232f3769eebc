"""export, pool: hand the included studies to the pooling step, and pool single proportions."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from screener.commands.options import DEFAULT_REVIEW, Force, ReviewDir
from screener.db import open_review
from screener.errors import InputError
from screener.handoff.export import BOM_FORMATS, FORMATS, export
from screener.outputs import check_output


def _forest_paths(target: Path, outcomes: list[str]) -> list[Path]:
    if len(outcomes) == 1:
        return [target]
    return [target.with_name(f"{target.stem}_{name}{target.suffix}") for name in outcomes]


def register(app: typer.Typer) -> None:
    @app.command(name="export")
    def export_command(
        fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")],
        stage: Annotated[
            str | None,
            typer.Option(help="title-abstract or full-text (default full-text with --decision)."),
        ] = None,
        decision: Annotated[
            str | None,
            typer.Option(help="included, excluded, maybe or all (default: every record)."),
        ] = None,
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="Write to FILE (default: stdout).")
        ] = None,
        force: Force = False,
        raw: Annotated[
            bool,
            typer.Option(
                "--raw", help="CSV: write cells verbatim (no quote before = + - @ formulas)."
            ),
        ] = False,
        review: ReviewDir = DEFAULT_REVIEW,
        reviewer: Annotated[
            str | None,
            typer.Option(
                help="decisions format: this reviewer's rows only (needed while blinded)."
            ),
        ] = None,
    ) -> None:
        """Export records or the included studies: RIS, CSV, JSON, BibTeX, extraction sheet.

        Without --decision every record is exported; --decision included gives the studies
        included at full text (or at the --stage named). The extraction sheet has one row per
        included study, ready for the pooling step.

        CSV cells that start with = + - @ (a formula to Excel) get a leading quote; plain
        numbers keep their sign; --raw writes them verbatim. An existing --out file is kept
        unless --force.

        Examples:
          screener export --decision included --format ris --out included.ris
          screener export --decision included --format extraction --out extraction.csv
        """
        if fmt not in FORMATS:
            raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
        if out is not None:
            check_output(out, force)
        rev = open_review(review)
        try:
            if out is None:
                count = export(rev, fmt, sys.stdout, stage, decision, reviewer, raw=raw)
            else:
                buffer = io.StringIO(newline="")  # the file is written only once all went well
                count = export(rev, fmt, buffer, stage, decision, reviewer, raw=raw)
                encoding = "utf-8-sig" if fmt in BOM_FORMATS else "utf-8"
                with out.open("w", encoding=encoding, newline="") as handle:
                    handle.write(buffer.getvalue())
        finally:
            rev.close()
        if out is not None:
            what = "rows" if fmt == "decisions" else "entries"
            typer.echo(f"Wrote {count} {what} to {out}.", err=True)

    @app.command()
    def pool(
        sheet: Annotated[Path, typer.Argument(help="The extraction sheet (CSV).")],
        outcome: Annotated[
            str | None, typer.Option(help="Pool only this outcome (default: all).")
        ] = None,
        method: Annotated[
            str, typer.Option(help="crude, logit-reml, glmm, freeman-tukey or all.")
        ] = "all",
        hartung_knapp: Annotated[
            bool, typer.Option("--hartung-knapp", help="Hartung-Knapp t(k-1) intervals.")
        ] = False,
        forest: Annotated[
            Path | None,
            typer.Option(help="Draw a forest plot to FILE.png|.svg|.pdf (one per outcome)."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        force: Force = False,
    ) -> None:
        """Pool single proportions from the extraction sheet (crude, logit REML, GLMM, FT).

        Each study's events/total get an exact (Clopper-Pearson) interval; the pooled
        proportion follows R's meta::metaprop defaults for each method named.

        Examples:
          screener pool extraction.csv --outcome muscle_strength
          screener pool extraction.csv --method glmm --forest forest.png
        """
        from screener.pooling.pool import parse_method, pool_sheet, to_json  # scipy: load on use
        from screener.pooling.text import format_pools

        methods = parse_method(method)
        if forest is not None and forest.suffix.lower() not in (".png", ".svg", ".pdf"):
            raise InputError(f"{forest}: use a .png, .svg or .pdf file for --forest.")
        pools = pool_sheet(sheet, outcome, methods, hartung_knapp)
        plots = [] if forest is None else _forest_paths(forest, [p.outcome for p in pools])
        for item, path in zip(pools if plots else [], plots, strict=True):  # all before any
            if item.k:
                check_output(path, force, "--forest")
        if as_json:
            typer.echo(json.dumps(to_json(sheet, pools), ensure_ascii=False, indent=2))
        else:
            typer.echo(format_pools(pools), nl=False)
        if forest is not None:
            from screener.render.forest import draw_forest

            for item, path in zip(pools, plots, strict=True):
                if item.k == 0:
                    typer.echo(f"No forest plot for {item.outcome}: no study.", err=True)
                    continue
                draw_forest(item, path)
                typer.echo(f"Forest plot: {path}", err=True)
