"""The worked example: Ge et al. 2015 (tacrolimus in refractory DM/PM), screened end to end.

``run_demo`` drives the library as a reviewer drives the command line: init, import the four
databases' exports (format sniffed from content), dedupe, criteria, replay the two reviewers'
decisions (decisions.csv, retrieval.csv), agreement, PRISMA 2009 and 2020 in every format, export
of the included studies and their extraction sheet, pooling, then an update round (the PubMed
search rerun a year later) and its PRISMA 2020 updated-review diagram, and last the review as
one HTML page (``prisma/report.html``, as ``screener report`` writes it). Every number it reports
is counted from the review database; none is typed in here.

The example's files are ``records/tacrolimus-2015/`` of the project (see its README): the
exports, ``searches.csv`` (which file is which database, searched when, with what query, in which
round), ``review.toml``, ``decisions.csv``, ``retrieval.csv``, ``extraction.csv``, ``update/``.
"""

from __future__ import annotations

import csv
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from screener.db import Review, init_review
from screener.dedupe import deduplicate
from screener.errors import ReviewError
from screener.handoff.export import BOM_FORMATS, export
from screener.handoff.studies import select
from screener.pooling.pool import OutcomePool, interval_text, pool_sheet
from screener.prisma.counts import Flow
from screener.prisma.identities import checked_flow
from screener.render.forest import draw_forest
from screener.render.report import write_report
from screener.render.tables import write_flow
from screener.screening.agreement import agreement
from screener.screening.blinding import unblind
from screener.screening.criteria import apply_criteria
from screener.screening.decisionfile import decide_from_file
from screener.screening.protocol import load_protocol
from screener.screening.verdict import STAGE_LABELS, current_decisions
from screener.searches import import_file

EXAMPLE = "tacrolimus-2015"
PRISMA_FORMATS = {
    "2009": ("json", "md", "txt", "svg", "png", "pdf"),
    "2020": ("json", "csv", "md", "txt", "svg", "png", "pdf"),
}
EXPORTS = {
    "ris": "included.ris",
    "csv": "included.csv",
    "json": "included.json",
    "bibtex": "included.bib",
    "extraction": "extraction-sheet.csv",
}
REVIEWERS = ("reviewer1", "reviewer2")
EXTRACTION = "included/extraction-filled.csv"  # the example's filled sheet, in the demo review

Say = Callable[[str], None]


def example_dir() -> Path:
    """The worked example's files: ``records/tacrolimus-2015`` of the project.

    An installed wheel carries them as ``screener/_examples/tacrolimus-2015`` (the build maps
    records/ there, see setup.py); an editable install or a checkout reads records/ in place.
    """
    bundled = resources.files("screener").joinpath("_examples", EXAMPLE)
    checkout = Path(__file__).resolve().parents[1] / "records" / EXAMPLE
    for folder in (Path(str(bundled)), checkout):
        if (folder / "searches.csv").is_file():
            return folder
    raise ReviewError(
        f"The worked example's files are neither in the installed package ({bundled}) "
        f"nor in a checkout ({checkout}).",
        hint="Reinstall prisma-screener from its wheel, or run from a checkout of the project.",
    )


def new_folder(base: Path) -> Path:
    """``base`` when it does not exist yet, else ``base-2``, ``base-3``..."""
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


@dataclass
class DemoResult:
    """What the demo found; every field is counted from the review database."""

    folder: Path
    identified: dict[str, int] = field(default_factory=dict)  # database -> records
    flow: Flow | None = None  # PRISMA 2020, round 1
    update: Flow | None = None  # PRISMA 2020, round 2 (updated review)
    kappa: dict[str, float | None] = field(default_factory=dict)  # stage -> Cohen's kappa
    included: list[str] = field(default_factory=list)  # labels of the included studies
    pools: list[OutcomePool] = field(default_factory=list)  # the studies' abstract counts
    printed: list[OutcomePool] = field(default_factory=list)  # the paper's printed totals
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def run_demo(target: Path, say: Say, source: Path | None = None, report: bool = True) -> DemoResult:
    """Run the worked example into ``target`` (new or empty); ``say`` tells the story.

    With ``report`` the review's HTML page (``screener report``) is written beside the PRISMA
    files as ``prisma/report.html``."""
    started = time.perf_counter()
    source = source or example_dir()
    if target.exists() and any(target.iterdir()):
        raise ReviewError(f"{target} is not empty; the demo needs a new folder.")
    review = init_review(target)
    result = DemoResult(folder=target)
    try:
        _first_round(review, source, result, say)
        _update_round(review, source, result, say)
        if report:
            page = write_report(
                review, review.path / "prisma" / "report.html", review.path / EXTRACTION
            )
            result.files.append(page)
            say(f"10. The whole review as one page (screener report): {page}.")
    finally:
        review.close()
    result.seconds = time.perf_counter() - started
    return result


def _first_round(review: Review, source: Path, result: DemoResult, say: Say) -> None:
    shutil.copyfile(source / "review.toml", review.protocol_path)
    protocol = load_protocol(review.protocol_path)
    say(f"1. Review created in {review.path}, protocol of Ge et al. 2015 in review.toml.")
    say("2. The search of April 2015, imported from each database's own export:")
    result.identified = _import_round(review, source, 1, say)
    dedupe = deduplicate(review.db, protocol.prefer_databases)
    say(
        f"3. Deduplication: {dedupe.duplicates} duplicate records linked to the record kept in "
        f"{dedupe.groups} groups ({dedupe.review} pairs left for a person to check)."
    )
    criteria = apply_criteria(review.db, protocol.limits)
    reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(criteria.excluded.items()))
    say(f"4. Automatic limits marked {criteria.total_excluded} records ineligible: {reasons}.")
    decided = decide_from_file(review, source / "decisions.csv")
    decide_from_file(review, source / "retrieval.csv")
    lifted = unblind(review.db, "lead", "both reviewers finished (worked example)")
    say(
        f"5. Two reviewers' decisions replayed from decisions.csv ({decided.added} decisions;"
        f" {protocol.reviewers} reviewers required per record,"
        f" blinding lifted by {lifted.reviewer}):"
    )
    for stage, label in STAGE_LABELS.items():
        agreed = agreement(review.db, stage, *REVIEWERS, required=protocol.reviewers)
        current = current_decisions(review.db, stage).values()
        differ = sum(
            1
            for by in current
            if all(r in by for r in REVIEWERS) and len({by[r].decision for r in REVIEWERS}) > 1
        )
        consensus = sum(1 for by in current if "consensus" in by)
        result.kappa[stage] = agreed.kappa
        kappa = "n/a" if agreed.kappa is None else f"{agreed.kappa:.2f}"
        percent = "n/a" if agreed.percent is None else f"{agreed.percent:.1f}%"
        say(
            f"   {label}: {agreed.n} records screened by both, {differ} disagreements "
            f"({agreed.n - agreed.agree} on exclude vs keep), {consensus} resolved by consensus; "
            f"agreement {percent}, Cohen's kappa {kappa} (maybe counts as keep)."
        )
    studies = select(review.db, "full-text", "included", required=protocol.reviewers)
    result.included = [entry.label for entry in studies]
    say(f"6. Included: {len(studies)} studies (the paper reports 8): {', '.join(result.included)}.")
    prisma = review.path / "prisma"
    prisma.mkdir()
    for template in ("2009", "2020"):
        flow = _write_prisma(review, prisma, 1, f"prisma-{template}", template, result)
        if template == "2020":
            result.flow = flow
    assert result.flow is not None
    f = result.flow
    say(
        f"7. PRISMA flow: {f.records_identified} identified, {f.duplicates} duplicates removed, "
        f"{f.excluded_automatic} ineligible by automation, {f.records_screened} screened, "
        f"{f.records_excluded} excluded, {f.dbr_sought_reports} full texts sought, "
        f"{f.dbr_notretrieved_reports} not retrieved, {f.dbr_assessed} assessed, "
        f"{f.dbr_excluded} excluded with reasons, {f.new_studies} studies included."
    )
    say(f"   PRISMA 2009 (as the paper used) and 2020 written to {prisma}/.")
    _hand_off(review, source, result, say)


def _hand_off(review: Review, source: Path, result: DemoResult, say: Say) -> None:
    folder = review.path / "included"
    folder.mkdir()
    for fmt, name in EXPORTS.items():
        path = folder / name
        encoding = "utf-8-sig" if fmt in BOM_FORMATS else "utf-8"
        with path.open("w", encoding=encoding, newline="") as out:
            export(review, fmt, out, decision="included")
        result.files.append(path)
    filled = review.path / EXTRACTION
    shutil.copyfile(source / "extraction.csv", filled)
    result.files.append(filled)
    say(
        f"8. Included studies exported to {folder}/ (RIS, CSV, JSON, BibTeX and an empty "
        "extraction sheet). Pooled from extraction-filled.csv, which holds only what the "
        "studies' own abstracts report (the paper's Table 1 is not public):"
    )
    result.pools = [pool for pool in pool_sheet(filled) if pool.k]
    for pool in result.pools:
        forest = folder / f"forest-{pool.outcome}.png"
        draw_forest(pool, forest)
        result.files.append(forest)
        crude = interval_text(pool.crude) if pool.crude else "n/a"
        studies = "1 study" if pool.k == 1 else f"{pool.k} studies"
        say(f"   {pool.outcome}: {pool.events}/{pool.total} in {studies}, {crude}.")
    printed = result.printed = pool_sheet(source / "paper-totals.csv", methods=("crude",))
    say(
        "   The paper's printed totals give its printed percentages (exact 95% CI): "
        + "; ".join(
            f"{p.outcome} {p.events}/{p.total} {interval_text(p.crude)}"
            for p in printed
            if p.crude is not None
        )
        + "."
    )


def _update_round(review: Review, source: Path, result: DemoResult, say: Say) -> None:
    protocol = load_protocol(review.protocol_path)
    say("9. Update: the PubMed search rerun in April 2016 (round 2):")
    _import_round(review, source, 2, say)
    dedupe = deduplicate(review.db, protocol.prefer_databases)
    apply_criteria(review.db, protocol.limits)
    decide_from_file(review, source / "update" / "decisions.csv")
    flow = _write_prisma(review, review.path / "prisma", 2, "prisma-2020-update", "2020", result)
    result.update = flow
    say(
        f"   {flow.records_identified} records, {flow.duplicates} already screened in round 1 "
        f"(linked, not screened again; {dedupe.duplicates} duplicates in the review now), "
        f"{flow.records_screened} screened; studies: {flow.previous_studies} previous + "
        f"{flow.new_studies} new = {flow.total_studies}."
    )


def _import_round(review: Review, source: Path, round_: int, say: Say) -> dict[str, int]:
    counts: dict[str, int] = {}
    with (source / "searches.csv").open(encoding="utf-8", newline="") as handle:
        searches = [row for row in csv.DictReader(handle) if int(row["round"]) == round_]
    for row in searches:
        summary = import_file(
            review,
            source / row["file"],
            database=row["database"],
            searched_on=row["searched_on"],
            query=row["query"],
            round=round_,
        )
        counts[summary.database] = counts.get(summary.database, 0) + summary.n_records
        say(f"   {summary.line()}")
    say(f"   {sum(counts.values())} records identified.")
    return counts


def _write_prisma(
    review: Review, folder: Path, round_: int, stem: str, template: str, result: DemoResult
) -> Flow:
    flow, _warnings = checked_flow(review, template, round_)
    for suffix in PRISMA_FORMATS[template]:
        path = folder / f"{stem}.{suffix}"
        write_flow(flow, template, path)
        result.files.append(path)
    return flow
