"""An import writes each page once (a rollback journal for its transaction, not the WAL that
would be written and then copied into review.db), and still leaves the review in WAL mode,
all or nothing, and usable by other connections."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from screener.db import BUSY_TIMEOUT, bulk_transaction, connect, init_review, open_review
from screener.errors import InputError
from screener.searches import import_file

SAMPLE = "".join(
    f"PMID- {100 + i}\nTI  - Title number {i}\nAB  - Abstract {i}\nFAU - Doe, Jane\n"
    f"AU  - Doe J\nSO  - J Test. 2020;{i}:1-2.\n\n"
    for i in range(300)
)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "pubmed.nbib"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def _mode(folder: Path) -> str:
    conn = sqlite3.connect(folder / "review.db")
    try:
        return str(conn.execute("pragma journal_mode").fetchone()[0])
    finally:
        conn.close()


def test_import_runs_under_a_rollback_journal_and_leaves_wal(tmp_path: Path, export: Path) -> None:
    review = init_review(tmp_path / "r")
    seen: list[str] = []
    import_file(
        review,
        export,
        progress=lambda done, total: seen.append(
            review.db.execute("pragma journal_mode").fetchone()[0]
        ),
    )
    assert seen and set(seen) == {"delete"}
    assert review.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    review.close()
    assert _mode(tmp_path / "r") == "wal"
    assert not (tmp_path / "r" / "review.db-journal").exists()
    again = open_review(tmp_path / "r")
    assert again.db.execute("select count(*) from records").fetchone()[0] == 300
    again.close()


def test_import_beside_an_open_connection_keeps_wal(tmp_path: Path, export: Path) -> None:
    review = init_review(tmp_path / "r")
    other = open_review(tmp_path / "r")  # the screening app, say
    assert other.db.execute("select count(*) from records").fetchone()[0] == 0
    seen: list[str] = []
    import_file(
        review,
        export,
        progress=lambda done, total: seen.append(
            review.db.execute("pragma journal_mode").fetchone()[0]
        ),
    )
    assert set(seen) == {"wal"}
    assert other.db.execute("select count(*) from records").fetchone()[0] == 300
    other.close()
    review.close()


def test_a_failed_import_stores_nothing_and_leaves_wal(tmp_path: Path) -> None:
    review = init_review(tmp_path / "r")
    bad = tmp_path / "cut.nbib"
    bad.write_text(SAMPLE + "PMID- 99999\nTI  - Cut short\n", encoding="utf-8")
    with pytest.raises(InputError, match="cut short"):
        import_file(review, bad)
    assert review.db.execute("select count(*) from searches").fetchone()[0] == 0
    assert review.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    review.close()


def test_a_review_opened_during_an_import_waits_for_it(tmp_path: Path) -> None:
    """SQLite refuses a journal-mode change at once (no busy timeout) while another connection
    writes; connect() waits for it instead of failing."""
    folder = tmp_path / "r"
    writer = init_review(folder)
    opened: list[object] = []

    def open_other() -> None:
        try:
            other = open_review(folder)
            opened.append(other.db.execute("select count(*) from searches").fetchone()[0])
            other.close()
        except Exception as exc:  # reported by the assertion below
            opened.append(exc)

    with bulk_transaction(writer.db) as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
        conn.execute(
            "insert into searches (database, file_name, sha256, format, n_records) "
            "values ('PubMed', 'a', 'x', 'medline', 0)"
        )
        thread = threading.Thread(target=open_other)
        thread.start()
        time.sleep(0.4)
        assert opened == []  # still waiting for the writer
    thread.join(BUSY_TIMEOUT)
    assert opened == [1]
    writer.close()
    assert _mode(folder) == "wal"


def test_bulk_transaction_inside_a_transaction_joins_it(tmp_path: Path) -> None:
    db = connect(tmp_path / "x.db")
    db.execute("begin immediate")
    with bulk_transaction(db) as conn:
        conn.execute(
            "insert into searches (database, file_name, sha256, format, n_records) "
            "values ('PubMed', 'a', 'x', 'medline', 0)"
        )
    assert db.conn.in_transaction
    db.execute("rollback")
    assert db.execute("select count(*) from searches").fetchone()[0] == 0
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    db.close()
