"""Sections of the review report about the method: protocol, searches, deduplication, screening
progress and agreement (with the stopping aid), and exclusion reasons. Each function returns
HTML; every value from the review is escaped (``screener.render.html.esc``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlite_utils

from screener.render.html import bullets, esc, figure, number, pending, table
from screener.render.report_figures import recall_curve_svg
from screener.screening.protocol import Protocol
from screener.screening.verdict import STAGE_LABELS, STAGES

SOURCE_TYPES = {
    "database": "Database",
    "register": "Register",
    "website": "Website",
    "organisation": "Organisation",
    "citation": "Citation searching",
    "other": "Other",
}


def protocol_section(protocol: Protocol) -> str:
    limits = protocol.limits
    years = (
        f"{limits.year_min or 'any'} to {limits.year_max or 'any'}"
        if limits.year_min is not None or limits.year_max is not None
        else "none"
    )
    rows = [
        ("Publication years", years),
        ("Languages", ", ".join(limits.languages) or "any"),
        ("Publication types excluded", ", ".join(limits.exclude_publication_types) or "none"),
        (
            "Screening",
            f"{protocol.reviewers} reviewer{'s' if protocol.reviewers != 1 else ''} per record"
            + (", blinded" if protocol.blind and protocol.reviewers > 1 else ""),
        ),
        ("Outcomes", ", ".join(protocol.outcomes) or "none named"),
    ]
    parts = ['<section id="protocol"><h2>Protocol</h2>']
    if protocol.question:
        parts.append(f"<h3>Question</h3><p>{esc(protocol.question)}</p>")
    else:
        parts.append(pending("no question in [review] of review.toml."))
    parts.append("<h3>Inclusion criteria</h3>")
    parts.append(
        bullets(protocol.include_criteria) if protocol.include_criteria else "<p>None.</p>"
    )
    parts.append("<h3>Exclusion criteria</h3>")
    parts.append(
        bullets(protocol.exclude_criteria) if protocol.exclude_criteria else "<p>None.</p>"
    )
    parts.append("<h3>Limits and settings</h3><dl>")
    parts += [f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows]
    parts.append("</dl>")
    for stage in STAGES:
        reasons = protocol.reasons.get(stage, [])
        if reasons:
            label = STAGE_LABELS[stage]
            items = "".join(f"<li>{esc(r)}</li>" for r in reasons)
            parts.append(f"<h3>Exclusion reasons at {esc(label)}</h3><ol>{items}</ol>")
    parts.append("</section>")
    return "".join(parts)


def searches_section(searches: Sequence[dict[str, Any]]) -> str:
    head = '<section id="searches"><h2>Searches</h2>'
    if not searches:
        return head + pending("no search has been imported yet (screener import).") + "</section>"
    rows = [
        (
            esc(s["id"]),
            esc(s["round"]),
            esc(s["database"]),
            esc(s["interface"] or "–"),
            esc(SOURCE_TYPES.get(s["source_type"], s["source_type"])),
            f'<span class="date">{esc(s["searched_on"] or "not recorded")}</span>',
            f"<code>{esc(s['query'])}</code>" if s["query"] else "not recorded",
            esc(s["file_name"]),
            esc(number(s["n_records"])),
        )
        for s in searches
    ]
    headers = ("#", "Round", "Database", "Interface", "Source", "Searched", "Query", "File")
    intro = (
        "<p>Each imported export, as PRISMA-S asks: where and when it was searched, the "
        "strategy as run, the file and the records it held. Round 1 is the original search; "
        "later rounds are updates.</p>"
    )
    return (
        head
        + intro
        + table("Searches (PRISMA-S)", (*headers, "Records"), rows, numeric=(0, 1, 8))
        + "</section>"
    )


def dedupe_section(db: sqlite_utils.Database) -> str:
    head = '<section id="deduplication"><h2>Deduplication</h2>'
    total, kept = db.execute(
        "select count(*), coalesce(sum(duplicate_of is null), 0) from records"
    ).fetchone()
    if not total:
        return head + pending("no records yet.") + "</section>"
    groups = db.execute(
        "select count(distinct duplicate_of) from records where duplicate_of is not null"
    ).fetchone()[0]
    per_search = db.execute(
        "select s.id, s.database, s.round, count(r.id),"
        " coalesce(sum(r.duplicate_of is not null), 0)"
        " from searches s left join records r on r.search_id = s.id group by s.id order by s.id"
    ).fetchall()
    pairs = dict(db.execute("select status, count(*) from duplicate_pairs group by status"))
    waiting = pairs.get("review", 0)
    text = (
        f"<p>{number(total)} records imported; {number(total - kept)} linked as duplicates to "
        f"the record kept for their group ({number(groups)} groups); {number(kept)} records "
        "kept. Nothing is deleted: a duplicate points to the record kept.</p>"
    )
    rows = [
        (esc(i), esc(database), esc(rnd), esc(number(n)), esc(number(d)), esc(number(n - d)))
        for i, database, rnd, n, d in per_search
    ]
    body = table(
        "Records and duplicates per search",
        ("Search", "Database", "Round", "Records", "Duplicates", "Kept"),
        rows,
        numeric=(0, 2, 3, 4, 5),
    )
    names = {
        "auto": "linked by the rules",
        "confirmed": "confirmed by a person",
        "rejected": "rejected by a person (not duplicates)",
        "review": "waiting for a person (screener dedupe --review-pairs)",
        "skipped": "skipped by a person",
    }
    pair_rows = [(esc(names.get(k, k)), esc(number(v))) for k, v in sorted(pairs.items())]
    if pair_rows:
        body += table("Candidate pairs", ("Pairs", "n"), pair_rows, numeric=(1,), row_headers=True)
    if waiting:
        body += pending(f"{waiting} candidate pairs wait for a person's decision.")
    return head + text + body + "</section>"


def _stage_summary(stage: str, data: dict[str, Any]) -> str:
    final = data["final"]
    items = [
        ("Records at this stage", data["records"]),
        ("Included", final["included"]),
        ("Excluded", final["excluded"]),
        ("of which by the limits (automation)", final["by_criteria"]),
        ("Maybe", final["maybe"]),
        ("Conflicts between reviewers", final["conflicts"]),
        ("Not yet decided", final["undecided"]),
        ("Awaiting another reviewer", data["awaiting_reviewers"]),
    ]
    if stage == "full_text":
        items.insert(1, ("Full text not retrieved", data["not_retrieved"]))
    rows = [(esc(k), esc(number(v))) for k, v in items]
    return table(
        f"Final verdicts at {STAGE_LABELS[stage]}",
        ("", "Records"),
        rows,
        numeric=(1,),
        row_headers=True,
    )


def _reviewers(stage: str, data: dict[str, Any], blind: bool) -> str:
    people = data["reviewers"]
    if not people:
        if blind:  # withheld, said once at the top of the section
            return ""
        return pending(f"no reviewer has screened at {STAGE_LABELS[stage]} yet.")
    keys = ("screened", "included", "excluded", "maybe", "left")
    rows = [(esc(who), *(esc(number(p[k])) for k in keys)) for who, p in sorted(people.items())]
    out = table(
        f"Progress per reviewer at {STAGE_LABELS[stage]}",
        ("Reviewer", "Screened", "Included", "Excluded", "Maybe", "Left"),
        rows,
        numeric=(1, 2, 3, 4, 5),
        row_headers=True,
    )
    pairs = data["agreement"]
    if pairs:
        rows = [
            (
                esc(" vs ".join(p["reviewers"])),
                esc(number(p["n"])),
                esc(number(p["agree"])),
                esc("–" if p["percent"] is None else f"{p['percent']:.1f}%"),
                esc("–" if p["kappa"] is None else f"{p['kappa']:.2f}"),
            )
            for p in pairs
        ]
        out += table(
            f"Agreement between reviewers at {STAGE_LABELS[stage]}",
            ("Reviewers", "Records by both", "Agreed", "Agreement", "Cohen's kappa"),
            rows,
            numeric=(1, 2, 3, 4),
            row_headers=True,
        )
    return out


def screening_section(status: dict[str, Any], found: Sequence[bool]) -> str:
    screening = status["screening"]
    parts = ['<section id="screening"><h2>Screening progress and agreement</h2>']
    if screening["blinding"]["blind"]:
        parts.append(
            pending(
                "screening is blinded: per-reviewer figures and agreement are withheld until "
                "screener unblind."
            )
        )
    for stage in STAGES:
        data = screening["stages"][stage]
        parts.append(f"<h3>{esc(STAGE_LABELS[stage].capitalize())}</h3>")
        if not data["records"]:
            parts.append(pending(f"no record has reached {STAGE_LABELS[stage]} yet."))
            continue
        parts.append(_stage_summary(stage, data))
        parts.append(_reviewers(stage, data, screening["blinding"]["blind"]))
    convention = screening["agreement_convention"]
    parts.append(f'<p class="muted">{esc(convention[:1].upper() + convention[1:])}.</p>')
    parts.append(_stopping(status["stopping"], found))
    parts.append("</section>")
    return "".join(parts)


def _stopping(stopping: dict[str, Any] | None, found: Sequence[bool]) -> str:
    head = "<h3>Stopping aid (title/abstract)</h3>"
    if stopping is None:
        return head + pending("no record has been screened by a person yet.")
    p = stopping["p_value"]
    bound = stopping["recall_lower_bound"]
    target = f"{stopping['recall_target']:.0%}"
    verdict = (
        f"the {target} recall target is reached at {stopping['confidence']:.0%} confidence"
        if stopping["target_reached"]
        else f"the {target} recall target is not shown to be reached yet"
    )
    rows = [
        (
            "Records screened by a person",
            f"{number(stopping['screened'])} of {number(stopping['total'])}",
        ),
        ("Includes found (maybe and conflicts count)", number(stopping["includes_found"])),
        ("Excludes since the last include", number(stopping["streak"])),
        ("p-value (H0: recall below the target)", "–" if p is None else f"{p:.3f}"),
        ("Recall supported (lower bound)", "–" if bound is None else f"{bound:.0%}"),
    ]
    body = table(
        "Stopping estimate",
        ("", "Value"),
        [(esc(a), esc(b)) for a, b in rows],
        numeric=(1,),
        row_headers=True,
    )
    label = (
        f"Recall curve: {sum(found)} includes found over {len(found)} records screened "
        f"of {stopping['total']}; {verdict}."
    )
    curve = figure(
        recall_curve_svg(found, stopping["total"], label),
        "Includes found against records screened, in the order screened (solid); a random "
        "order would follow the dashed line on average. " + label,
    )
    note = (
        f"<p>In short: {esc(verdict)}. The aid never excludes anything. Method: "
        f"{esc(stopping['method'])}.</p>"
    )
    return head + body + curve + note


def exclusions_section(status: dict[str, Any]) -> str:
    parts = ['<section id="exclusions"><h2>Exclusion reasons</h2>']
    for stage in STAGES:
        final = status["screening"]["stages"][stage]["final"]
        reasons = final["excluded_by_reason"]
        label = STAGE_LABELS[stage]
        if not reasons:
            parts.append(f"<h3>{esc(label.capitalize())}</h3><p>No exclusions yet.</p>")
            continue
        rows = [(esc(r), esc(number(n))) for r, n in sorted(reasons.items(), key=lambda x: -x[1])]
        rows.append(("<strong>Total</strong>", f"<strong>{number(sum(reasons.values()))}</strong>"))
        parts.append(f"<h3>{esc(label.capitalize())}</h3>")
        parts.append(
            table(
                f"Records excluded at {label}, by reason",
                ("Reason", "Records"),
                rows,
                numeric=(1,),
                row_headers=True,
            )
        )
    parts.append("</section>")
    return "".join(parts)
