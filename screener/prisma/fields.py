"""Output field names: the PRISMA2020 R package's ``data`` keys, and its CSV template layout.

JSON: every key of ``TEMPLATE_KEYS`` with a number (``null`` = NR); breakdowns are objects:
``database_specific_results``, ``register_specific_results``, ``other_specific_results``
(source type -> name -> n), ``dbr_excluded_reasons``, ``other_excluded_reasons``.

CSV: columns ``data,node,box,description,boxtext,tooltips,url,n``, one row per template key
(the layout below, written from the package's template), breakdowns as "Name, n; Name, n".
The package splits those strings on ";" and takes the name up to the first ",", so commas and
semicolons inside a name are written as " /".
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from screener.prisma.classic import flow_2009
from screener.outputs import safe_cell
from screener.prisma.counts import Flow

CSV_COLUMNS = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

# data key (None for a label row), node, box, description, box text.
LAYOUT_2020: tuple[tuple[str | None, str | None, str, str, str], ...] = (
    (None, "node4", "prevstud", "Grey title box; Previous studies", "Previous studies"),
    (
        "previous_studies",
        "node5",
        "box1",
        "Studies included in previous version of review",
        "Studies included in previous version of review",
    ),
    (
        "previous_reports",
        None,
        "box1",
        "Reports of studies included in previous version of review",
        "Reports of studies included in previous version of review",
    ),
    (
        None,
        "node6",
        "newstud",
        "Yellow title box; Identification of new studies via databases and registers",
        "Identification of new studies via databases and registers",
    ),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases"),
    (
        "database_specific_results",
        None,
        "box2",
        "Records identified from: specific databases",
        "Specific Databases",
    ),
    ("register_results", None, "box2", "Records identified from: Registers", "Registers"),
    (
        "register_specific_results",
        None,
        "box2",
        "Records identified from: specific registers",
        "Specific Registers",
    ),
    (
        None,
        "node16",
        "othstud",
        "Grey title box; Identification of new studies via other methods",
        "Identification of new studies via other methods",
    ),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites"),
    (
        "organisation_results",
        None,
        "box11",
        "Records identified from: Organisations",
        "Organisations",
    ),
    (
        "citations_results",
        None,
        "box11",
        "Records identified from: Citation searching",
        "Citation searching",
    ),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records"),
    (
        "excluded_automatic",
        None,
        "box3",
        "Records marked as ineligible by automation tools",
        "Records marked as ineligible by automation tools",
    ),
    (
        "excluded_other",
        None,
        "box3",
        "Records removed for other reasons",
        "Records removed for other reasons",
    ),
    (
        "records_screened",
        "node9",
        "box4",
        "Records screened (databases and registers)",
        "Records screened",
    ),
    (
        "records_excluded",
        "node10",
        "box5",
        "Records excluded (databases and registers)",
        "Records excluded",
    ),
    (
        "dbr_sought_reports",
        "node11",
        "box6",
        "Reports sought for retrieval (databases and registers)",
        "Reports sought for retrieval",
    ),
    (
        "dbr_notretrieved_reports",
        "node12",
        "box7",
        "Reports not retrieved (databases and registers)",
        "Reports not retrieved",
    ),
    (
        "other_sought_reports",
        "node18",
        "box12",
        "Reports sought for retrieval (other)",
        "Reports sought for retrieval",
    ),
    (
        "other_notretrieved_reports",
        "node19",
        "box13",
        "Reports not retrieved (other)",
        "Reports not retrieved",
    ),
    (
        "dbr_assessed",
        "node13",
        "box8",
        "Reports assessed for eligibility (databases and registers)",
        "Reports assessed for eligibility",
    ),
    (
        "dbr_excluded",
        "node14",
        "box9",
        "Reports excluded (databases and registers): reasons as Reason, n; Reason, n",
        "Reports excluded",
    ),
    (
        "other_assessed",
        "node20",
        "box14",
        "Reports assessed for eligibility (other)",
        "Reports assessed for eligibility",
    ),
    (
        "other_excluded",
        "node21",
        "box15",
        "Reports excluded (other): reasons as Reason, n",
        "Reports excluded",
    ),
    (
        "new_studies",
        "node15",
        "box10",
        "New studies included in review",
        "New studies included in review",
    ),
    (
        "new_reports",
        None,
        "box10",
        "Reports of new included studies",
        "Reports of new included studies",
    ),
    (
        "total_studies",
        "node22",
        "box16",
        "Total studies included in review",
        "Total studies included in review",
    ),
    (
        "total_reports",
        None,
        "box16",
        "Reports of total included studies",
        "Reports of total included studies",
    ),
    ("identification", "node1", "identification", "Blue identification box", "Identification"),
    ("screening", "node2", "screening", "Blue screening box", "Screening"),
    ("included", "node3", "included", "Blue included box", "Included"),
    (
        "total_studies_ma",
        "node23",
        "box17",
        "Total studies included in meta-analysis",
        "Total studies included in meta-analysis",
    ),
    (
        "total_reports_ma",
        None,
        "box17",
        "Reports of total included studies in meta-analysis",
        "Reports of total included studies in meta-analysis",
    ),
)
BREAKDOWNS = ("database_specific_results", "register_specific_results")
REASONS = {"dbr_excluded": "dbr_excluded_reasons", "other_excluded": "other_excluded_reasons"}
NO_REASON = "No reason recorded"
LABELS = ("identification", "screening", "included")
TEMPLATE_KEYS = tuple(
    key for key, *_ in LAYOUT_2020 if key is not None and key not in BREAKDOWNS + LABELS
)

FIELDS_2009 = (
    "records_database",
    "records_other",
    "duplicates",
    "records_after_duplicates",
    "records_screened",
    "records_excluded",
    "records_excluded_automatic",
    "fulltext_assessed",
    "fulltext_excluded",
    "reports_included",
    "studies_qualitative",
    "studies_quantitative",
)


def flow_fields(flow: Flow, list_pending: bool = False) -> dict[str, Any]:
    """The JSON document of a 2020 flow (template keys, breakdowns as objects).

    ``pending`` counts the records whose decision is not final, by kind; ``pending_ids`` (only
    with ``list_pending``) lists their ids.
    """
    out: dict[str, Any] = {"template": "2020", "round": flow.round, "variant": variant(flow)}
    for key in TEMPLATE_KEYS:
        out[key] = getattr(flow, key)
    out["database_specific_results"] = dict(flow.database_specific_results)
    out["register_specific_results"] = dict(flow.register_specific_results)
    out["other_specific_results"] = {k: dict(v) for k, v in flow.other_specific_results.items()}
    out["dbr_excluded_reasons"] = dict(flow.dbr_excluded_reasons)
    out["other_excluded_reasons"] = dict(flow.other_excluded_reasons)
    out["records_excluded_human"] = flow.records_excluded_human
    out["records_excluded_automatic"] = flow.records_excluded_automatic
    out["other_duplicates"] = flow.other_duplicates
    out["other_excluded_automatic"] = flow.other_excluded_automatic
    out["other_records_excluded"] = flow.other_records_excluded
    out.update(_pending_fields(flow, list_pending))
    return out


def flow_fields_2009(flow: Flow, list_pending: bool = False) -> dict[str, Any]:
    view = flow_2009(flow)
    out: dict[str, Any] = {"template": "2009", "round": flow.round}
    for key in FIELDS_2009:
        out[key] = getattr(view, key)
    out["records_database_specific"] = dict(flow.database_specific_results)
    out["records_database_specific"].update(flow.register_specific_results)
    out["fulltext_excluded_reasons"] = dict(view.fulltext_excluded_reasons)
    out.update(_pending_fields(flow, list_pending))
    return out


def _pending_fields(flow: Flow, list_pending: bool) -> dict[str, Any]:
    ids: dict[str, list[int]] = {}
    for pending in (flow.dbr_pending, flow.other_pending, flow.previous_pending):
        for name in pending.__dataclass_fields__:
            ids.setdefault(name, []).extend(getattr(pending, name))
    out: dict[str, Any] = {"pending": {k: len(v) for k, v in ids.items()}}
    if list_pending:
        out["pending_ids"] = {k: sorted(v) for k, v in ids.items()}
    return out


def variant(flow: Flow) -> str:
    """new | other | updated | updated-other."""
    base = "updated" if flow.updated else "new"
    if flow.has_other_methods:
        return "other" if base == "new" else "updated-other"
    return base


def _name(text: str) -> str:
    return text.replace(";", " /").replace(",", " /")


def breakdown_text(values: dict[str, int]) -> str:
    return "; ".join(f"{_name(k)}, {v}" for k, v in values.items())


def _n(value: int | None) -> str:
    return "NR" if value is None else str(value)


def csv_rows(flow: Flow) -> list[dict[str, str]]:
    """The PRISMA2020 template rows for a 2020 flow."""
    fields = flow_fields(flow)
    rows = []
    for key, node, box, description, boxtext in LAYOUT_2020:
        if key is None or key in LABELS:
            n = "0"
        elif key in BREAKDOWNS:
            n = breakdown_text(fields[key]) or "0"
        elif key in REASONS:
            reasons = dict(fields[REASONS[key]])
            unexplained = fields[key] - sum(reasons.values())
            if unexplained:
                reasons[NO_REASON] = unexplained
            n = breakdown_text(reasons) or _n(fields[key])
        else:
            n = _n(fields[key])
        rows.append(
            {
                "data": key or "NA",
                "node": node or "NA",
                "box": box,
                "description": description,
                "boxtext": boxtext,
                "tooltips": description if node else "NA",
                "url": f"{key or box}.html" if node else "NA",
                "n": n,
            }
        )
    return rows


def write_csv(flow: Flow, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: safe_cell(str(v)) for k, v in r.items()} for r in csv_rows(flow))
