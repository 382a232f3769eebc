"""Open a review: its folder, its SQLite database (WAL) and the schema, built only by migrations.

Migrations are applied in order and recorded in ``_migrations``; a migration is never edited
once released, a schema change is a new migration appended to ``MIGRATIONS`` (the schema each
released migration builds is pinned in tests/data/schema.sql, checked by tests/test_schema.py).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from screener.errors import ReviewError
from screener.verdict_tables import m006_verdict_summary

DB_NAME = "review.db"
# Records (title, abstract, authors, raw fields) take 2-5 kB: with SQLite's default 4 kB pages
# most would take a page each, or spill to overflow pages; 16 kB pages hold several.
PAGE_SIZE = 16384
# SQLite's page cache per connection (its default is 2 MB): the triggers that keep the verdict
# summary and tallies current (migration 006) touch a few pages of several tables per decision
# appended; at 100,000 records a 2 MB cache sends most of those reads to the OS (bulk writes of
# decisions ran ~3x slower, bench/prisma_speed.py). Pages are cached only once read.
CACHE_KIB = 32768
PROTOCOL_NAME = "review.toml"
# How long a command waits for another process's write lock (the screening app saving, a
# dedupe, an import) before it gives up with :func:`locked` (read at each connect).
BUSY_TIMEOUT = 30.0

Migration = Callable[[sqlite_utils.Database], None]


def _m001_initial(db: sqlite_utils.Database) -> None:
    db["searches"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "database": str,  # PubMed, Embase, CENTRAL, CNKI, ... or the other source's name
            "source_type": str,  # database | register | website | organisation | citation | other
            "interface": str,
            "query": str,
            "searched_on": str,
            "round": int,  # 1 = original search, 2... = updates
            "file_name": str,
            "sha256": str,
            "format": str,
            "n_records": int,
            "imported_at": str,
        },
        pk="id",
        not_null={"database", "round", "file_name", "sha256", "format", "n_records"},
        defaults={"round": 1, "source_type": "database"},
    )
    db["searches"].create_index(["sha256"], unique=True)  # type: ignore[union-attr]
    db["records"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "search_id": int,
            "position": int,
            "title": str,
            "title_translated": str,
            "abstract": str,
            "authors": str,  # JSON list
            "authors_translated": str,  # JSON list
            "year": int,
            "journal": str,
            "journal_abbrev": str,
            "volume": str,
            "issue": str,
            "pages": str,
            "doi": str,
            "pmid": str,
            "pmcid": str,
            "accessions": str,  # JSON dict
            "issn": str,
            "language": str,
            "publication_types": str,  # JSON list
            "keywords": str,  # JSON list
            "url": str,
            "raw": str,  # JSON dict
            "duplicate_of": int,  # NULL for the record kept for its group
            "study_id": int,  # reports of one study share a study_id (the id of its main record)
        },
        pk="id",
        foreign_keys=[("search_id", "searches", "id")],
    )
    for columns in (["search_id", "position"], ["doi"], ["pmid"], ["duplicate_of"]):
        db["records"].create_index(columns)  # type: ignore[union-attr]
    db["duplicate_pairs"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "record_a": int,  # always the smaller id
            "record_b": int,
            "score": float,
            "scores": str,  # JSON: similarity per field
            "rule": str,  # the rule that decided (or sent it to review)
            "status": str,  # auto | review | confirmed | rejected | skipped
            "reviewer": str,
            "decided_at": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("record_a", "records", "id"), ("record_b", "records", "id")],
    )
    db["duplicate_pairs"].create_index(["record_a", "record_b"], unique=True)  # type: ignore[union-attr]
    db["decisions"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "record_id": int,
            "stage": str,  # title_abstract | full_text
            "reviewer": str,
            "decision": str,  # include | exclude | maybe | undo
            "reason": str,
            "note": str,
            "source": str,  # human | criteria | import | consensus
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("record_id", "records", "id")],
    )
    db["decisions"].create_index(["record_id", "stage", "reviewer"])  # type: ignore[union-attr]
    db["retrieval"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "record_id": int,
            "status": str,  # retrieved | not_retrieved
            "reason": str,
            "location": str,  # link or PDF path
            "reviewer": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("record_id", "records", "id")],
    )
    db["settings"].create({"key": str, "value": str}, pk="key")  # type: ignore[union-attr]


def _m002_fulltexts(db: sqlite_utils.Database) -> None:
    # one row per version of a PDF file seen by `screener fulltext attach` (screener/fulltexts)
    db["fulltext_files"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "source": str,  # where the file was found (relative to the review when inside it)
            "path": str,  # where it is kept: the source, or its copy under DIR/fulltext/
            "sha256": str,
            "size": int,
            "mtime": float,
            "pages": int,
            "text_layer": int,  # 1 text, 0 a scan without a text layer, NULL unreadable
            "outcome": str,  # attached | not_at_full_text | ambiguous | unmatched | unreadable
            "record_id": int,  # the record it is (attached or not_at_full_text)
            "method": str,  # doi | pmid | pmcid (+ " (metadata)" or "+title") | title
            "evidence": str,  # a sentence: why ambiguous, the title score, the read problem
            "candidates": str,  # JSON list of record ids when ambiguous
            "head": str,  # metadata and first pages' text, to match again without reading
            "metadata": str,  # the PDF's metadata text (for matching again)
            "current": int,  # 1 for the latest version of a source; 0 once replaced or gone
            "seen_at": str,
        },
        pk="id",
        foreign_keys=[("record_id", "records", "id")],
    )
    for columns in (["source", "current"], ["record_id"], ["sha256"]):
        db["fulltext_files"].create_index(columns)  # type: ignore[union-attr]
    # the text of every page of an attached PDF, extracted once (by content, so copies share it)
    db["fulltext_texts"].create(  # type: ignore[union-attr]
        {"sha256": str, "pages": str, "extracted_at": str},  # pages: JSON list of page texts
        pk="sha256",
    )


def _m003_unblinding(db: sqlite_utils.Database) -> None:
    """Who lifted blinding and when (screener/screening/blinding.py); one row per `unblind`."""
    db["unblinding"].create(  # type: ignore[union-attr]
        {"id": int, "reviewer": str, "note": str, "created_at": str},
        pk="id",
        not_null={"reviewer", "created_at"},
    )


def _m004_labels_and_notes(db: sqlite_utils.Database) -> None:
    """Free labels (tags) on records, and notes typed before a decision (both append-only)."""
    db["labels"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "record_id": int,
            "label": str,
            "action": str,  # add | remove (the latest row per record and label counts)
            "reviewer": str,
            "created_at": str,
        },
        pk="id",
        not_null={"record_id", "label", "action"},
        foreign_keys=[("record_id", "records", "id")],
    )
    db["labels"].create_index(["record_id", "label"])  # type: ignore[union-attr]
    db["notes"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "record_id": int,
            "stage": str,  # title_abstract | full_text
            "reviewer": str,
            "note": str,  # the latest row per (record, stage, reviewer) is the note
            "created_at": str,
        },
        pk="id",
        not_null={"record_id", "stage", "reviewer", "note"},
        foreign_keys=[("record_id", "records", "id")],
    )
    db["notes"].create_index(["record_id", "stage", "reviewer"])  # type: ignore[union-attr]


# The current decision of each (stage, record, reviewer) -- the top of the stack of
# screener/screening/verdict.py's rules -- kept by triggers as decision rows are appended, so
# counts at 100,000 records need not replay the log. ``decision_stack.below``: for each
# decision row that is not an undo, the row it covered (the previous top, NULL if none);
# ``decision_current.top``: the current row (NULL once undone to an empty stack), ``first``:
# the first row of that reviewer on that record at that stage (undo rows included), which gives
# the order "in which the reviewers first decided". Decisions are an append-only log: the
# triggers refuse to delete a row or to change what it is about (record, stage, reviewer) or
# whether it is an undo, since either would rewrite history (and the summary).
_CURRENT_TRIGGERS = """
CREATE TRIGGER decision_push AFTER INSERT ON decisions WHEN new.decision IS NOT 'undo' BEGIN
  INSERT INTO decision_stack (id, below) VALUES (new.id, (SELECT top FROM decision_current
    WHERE stage = new.stage AND record_id = new.record_id AND reviewer = new.reviewer));
  INSERT OR IGNORE INTO decision_current (stage, record_id, reviewer, first, top)
    VALUES (new.stage, new.record_id, new.reviewer, new.id, NULL);
  UPDATE decision_current SET top = new.id
    WHERE stage = new.stage AND record_id = new.record_id AND reviewer = new.reviewer;
END;
CREATE TRIGGER decision_undo AFTER INSERT ON decisions WHEN new.decision IS 'undo' BEGIN
  INSERT OR IGNORE INTO decision_current (stage, record_id, reviewer, first, top)
    VALUES (new.stage, new.record_id, new.reviewer, new.id, NULL);
  UPDATE decision_current SET top = (SELECT below FROM decision_stack WHERE id = top)
    WHERE stage = new.stage AND record_id = new.record_id AND reviewer = new.reviewer
    AND top IS NOT NULL;
END;
CREATE TRIGGER decisions_never_deleted BEFORE DELETE ON decisions BEGIN
  SELECT RAISE(ABORT, 'decisions are an append-only log: a row is never deleted');
END;
CREATE TRIGGER decisions_keep_their_subject BEFORE UPDATE ON decisions
WHEN new.id IS NOT old.id OR new.record_id IS NOT old.record_id OR new.stage IS NOT old.stage
  OR new.reviewer IS NOT old.reviewer OR (new.decision IS 'undo') IS NOT (old.decision IS 'undo')
BEGIN
  SELECT RAISE(ABORT, 'decisions are append-only: a row keeps its record, stage, reviewer, undo');
END;
"""


def _m005_current_decisions(db: sqlite_utils.Database) -> None:
    """decision_stack and decision_current (see above), filled from the log, then the triggers."""
    conn = db.conn
    conn.execute("CREATE TABLE decision_stack (id INTEGER PRIMARY KEY, below INTEGER)")
    conn.execute(
        "CREATE TABLE decision_current (stage TEXT NOT NULL, record_id INTEGER NOT NULL,"
        " reviewer TEXT NOT NULL, first INTEGER NOT NULL, top INTEGER,"
        " PRIMARY KEY (stage, record_id, reviewer)) WITHOUT ROWID"
    )
    stacks: dict[tuple[str, int, str], list[int]] = {}
    first: dict[tuple[str, int, str], int] = {}
    below: list[tuple[int, int | None]] = []
    for row_id, stage, record_id, reviewer, decision in conn.execute(
        "SELECT id, stage, record_id, reviewer, decision FROM decisions ORDER BY id"
    ):
        key = (stage, record_id, reviewer)
        stack = stacks.setdefault(key, [])
        first.setdefault(key, row_id)
        if decision == "undo":
            if stack:
                stack.pop()
        else:
            below.append((row_id, stack[-1] if stack else None))
            stack.append(row_id)
    conn.executemany("INSERT INTO decision_stack (id, below) VALUES (?, ?)", below)
    conn.executemany(
        "INSERT INTO decision_current (stage, record_id, reviewer, first, top)"
        " VALUES (?, ?, ?, ?, ?)",
        [(*key, first[key], stack[-1] if stack else None) for key, stack in stacks.items()],
    )
    for statement in _CURRENT_TRIGGERS.split("\nEND;"):
        if statement.strip():
            conn.execute(statement + "\nEND;")


MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_initial", _m001_initial),
    ("002_fulltexts", _m002_fulltexts),
    ("003_unblinding", _m003_unblinding),
    ("004_labels_and_notes", _m004_labels_and_notes),
    ("005_current_decisions", _m005_current_decisions),
    ("006_verdict_summary", m006_verdict_summary),
]


def now() -> str:
    """The current time as stored in the database (UTC, ISO 8601, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """One write transaction: ``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any error.

    Every command that writes runs its writes inside one of these, so a command killed at any
    instant leaves all of its writes or none. The connection may be in autocommit mode
    (``isolation_level=None``, as :func:`connect` opens it) or not. Inside, write with plain
    ``execute``/``executemany`` on the yielded connection: sqlite-utils' ``insert_all`` and
    ``with db.conn:`` commit on their own. A transaction opened inside another one joins it
    (the outer one commits). If something inside committed early, the helper raises rather
    than pretend the block was atomic.
    """
    conn = db.conn
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    if not conn.in_transaction:
        raise RuntimeError("a write inside screener.db.transaction committed on its own")
    conn.execute("COMMIT")


@contextmanager
def bulk_transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """:func:`transaction` for a large insert (an import): its pages are written once.

    In WAL mode every page of a transaction is written twice, to the WAL and then (the
    checkpoint) into review.db: 670 MB for a 100k-record import. When no other connection has
    the review open, the transaction runs under a rollback journal instead (new pages are
    written once, only the pages it changes are copied to ``review.db-journal``; a killed
    import leaves that hot journal, and the next connection rolls it back), and the review is
    put back in WAL mode after it. With another connection open (the screening app), or inside
    an outer transaction, it is :func:`transaction` in WAL mode. A connection opened meanwhile
    waits for the import (see :func:`connect`).
    """
    conn = db.conn
    switched = False
    if not conn.in_transaction and _journal_mode(db) == "wal":
        try:
            switched = _journal_mode(db, "DELETE") == "delete"
        except sqlite3.OperationalError as exc:  # another connection has it open: keep WAL
            if not is_locked(exc):
                raise
    try:
        with transaction(db) as inside:
            yield inside
    finally:
        if switched:
            try:
                _journal_mode(db, "WAL", BUSY_TIMEOUT)
            except sqlite3.OperationalError as exc:  # the next connect() puts WAL back
                if not is_locked(exc):
                    raise


def _journal_mode(db: sqlite_utils.Database, mode: str = "", wait: float = 0.0) -> str:
    """The journal mode in force, after setting ``mode`` when given. SQLite refuses a change
    at once (no busy timeout) while another connection holds a lock: tried again for up to
    ``wait`` seconds, then the "database is locked" error is raised."""
    deadline = time.monotonic() + wait
    while True:
        try:
            row = db.execute(f"PRAGMA journal_mode{'=' + mode if mode else ''}").fetchone()
            return str(row[0])
        except sqlite3.OperationalError as exc:
            if not is_locked(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def insert_rows(conn: sqlite3.Connection, table: str, rows: list[dict[str, object]]) -> None:
    """Insert dict rows (all with the same keys) with one ``executemany``; never commits."""
    if not rows:
        return
    columns = list(rows[0])
    conn.executemany(
        f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})",
        [[row[c] for c in columns] for row in rows],
    )


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not yet applied; return their names."""
    table = db["_migrations"]
    if not table.exists():
        table.create({"name": str, "applied_at": str}, pk="name")  # type: ignore[union-attr]
    done = {row["name"] for row in table.rows}
    applied = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        with transaction(db):
            step(db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", [name, now()])
        applied.append(name)
    return applied


def connect(path: Path | str, existing: bool = False) -> sqlite_utils.Database:
    """A connection to a review database (or ``":memory:"``), WAL, foreign keys, migrated.

    With ``existing`` the file must already be a screener review (see :func:`check_review_db`).
    """
    if str(path) == ":memory:":
        db = sqlite_utils.Database(memory=True)
    else:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)
        db = sqlite_utils.Database(conn)
        if existing:
            try:
                _check_tables(db, Path(path))
            except BaseException:
                conn.close()
                raise
        db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new database only: no effect later
        _journal_mode(db, "WAL", BUSY_TIMEOUT)  # waits out an import (bulk_transaction)
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    migrate(db)
    return db


@dataclass
class Review:
    """A review on disk: ``DIR/review.toml`` (the protocol) and ``DIR/review.db``."""

    path: Path
    db: sqlite_utils.Database

    @property
    def protocol_path(self) -> Path:
        return self.path / PROTOCOL_NAME

    def close(self) -> None:
        self.db.close()


def open_review(path: Path | str) -> Review:
    """Open an existing review folder; a clear error when it is not one."""
    folder = Path(path)
    if not (folder / DB_NAME).is_file():
        raise ReviewError(
            f"{folder} is not a review: it has no {DB_NAME}.",
            hint=f"Create one with `screener init {folder}` or pass --review DIR.",
        )
    path = folder / DB_NAME
    check_review_db(path)
    try:
        return Review(folder, connect(path, existing=True))
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc) from None


def damaged(path: Path, exc: sqlite3.Error | str) -> ReviewError:
    """The one sentence for a review.db that SQLite cannot read or that is not ours."""
    why = str(exc).rstrip(".")
    return ReviewError(
        f"{path} is not a screener review (or is damaged): {why}.",
        hint="Restore review.db from a backup, or pass the folder of the review with --review.",
    )


def is_locked(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite giving up on another connection's lock (busy timeout)."""
    return isinstance(exc, sqlite3.OperationalError) and str(exc) == "database is locked"


def locked(path: Path | str) -> ReviewError:
    """The one sentence for a review.db another process kept locked past the busy timeout."""
    return ReviewError(
        f"{path} is busy: another process (the screening app, a dedupe, an import...) kept it "
        f"locked for writing for more than {BUSY_TIMEOUT:g} seconds, so this command stopped "
        "and its unfinished change was not saved.",
        hint="Wait until the other command finishes (or quit the screening app), then run this "
        "one again.",
    )


def check_review_db(path: Path) -> None:
    """A ReviewError unless ``path`` is a regular file starting with SQLite's header."""
    if not path.is_file():
        raise ReviewError(f"{path} is not a screener review: it is not a regular file.")
    with path.open("rb") as handle:
        head = handle.read(16)
    if not head:
        raise damaged(path, "the file is empty")
    if head != b"SQLite format 3\x00":
        raise damaged(path, "it is not an SQLite database")


def _check_tables(db: sqlite_utils.Database, path: Path) -> None:
    """Refuse, before changing anything, a database that screener did not make."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "_migrations" not in tables:
        raise damaged(path, "it has no screener tables (another program's database?)")
    known = {name for name, _ in MIGRATIONS}
    applied = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    if not {"searches", "records", "decisions"} <= tables or "001_initial" not in applied:
        raise damaged(path, "its screener tables are missing")
    newer = sorted(applied - known)
    if newer:
        raise ReviewError(
            f"{path} was written by a newer screener (schema {newer[-1]}).",
            hint="Upgrade screener (pip install -U prisma-screener) to open this review.",
        )


def init_review(path: Path | str, title: str | None = None) -> Review:
    """Create a review folder with a commented review.toml and a migrated review.db."""
    from screener.screening.protocol import protocol_template

    folder = Path(path)
    if (folder / DB_NAME).exists():
        raise ReviewError(f"{folder} already holds a review ({DB_NAME} exists).")
    if folder.exists() and not folder.is_dir():
        raise ReviewError(f"{folder} exists and is not a folder.")
    folder.mkdir(parents=True, exist_ok=True)
    toml = folder / PROTOCOL_NAME
    if not toml.exists():
        toml.write_text(protocol_template(title or folder.resolve().name), encoding="utf-8")
    return Review(folder, connect(folder / DB_NAME))
