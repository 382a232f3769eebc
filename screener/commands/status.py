"""status: what the review holds and how far screening has got."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console

from screener.commands.options import DEFAULT_REVIEW, ReviewDir
from screener.db import open_review
from screener.screening.status import review_status
from screener.screening.verdict import STAGE_LABELS


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _reasons(by_reason: dict[str, int]) -> str:
    return "; ".join(f"{reason}: {n}" for reason, n in by_reason.items())


def _print_stage(console: Console, stage: str, data: dict[str, Any], required: int) -> None:
    final = data["final"]
    console.print(f"{STAGE_LABELS[stage].capitalize()}: {_plural(data['records'], 'record')}")
    if stage == "full_text":
        console.print(f"  full text not retrieved: {data['not_retrieved']}")
    left = [_plural(final["conflicts"], "conflict")]
    if required > 1:
        left.append(f"{final['awaiting']} awaiting another reviewer")
    left.append(f"{final['undecided']} undecided")
    console.print(
        f"  final: {final['included']} included, {final['excluded']} excluded, "
        f"{final['maybe']} maybe; left {data['left']}: {', '.join(left)}"
    )
    if final["excluded_by_reason"]:
        console.print(f"  excluded by reason: {_reasons(final['excluded_by_reason'])}")
    if final["by_criteria"]:
        console.print(f"  of which by criteria (automation): {final['by_criteria']}")
    for name, who in data["reviewers"].items():
        console.print(
            f"  {name}: {who['screened']} of {who['queue']} screened ({who['included']} included,"
            f" {who['excluded']} excluded, {who['maybe']} maybe), {who['left']} left",
            markup=False,
        )
        if who["excluded_by_reason"]:
            console.print(f"    excluded by reason: {_reasons(who['excluded_by_reason'])}")
    for pair in data["agreement"]:
        a, b = pair["reviewers"]
        kappa = "n/a" if pair["kappa"] is None else f"{pair['kappa']:.3f}"
        percent = "n/a" if pair["percent"] is None else f"{pair['percent']:.1f}%"
        console.print(
            f"  {a} vs {b}: agreement {percent} over {_plural(pair['n'], 'record')}, "
            f"Cohen's kappa {kappa}",
            markup=False,
        )


def register(app: typer.Typer) -> None:
    @app.command()
    def status(
        review: ReviewDir = DEFAULT_REVIEW,
        as_json: Annotated[bool, typer.Option("--json", help="Stable JSON output.")] = False,
        reviewer: Annotated[
            str | None,
            typer.Option(help="Show this reviewer's own figures (the only ones while blinded)."),
        ] = None,
    ) -> None:
        """Records per search and in total, deduplication, and the screening progress.

        Per stage and reviewer: what is decided and what is left, the agreement between
        reviewers (Cohen's kappa) and the stopping aid at title/abstract. --json prints the
        stable object documented in screener/screening/status.py.

        While the review is blinded, a reviewer's own figures are shown only with --reviewer
        NAME, and agreement only after `screener unblind`.

        Examples:
          screener status --review my-review
          screener status --json
        """
        data = review_status(open_review(review), reviewer)
        if as_json:
            typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
            return
        console = Console(highlight=False, soft_wrap=True)
        for search in data["searches"]:
            console.print(
                f"#{search['id']} {search['database']} (round {search['round']}): "
                f"{search['records']} records from {search['file_name']}",
                markup=False,
            )
        records = data["records"]
        console.print(
            f"Records: {records['total']} (kept {records['canonical']}, "
            f"duplicates {records['duplicates']})"
        )
        screening = data["screening"]
        lifted = screening["blinding"]["unblinded"]
        if screening["blinding"]["blind"]:
            console.print(
                "Blinded: totals only; --reviewer NAME adds your own figures."
                " Agreement and the other reviewers' decisions after `screener unblind`."
            )
        elif lifted is not None:
            console.print(f"Unblinded by {lifted['reviewer']} at {lifted['at']}.", markup=False)
        for stage, stage_data in screening["stages"].items():
            _print_stage(console, stage, stage_data, screening["reviewers_required"])
        if any(s["agreement"] for s in screening["stages"].values()):
            console.print(f"({screening['agreement_convention']})")
        stop = data["stopping"]
        if stop is not None:
            bound = stop["recall_lower_bound"]
            console.print(
                f"Stopping aid (title/abstract): {stop['screened']} of {stop['total']} screened, "
                f"{stop['includes_found']} includes, current streak of excludes {stop['streak']}; "
                + (
                    f"recall is at least {bound:.0%} with {stop['confidence']:.0%} confidence"
                    if bound is not None
                    else "too early to estimate recall"
                )
                + (
                    f" (p = {stop['p_value']:.3g} for recall below {stop['recall_target']:.0%})."
                    if stop["p_value"] is not None
                    else "."
                ),
                markup=False,
            )
            console.print(f"  Method: {stop['method']}. It never excludes anything.", markup=False)
