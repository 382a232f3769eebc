"""The PRISMA 2009 diagram as data (boxes, arrows, stages), from a cumulative flow."""

from __future__ import annotations

from screener.prisma.classic import flow_2009
from screener.prisma.counts import Flow
from screener.prisma.fields import NO_REASON
from screener.render.diagram import (
    FOOTNOTES_2009,
    PENDING_NOTE,
    Arrow,
    Box,
    Diagram,
    Line,
    Stage,
    n,
    pending_line,
)


def diagram_2009(flow: Flow) -> Diagram:
    v = flow_2009(flow)
    p = v.pending
    excluded: list[Line] = [(f"Records excluded {n(v.records_excluded)}", 0)]
    if v.records_excluded_automatic:
        excluded.append((f"of which by automation tools {n(v.records_excluded_automatic)}", 1))
    reasons: list[Line] = [
        (f"Full-text articles excluded, with reasons {n(v.fulltext_excluded)}", 0),
        *[(f"{reason} {n(count)}", 1) for reason, count in v.fulltext_excluded_reasons.items()],
    ]
    if p.ft_no_reason:
        reasons.append((f"{NO_REASON}: pending {len(p.ft_no_reason)}", 1))
    database: list[Line] = [
        (f"Records identified through database searching {n(v.records_database)}", 0),
        *[
            (f"{k} {n(c)}", 1)
            for k, c in {**flow.database_specific_results, **flow.register_specific_results}.items()
        ],
    ]
    other: list[Line] = [
        (f"Additional records identified through other sources {n(v.records_other)}", 0)
    ]
    for names in flow.other_specific_results.values():
        other += [(f"{k} {n(c)}", 1) for k, c in names.items()]
    boxes = [
        Box("identified", 1, 0, database),
        Box("o_identified", 2, 0, other),
        Box(
            "deduplicated",
            1,
            1,
            [(f"Records after duplicates removed {n(v.records_after_duplicates)}", 0)],
        ),
        Box(
            "screened",
            1,
            2,
            [
                (f"Records screened {n(v.records_screened)}", 0),
                *pending_line(p.title_abstract, "Awaiting decision"),
            ],
        ),
        Box("excluded", 2, 2, excluded),
        Box(
            "assessed",
            1,
            3,
            [
                (f"Full-text articles assessed for eligibility {n(v.fulltext_assessed)}", 0),
                *pending_line(p.full_text, "Awaiting full-text decision"),
            ],
        ),
        Box("ft_excluded", 2, 3, reasons),
        Box(
            "qualitative",
            1,
            4,
            [
                (f"Studies included in qualitative synthesis {n(v.studies_qualitative)}", 0),
                (f"Reports of these studies {n(v.reports_included)}", 1),
            ],
        ),
        Box(
            "quantitative",
            1,
            5,
            [
                (
                    "Studies included in quantitative synthesis (meta-analysis) "
                    f"{n(v.studies_quantitative)}",
                    0,
                )
            ],
        ),
    ]
    arrows = [
        Arrow("identified", "deduplicated", "down"),
        Arrow("o_identified", "deduplicated", "elbow-left"),
        Arrow("deduplicated", "screened", "down"),
        Arrow("screened", "excluded", "right"),
        Arrow("screened", "assessed", "down"),
        Arrow("assessed", "ft_excluded", "right"),
        Arrow("assessed", "qualitative", "down"),
        Arrow("qualitative", "quantitative", "down"),
    ]
    footnotes = list(FOOTNOTES_2009)
    if p.total:
        footnotes.insert(0, PENDING_NOTE)
    return Diagram(
        "2009",
        "2009",
        boxes,
        arrows,
        [
            Stage("Identification", 0, 0),
            Stage("Screening", 1, 2),
            Stage("Eligibility", 3, 3),
            Stage("Included", 4, 5),
        ],
        [],
        footnotes,
    )
