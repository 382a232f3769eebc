"""fulltext attach, fulltext status: the PDFs of the records at full text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from screener.commands.helptext import HelpfulGroup
from screener.commands.options import DEFAULT_REVIEW, ReviewDir
from screener.db import open_review
from screener.fulltexts.attach import AttachReport, FileResult, attach
from screener.fulltexts.status import PROBLEM_OUTCOMES, fulltext_status, write_missing
from screener.screening.decisionfile import STAGE_ALIASES
from screener.screening.protocol import load_protocol
from screener.screening.verdict import STAGE_LABELS

OUTCOME_TITLES = {
    "ambiguous": "Ambiguous (not attached: pick by renaming or attach the right one alone)",
    "unmatched": "Unmatched (no record found)",
    "no_text": "Scans without a text layer (no text to match; no OCR)",
    "unreadable": "Unreadable",
    "not_at_stage": "Records not at this stage (not attached)",
}

GROUP_HELP = """Attach PDFs to the records at full text and see what is still missing.

`attach` matches folders of PDFs (a reference manager's storage, a downloads folder) to the
records that reached full text.

`status` counts what was sought, attached, not retrieved and missing, and writes the missing
list for the library.

Examples:
  screener fulltext attach ~/Zotero/storage --review my-review
  screener fulltext status --review my-review
"""


def _file_line(f: FileResult) -> str:
    """One file of the report: where it is, which record(s), why."""
    if f.outcome == "unreadable":
        return f"  {f.evidence}"
    line = f"  {f.source}"
    if f.record_id is not None:
        line += f": record #{f.record_id}, by {f.method}"
    if f.candidates:
        ids = ", ".join(f"#{c}" for c in f.candidates)
        line += f": {'records' if len(f.candidates) > 1 else 'record'} {ids}"
    if f.evidence and f.outcome != "no_text":
        line += f": {f.evidence}"
    return line


def _print_report(console: Console, report: AttachReport) -> None:
    stage = STAGE_LABELS[report.stage]
    done = report.by_outcome("attached")
    records = {f.record_id for f in done}
    console.print(
        f"Read {len(report.files)} PDF files: {len(done)} attached to {len(records)} records"
        f" at {stage} ({report.written} new or changed, the rest as before)."
    )
    scans = [f for f in done if f.text_layer is False]
    if scans:
        console.print(f"  of which {len(scans)} without a text layer (scans: no text to show):")
        for f in scans:
            console.print(_file_line(f), markup=False)
    for outcome in PROBLEM_OUTCOMES:
        files = report.by_outcome(outcome)
        if files:
            console.print(f"{OUTCOME_TITLES[outcome]}: {len(files)}")
            for f in files:
                console.print(_file_line(f), markup=False)
    if report.gone:
        console.print(f"{report.gone} files attached earlier are no longer in these folders.")
    for rid in report.retrieved:
        console.print(f"Record #{rid} was marked not retrieved: it is retrieved now.")


def register(app: typer.Typer) -> None:
    group = typer.Typer(cls=HelpfulGroup, help=GROUP_HELP, no_args_is_help=True)
    app.add_typer(group, name="fulltext")

    @group.command("attach")
    def attach_cmd(
        folders: Annotated[
            list[Path], typer.Argument(help="Folders of PDFs (searched recursively).")
        ],
        review: ReviewDir = DEFAULT_REVIEW,
        stage: Annotated[
            str, typer.Option("--stage", help="Attach to the records at this stage.")
        ] = "full-text",
        copy: Annotated[
            bool, typer.Option("--copy", help="Copy attached files into the review's fulltext/.")
        ] = False,
    ) -> None:
        """Match PDFs to the records at full text by DOI, PMID, PMCID or title.

        Each PDF's metadata and first pages are read; a DOI, PMID or PMCID identifies the
        record, else its title confirmed by its authors and year.

        Every match is stored with how it was made; ambiguous and unmatched files are listed,
        never guessed. Running it again changes nothing unless a file changed.

        Paths are stored relative to the review when inside it; nothing is copied unless --copy.

        Examples:
          screener fulltext attach ~/Zotero/storage --review my-review
          screener fulltext attach downloads/ --review my-review --copy
        """
        found = STAGE_ALIASES.get(stage.strip().lower())
        if found is None:
            raise typer.BadParameter("use full-text or title-abstract", param_hint="--stage")
        rev = open_review(review)
        report = attach(rev, folders, stage=found, copy=copy)
        _print_report(Console(highlight=False, soft_wrap=True), report)

    @group.command("status")
    def status_cmd(
        review: ReviewDir = DEFAULT_REVIEW,
        as_json: Annotated[bool, typer.Option("--json", help="Stable JSON output.")] = False,
        missing_out: Annotated[
            Path | None,
            typer.Option("--missing-out", help="Write the missing full texts (.ris or .csv)."),
        ] = None,
        force: Annotated[
            bool, typer.Option("--force", help="Replace the --missing-out file if it exists.")
        ] = False,
    ) -> None:
        """Full texts sought, attached, not retrieved (with reasons) and missing.

        The missing ones can be written as RIS or CSV for the library (--missing-out). The
        JSON layout is documented in screener/fulltexts/status.py.

        Examples:
          screener fulltext status --review my-review
          screener fulltext status --review my-review --missing-out to-request.ris
          screener fulltext status --review my-review --json
        """
        rev = open_review(review)
        required = load_protocol(rev.protocol_path).reviewers
        data = fulltext_status(rev.db, required=required)
        written = (
            write_missing(rev.db, missing_out, required=required, force=force)
            if missing_out is not None
            else None
        )
        if as_json:
            typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
            return
        console = Console(highlight=False, soft_wrap=True)
        console.print(
            f"Full texts sought: {data['sought']}; attached {data['attached']}, not retrieved"
            f" {data['not_retrieved']}, missing {data['missing']}."
        )
        for status in ("not_retrieved", "missing"):
            rows = [r for r in data["records"] if r["status"] == status]
            if rows:
                console.print("Not retrieved:" if status == "not_retrieved" else "Missing:")
            for r in rows:
                keys = [f"PMID {r['pmid']}" if r["pmid"] else "", r["doi"] or ""]
                line = " ".join(x for x in (f"#{r['id']}", *keys, r["title"] or "(no title)") if x)
                if r["reason"]:
                    line += f" (reason: {r['reason']})"
                console.print(f"  {line}", markup=False)
        unsettled = sum(len(v) for k, v in data["files"].items() if k != "not_at_stage")
        if unsettled:
            console.print(
                f"{unsettled} PDF files were not attached (ambiguous, unmatched, scans,"
                " unreadable): see `screener fulltext attach` output or --json."
            )
        if written is not None:
            console.print(f"Wrote {written} missing full texts to {missing_out}.")
