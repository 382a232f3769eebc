"""The review as one self-contained HTML page, for a supervisor or a co-author.

``write_report(review, path)`` writes the page that ``screener report`` makes. In order:

1. the protocol: question, inclusion and exclusion criteria, limits, exclusion reasons;
2. the searches, PRISMA-S style: database, interface, date, query, file, records;
3. the PRISMA 2020 flow diagram of each search round (as ``screener prisma`` draws it), with
   its numbers as text for screen readers and the pending counts marked;
4. deduplication: records, duplicates linked, groups, candidate pairs waiting for a person;
5. screening progress per stage and reviewer, agreement (Cohen's kappa), the stopping aid with
   the recall curve of the screening so far;
6. exclusion reasons per stage;
7. the included studies, linked to their DOI and PubMed pages;
8. the pooled outcomes of the filled extraction sheet, with forest plots (the sheet is
   ``extraction.csv`` in the review folder, else ``included/extraction-filled.csv`` where
   ``screener demo`` puts it, unless named).

An unfinished review gives a page too: what is not done yet is marked "Pending". The page needs
no network (inline CSS and SVG, no script), prints readably, and is deterministic: it holds no
generation time (the latest search date stands for "as of"), so the same review gives the same
bytes.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from screener.db import Review
from screener.errors import DataError
from screener.handoff.studies import select
from screener.pooling.pool import OutcomePool, interval_text, pool_sheet
from screener.pooling.proportion import percent
from screener.prisma.counts import Flow, review_rounds
from screener.prisma.identities import checked_flow
from screener.render.forest import LABELS
from screener.render.html import esc, figure, link, number, page, pending, table
from screener.render.report_figures import forest_svg, prisma_svg
from screener.render.report_sections import (
    dedupe_section,
    exclusions_section,
    protocol_section,
    screening_section,
    searches_section,
)
from screener.render.tables import text_lines
from screener.screening.protocol import load_protocol
from screener.screening.status import review_status, screening_sequence
from screener.screening.verdict import verdicts
from screener.searches import list_searches

SHEETS = ("extraction.csv", "included/extraction-filled.csv")
SECTIONS = (
    ("protocol", "Protocol"),
    ("searches", "Searches"),
    ("prisma", "PRISMA 2020 flow"),
    ("deduplication", "Deduplication"),
    ("screening", "Screening progress and agreement"),
    ("exclusions", "Exclusion reasons"),
    ("included", "Included studies"),
    ("pooled", "Pooled outcomes"),
)


def default_sheet(review: Review) -> Path | None:
    """The filled extraction sheet the report pools when none is named (see SHEETS)."""
    return next((review.path / s for s in SHEETS if (review.path / s).is_file()), None)


def build_report(review: Review, sheet: Path | None = None) -> str:
    """The page's HTML (see the module docstring)."""
    protocol = load_protocol(review.protocol_path)
    status = review_status(review)
    searches = list_searches(review)
    ta = verdicts(review.db, "title_abstract", required=protocol.reviewers)
    found = [d != "exclude" for d in screening_sequence(review.db, ta)]
    title = protocol.title or "Systematic review"
    body = [
        _header(title, status, searches),
        protocol_section(protocol),
        searches_section(searches),
        _prisma_section(review),
        dedupe_section(review.db),
        screening_section(status, found),
        exclusions_section(status),
        _included_section(review),
        _pooled_section(review, sheet if sheet is not None else default_sheet(review)),
    ]
    return page(f"{title}: review report", "\n".join(body))


def write_report(review: Review, path: Path, sheet: Path | None = None) -> Path:
    """Write the page to ``path`` (its folder is created); returns the path."""
    html = build_report(review, sheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def pending_count(status: dict[str, object]) -> int:
    """Records whose decision is not final: left at either stage (undecided, in conflict or
    awaiting reviewers), and maybe at full text."""
    stages = status["screening"]["stages"]  # type: ignore[index]
    ta, ft = stages["title_abstract"], stages["full_text"]
    return int(ta["left"] + ft["left"] + ft["final"]["maybe"])


def _header(title: str, status: dict[str, object], searches: list[dict[str, object]]) -> str:
    dates = sorted(str(s["searched_on"]) for s in searches if s["searched_on"])
    left = pending_count(status)
    if not searches:
        badge = '<span class="status pending">Not started: no search imported</span>'
    elif left:
        badge = f'<span class="status pending">In progress: {left:,} records need a decision</span>'
    else:
        badge = '<span class="status done">Screening complete</span>'
    as_of = f"Latest search: {esc(dates[-1])}. " if dates else ""
    toc = "".join(f'<li><a href="#{key}">{esc(name)}</a></li>' for key, name in SECTIONS)
    return (
        f"<header><h1>{esc(title)}</h1><p>Review report. {as_of}{badge}</p></header>"
        f'<nav aria-label="Contents"><h2>Contents</h2><ol>{toc}</ol></nav>'
    )


def _flow_sentence(flow: Flow) -> str:
    words = (
        f"{flow.records_identified:,} records identified from databases and registers, "
        f"{flow.duplicates:,} duplicates removed, {flow.excluded_automatic:,} marked ineligible "
        f"by automation tools, {flow.records_screened:,} screened, {flow.records_excluded:,} "
        f"excluded, {flow.dbr_sought_reports:,} reports sought, {flow.dbr_notretrieved_reports:,} "
        f"not retrieved, {flow.dbr_assessed:,} assessed for eligibility, {flow.dbr_excluded:,} "
        f"excluded with reasons, {flow.new_studies:,} new studies included"
    )
    if flow.total_studies is not None and flow.updated:
        words += f", {flow.total_studies:,} studies in the review in all"
    return words


def _prisma_section(review: Review) -> str:
    parts = ['<section id="prisma"><h2>PRISMA 2020 flow</h2>']
    rounds = review_rounds(review.db)
    if not rounds:
        parts.append(pending("no search has been imported yet."))
    for number_ in rounds:
        name = "Original search" if number_ == 1 else f"Update (round {number_})"
        if len(rounds) > 1:
            parts.append(f"<h3>{esc(name)}</h3>")
        try:
            flow, warnings = checked_flow(review, "2020", number_, allow_incomplete=True)
        except DataError as exc:
            parts.append(f'<div class="pending"><p>{esc(" ".join(exc.lines()))}</p></div>')
            continue
        sentence = _flow_sentence(flow)
        label = f"PRISMA 2020 flow diagram, {name.lower()}: {sentence}."
        parts.append(figure(prisma_svg(flow, f"prisma{number_}", label), label, wide=True))
        for warning in warnings:
            if warning.startswith("pending: "):
                parts.append(pending(warning.removeprefix("pending: ")))
            else:
                parts.append(f'<p class="muted">{esc(warning)}</p>')
        lines = "\n".join(text_lines(flow, "2020"))
        parts.append(
            f"<details><summary>The diagram as text</summary><pre>{esc(lines)}</pre></details>"
        )
    parts.append("</section>")
    return "".join(parts)


def _links(doi: str | None, pmid: str | None) -> str:
    out = []
    if doi:
        out.append(link(f"https://doi.org/{quote(doi, safe='/:;()._-')}", f"doi:{doi}"))
    if pmid:
        out.append(link(f"https://pubmed.ncbi.nlm.nih.gov/{quote(pmid)}/", f"PMID {pmid}"))
    return "<br>".join(out) or "–"


def _included_section(review: Review) -> str:
    parts = ['<section id="included"><h2>Included studies</h2>']
    required = load_protocol(review.protocol_path).reviewers
    studies = select(review.db, "full-text", "included", required=required)
    if not studies:
        parts.append(pending("no study has been included at full text yet."))
        parts.append("</section>")
        return "".join(parts)
    rows = []
    for entry in studies:
        r = entry.record
        source = ", ".join(x for x in (r.journal or r.journal_abbrev, str(r.year or "")) if x)
        extra = len(entry.reports)
        reports = f"{extra} other report{'s' if extra != 1 else ''}" if extra else ""
        rows.append(
            (
                esc(entry.label),
                esc(r.title or r.title_translated or "(no title)")
                + (f'<br><span class="muted">{esc(reports)}</span>' if reports else ""),
                esc(source),
                esc(entry.database),
                _links(r.doi, r.pmid),
            )
        )
    parts.append(
        f"<p>{len(studies)} stud{'y' if len(studies) == 1 else 'ies'} included at full text.</p>"
    )
    parts.append(
        table(
            "Included studies",
            ("Study", "Title", "Journal, year", "Database", "Links"),
            rows,
            row_headers=True,
        )
    )
    parts.append("</section>")
    return "".join(parts)


def _pooled_section(review: Review, sheet: Path | None) -> str:
    parts = ['<section id="pooled"><h2>Pooled outcomes</h2>']
    if sheet is None:
        looked = " or ".join(str(review.path / s) for s in SHEETS)
        parts.append(pending(f"no filled extraction sheet (looked for {looked})."))
        parts.append("</section>")
        return "".join(parts)
    pools = pool_sheet(sheet)
    parts.append(
        f"<p>Single proportions pooled from <code>{esc(sheet.name)}</code>: exact "
        "(Clopper-Pearson) intervals per study; crude pooling and random-effects models as R's "
        "meta::metaprop.</p>"
    )
    if not any(pool.k for pool in pools):
        parts.append(
            pending(
                f"{sheet.name} holds no counts yet: fill in each study's <outcome>_events and "
                "<outcome>_total."
            )
        )
    for index, pool in enumerate(pools, start=1):
        parts.append(f"<h3>{esc(pool.outcome)}</h3>")
        if not pool.k:
            parts.append("<p>No study in the sheet reports this outcome.</p>")
            continue
        parts.append(_pool_tables(pool))
        label = (
            f"Forest plot of {pool.outcome}: {pool.k} "
            f"stud{'y' if pool.k == 1 else 'ies'}, {pool.events} events in {pool.total}"
            + (f", crude {interval_text(pool.crude)}" if pool.crude else "")
            + "."
        )
        parts.append(figure(forest_svg(pool, f"forest{index}", label), label, wide=True))
    parts.append("</section>")
    return "".join(parts)


def _pool_tables(pool: OutcomePool) -> str:
    studies = [
        (esc(s.study), esc(number(s.events)), esc(number(s.total)), esc(interval_text(s.interval)))
        for s in pool.studies
    ]
    out = table(
        f"{pool.outcome}: studies",
        ("Study", "Events", "Total", "Proportion [95% CI]"),
        studies,
        numeric=(1, 2, 3),
        row_headers=True,
    )
    rows = []
    if pool.crude is not None:
        rows.append((esc(LABELS["crude"]), esc(interval_text(pool.crude)), "–", "–"))
    for name, model in pool.models.items():
        if model is None:
            why = pool.reasons.get(name) or "not fitted"
            rows.append((esc(LABELS.get(name, name)), esc(f"not fitted: {why}"), "–", "–"))
        else:
            rows.append(
                (
                    esc(LABELS.get(name, name)),
                    esc(interval_text(model.interval)),
                    esc(f"{percent(model.i2 / 100)}%"),
                    esc(f"{model.tau2:.4f}"),
                )
            )
    return out + table(
        f"{pool.outcome}: pooled",
        ("Method", "Proportion [95% CI]", "I²", "τ²"),
        rows,
        numeric=(1, 2, 3),
        row_headers=True,
    )
