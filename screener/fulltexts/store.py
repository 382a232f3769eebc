"""A record's attached files and their cached text (``fulltext_files``, ``fulltext_texts``).

A file's ``path`` is stored relative to the review folder when it lies inside it, else absolute;
:func:`resolve` turns it back into a path. The text of every page is extracted once per file
content (sha256) and kept in ``fulltext_texts``; :func:`page_texts` extracts and stores it when
it is missing (a file attached before its text was cached, or a cache emptied by hand).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from screener.db import now, transaction
from screener.fulltexts.pdf import read_pdf

METHOD_RANK = ("doi (metadata)", "pmid (metadata)", "pmcid (metadata)", "doi", "pmid", "pmcid")


@dataclass(frozen=True)
class Attached:
    """One PDF attached to a record."""

    file_id: int
    record_id: int
    path: str  # as stored (relative to the review when inside it)
    sha256: str
    method: str
    pages: int
    text_layer: bool


def relative(review_path: Path, path: Path) -> str:
    """``path`` relative to the review folder when inside it, else absolute (POSIX form)."""
    full = path.resolve()
    try:
        return full.relative_to(review_path.resolve()).as_posix()
    except ValueError:
        return full.as_posix()


def resolve(review_path: Path, stored: str) -> Path:
    """The file a stored path names."""
    path = Path(stored)
    return path if path.is_absolute() else review_path / path


def _rank(method: str) -> int:
    return METHOD_RANK.index(method) if method in METHOD_RANK else len(METHOD_RANK)


def attached(db: sqlite_utils.Database, record_id: int | None = None) -> dict[int, list[Attached]]:
    """record id -> its attached files (one per content, best match first)."""
    where = "current = 1 and outcome = 'attached'"
    params: list[object] = []
    if record_id is not None:
        where += " and record_id = ?"
        params.append(record_id)
    out: dict[int, list[Attached]] = {}
    seen: set[tuple[int, str]] = set()
    rows = db.execute(
        f"select id, record_id, path, sha256, method, pages, text_layer from fulltext_files"
        f" where {where} order by id",
        params,
    ).fetchall()
    for fid, rid, path, sha, method, pages, layer in rows:
        if (rid, sha) in seen:
            continue  # the same PDF found twice (a copy): listed once
        seen.add((rid, sha))
        out.setdefault(rid, []).append(
            Attached(fid, rid, path, sha, method, pages or 0, bool(layer))
        )
    for files in out.values():
        files.sort(key=lambda a: (_rank(a.method), a.file_id))
    return out


def cached_pages(db: sqlite_utils.Database, sha256: str) -> list[str] | None:
    row = db.execute("select pages from fulltext_texts where sha256 = ?", [sha256]).fetchone()
    return None if row is None else list(json.loads(row[0]))


def has_pages(db: sqlite_utils.Database, sha256: str) -> bool:
    found = db.execute("select 1 from fulltext_texts where sha256 = ?", [sha256]).fetchone()
    return found is not None


def store_pages(db: sqlite_utils.Database, sha256: str, pages: list[str]) -> None:
    """Keep the page texts of one file content (the caller owns the transaction)."""
    db.execute(
        "insert or replace into fulltext_texts (sha256, pages, extracted_at) values (?, ?, ?)",
        [sha256, json.dumps(pages, ensure_ascii=False), now()],
    )


def page_texts(db: sqlite_utils.Database, review_path: Path, file: Attached) -> list[str]:
    """The text of every page of an attached file: from the cache, else extracted and cached.

    Empty when the file has no text layer or can no longer be read.
    """
    pages = cached_pages(db, file.sha256)
    if pages is not None:
        return pages
    path = resolve(review_path, file.path)
    text = read_pdf(path, pages=None)
    if text.problem is not None:
        return []
    if sha256_of(path) == file.sha256:  # a file changed since: shown, not cached
        with transaction(db):
            store_pages(db, file.sha256, text.pages)
    return text.pages


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
