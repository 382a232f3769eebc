"""``screener export``: records and included studies handed to reference managers and pooling.

Formats:

``ris`` / ``bibtex``
    see :mod:`screener.handoff.ris_writer` (tags, CRLF, citation keys).
``csv``
    one row per entry; the columns are :data:`CSV_COLUMNS`; authors, keywords and publication
    types ``; ``-joined; accessions ``kind:id; ...``; ``reports`` lists the study's other reports
    as ``record 12: <citation>`` joined by `` | ``. Written as UTF-8 with a BOM (so Excel reads
    it) and CRLF when written to a file.
``json``
    a list of objects with the keys of :data:`CSV_COLUMNS` except the two ``*_reason`` ones
    (the reason sits inside its stage's object), lists kept as lists, ``accessions``
    as an object, ``title_abstract`` / ``full_text`` as ``{"decision", "reason"}`` or null, and
    ``reports`` as a list of ``{"record_id", "citation", "doi", "pmid"}``, ``labels`` (the
    record's labels from the screening app, :mod:`screener.screening.labels`) as a list.
``extraction``
    the data-extraction sheet (:mod:`screener.handoff.extraction`): ``study``, ``citation``,
    ``record_ids``, the design columns (empty, to fill in) and one ``<outcome>_events`` /
    ``<outcome>_total`` pair per outcome of review.toml ``[outcomes] names``. Defaults to the
    included studies. UTF-8 BOM, CRLF, quoted as needed.
``decisions``
    the decision log, written by ``screener.screening.decisionfile.write_decisions_csv``.

Which records: :func:`screener.handoff.studies.select`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import Any, TextIO

from screener.db import Review
from screener.errors import DataError, InputError
from screener.handoff.extraction import DESIGN_COLUMNS, STUDY, outcome_columns
from screener.handoff.ris_writer import write_bibtex, write_ris
from screener.handoff.studies import Entry, accessions_text, citation, select
from screener.outputs import safe_row
from screener.screening.blinding import blinded
from screener.screening.labels import record_labels
from screener.screening.protocol import load_protocol
from screener.screening.verdict import Verdict, verdicts

FORMATS = ("ris", "csv", "json", "bibtex", "extraction", "decisions")
BOM_FORMATS = ("csv", "extraction")
# formats whose rows carry verdicts or labels (made of every reviewer's votes)
VERDICT_FORMATS = ("csv", "json", "extraction")
CSV_COLUMNS = (
    "record_id",
    "study",
    "study_id",
    "title",
    "title_translated",
    "authors",
    "year",
    "journal",
    "journal_abbrev",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "accessions",
    "issn",
    "language",
    "publication_types",
    "keywords",
    "url",
    "abstract",
    "database",
    "title_abstract",
    "title_abstract_reason",
    "full_text",
    "full_text_reason",
    "reports",
    "labels",
)
_RECORD_FIELDS = (
    "title", "title_translated", "authors", "year", "journal", "journal_abbrev", "volume",
    "issue", "pages", "doi", "pmid", "pmcid", "accessions", "issn", "language",
    "publication_types", "keywords", "url", "abstract",
)  # fmt: skip


def _verdict(v: Verdict | None) -> dict[str, Any] | None:
    if v is None:
        return None
    shown = "conflict" if v.conflict else "awaiting" if v.awaiting else v.decision
    return {"decision": shown, "reason": v.reason}


def entry_object(
    entry: Entry,
    ta: dict[int, Verdict],
    ft: dict[int, Verdict],
    labels: dict[int, list[str]] | None = None,
) -> dict[str, Any]:
    """The JSON object of one entry (keys in :data:`CSV_COLUMNS` order)."""
    rec = entry.record
    obj: dict[str, Any] = {
        "record_id": entry.record_id,
        "study": entry.label,
        "study_id": entry.study_id,
    }
    for name in _RECORD_FIELDS:
        value = getattr(rec, name)
        obj[name] = (
            list(value)
            if isinstance(value, list)
            else (dict(value) if isinstance(value, dict) else value)
        )
    obj["database"] = entry.database
    obj["title_abstract"] = _verdict(ta.get(entry.record_id))
    obj["full_text"] = _verdict(ft.get(entry.record_id))
    obj["reports"] = [
        {"record_id": rid, "citation": citation(r), "doi": r.doi, "pmid": r.pmid}
        for rid, r in entry.reports
    ]
    obj["labels"] = list((labels or {}).get(entry.record_id, []))
    return obj


def _csv_row(obj: dict[str, Any]) -> list[str]:
    row: list[str] = []
    for name in CSV_COLUMNS:
        if name in ("title_abstract_reason", "full_text_reason"):
            stage = obj[name.removesuffix("_reason")]
            row.append((stage or {}).get("reason") or "")
            continue
        value = obj[name]
        if name in ("title_abstract", "full_text"):
            text = (value or {}).get("decision") or ""
        elif name == "accessions":
            text = accessions_text(value)
        elif name == "reports":
            text = " | ".join(f"record {r['record_id']}: {r['citation']}" for r in value)
        elif isinstance(value, list):
            text = "; ".join(value)
        else:
            text = "" if value is None else str(value)
        row.append(text)
    return row


def write_csv(
    entries: Sequence[Entry],
    out: TextIO,
    ta: dict[int, Verdict],
    ft: dict[int, Verdict],
    labels: dict[int, list[str]] | None = None,
    raw: bool = False,
) -> None:
    """One row per entry; formula-leading cells get a quote unless ``raw`` (see outputs.py)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = _csv_row(entry_object(entry, ta, ft, labels))
        writer.writerow(row if raw else safe_row(row))


def write_json(
    entries: Sequence[Entry],
    out: TextIO,
    ta: dict[int, Verdict],
    ft: dict[int, Verdict],
    labels: dict[int, list[str]] | None = None,
) -> None:
    data = [entry_object(entry, ta, ft, labels) for entry in entries]
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def extraction_header(outcomes: Sequence[str]) -> list[str]:
    header = [STUDY, "citation", "record_ids", *DESIGN_COLUMNS]
    for outcome in outcomes:
        header += list(outcome_columns(outcome))
    return header


def write_extraction(
    entries: Sequence[Entry], outcomes: Sequence[str], out: TextIO, raw: bool = False
) -> None:
    """The extraction sheet: a row per study, outcome cells empty (missing until filled);
    formula-leading cells get a quote unless ``raw``."""
    writer = csv.writer(out, lineterminator="\r\n")
    header = extraction_header(outcomes)
    writer.writerow(header)
    for entry in entries:
        ids = "; ".join(str(i) for i in [entry.record_id, *(r for r, _ in entry.reports)])
        row = [entry.label, citation(entry.record), ids]
        row = row if raw else safe_row(row)
        writer.writerow(row + [""] * (len(header) - len(row)))


def _write_decisions(review: Review, out: TextIO, reviewer: str | None, raw: bool = False) -> int:
    from screener.screening.decisionfile import write_decisions_csv

    if reviewer is None and blinded(review):
        raise DataError(
            "The review is blinded: the decisions export shows a reviewer only their own"
            " decisions.",
            hint="Pass --reviewer NAME, or let the lead run `screener unblind --reviewer NAME`.",
        )
    return int(write_decisions_csv(review, out, only=reviewer, raw=raw))


def export(
    review: Review,
    fmt: str,
    out: TextIO,
    stage: str | None = None,
    decision: str | None = None,
    reviewer: str | None = None,
    raw: bool = False,
) -> int:
    """Write the chosen records in ``fmt`` to ``out``; return how many entries (for
    ``decisions``: rows) were written.

    ``out`` should be opened with ``newline=""`` (the writers choose the line ends). A record's
    verdicts are final only with the protocol's number of reviewers (``[screening] reviewers``);
    ``title_abstract`` / ``full_text`` say ``awaiting`` or ``conflict`` until then. The
    ``decisions`` format writes ``reviewer``'s rows alone when given, and needs it while the
    review is blinded (screener.screening.blinding); while blinded, nothing that shows or is
    chosen by a verdict (CSV, JSON, the extraction sheet, ``stage``/``decision``) is written:
    a verdict (conflict, awaiting, include) tells a reviewer their co-reviewers' votes.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if fmt == "decisions":
        return _write_decisions(review, out, reviewer, raw)
    if fmt == "extraction" and stage is None and decision is None:
        decision = "included"
    if blinded(review) and (fmt in VERDICT_FORMATS or stage is not None or decision is not None):
        raise DataError(
            f"The review is blinded: a {fmt} export"
            + (" chosen by verdict" if fmt not in VERDICT_FORMATS else "")
            + " would show each record's verdict, made of every reviewer's decisions.",
            hint="Export your own decisions (--format decisions --reviewer NAME), or all"
            " records as RIS/BibTeX; the rest once `screener unblind` has lifted blinding.",
        )
    protocol = load_protocol(review.protocol_path)
    required = protocol.reviewers
    entries = select(review.db, stage, decision, required=required)
    if fmt == "ris":
        write_ris(entries, out)
    elif fmt == "bibtex":
        write_bibtex(entries, out)
    elif fmt == "extraction":
        outcomes = protocol.outcomes
        write_extraction(entries, outcomes, out, raw)
    else:
        ta = verdicts(review.db, "title_abstract", required=required)
        ft = verdicts(review.db, "full_text", ta, required=required)
        labels = record_labels(review.db, [e.record_id for e in entries])
        if fmt == "csv":
            write_csv(entries, out, ta, ft, labels, raw)
        else:
            write_json(entries, out, ta, ft, labels)
    return len(entries)
