"""Where a record's full text can be found: an attached PDF, a PDF in the review folder, a link.

An attached PDF (``screener fulltext attach``; the best match first) wins; else a file named
``DIR/fulltext/<pmid|id|doi with _ for />.pdf``; then the DOI, PubMed and record links.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from screener.fulltexts.store import attached, resolve
from screener.record import Record


def full_text_location(
    review_path: Path,
    record: Record,
    record_id: int,
    db: sqlite_utils.Database | None = None,
) -> dict[str, str]:
    """Links to the full text: ``pdf`` (a path), ``doi``, ``pubmed``, ``url`` when known."""
    out: dict[str, str] = {}
    files = attached(db, record_id).get(record_id) if db is not None else None
    if files:
        out["pdf"] = str(resolve(review_path, files[0].path))
    folder = review_path / "fulltext"
    stems = [s for s in (record.pmid, str(record_id)) if s]
    if record.doi:
        stems.append(record.doi.replace("/", "_"))
    for stem in stems if "pdf" not in out else []:
        pdf = folder / f"{stem}.pdf"
        if pdf.is_file():
            out["pdf"] = str(pdf)
            break
    if record.doi:
        out["doi"] = f"https://doi.org/{record.doi}"
    if record.pmid:
        out["pubmed"] = f"https://pubmed.ncbi.nlm.nih.gov/{record.pmid}/"
    if record.url:
        out["url"] = record.url
    return out
