"""criteria, decide, conflicts, merge: screening decisions made outside the screening app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from screener.commands.options import DEFAULT_REVIEW, ReviewDir
from screener.db import Review, open_review
from screener.errors import ProtocolError
from screener.outputs import printable
from screener.screening.agreement import AGREEMENT_NOTE, Conflict, conflicts, pairwise
from screener.screening.agreement import resolve as resolve_conflict
from screener.screening.blinding import blinded, require_unblinded, unblind, unblinding
from screener.screening.criteria import apply_criteria, undo_criteria
from screener.screening.decisionfile import STAGE_ALIASES, decide_from_file
from screener.screening.merge import merge_review
from screener.screening.protocol import Protocol, load_protocol, reason_text
from screener.screening.verdict import STAGE_LABELS, STAGES

CHOICES = {"i": "include", "e": "exclude", "m": "maybe"}


def _stages(stage: str | None) -> list[str]:
    if stage is None:
        return list(STAGES)
    found = STAGE_ALIASES.get(stage.strip().lower())
    if found is None:
        raise typer.BadParameter("use title-abstract or full-text", param_hint="--stage")
    return [found]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def register(app: typer.Typer) -> None:
    @app.command()
    def criteria(
        review: ReviewDir = DEFAULT_REVIEW,
        undo: Annotated[
            bool, typer.Option("--undo", help="Cancel every automation exclusion (append-only).")
        ] = False,
    ) -> None:
        """Apply the limits table of review.toml (years, languages, publication types).

        Failing records are excluded at title/abstract by reviewer `criteria`. A record a
        person has decided is never touched; an unknown year or language never excludes.
        Running it again adds nothing; --undo appends undo rows.

        Examples:
          screener criteria --review my-review
          screener criteria --undo
        """
        rev = open_review(review)
        console = Console(highlight=False, soft_wrap=True)
        if undo:
            result = undo_criteria(rev.db)
            console.print(f"Undid {_plural(result.lifted, 'automation exclusion')}.")
            return
        limits = load_protocol(rev.protocol_path).limits
        if limits.is_empty():
            console.print("No limits are set in [limits] of review.toml.", markup=False)
        result = apply_criteria(rev.db, limits)
        console.print(f"Checked {_plural(result.checked, 'record')} against the limits.")
        for reason, n in sorted(result.excluded.items()):
            console.print(f"  excluded {n}: {reason}", markup=False)
        console.print(f"Newly excluded: {sum(result.excluded.values())}")
        console.print(f"Already excluded (unchanged): {result.already}")
        if result.lifted:
            console.print(f"No longer excluded (limits changed): {result.lifted}")
        if result.skipped_human:
            console.print(f"Failing but left alone (a person decided them): {result.skipped_human}")
        console.print(f"Automation exclusions now: {result.total_excluded}")

    @app.command()
    def decide(
        file: Annotated[
            Path,
            typer.Option(
                "--file", "-f", help="CSV: key,stage,reviewer,decision,reason,note[,source]."
            ),
        ],
        review: ReviewDir = DEFAULT_REVIEW,
        reviewer: Annotated[
            list[str] | None,
            typer.Option(help="Apply only this reviewer's rows (repeatable)."),
        ] = None,
    ) -> None:
        """Record decisions in bulk from a CSV file (replaying it again adds nothing).

        Columns: key,stage,reviewer,decision,reason,note and optionally source.

        key: pmid:N, doi:10..., id:N, title:<exact title> or accession:<id>.

        decision: include, exclude or maybe; at full_text also not_retrieved
        (the full text could not be obtained; the reason column says why) and
        retrieved.

        reason: a number of the stage's reasons in review.toml, or text.

        Any error (named by row and column) stores nothing from the file.

        Examples:
          screener decide --file decisions.csv --review my-review
          screener decide --file retrieval.csv
          screener decide --file decisions.csv --reviewer ann
        """
        rev = open_review(review)
        result = decide_from_file(rev, file, reviewer or None)
        Console(highlight=False, soft_wrap=True).print(
            f"{file}: added {_plural(result.added, 'decision')}, {result.already} already present.",
            markup=False,
        )
        if result.not_at_stage:
            Console(highlight=False, soft_wrap=True).print(
                f"Note: {_plural(result.not_at_stage, 'record')} with full-text rows "
                "did not pass title/abstract; those rows count once they do."
            )

    @app.command("conflicts")
    def conflicts_(
        review: ReviewDir = DEFAULT_REVIEW,
        stage: Annotated[
            str | None, typer.Option(help="title-abstract or full-text (default: both).")
        ] = None,
        resolve: Annotated[
            bool, typer.Option("--resolve", help="Decide each conflict now (consensus).")
        ] = False,
        reviewer: Annotated[
            str | None,
            typer.Option(help="Who resolves (noted on each consensus decision)."),
        ] = None,
    ) -> None:
        """Disagreements between reviewers, with Cohen's kappa and percentage agreement.

        For agreement, maybe counts as include (excluded vs not excluded). --resolve asks
        for each conflict in turn (i/e/m, s to skip, q to quit) and records a consensus
        decision.

        While the review is blinded only the number of conflicts is shown; the votes,
        agreement and --resolve need `screener unblind` first.

        Examples:
          screener conflicts --review my-review
          screener conflicts --stage full-text --resolve --reviewer ann
        """
        rev = open_review(review)
        console = Console(highlight=False, soft_wrap=True)
        protocol = load_protocol(rev.protocol_path)
        hidden = blinded(rev)
        if resolve:
            require_unblinded(rev, "Resolving conflicts")
        for name in _stages(stage):
            found = conflicts(rev.db, name, required=protocol.reviewers)
            if hidden:
                console.print(
                    f"{STAGE_LABELS[name].capitalize()}: {_plural(len(found), 'conflict')}."
                )
                continue
            _print_stage(console, rev, name, found, protocol.reviewers)
            if resolve and found:
                _resolve(console, rev, protocol, found, reviewer)
        if hidden:
            console.print(
                "Blinded: the reviewers' votes and agreement are shown after the lead runs"
                " `screener unblind --reviewer NAME`."
            )

    @app.command(name="unblind")
    def unblind_command(
        reviewer: Annotated[str, typer.Option(help="Who lifts the blinding (the lead).")],
        review: ReviewDir = DEFAULT_REVIEW,
        note: Annotated[str | None, typer.Option(help="Why, or when screening ended.")] = None,
    ) -> None:
        """Lift blinding: every reviewer's decisions become visible to everyone, for good.

        Recorded with who and when (shown by `screener status`). Run it once both reviewers
        have finished a stage, before resolving conflicts. Running it again changes nothing.

        Examples:
          screener unblind --reviewer lead --review my-review
        """
        rev = open_review(review)
        console = Console(highlight=False, soft_wrap=True)
        earlier = unblinding(rev.db)
        lifted = unblind(rev.db, reviewer, note)
        if earlier is not None:
            console.print(
                f"Already unblinded by {lifted.reviewer} at {lifted.at}; nothing changed.",
                markup=False,
            )
            return
        console.print(
            f"Unblinded by {lifted.reviewer} at {lifted.at}: status, conflicts and exports now"
            " show every reviewer's decisions.",
            markup=False,
        )

    @app.command()
    def merge(
        other: Annotated[Path, typer.Argument(help="The other reviewer's review folder.")],
        review: ReviewDir = DEFAULT_REVIEW,
        reviewer: Annotated[
            list[str] | None, typer.Option(help="Merge only this reviewer (repeatable).")
        ] = None,
    ) -> None:
        """Bring in another reviewer's decisions from their copy of the review.

        Records are matched by PMID, DOI, accession or title + year (ids may
        differ).

        Merging twice adds nothing; the other copy is only read.

        Examples:
          screener merge ../ann-copy --review my-review
          screener merge ../ann-copy --reviewer ann
        """
        rev = open_review(review)
        result = merge_review(rev.db, other, reviewer or None)
        console = Console(highlight=False, soft_wrap=True)
        who = ", ".join(result.reviewers) or "none"
        console.print(f"Merged from {other} (reviewers: {who}):", markup=False)
        console.print(f"  added: {result.added}")
        console.print(f"  already present: {result.already}")
        if result.kept_newer:
            console.print(f"  kept (newer here): {result.kept_newer}")
        unmatched = len(result.unmatched)
        line = f"  unmatched records: {unmatched}"
        if unmatched:
            shown = ", ".join(str(i) for i in result.unmatched[:10])
            line += f" (ids in the other review: {shown}{', ...' if unmatched > 10 else ''})"
        console.print(line)
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        for warning in result.warnings:
            err.print(f"Warning: {warning}", markup=False)


def _print_stage(
    console: Console, rev: Review, stage: str, found: list[Conflict], required: int
) -> None:
    console.print(f"{STAGE_LABELS[stage].capitalize()}: {_plural(len(found), 'conflict')}.")
    for pair in pairwise(rev.db, stage, required=required):
        kappa = "n/a" if pair.kappa is None else f"{pair.kappa:.3f}"
        percent = "n/a" if pair.percent is None else f"{pair.percent:.1f}%"
        console.print(
            f"  {pair.a} vs {pair.b}: {_plural(pair.n, 'record')} decided by both, "
            f"agreement {percent} ({pair.agree}/{pair.n}), Cohen's kappa {kappa}",
            markup=False,
        )
    if found:
        console.print(f"  ({AGREEMENT_NOTE})")
    for conflict in found:
        _print_conflict(console, conflict)


def _print_conflict(console: Console, conflict: Conflict) -> None:
    year = f" ({conflict.year})" if conflict.year else ""
    console.print(f"  #{conflict.record_id} {printable(conflict.title or '')}{year}", markup=False)
    for who, d in conflict.decisions.items():
        why = f" ({d.reason})" if d.reason else ""
        console.print(f"      {who}: {d.decision}{why}", markup=False)


def _resolve(
    console: Console,
    rev: Review,
    protocol: Protocol,
    found: list[Conflict],
    reviewer: str | None,
) -> None:
    stage = found[0].stage
    reasons = protocol.reasons.get(stage, [])
    done = 0
    for number, conflict in enumerate(found, start=1):
        console.print(f"\nConflict {number} of {len(found)}:")
        _print_conflict(console, conflict)
        answer = ""
        while answer not in (*CHOICES, "s", "q"):
            answer = typer.prompt("[i]nclude, [e]xclude, [m]aybe, [s]kip, [q]uit").strip()
            answer = answer[:1].lower()
        if answer == "q":
            break
        if answer == "s":
            continue
        decision = CHOICES[answer]
        reason = None
        if decision == "exclude":
            for i, text in enumerate(reasons, start=1):
                console.print(f"    {i} {text}", markup=False)
            while True:
                raw = typer.prompt("Reason (number or text)", default="", show_default=False)
                try:
                    reason = reason_text(protocol, stage, raw)
                except ProtocolError as exc:
                    console.print(exc.message, markup=False)
                    continue
                if reason is None and stage == "full_text":
                    console.print("A full-text exclusion needs a reason.")
                    continue
                break
        resolve_conflict(rev.db, conflict.record_id, stage, decision, reason, by=reviewer)
        done += 1
    console.print(f"Recorded {_plural(done, 'consensus decision')}.")
