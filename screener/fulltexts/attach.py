"""``screener fulltext attach``: walk folders of PDFs and attach each to the record it is.

How a run decides, file by file (``*.pdf`` in the folders, recursively, in path order):

1. A file already seen at the same place with the same size and modification time is not read
   again: its stored metadata and first pages are matched again (records may have reached full
   text since). A new or changed file is hashed (sha256) and its metadata and first pages read.
2. An unreadable file (encrypted, damaged, enormous) is ``unreadable``, with one sentence.
3. The file is identified by :func:`screener.fulltexts.identify.identify`. A record at the
   stage (full text by default) gets the file (``attached``); a record not at the stage is
   ``not_at_stage``; a scan without a text layer that nothing identifies is ``no_text``; else
   ``ambiguous`` (with the candidate records) or ``unmatched``. Nothing is guessed.
4. Attached files' page texts are extracted once (per content) and cached in the database.
5. With ``copy``, an attached file is copied to ``DIR/fulltext/<record>_<key>_<sha8>.pdf``
   (stable: the same content gets the same name) and the copy is the stored path.
6. A row is written only when something changed (outcome, record, method, content): running
   twice writes nothing the second time. A replaced version is kept with ``current = 0``; a file
   gone from a walked folder is set ``current = 0`` too. Nothing is deleted.
7. A record marked "not retrieved" (its latest ``retrieval`` row) that gets a file in this run
   (a new or changed attachment) is retrieved now: a ``retrieval`` row ``retrieved`` is added,
   with the file as its location, so PRISMA counts its report as retrieved. A file attached
   before the mark does not lift it again on a run that changes nothing.

All rows of a run are written in one transaction, after every file was read.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screener.db import Review, insert_rows, now, transaction
from screener.errors import InputError
from screener.fulltexts.identify import Catalogue, Match, identify
from screener.fulltexts.pdf import HEAD_PAGES, PdfText, read_pdf
from screener.fulltexts.store import has_pages, relative, resolve, sha256_of, store_pages
from screener.screening.protocol import load_protocol
from screener.screening.verdict import STAGES, not_retrieved, stage_records

PAGE_BREAK = "\n\f\n"
ALL_PAGES_UP_TO = 60  # a PDF this short is read whole at once (else its first pages, then all)
COPY_FOLDER = "fulltext"


@dataclass
class FileResult:
    """What happened to one file."""

    source: str
    outcome: str  # attached | not_at_stage | ambiguous | unmatched | no_text | unreadable
    record_id: int | None = None
    method: str | None = None
    evidence: str | None = None
    candidates: list[int] = field(default_factory=list)
    path: str = ""
    pages: int = 0
    text_layer: bool | None = None
    changed: bool = True  # a row was written for it in this run


@dataclass
class AttachReport:
    files: list[FileResult]
    stage: str
    gone: int = 0  # files recorded earlier in these folders and no longer there
    retrieved: list[int] = field(default_factory=list)  # records whose not-retrieved mark lifted

    def by_outcome(self, outcome: str) -> list[FileResult]:
        return [f for f in self.files if f.outcome == outcome]

    @property
    def written(self) -> int:
        return sum(f.changed for f in self.files)


def pdf_files(folders: Sequence[Path]) -> Iterator[Path]:
    """Every ``*.pdf`` (any case) under the folders (or the files themselves), in path order."""
    for folder in folders:
        if folder.is_file():
            yield folder
            continue
        found = []
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            found += [Path(root) / f for f in files if f.lower().endswith(".pdf")]
        yield from sorted(found)


def _copy_name(review: Review, rid: int, sha: str) -> str:
    row = review.db.execute("select pmid, doi from records where id = ?", [rid]).fetchone()
    pmid, doi = row if row else (None, None)
    key = pmid or (re.sub(r"[^\w.-]+", "_", doi) if doi else "noid")
    return f"{rid}_{key}_{sha[:8]}.pdf"


@dataclass
class _Seen:
    sha: str
    pdf: PdfText
    previous: dict[str, Any] | None


def _read(file: Path, previous: dict[str, Any] | None) -> _Seen:
    stat = file.stat()
    if previous and previous["size"] == stat.st_size and previous["mtime"] == stat.st_mtime:
        head = previous["head"] or ""
        layer = previous["text_layer"]
        problem = previous["evidence"] if previous["outcome"] == "unreadable" else None
        pdf = PdfText(
            pages=head.split(PAGE_BREAK) if head else [],
            n_pages=previous["pages"] or 0,
            metadata={"text": previous["metadata"] or ""},
            text_layer=bool(layer),
            problem=problem,
        )
        return _Seen(previous["sha256"], pdf, previous)
    return _Seen(sha256_of(file), read_pdf(file, all_up_to=ALL_PAGES_UP_TO), previous)


def attach(
    review: Review,
    folders: Sequence[Path],
    stage: str = "full_text",
    copy: bool = False,
    progress: Callable[[int], None] | None = None,
) -> AttachReport:
    """Attach the PDFs under ``folders`` to the records at ``stage`` (see the module rules)."""
    if stage not in STAGES:
        raise InputError(f"Unknown stage {stage!r}.", hint="Use full-text or title-abstract.")
    for folder in folders:
        if not folder.exists():
            raise InputError(f"{folder} does not exist.", hint="Pass folders holding PDFs.")
    db = review.db
    eligible = set(stage_records(db, stage, required=load_protocol(review.protocol_path).reviewers))
    catalogue = Catalogue(db)
    cursor = db.execute("select * from fulltext_files where current = 1")
    names = [d[0] for d in cursor.description]
    previous: dict[str, dict[str, Any]] = {}
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        previous[row["source"]] = row
    results: list[FileResult] = []
    rows: list[dict[str, Any]] = []
    replaced: list[int] = []
    texts: dict[str, list[str]] = {}
    seen_sources: set[str] = set()
    for n, file in enumerate(pdf_files(folders), 1):
        source = relative(review.path, file)
        if source in seen_sources:
            continue
        seen_sources.add(source)
        seen = _read(file, previous.get(source))
        result, row = _decide(review, file, source, seen, eligible, catalogue, copy)
        needs_text = result.outcome == "attached" and result.text_layer
        if needs_text and seen.sha not in texts and not has_pages(db, seen.sha):
            pdf = seen.pdf
            if len(pdf.pages) < pdf.n_pages:  # only the first pages were read
                pdf = read_pdf(file, pages=None)
            texts[seen.sha] = pdf.pages if pdf.problem is None else []
        old = seen.previous
        if old is not None and all(
            old[k] == row[k] for k in ("sha256", "outcome", "record_id", "method", "path")
        ):
            result.changed = False
        else:
            rows.append(row)
            if old is not None:
                replaced.append(old["id"])
        results.append(result)
        if progress is not None:
            progress(n)
    gone = [
        row["id"]
        for source, row in previous.items()
        if source not in seen_sources and _under(review, source, folders)
    ]
    marked = not_retrieved(db)
    lifted = {
        r.record_id: r.path
        for r in results
        if r.changed and r.outcome == "attached" and r.record_id in marked
    }
    with transaction(db) as conn:
        for fid in [*replaced, *gone]:
            conn.execute("update fulltext_files set current = 0 where id = ?", [fid])
        insert_rows(conn, "fulltext_files", rows)
        for sha, pages in texts.items():
            store_pages(db, sha, pages)
        insert_rows(
            conn,
            "retrieval",
            [
                {"record_id": rid, "status": "retrieved", "location": path, "created_at": now()}
                for rid, path in sorted(lifted.items())
            ],
        )
    return AttachReport(results, stage, len(gone), sorted(lifted))


def _under(review: Review, source: str, folders: Sequence[Path]) -> bool:
    """Whether a stored source path lies in one of the walked folders (or is one of the files)."""
    path = resolve(review.path, source).resolve()
    for folder in folders:
        top = folder.resolve()
        if path == top or top in path.parents:
            return True
    return False


def _decide(
    review: Review,
    file: Path,
    source: str,
    seen: _Seen,
    eligible: set[int],
    catalogue: Catalogue,
    copy: bool,
) -> tuple[FileResult, dict[str, Any]]:
    pdf = seen.pdf
    if pdf.problem is not None:
        match = Match("unreadable", evidence=pdf.problem)
        layer: bool | None = None
    else:
        metadata = "\n".join(v for k, v in pdf.metadata.items() if v and k != "CreationDate")
        match = identify(catalogue, metadata, pdf.pages[:HEAD_PAGES])
        layer = pdf.text_layer
        if match.outcome == "matched":
            assert match.record_id is not None
            match.outcome = "attached" if match.record_id in eligible else "not_at_stage"
        elif match.outcome == "unmatched" and not layer:
            match.outcome = "no_text"
            match.evidence = "a scan without a text layer: nothing to match it by (no OCR)"
    path = source
    if copy and match.outcome == "attached" and match.record_id is not None:
        folder = review.path / COPY_FOLDER
        target = folder / _copy_name(review, match.record_id, seen.sha)
        if target.resolve() != file.resolve():
            try:
                folder.mkdir(exist_ok=True)
                if not target.exists():
                    shutil.copy2(file, target)
                path = relative(review.path, target)
            except OSError as exc:
                match.evidence = f"not copied to {target} ({exc.strerror or exc})"
    stat = file.stat()
    result = FileResult(
        source,
        match.outcome,
        match.record_id,
        match.method,
        match.evidence,
        match.candidates,
        path,
        pdf.n_pages,
        layer,
    )
    meta_text = "\n".join(v for k, v in pdf.metadata.items() if v and k != "CreationDate")
    row = {
        "source": source,
        "path": path,
        "sha256": seen.sha,
        "size": stat.st_size,
        "mtime": stat.st_mtime,
        "pages": pdf.n_pages,
        "text_layer": None if layer is None else int(layer),
        "outcome": match.outcome,
        "record_id": match.record_id,
        "method": match.method,
        "evidence": match.evidence,
        "candidates": json.dumps(match.candidates) if match.candidates else None,
        "head": PAGE_BREAK.join(pdf.pages[:HEAD_PAGES]) if pdf.pages else None,
        "metadata": meta_text or None,
        "current": 1,
        "seen_at": now(),
    }
    return result, row
