"""The PRISMA diagram as data: boxes (wording of the official templates), arrows, headers, stages.

Grid columns: 0 previous studies, 1 databases/registers, 2 their side boxes, 3 other methods,
4 their side boxes. Every drawing and text writer reads this one model, so the wording is
declared once. Numbers print as "n = 1,234"; an unknown count prints "NR".
"""

from __future__ import annotations

from screener.outputs import printable
from screener.prisma.counts import Flow, Pending
from screener.prisma.fields import NO_REASON, variant
from screener.render.boxes_2009 import diagram_2009
from screener.render.diagram import (
    PENDING_NOTE,
    Arrow,
    Box,
    Diagram,
    Header,
    Line,
    Stage,
    n,
    pending_line,
)

HEADER_DBR = "Identification of studies via databases and registers"
HEADER_DBR_NEW = "Identification of new studies via databases and registers"
HEADER_OTHER = "Identification of studies via other methods"
HEADER_OTHER_NEW = "Identification of new studies via other methods"
HEADER_PREVIOUS = "Previous studies"
OTHER_TYPE_LABELS = {
    "website": "Websites",
    "organisation": "Organisations",
    "citation": "Citation searching",
}
FOOTNOTES_2020 = (
    "*Consider, if feasible to do so, reporting the number of records identified from each "
    "database or register searched (rather than the total number across all "
    "databases/registers).",
    "**If automation tools were used, indicate how many records were excluded by a human and "
    "how many were excluded by automation tools.",
    "From: Page MJ, McKenzie JE, Bossuyt PM, Boutron I, Hoffmann TC, Mulrow CD, et al. The "
    "PRISMA 2020 statement: an updated guideline for reporting systematic reviews. BMJ "
    "2021;372:n71. doi: 10.1136/bmj.n71. For more information, visit: "
    "http://www.prisma-statement.org/",
)


def _sources(values: dict[str, int]) -> list[Line]:
    return [(f"{name} {n(count)}", 2) for name, count in values.items()]


def _reasons(total: int, reasons: dict[str, int], no_reason: int) -> list[Line]:
    lines: list[Line] = [
        (
            f"Reports excluded {n(total)}:"
            if reasons or no_reason
            else f"Reports excluded {n(total)}",
            0,
        )
    ]
    lines += [(f"{reason} {n(count)}", 1) for reason, count in reasons.items()]
    if no_reason:
        lines.append((f"{NO_REASON}: pending {no_reason}", 1))
    return lines


def _retrieval(
    prefix: str,
    col: int,
    sought: int,
    missing: int,
    assessed: int,
    excluded: int,
    reasons: dict[str, int],
    pending: Pending,
) -> list[Box]:
    return [
        Box(f"{prefix}sought", col, 2, [(f"Reports sought for retrieval {n(sought)}", 0)]),
        Box(f"{prefix}notretrieved", col + 1, 2, [(f"Reports not retrieved {n(missing)}", 0)]),
        Box(
            f"{prefix}assessed",
            col,
            3,
            [
                (f"Reports assessed for eligibility {n(assessed)}", 0),
                *pending_line(pending.full_text, "Awaiting full-text decision"),
            ],
        ),
        Box(
            f"{prefix}ft_excluded",
            col + 1,
            3,
            _reasons(excluded, reasons, len(pending.ft_no_reason)),
        ),
    ]


def diagram_2020(flow: Flow) -> Diagram:
    updated, other = flow.updated, flow.has_other_methods
    dp, op = flow.dbr_pending, flow.other_pending
    identified: list[Line] = [
        ("Records identified from*:", 0),
        (f"Databases {n(flow.database_results)}", 1),
        *_sources(flow.database_specific_results),
        (f"Registers {n(flow.register_results)}", 1),
        *_sources(flow.register_specific_results),
    ]
    boxes = [
        Box("identified", 1, 0, identified),
        Box(
            "removed",
            2,
            0,
            [
                ("Records removed before screening:", 0),
                (f"Duplicate records removed {n(flow.duplicates)}", 1),
                (
                    "Records marked as ineligible by automation tools "
                    f"{n(flow.excluded_automatic)}",
                    1,
                ),
                (f"Records removed for other reasons {n(flow.excluded_other)}", 1),
            ],
        ),
        Box(
            "screened",
            1,
            1,
            [
                (f"Records screened {n(flow.records_screened)}", 0),
                *pending_line(dp.title_abstract, "Awaiting title/abstract decision"),
            ],
        ),
        Box(
            "excluded",
            2,
            1,
            [
                (f"Records excluded** {n(flow.records_excluded)}", 0),
                (f"by a human {n(flow.records_excluded_human)}", 1),
                (f"by automation tools {n(flow.records_excluded_automatic)}", 1),
            ],
        ),
        *_retrieval(
            "",
            1,
            flow.dbr_sought_reports,
            flow.dbr_notretrieved_reports,
            flow.dbr_assessed,
            flow.dbr_excluded,
            flow.dbr_excluded_reasons,
            dp,
        ),
    ]
    arrows = [
        Arrow("identified", "screened", "down"),
        Arrow("identified", "removed", "right"),
        Arrow("screened", "excluded", "right"),
        Arrow("screened", "sought", "down"),
        Arrow("sought", "notretrieved", "right"),
        Arrow("sought", "assessed", "down"),
        Arrow("assessed", "ft_excluded", "right"),
        Arrow("assessed", "included", "down"),
    ]
    if updated:
        boxes.append(
            Box(
                "included",
                1,
                4,
                [
                    (f"New studies included in review {n(flow.new_studies)}", 0),
                    (f"Reports of new included studies {n(flow.new_reports)}", 0),
                ],
            )
        )
        boxes.append(
            Box(
                "total",
                1,
                5,
                [
                    (f"Total studies included in review {n(flow.total_studies)}", 0),
                    (f"Reports of total included studies {n(flow.total_reports)}", 0),
                ],
            )
        )
        boxes.append(
            Box(
                "previous",
                0,
                0,
                [
                    (
                        "Studies included in previous version of review "
                        f"{n(flow.previous_studies)}",
                        0,
                    ),
                    (
                        "Reports of studies included in previous version of review "
                        f"{n(flow.previous_reports)}",
                        0,
                    ),
                ],
            )
        )
        arrows += [Arrow("included", "total", "down"), Arrow("previous", "total", "elbow-right")]
    else:
        boxes.append(
            Box(
                "included",
                1,
                4,
                [
                    (f"Studies included in review {n(flow.new_studies)}", 0),
                    (f"Reports of included studies {n(flow.new_reports)}", 0),
                ],
            )
        )
    headers = [Header(HEADER_DBR_NEW if updated else HEADER_DBR, 1, 2, "yellow")]
    if updated:
        headers.append(Header(HEADER_PREVIOUS, 0, 0, "grey"))
    if other:
        boxes += _other_boxes(flow)
        arrows += [
            Arrow("o_identified", "o_sought", "down"),
            Arrow("o_sought", "o_notretrieved", "right"),
            Arrow("o_sought", "o_assessed", "down"),
            Arrow("o_assessed", "o_ft_excluded", "right"),
            Arrow("o_assessed", "included", "elbow-left"),
        ]
        headers.append(Header(HEADER_OTHER_NEW if updated else HEADER_OTHER, 3, 4, "grey"))
    footnotes = list(FOOTNOTES_2020)
    if dp.total or op.total:
        footnotes.insert(0, PENDING_NOTE)
    last = 5 if updated else 4
    return Diagram(
        "2020",
        variant(flow),
        boxes,
        arrows,
        [Stage("Identification", 0, 0), Stage("Screening", 1, 3), Stage("Included", 4, last)],
        headers,
        footnotes,
    )


def _other_boxes(flow: Flow) -> list[Box]:
    op = flow.other_pending
    lines: list[Line] = [("Records identified from:", 0)]
    counts = {
        "website": flow.website_results,
        "organisation": flow.organisation_results,
        "citation": flow.citations_results,
    }
    for kind, label in OTHER_TYPE_LABELS.items():
        lines.append((f"{label} {n(counts[kind])}", 1))
        names = flow.other_specific_results.get(kind, {})
        if list(names) != [label]:
            lines += _sources(names)
    for name, count in flow.other_specific_results.get("other", {}).items():
        lines.append((f"{name} {n(count)}", 1))
    removed = [
        ("Duplicate records removed", flow.other_duplicates),
        ("Records marked as ineligible by automation tools", flow.other_excluded_automatic),
        ("Records excluded on title/abstract", flow.other_records_excluded),
    ]
    if any(count for _, count in removed):
        lines.append(("Removed before retrieval:", 0))
        lines += [(f"{what} {n(count)}", 1) for what, count in removed if count]
    lines += pending_line(op.title_abstract, "Awaiting title/abstract decision")
    return [
        Box("o_identified", 3, 0, lines),
        *_retrieval(
            "o_",
            3,
            flow.other_sought_reports,
            flow.other_notretrieved_reports,
            flow.other_assessed,
            flow.other_excluded,
            flow.other_excluded_reasons,
            op,
        ),
    ]


def build(flow: Flow, template: str) -> Diagram:
    """The diagram of ``flow`` in the 2020 or the 2009 template."""
    diagram = diagram_2009(flow) if template == "2009" else diagram_2020(flow)
    for box in diagram.boxes:  # database names and reasons are the user's text
        box.lines = [(printable(text), level) for text, level in box.lines]
    return diagram
