"""WAL checkpoints at quiet moments, never inside a key press.

Each decision is one committed transaction appended to review.db's write-ahead log (WAL); it is
durable once committed, whether or not it has been copied into the database file. SQLite copies
the log into the file (a checkpoint) by itself when the log passes 1,000 pages, and it does so
inside the commit that crossed the line: that key press then waited for the copy and its fsync.
The app turns that off for its own connection and checkpoints instead, in a thread with a
connection of its own (SQLite releases Python's lock meanwhile), once the keys have been quiet
for :data:`QUIET_SECONDS` or after :data:`MOST_KEYS` keys without a pause. A checkpoint is
PASSIVE: it copies what no reader still needs and never blocks a writer. Closing the review at
quit checkpoints the rest.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

QUIET_SECONDS = 1.5
TICK_SECONDS = 0.5
MOST_KEYS = 300


class Checkpoints:
    """Checkpoint the review's WAL when the keys are quiet (see the module docstring)."""

    def __init__(self, keys: Callable[[], int], db_path: Path, db: sqlite_utils.Database) -> None:
        self.keys = keys  # the keys pressed so far
        self.db_path = db_path
        self.db = db
        self.done = 0  # checkpoints run (for tests and benchmarks)
        self._seen = 0  # keys_pressed at the last look
        self._since = 0  # keys since the last checkpoint
        self._quiet_from = time.monotonic()
        self._running: threading.Thread | None = None

    def start(self) -> None:
        """From now on the app calls :meth:`tick` every :data:`TICK_SECONDS`."""
        self.db.execute("PRAGMA wal_autocheckpoint=0")  # this connection's commits never copy

    def tick(self) -> None:
        keys = self.keys()
        now = time.monotonic()
        if keys != self._seen:
            self._since += keys - self._seen
            self._seen = keys
            self._quiet_from = now
        quiet = now - self._quiet_from >= QUIET_SECONDS
        if self._since and (quiet or self._since >= MOST_KEYS):
            self.run()

    def run(self) -> None:
        """Start a checkpoint in a thread (unless one is running)."""
        if self._running is not None and self._running.is_alive():
            return
        self._since = 0
        self._running = threading.Thread(target=self._checkpoint, daemon=True, name="checkpoint")
        self._running.start()

    def _checkpoint(self) -> None:
        try:
            conn = sqlite3.connect(str(self.db_path), timeout=5)
        except sqlite3.Error:
            return
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.done += 1
        except sqlite3.Error:
            pass  # busy or gone: the next quiet moment (or closing the review) does it
        finally:
            conn.close()
