"""simulate: replay the known decisions of a labelled set to measure the relevance ranking."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

_ROWS = (
    ("WSS@95", "wss_95", "{:.3f}"),
    ("WSS@100", "wss_100", "{:.3f}"),
    ("recall after 10%", "recall_at_10", "{:.3f}"),
    ("recall after 25%", "recall_at_25", "{:.3f}"),
    ("screened for 95% recall", "screened_for_95", "{:.1%}"),
    ("seconds per run", "seconds", "{:.2f}"),
)


def register(app: typer.Typer) -> None:
    @app.command(name="simulate")
    def simulate_command(
        labelled: Annotated[
            Path, typer.Argument(help="A fully labelled CSV (title, abstract, keywords, label).")
        ],
        label_column: Annotated[
            str, typer.Option(help="The 0/1 column holding the decisions.")
        ] = "label_included",
        runs: Annotated[int, typer.Option(min=1, help="Runs, each with its own priors.")] = 1,
        seed: Annotated[
            int, typer.Option(min=0, help="Seed of the first run (run r uses seed+r).")
        ] = 0,
        model: Annotated[
            str | None,
            typer.Option(
                help="Relevance model (default: the app's); see 'screener.ranking.models'."
            ),
        ] = None,
        retrain_every: Annotated[
            int | None,
            typer.Option(min=1, help="Records screened between refits (default: 1 up to 2,000)."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON (stable keys).")] = False,
        curve: Annotated[
            Path | None, typer.Option(help="Save the recall curve as a PNG here.")
        ] = None,
        show_ascii: Annotated[
            bool, typer.Option("--ascii", help="Print an ASCII recall curve.")
        ] = False,
    ) -> None:
        """Replay known decisions: ranked vs random order, WSS@95, WSS@100, recall@10%/25%.

        The labelled set is screened in the order the relevance model would show it,
        retraining as it goes, and compared with a random order: how much work is saved
        at 95 % and 100 % recall.

        Examples:
          screener simulate labelled.csv --runs 5 --seed 1
          screener simulate labelled.csv --model nb --curve recall.png
        """
        # numpy, scipy and scikit-learn load only when this command runs
        from screener.ranking.models import DEFAULT_MODEL, MODELS
        from screener.ranking.recall_curve import ascii_curve, save_png
        from screener.ranking.simulation import read_labelled, simulate

        model = model or DEFAULT_MODEL
        if model not in MODELS:
            raise typer.BadParameter(f"choose one of {', '.join(MODELS)}", param_hint="--model")
        data = read_labelled(labelled, label_column)
        sim = simulate(data, runs=runs, seed=seed, model=model, retrain_every=retrain_every)
        if curve is not None:
            save_png(sim, curve)
        console = Console(highlight=False)
        if as_json:
            console.print_json(json.dumps(sim.as_dict()))
        else:
            result = sim.as_dict()
            console.print(
                f"{labelled.name}: {result['includes']} includes in {result['records']} records; "
                f"{runs} run(s) from seed {seed}; model {model}, "
                f"refit every {result['retrain_every']} record(s)."
            )
            table = Table()
            table.add_column("metric (mean)")
            table.add_column("ranked", justify="right")
            table.add_column("random", justify="right")
            for name, key, fmt in _ROWS:
                table.add_row(
                    name,
                    fmt.format(result["ranked"]["mean"][key]),
                    fmt.format(result["random"]["mean"][key]),
                )
            console.print(table)
        if show_ascii:  # on stderr with --json, so the JSON stays parseable
            typer.echo(ascii_curve(sim), err=as_json)
        if curve is not None and not as_json:
            console.print(f"Recall curve saved to {curve}.")
