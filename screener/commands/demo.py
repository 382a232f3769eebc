"""demo: the worked example (Ge et al. 2015, tacrolimus in refractory DM/PM), end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        folder: Annotated[
            Path | None,
            typer.Argument(help="A new folder for the demo review (default: ./tacrolimus-demo)."),
        ] = None,
    ) -> None:
        """Run the worked example: import, dedupe, screen, PRISMA, export and pool.

        Ge et al. 2015 (tacrolimus in refractory dermatomyositis/polymyositis): its search of
        four databases is imported, deduplicated and screened by replaying two reviewers'
        decisions, then reported, exported and pooled. Every number is counted.

        Examples:
          screener demo
          screener demo /tmp/tacrolimus
        """
        from screener.demo import new_folder, run_demo

        console = Console(highlight=False, soft_wrap=True)
        target = folder if folder is not None else new_folder(Path("tacrolimus-demo"))
        console.print(
            "Worked example: Ge Y et al. The efficacy of tacrolimus in patients with refractory "
            "dermatomyositis/polymyositis: a systematic review. Clin Rheumatol 2015;34:2097-2103."
        )
        result = run_demo(target, lambda line: console.print(line, markup=False))
        console.print(
            f"Done in {result.seconds:.1f} s. Open {target}/prisma/report.html (the whole "
            f"review), {target}/prisma/prisma-2020.png and {target}/included/; "
            f"screen it yourself with: screener screen --review {target}",
            markup=False,
        )
