"""``screener fulltext status``: which full texts were sought, attached, not retrieved, missing.

Every record at full text (its title/abstract verdict is include or maybe: the PRISMA "reports
sought for retrieval") has one status:

* ``not_retrieved``: its latest ``retrieval`` row says so (with the reason); this wins over a
  file attached before the mark, as the PRISMA counts use it (``r`` in the app, ``screener
  decide`` with ``retrieved``, or attaching a new file with ``screener fulltext attach`` undoes
  it);
* ``attached``: a PDF is attached (``screener fulltext attach``);
* ``missing``: neither; these are the list to send to the library (RIS or CSV).

The JSON object (``--json``), stable:

* ``sought``, ``attached``, ``not_retrieved``, ``missing``: counts (they add up to ``sought``);
* ``records``: one object per record at full text, in import order: ``id``, ``pmid``, ``doi``,
  ``title``, ``status``, ``reason`` (not retrieved: why), ``path`` (the best attached file, as
  stored: relative to the review when inside it), ``method`` (how it was matched), ``files``
  (every attached file: ``path``, ``method``, ``pages``, ``text_layer``);
* ``files``: the files of the latest attach runs that were not attached, by outcome
  (``ambiguous``, ``unmatched``, ``no_text``, ``unreadable``, ``not_at_stage``), each with
  ``path``, ``record_id``, ``candidates`` and ``evidence``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TextIO

import sqlite_utils

from screener.errors import InputError
from screener.fulltexts.store import attached
from screener.handoff.ris_writer import write_ris
from screener.handoff.studies import Entry
from screener.outputs import check_output, safe_row
from screener.record import Record
from screener.screening.verdict import not_retrieved, stage_records

STATUSES = ("attached", "missing", "not_retrieved")
PROBLEM_OUTCOMES = ("ambiguous", "unmatched", "no_text", "unreadable", "not_at_stage")
CSV_COLUMNS = (
    "id",
    "pmid",
    "doi",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "link",
)


def fulltext_status(db: sqlite_utils.Database, *, required: int = 1) -> dict[str, Any]:
    """The status object described above (``required``: the protocol's reviewers per record,
    which decides what passed title/abstract)."""
    sought = stage_records(db, "full_text", required=required)
    missing_reason = not_retrieved(db)
    files = attached(db)
    records = []
    keys = {
        r[0]: r[1:]
        for r in db.execute("select id, pmid, doi, title from records where duplicate_of is null")
    }
    for rid in sought:
        pmid, doi, title = keys[rid]
        mine = files.get(rid, [])
        status = "not_retrieved" if rid in missing_reason else "attached" if mine else "missing"
        records.append(
            {
                "id": rid,
                "pmid": pmid,
                "doi": doi,
                "title": title,
                "status": status,
                "reason": missing_reason.get(rid) if status == "not_retrieved" else None,
                "path": mine[0].path if mine else None,
                "method": mine[0].method if mine else None,
                "files": [
                    {
                        "path": a.path,
                        "method": a.method,
                        "pages": a.pages,
                        "text_layer": a.text_layer,
                    }
                    for a in mine
                ],
            }
        )
    counts = {s: sum(r["status"] == s for r in records) for s in STATUSES}
    problems: dict[str, list[dict[str, Any]]] = {o: [] for o in PROBLEM_OUTCOMES}
    for source, outcome, rid, candidates, evidence in db.execute(
        "select source, outcome, record_id, candidates, evidence from fulltext_files"
        " where current = 1 and outcome != 'attached' order by source"
    ):
        problems.setdefault(outcome, []).append(
            {
                "path": source,
                "record_id": rid,
                "candidates": json.loads(candidates) if candidates else [],
                "evidence": evidence,
            }
        )
    return {"sought": len(sought), **counts, "records": records, "files": problems}


def missing_records(db: sqlite_utils.Database, *, required: int = 1) -> list[tuple[int, Record]]:
    """The records at full text with status ``missing``, in import order."""
    status = fulltext_status(db, required=required)
    ids = [r["id"] for r in status["records"] if r["status"] == "missing"]
    out = []
    for rid in ids:
        row = next(db.query("select * from records where id = ?", [rid]))
        out.append((rid, Record.from_row(row)))
    return out


def write_missing(
    db: sqlite_utils.Database, path: Path, *, required: int = 1, force: bool = False
) -> int:
    """Write the missing full texts as RIS (``.ris``) or CSV (``.csv``); return how many.

    An existing file is replaced only with ``force``; CSV cells that a spreadsheet would read
    as a formula are quoted (:mod:`screener.outputs`)."""
    kind = path.suffix.lower()
    if kind not in (".ris", ".csv"):
        raise InputError(f"{path}: the missing list is written as .ris or .csv.")
    check_output(path, force)
    records = missing_records(db, required=required)
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            if kind == ".ris":
                write_ris([Entry(rid, rec) for rid, rec in records], out)
            else:
                _write_csv(records, out)
    except OSError as exc:
        raise InputError(f"{path} could not be written ({exc.strerror or exc}).") from None
    return len(records)


def _write_csv(records: list[tuple[int, Record]], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for rid, rec in records:
        link = (
            f"https://doi.org/{rec.doi}"
            if rec.doi
            else f"https://pubmed.ncbi.nlm.nih.gov/{rec.pmid}/"
            if rec.pmid
            else rec.url or ""
        )
        writer.writerow(
            safe_row(
                [
                    str(rid),
                    rec.pmid or "",
                    rec.doi or "",
                    rec.title or "",
                    "; ".join(rec.authors),
                    str(rec.year or ""),
                    rec.journal or "",
                    rec.volume or "",
                    rec.issue or "",
                    rec.pages or "",
                    link,
                ]
            )
        )
