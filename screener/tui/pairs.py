"""``screener dedupe --review-pairs``: two records side by side, one key per pair.

The queue comes best first (highest probability of being one work). Fields that differ are
highlighted in the table and named in the header line. ``y`` confirms (the two are one work),
``n`` rejects, ``s`` or ``right``/``j`` moves to the next pair and ``left``/``k`` to the previous
one (both wrap around, so every waiting pair is reachable from the keyboard), ``home``/``end``
go to the best and the last pair, ``q`` quits. A skipped pair stays in the queue. Every
decision is stored at once with the reviewer and the time (``screener.dedupe.decide_pair``)
and honoured by every later run; a confirmation that joins other queued pairs into one group
takes them out of the queue too.
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
KEY_LINE = (
    " y same work (confirm)   n different works (reject)   s/\u2192 next   \u2190 previous"
    "   home/end first/last   q quit"
)


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


def differing(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Labels of the bibliographic fields that both records give and that differ (beyond
    punctuation); where each record came from (database, round) is shown, not counted."""
    out = []
    for label, column in FIELDS:
        if column in ("database", "round"):
            continue
        va, vb = _value(a, column), _value(b, column)
        if va and vb and _comparable(va) != _comparable(vb):
            out.append(label)
    return out


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
        Binding("s,right,j", "move(1)", "next"),
        Binding("left,k", "move(-1)", "previous"),
        Binding("home", "jump(0)", "first"),
        Binding("end", "jump(-1)", "last"),
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
        a, b = _record(self.db, pair.record_a), _record(self.db, pair.record_b)
        differ = ", ".join(differing(a, b)) or "none"
        top.update(
            f" Pair {self.position + 1} of {len(self.queue)}   score {pair.score:.2f}   "
            f"rule {pair.rule}   differ: {differ}   decided {self.decided}"
        )
        body.update(pair_table(pair, a, b))

    def _refresh_queue(self) -> None:
        """Drop pairs decided or joined into one group since; keep the order (best first)."""
        waiting = {p.id for p in review_queue(self.db)}
        self.queue = [p for p in self.queue if p.id in waiting]
        if self.position >= len(self.queue):
            self.position = 0  # wrap to the best pair still waiting

    def action_decide(self, status: str) -> None:
        pair = self.current
        if pair is None:
            return
        decide_pair(self.db, pair.id, status, self.reviewer, self.prefer)
        self.decided += 1
        self.skipped.discard(pair.id)
        self._refresh_queue()  # the next pair moves into this position
        self._show()

    def action_move(self, step: int) -> None:
        pair = self.current
        if pair is None:
            return
        if step > 0:
            self.skipped.add(pair.id)
        self.position = (self.position + step) % len(self.queue)
        self._show()

    def action_jump(self, index: int) -> None:
        if self.queue:
            self.position = index % len(self.queue)
            self._show()

    async def action_quit(self) -> None:
        self.exit(self.decided)
