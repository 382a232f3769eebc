"""``screener dedupe --review-pairs``: two records side by side, one key per pair.

Fields that differ are highlighted. ``y`` confirms (the two are one work), ``n`` rejects,
``s`` skips (the pair stays in the queue), ``q`` quits. Every decision is stored at once with
the reviewer and the time (``screener.dedupe.decide_pair``) and honoured by every later run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

import sqlite_utils
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from screener.dedupe import Pair, decide_pair, review_queue

# label, column (declared once: the rows of the comparison)
FIELDS: tuple[tuple[str, str], ...] = (
    ("Title", "title"),
    ("Translated title", "title_translated"),
    ("Authors", "authors"),
    ("Year", "year"),
    ("Journal", "journal"),
    ("Volume", "volume"),
    ("Issue", "issue"),
    ("Pages", "pages"),
    ("DOI", "doi"),
    ("PMID", "pmid"),
    ("Language", "language"),
    ("Database", "database"),
    ("Round", "round"),
    ("Abstract", "abstract"),
)
KEY_LINE = " y same work (confirm)   n different works (reject)   s skip   q quit"


def _value(row: dict[str, Any], column: str) -> str:
    value = row.get(column)
    if value is None or value == "":
        return ""
    if column == "authors":
        names = json.loads(value) if isinstance(value, str) else value
        return "; ".join(names[:8]) + (" ..." if len(names) > 8 else "")
    if column == "abstract":
        text = str(value)
        return text[:600] + (" ..." if len(text) > 600 else "")
    return str(value)


def _comparable(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())


def pair_table(pair: Pair, a: dict[str, Any], b: dict[str, Any]) -> Table:
    """The two records side by side; rows whose values differ are highlighted."""
    table = Table(expand=True, show_lines=True)
    table.add_column("", style="bold", width=12, no_wrap=True)
    table.add_column(f"Record {pair.record_a}", ratio=1)
    table.add_column(f"Record {pair.record_b}", ratio=1)
    for label, column in FIELDS:
        va, vb = _value(a, column), _value(b, column)
        if not va and not vb:
            continue
        differs = _comparable(va) != _comparable(vb)
        style = "black on yellow" if differs and va and vb else ("dim" if differs else "")
        table.add_row(label, Text(va or "-", style=style), Text(vb or "-", style=style))
    return table


def _record(db: sqlite_utils.Database, record_id: int) -> dict[str, Any]:
    rows = list(
        db.query(
            "select r.*, s.database, s.round from records r left join searches s"
            " on s.id = r.search_id where r.id = ?",
            [record_id],
        )
    )
    return rows[0] if rows else {}


class PairReviewApp(App[int]):
    """Decide the pairs of the dedupe review queue, best first."""

    TITLE = "screener: duplicate pairs"
    CSS = """
    #top { dock: top; height: 1; background: $primary; color: $text; }
    #keys { dock: bottom; height: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,c", "decide('confirmed')", "confirm"),
        Binding("n,r", "decide('rejected')", "reject"),
        Binding("s", "skip", "skip"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(
        self, db: sqlite_utils.Database, reviewer: str, prefer_databases: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.db = db
        self.reviewer = reviewer
        self.prefer = list(prefer_databases)
        self.queue: list[Pair] = review_queue(db)
        self.position = 0
        self.decided = 0
        self.skipped: set[int] = set()

    def compose(self) -> ComposeResult:
        yield Static(id="top")
        with VerticalScroll():
            yield Static(id="pair")
        yield Static(KEY_LINE, id="keys")

    def on_mount(self) -> None:
        self._show()

    @property
    def current(self) -> Pair | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    def _show(self) -> None:
        top = self.query_one("#top", Static)
        body = self.query_one("#pair", Static)
        pair = self.current
        if pair is None:
            top.update(f" Queue done: {self.decided} decided, {len(self.skipped)} skipped.")
            body.update("No more pairs to review. Press q to quit.")
            return
        top.update(
            f" Pair {self.position + 1} of {len(self.queue)}   rule {pair.rule}   "
            f"score {pair.score:.2f}   decided {self.decided}"
        )
        body.update(
            pair_table(pair, _record(self.db, pair.record_a), _record(self.db, pair.record_b))
        )

    def _advance(self) -> None:
        self.position += 1
        # a confirmation may have joined later pairs into one group already
        waiting = {p.id for p in review_queue(self.db)}
        while self.current is not None and self.current.id not in waiting:
            self.position += 1
        self._show()

    def action_decide(self, status: str) -> None:
        pair = self.current
        if pair is None:
            return
        decide_pair(self.db, pair.id, status, self.reviewer, self.prefer)
        self.decided += 1
        self._advance()

    def action_skip(self) -> None:
        pair = self.current
        if pair is None:
            return
        self.skipped.add(pair.id)
        self._advance()

    async def action_quit(self) -> None:
        self.exit(self.decided)
