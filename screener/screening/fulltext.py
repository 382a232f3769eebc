"""Where a record's full text can be found: a PDF in the review folder, or a link."""

from __future__ import annotations

from pathlib import Path

from screener.record import Record


def full_text_location(review_path: Path, record: Record, record_id: int) -> dict[str, str]:
    """Links to the full text: a PDF in ``DIR/fulltext/`` if present, DOI, PubMed, record URL."""
    out: dict[str, str] = {}
    folder = review_path / "fulltext"
    stems = [s for s in (record.pmid, str(record_id)) if s]
    if record.doi:
        stems.append(record.doi.replace("/", "_"))
    for stem in stems:
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
