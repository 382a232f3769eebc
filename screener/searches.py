"""Importing an export into a review: one ``searches`` row and its records, all or nothing.

The file is checked and fingerprinted (sha256) first; the same content is never imported
twice. Records stream from the reader into the database in batches inside ONE transaction, so
memory stays flat however large the file, and a failure stores nothing from that file.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from json.encoder import encode_basestring
from operator import attrgetter
from pathlib import Path
from typing import Any

from screener.db import Review, bulk_transaction, now
from screener.errors import InputError
from screener.readers.detect import detect
from screener.readers.source import open_source
from screener.record import JSON_DICT_FIELDS, JSON_LIST_FIELDS, Record, pack_raw

BATCH = 1000
SOURCE_TYPES = ("database", "register", "website", "organisation", "citation", "other")
UNKNOWN_DATABASE = "unknown"
RECORD_FIELDS = tuple(f.name for f in fields(Record))
_FIELDS_OF = attrgetter(*RECORD_FIELDS)  # one C call gives every field of a record
# (row index, is a dict) of the JSON columns but raw; the row starts with search_id, position
_JSON_COLUMNS = tuple(
    (i + 2, name in JSON_DICT_FIELDS)
    for i, name in enumerate(RECORD_FIELDS)
    if name in (*JSON_LIST_FIELDS, *JSON_DICT_FIELDS) and name != "raw"
)
_RAW, _TITLE, _ABSTRACT = (RECORD_FIELDS.index(name) + 2 for name in ("raw", "title", "abstract"))
_INSERT = (
    f"INSERT INTO records (search_id, position, {', '.join(RECORD_FIELDS)}) "
    f"VALUES (?, ?, {', '.join('?' for _ in RECORD_FIELDS)})"
)

# progress(bytes_read, total_bytes)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportSummary:
    """What one import stored."""

    search_id: int
    file_name: str
    format: str  # the reader's name (--format value)
    format_label: str
    database: str
    interface: str | None
    n_records: int
    sha256: str
    round: int
    database_guessed: bool  # False when given with --database

    def line(self) -> str:
        """A one-line summary for the terminal."""
        where = self.database
        if self.interface and self.interface != self.database:
            where += f" via {self.interface}"
        return (
            f"{self.file_name}: {self.n_records} record{'' if self.n_records == 1 else 's'} read "
            f"({self.format_label}, {where}), "
            f"stored as search #{self.search_id}, round {self.round}."
        )


def _unencodable(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _json_encoder() -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False)`` as one C call (the stdlib's C encoder without
    the per-call set-up of ``JSONEncoder.encode`` or its circular-reference checks: rows hold
    plain lists, dicts and strings); the stdlib encoder where the C one is missing."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover (CPython has it)
        return json.JSONEncoder(ensure_ascii=False).encode
    chunks = make(None, _unencodable, encode_basestring, None, ": ", ", ", False, False, True)
    return lambda value: "".join(chunks(value, 0))


def _row(record: Record, search_id: int, position: int, encode: Callable[[Any], str]) -> list[Any]:
    values = [search_id, position, *_FIELDS_OF(record)]
    for index, is_dict in _JSON_COLUMNS:
        value = values[index]
        if not value:
            values[index] = "{}" if is_dict else "[]"
        elif type(value) is list:
            try:  # a list of strings, as json.dumps writes it, without building an encoder
                values[index] = f"[{', '.join(map(encode_basestring, value))}]"
            except TypeError:
                values[index] = encode(value)
        else:
            values[index] = encode(value)
    values[_RAW] = pack_raw(values[_RAW], values[_TITLE], values[_ABSTRACT], encode)
    return values


def _check_options(searched_on: str | None, round: int, source_type: str) -> None:
    if searched_on is not None:
        try:
            date.fromisoformat(searched_on)
        except ValueError:
            raise InputError(
                f"The search date {searched_on!r} is not a date written YYYY-MM-DD."
            ) from None
    if round < 1:
        raise InputError(f"The search round must be 1 or more (got {round}).")
    if source_type not in SOURCE_TYPES:
        raise InputError(
            f"Unknown source type {source_type!r}.", hint=f"Use one of: {', '.join(SOURCE_TYPES)}."
        )


def import_file(
    review: Review,
    path: Path | str,
    database: str | None = None,
    searched_on: str | None = None,
    query: str | None = None,
    round: int = 1,
    fmt: str | None = None,
    source_type: str = "database",
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one export file as one search; InputError (nothing stored) when it cannot be."""
    _check_options(searched_on, round, source_type)
    source = open_source(path)
    db = review.db
    previous = db.execute(
        "SELECT id, file_name, imported_at FROM searches WHERE sha256 = ?", [source.sha256]
    ).fetchone()
    if previous is not None:
        raise InputError(
            f"{source.path} was already imported as search #{previous[0]} "
            f"({previous[1]}, {previous[2]}): same content, so nothing was changed."
        )
    reader = detect(source, fmt)
    guessed_database, interface = reader.origin(source.head())
    name = database or guessed_database or UNKNOWN_DATABASE
    label = str(source.path)
    position = None if progress is None else lambda done: progress(done, source.size)
    if reader.parse_blocks is not None:  # the reader cuts records out of text itself
        records = reader.parse_blocks(source.blocks(position), label)
    else:
        records = reader.parse(source.lines(position), label)
    with bulk_transaction(db) as conn:
        cursor = conn.execute(
            "INSERT INTO searches (database, source_type, interface, query, searched_on, round, "
            "file_name, sha256, format, n_records, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
            [
                name,
                source_type,
                interface,
                query,
                searched_on,
                round,
                source.path.name,
                source.sha256,
                reader.name,
                now(),
            ],
        )
        search_id = int(cursor.lastrowid or 0)
        count = store_records(conn, records, search_id)
        if count == 0:
            raise InputError(f"{source.path} holds no records ({reader.label} with no entries).")
        conn.execute("UPDATE searches SET n_records = ? WHERE id = ?", [count, search_id])
    return ImportSummary(
        search_id=search_id,
        file_name=source.path.name,
        format=reader.name,
        format_label=reader.label,
        database=name,
        interface=interface,
        n_records=count,
        sha256=source.sha256,
        round=round,
        database_guessed=database is None,
    )


def store_records(
    conn: Any,
    records: Iterable[Record],
    search_id: int,
    positions: Iterable[int] | None = None,
) -> int:
    """Insert ``records`` of search ``search_id`` at ``positions`` (1, 2, ... unless given), in
    batches, inside the caller's transaction; return how many were stored."""
    batch: list[list[Any]] = []
    count = 0
    encode = _json_encoder()  # one encoder, not one per value
    given = None if positions is None else iter(positions)
    for count, record in enumerate(records, 1):
        position = count if given is None else next(given)
        batch.append(_row(record, search_id, position, encode))
        if len(batch) >= BATCH:
            conn.executemany(_INSERT, batch)
            batch.clear()
    if batch:
        conn.executemany(_INSERT, batch)
    return count


def list_searches(review: Review) -> list[dict[str, Any]]:
    """Every imported search, oldest first (PRISMA-S: database, interface, date, query...)."""
    rows = review.db.execute(
        "SELECT id, database, source_type, interface, query, searched_on, round, file_name, "
        "sha256, format, n_records, imported_at FROM searches ORDER BY id"
    )
    names = [d[0] for d in rows.description]
    return [dict(zip(names, row, strict=True)) for row in rows.fetchall()]
